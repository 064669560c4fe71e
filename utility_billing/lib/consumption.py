# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Consumption from register readings, with rollover and meter exchanges.

A meter register has ``dials`` digits and wraps to zero at ``10 ** dials``. The
consumption between two readings is the register difference times the meter's
multiplier. Everything is computed with :class:`~decimal.Decimal` so a reading
of 1234.567 minus 1000.000 is exactly 234.567, never 234.56699999.

Nothing here touches the database.
"""

from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal(0)

# A register that went backwards is read as a rollover only when the previous
# reading sat in the top part of the dial range (``ROLLOVER_TOP_FRACTION`` of the
# capacity and above) ...
ROLLOVER_TOP_FRACTION = Decimal("0.5")
# ... and the wrapped consumption is small next to the capacity of the register
# (or under the account's high-usage limit when the caller knows it). A misread
# of a few digits gives a huge wrapped consumption and fails both tests.
ROLLOVER_MAX_FRACTION = Decimal("0.1")

NEGATIVE_ROLLOVER = "rollover"
NEGATIVE_METER_CHANGE = "meter_change"
NEGATIVE_MISREAD = "misread"


def to_decimal(value):
    """Exact Decimal of an int, str, Decimal or float (floats through their repr).

    Odoo hands Float fields over as Python floats: ``Decimal(str(0.1))`` is
    ``Decimal('0.1')`` where ``Decimal(0.1)`` would carry the binary error.
    """
    if value is None or value is False:
        return ZERO
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value)


def register_capacity(dials):
    """Number of distinct register values: the register wraps to 0 at this value."""
    dials = int(dials or 0)
    if dials <= 0:
        raise ValueError("a register has at least one dial")
    return Decimal(10) ** dials


def simple_consumption(previous, value, multiplier=1):
    """(value - previous) x multiplier; negative when the register went backwards."""
    return (to_decimal(value) - to_decimal(previous)) * to_decimal(multiplier)


def rollover_consumption(previous, value, dials, multiplier=1):
    """Consumption when the register wrapped past zero once.

    (10 ** dials - previous + value) x multiplier.
    """
    capacity = register_capacity(dials)
    return (capacity - to_decimal(previous) + to_decimal(value)) * to_decimal(multiplier)


def is_plausible_rollover(previous, value, dials, multiplier=1, *, high_limit=None):
    """Whether a register that went backwards more likely wrapped than was misread.

    Plausible when both hold:

    - the previous reading was in the top part of the dial range
      (at least ``ROLLOVER_TOP_FRACTION`` of the capacity), and
    - the wrapped register movement is under ``ROLLOVER_MAX_FRACTION`` of the
      capacity, or the wrapped consumption (times the multiplier) is within
      ``high_limit`` (the account's high-usage limit for the period) when given.

    :param high_limit: Decimal consumption limit, or None when unknown
    """
    previous = to_decimal(previous)
    value = to_decimal(value)
    if value >= previous:
        return False
    capacity = register_capacity(dials)
    if previous < capacity * ROLLOVER_TOP_FRACTION:
        return False
    wrapped = capacity - previous + value
    if wrapped <= capacity * ROLLOVER_MAX_FRACTION:
        return True
    return high_limit is not None and wrapped * to_decimal(multiplier) <= to_decimal(high_limit)


def classify_negative(
    previous, value, dials, multiplier=1, *, meter_changed=False, high_limit=None
):
    """Explain a register that went backwards.

    - ``"meter_change"`` when the meter was changed or reinstalled between the two
      readings (the two numbers do not belong to one register run),
    - ``"rollover"`` when the register plausibly wrapped (see
      :func:`is_plausible_rollover`),
    - ``"misread"`` otherwise: one of the two readings is wrong.
    """
    if meter_changed:
        return NEGATIVE_METER_CHANGE
    if is_plausible_rollover(previous, value, dials, multiplier, high_limit=high_limit):
        return NEGATIVE_ROLLOVER
    return NEGATIVE_MISREAD


def reading_consumption(previous, value, dials, multiplier=1, read_type="actual"):
    """Consumption of one reading and whether the register rolled over.

    - an ``initial`` reading (a meter put in service) starts a register run:
      consumption 0;
    - without a previous reading there is nothing to subtract: consumption 0;
    - a ``final`` reading, like any other, counts up to its own value;
    - a register that went backwards is a rollover when plausible, otherwise the
      consumption stays negative so the read edits hold it for review.

    :param previous: Decimal previous register value, or None
    :return: tuple (Decimal consumption, bool is_rollover)
    """
    if read_type == "initial" or previous is None:
        return ZERO, False
    consumption = simple_consumption(previous, value, multiplier)
    if consumption < 0 and is_plausible_rollover(previous, value, dials, multiplier):
        return rollover_consumption(previous, value, dials, multiplier), True
    return consumption, False


def exchange_consumption(
    old_previous,
    old_final,
    new_initial,
    new_current,
    *,
    old_dials,
    new_dials,
    old_multiplier=1,
    new_multiplier=1,
):
    """Consumption of a period in which the meter was exchanged.

    The old meter counts from its last reading to its final reading, the new one
    from its initial reading to the current reading; both are billed in the one
    period. Each side may roll over on its own register.
    """
    old, _rolled = reading_consumption(old_previous, old_final, old_dials, old_multiplier)
    new, _rolled = reading_consumption(new_initial, new_current, new_dials, new_multiplier)
    return old + new


def sum_consumption(values):
    """Exact sum of the consumptions of several readings (e.g. both meters of an exchange)."""
    return sum((to_decimal(value) for value in values), ZERO)


def register_after(previous, consumption, dials, multiplier=1):
    """Register value a meter shows after ``consumption`` from ``previous``.

    Used to turn an estimated consumption into an estimated reading: the register
    moves by consumption / multiplier, rounded half-up to a whole register unit
    (registers show whole units), and wraps at the register capacity.
    """
    multiplier = to_decimal(multiplier) or Decimal(1)
    movement = (to_decimal(consumption) / multiplier).quantize(Decimal(1), ROUND_HALF_UP)
    return (to_decimal(previous) + movement) % register_capacity(dials)
