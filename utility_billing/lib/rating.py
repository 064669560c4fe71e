# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Rating engine: price one service period of one account under a rate schedule.

This module is the ONLY place a utility charge is computed. It is pure Python
(no Odoo import): the ORM builds a :class:`RatePlan` once per batch
(``utility.rate.schedule._get_rate_plan()``) and calls :func:`rate` per account.

Service period
    Half-open ``[date_from, date_to)``: ``date_from`` is the previous read date,
    ``date_to`` the current read date, and the period counts
    ``days = (date_to - date_from).days`` days. The usage of the day ``date_to``
    belongs to the next bill, so consecutive bills never count a day twice.

Versions and proration
    A version prices the days from its ``date_start`` until the next version
    starts. When a version starts strictly inside the period, the period is
    split at that day into segments. Each segment has the exact weight
    ``Fraction(segment days, period days)``. The usage is allocated to the
    segments by weight: every segment but the last gets ``usage x weight``
    rounded DOWN to the quantity quantum, and the last segment takes the
    remainder, so segment usages always add up exactly to the usage. Per segment:

    * fixed (base), minimum, cart and ERU charges are multiplied by
      ``period_factor x weight``;
    * block thresholds and minimum allowances are multiplied by ``weight``,
      and also by ``period_factor`` when the schedule scales its blocks with
      the period. Scaled thresholds are rounded half-up to the quantity quantum.

    ``period_factor`` is how many standard periods the bill covers: 1 for an
    ordinary monthly bill whatever the month length, 2 for a 60-day bill on a
    monthly schedule, days / standard days for a partial (final) bill. The
    caller decides it; this module never guesses it from the day count. A
    ``fractions.Fraction`` factor (17/28 for 17 days of a 28-day period) is
    kept exact, so a prorated charge is rounded once, to the cent.

Volume, outside city, discounts
    The volume a schedule prices comes from its basis (own meter, the
    account's water usage, or its winter average), times ``volume_percent``,
    capped at ``volume_cap x period_factor`` (see :func:`billed_volume`).
    Outside city limits, the lines that apply the multiplier have their prices
    multiplied by the version's ``outside_multiplier``. A discount line takes
    its percent off the charges before it in its segment, for accounts in its
    program. A schedule pricing base charges by meter size (or carts by size)
    refuses an input whose size it has no price for, rather than under-bill.

Quantities
    Usage is expressed in the schedule's usage unit and rounded half-up to six
    decimals (QUANTITY_QUANTUM: a thousandth of a gallon when the unit is kgal)
    before rating. Block quantities are then exact at six decimals, so a block
    line reads ``quantity x unit price = amount`` and can be checked by hand.

Rounding rule (one per rate line, field ``rounding``)
    All arithmetic is exact (Decimal under a 1000-digit context, and
    ``fractions.Fraction`` once day weights are involved); money is rounded
    only to cents, ROUND_HALF_UP (a half cent goes away from
    zero, so a 0.005 charge is 0.01 and a 0.005 credit is -0.01).

    * ``block`` (default): every block of a block line is its own charge line,
      rounded to cents on its own; the line's charge is the sum of the rounded
      blocks.
    * ``line``: the exact amounts of all the blocks are added first and the
      total is rounded once, giving a single charge line.

    Components other than blocks yield one amount each, rounded once: the two
    modes are the same for them. A discount is the percentage of the rounded
    charges before it in its segment, rounded half-up. The total of a result
    is the sum of its rounded line amounts, never a separately rounded figure.

Every ChargeLine carries its ``amount`` (authoritative) with the quantity and
unit price it comes from; quantities of fixed, cart and ERU charges and unit
prices after the outside-city multiplier are shown rounded to six decimals
while the amount is computed from the exact values.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import MAX_EMAX, MIN_EMIN, ROUND_DOWN, ROUND_HALF_UP, Context, Decimal
from fractions import Fraction
from itertools import pairwise

ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)
CENT = Decimal("0.01")
QUANTITY_QUANTUM = Decimal("0.000001")
# Quantities in a line's label: a thousandth of the unit (a gallon when it is kgal).
LABEL_QUANTUM = Decimal("0.001")
# Wide enough that adding and multiplying the inputs of a bill never rounds:
# Decimal arithmetic under it is exact, and rounding happens only where we say.
_EXACT = Context(prec=1000, rounding=ROUND_HALF_UP, Emax=MAX_EMAX, Emin=MIN_EMIN)

COMPONENTS = (
    "fixed",
    "minimum",
    "block",
    "unit",
    "passthrough",
    "cart",
    "dwelling",
    "eru",
    "demand",
    "discount",
    "fee",
)
# Components that price consumption and therefore share the usage above allowances.
USAGE_COMPONENTS = ("block", "unit")
# Components priced per item, the first one apart when the line says so.
ITEM_COMPONENTS = ("cart", "dwelling")
# Gallons in a cubic foot, as most cities state it (the exact figure is 7.4805...).
GALLONS_PER_CUBIC_FOOT = Decimal("7.48")
_CUBIC_FEET_PER_UNIT = {"cubic_foot": Decimal(1), "ccf": Decimal(100)}
_GALLONS_PER_UNIT = {"gallon": Decimal(1), "kgal": Decimal(1000)}
ROUNDINGS = ("block", "line")
VOLUME_BASES = ("meter", "water", "winter_average")
# How a version prorates the charges per period of a service delivered on part
# of the period (see :func:`partial_fraction`).
PRORATIONS = ("days", "days_30", "divisor", "none")
FEE_CODES = ("late_fee", "nsf", "reconnect", "door_hanger", "deposit")
DISCOUNT_PROGRAMS = ("senior", "low_income")
# Components the outside-city multiplier does not touch unless told otherwise.
NO_MULTIPLIER_COMPONENTS = ("discount", "fee")

UNIT_LABELS = {
    "gallon": "gal",
    "kgal": "kgal",
    "cubic_foot": "cf",
    "ccf": "ccf",
    "kwh": "kWh",
}


def to_decimal(value):
    """Exact Decimal of a number: floats go through their shortest repr.

    Odoo reads ``numeric`` columns of Float fields back as Python floats; their
    repr is the shortest string that round-trips, which is the stored decimal
    for any value of at most 15 significant digits.
    """
    if value is None:
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, Fraction):
        raise TypeError("convert a Fraction with round_fraction()")
    return Decimal(value)


def round_fraction(value, quantum=CENT, rounding=ROUND_HALF_UP):
    """Round an exact number (Fraction, Decimal, int) to ``quantum``, exactly.

    ROUND_HALF_UP rounds a tie away from zero, ROUND_DOWN towards zero, as
    Decimal does. No context precision intervenes whatever the size.
    """
    if rounding not in (ROUND_HALF_UP, ROUND_DOWN):
        raise ValueError(f"unsupported rounding {rounding}")
    quantum = Decimal(quantum)
    if not isinstance(value, Fraction):
        return Decimal(value).quantize(quantum, rounding=rounding, context=_EXACT)
    steps = value / Fraction(quantum)
    whole, rest = divmod(abs(steps.numerator), steps.denominator)
    if rounding == ROUND_HALF_UP and 2 * rest >= steps.denominator:
        whole += 1
    sign = "-" if steps < 0 else ""
    # From a string: exact, whatever the number of digits.
    return _EXACT.multiply(Decimal(f"{sign}{whole}"), quantum).quantize(quantum, context=_EXACT)


def _mul(left, right):
    """Exact product: Decimal while both sides are (an exact context), else Fraction."""
    if isinstance(left, Fraction) or isinstance(right, Fraction):
        return Fraction(left) * Fraction(right)
    return _EXACT.multiply(Decimal(left), Decimal(right))


def _sum(values):
    """Exact sum of Decimals (and Fractions, then a Fraction)."""
    total = ZERO
    for value in values:
        if isinstance(value, Fraction) or isinstance(total, Fraction):
            total = Fraction(total) + Fraction(value)
        else:
            total = _EXACT.add(total, value)
    return total


def round_cents(value):
    """Money rounding of this module: to the cent, ROUND_HALF_UP."""
    return round_fraction(value, CENT, ROUND_HALF_UP)


def _quantity(value):
    return round_fraction(value, QUANTITY_QUANTUM, ROUND_HALF_UP)


def _tidy(value, places=0):
    """Drop trailing zeros, keeping at least ``places`` decimals: 18.50, 6.375, 5."""
    tidy = value.normalize()
    if tidy.as_tuple().exponent > -places:
        tidy = tidy.quantize(Decimal(1).scaleb(-places))
    return tidy


def _fmt(value):
    """Plain decimal text of a quantity: 5, 2.5, 0.483871 (never 5E+1)."""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text


def _label_quantity(value):
    """A quantity as a label shows it: to LABEL_QUANTUM, trailing zeros dropped."""
    return _fmt(round_fraction(value, LABEL_QUANTUM, ROUND_HALF_UP))


# ----------------------------------------------------------------------
# Configuration, mirroring the ORM records
# ----------------------------------------------------------------------
def _coerce(obj, names):
    # Frozen dataclasses: normalise numbers once, at construction.
    for name in names:
        value = getattr(obj, name)
        if value is not None and not isinstance(value, Decimal):
            object.__setattr__(obj, name, to_decimal(value))


@dataclass(frozen=True)
class Block:
    """One block of a block line.

    The block runs from ``quantity_from`` (included) to the next block's
    ``quantity_from`` (excluded); the last block is open-ended. Thresholds are
    per standard period, in the schedule's usage unit.
    """

    quantity_from: Decimal
    price_unit: Decimal

    def __post_init__(self):
        _coerce(self, ("quantity_from", "price_unit"))


@dataclass(frozen=True)
class RateLine:
    """One component of a rate version (see COMPONENTS).

    * ``amount``: fixed, minimum and fee amount (for a percent fee, its minimum);
    * ``price_unit``: price per unit (unit), per cart (cart), per ERU (eru);
    * ``percent``: discount or percent fee, 10 meaning 10 %;
    * ``allowance``: units included in a minimum charge, per standard period;
    * filters: a line applies only when each filter set on it matches the input.
    """

    component: str
    name: str = ""
    id: int | None = None
    sequence: int = 10
    amount: Decimal = ZERO
    price_unit: Decimal = ZERO
    percent: Decimal = ZERO
    allowance: Decimal = ZERO
    blocks: tuple[Block, ...] = ()
    customer_class: str | None = None
    meter_size: str | None = None
    cart_size: str | None = None
    discount_program: str | None = None
    fee_code: str | None = None
    rounding: str = "block"
    apply_outside_multiplier: bool | None = None
    tax_ids: tuple[int, ...] = ()
    # Carts and dwelling units: each one after the first at this price (None:
    # all at ``price_unit``).
    additional_price_unit: Decimal | None = None
    # A program rate: for accounts in ``discount_program``, this line replaces
    # the lines of the same component that name no program.
    replaces_normal: bool = False
    # Pass-through per 1,000 gallons: the city's gallons per cubic foot.
    gallons_per_cubic_foot: Decimal = GALLONS_PER_CUBIC_FOOT

    def __post_init__(self):
        _coerce(
            self,
            (
                "amount",
                "price_unit",
                "percent",
                "allowance",
                "additional_price_unit",
                "gallons_per_cubic_foot",
            ),
        )
        object.__setattr__(self, "blocks", tuple(self.blocks))
        object.__setattr__(self, "tax_ids", tuple(self.tax_ids))
        if self.apply_outside_multiplier is None:
            object.__setattr__(
                self,
                "apply_outside_multiplier",
                self.component not in NO_MULTIPLIER_COMPONENTS,
            )

    @property
    def label(self):
        return self.name or self.component


@dataclass(frozen=True)
class RateVersion:
    """The lines of a schedule in force from ``date_start`` to the next version."""

    date_start: date
    lines: tuple[RateLine, ...] = ()
    id: int | None = None
    outside_multiplier: Decimal = ONE
    # Partial periods (see partial_fraction): the city's own rule.
    proration: str = "days"
    proration_divisor: int = 30
    proration_threshold: int = 0
    prorate_allowance: bool = True

    def __post_init__(self):
        _coerce(self, ("outside_multiplier",))
        # Stable: lines of equal sequence keep the order they were given in.
        object.__setattr__(self, "lines", tuple(sorted(self.lines, key=lambda line: line.sequence)))


@dataclass(frozen=True)
class RatePlan:
    """A rate schedule with all its versions, ready to rate many accounts.

    ``problems`` lists what is wrong with the configuration; rating a plan with
    problems raises ValueError listing them (building one never fails, so one
    bad schedule does not stop a whole batch from being prepared).
    """

    name: str
    versions: tuple[RateVersion, ...] = ()
    id: int | None = None
    code: str = ""
    usage_unit: str = "kgal"
    volume_basis: str = "meter"
    volume_percent: Decimal = HUNDRED
    volume_cap: Decimal = ZERO
    scale_blocks_with_period: bool = False
    # Months of the period the prices are published for: 1 monthly, 2 bimonthly,
    # 3 quarterly. A 28.52-a-month workaround for an 85.55 quarterly charge
    # bills 85.56 a quarter; stated per quarter it bills 85.55.
    period_months: int = 1
    # Winter average: bill the lesser of the average and the water used.
    winter_lesser_of_current: bool = False
    problems: tuple[str, ...] = field(default=(), init=False, compare=False, repr=False)

    def __post_init__(self):
        _coerce(self, ("volume_percent", "volume_cap"))
        object.__setattr__(
            self, "versions", tuple(sorted(self.versions, key=lambda v: v.date_start))
        )
        object.__setattr__(self, "problems", tuple(validate_plan(self)))

    def version_at(self, on_date):
        """The version in force on ``on_date``, or None."""
        found = None
        for version in self.versions:
            if version.date_start > on_date:
                break
            found = version
        return found

    def check(self):
        """Raise ValueError listing every configuration problem, if any."""
        if self.problems:
            raise ValueError(_problem_text(self, self.problems))


# ----------------------------------------------------------------------
# Input and output
# ----------------------------------------------------------------------
@dataclass(frozen=True)
class RatingInput:
    """What is known of one account for one period.

    ``usage`` is in the schedule's usage unit. ``water_usage`` is the account's
    water consumption of the period (sewer on water), ``winter_average`` its
    winter-average water use per standard period (None: use ``water_usage``).
    """

    date_from: date
    date_to: date
    usage: Decimal = ZERO
    period_factor: Decimal = ONE
    meter_size: str | None = None
    customer_class: str | None = None
    is_inside_city: bool = True
    cart_count: int = 0
    cart_size: str | None = None
    eru_count: Decimal = ZERO
    water_usage: Decimal | None = None
    winter_average: Decimal | None = None
    discount_program: str | None = None
    # A service delivered on part of the period: its days of service and the
    # days of the period (None: the whole period). The version's rule turns
    # them into a fraction of the charges per period (partial_fraction).
    service_days: int | None = None
    period_days: int | None = None
    # Dwelling units served (multifamily on one meter).
    dwelling_units: int = 1
    # Electric: the highest demand read in the period, in kW.
    demand_kw: Decimal | None = None

    def __post_init__(self):
        names = ("usage", "eru_count", "water_usage", "winter_average", "demand_kw")
        # A day-prorated factor stays an exact Fraction (see "Service period").
        if not isinstance(self.period_factor, Fraction):
            names += ("period_factor",)
        _coerce(self, names)

    @property
    def days(self):
        return (self.date_to - self.date_from).days


@dataclass(frozen=True)
class Segment:
    """A part of the period priced by one version."""

    date_from: date
    date_to: date
    version: RateVersion
    weight: Fraction
    usage: Decimal

    @property
    def days(self):
        return (self.date_to - self.date_from).days


@dataclass(frozen=True)
class ChargeLine:
    """One line of a bill. ``date_from``/``date_to`` are the half-open range
    of the period this line prices (its segment)."""

    name: str
    component: str
    rate_line_id: int | None
    date_from: date
    date_to: date
    version_date_start: date
    quantity: Decimal
    price_unit: Decimal
    amount: Decimal
    tax_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class RatingResult:
    lines: tuple[ChargeLine, ...]
    amount_total: Decimal
    billed_volume: Decimal
    segments: tuple[Segment, ...]


# ----------------------------------------------------------------------
# Validation
# ----------------------------------------------------------------------
def _problem_text(plan, problems):
    title = plan.name or plan.code or "rate schedule"
    return f"Cannot rate with {title}:\n" + "\n".join(f"- {p}" for p in problems)


def validate_line(line):
    """Problems of one rate line, as a list of sentences (empty: fine)."""
    where = f"line {line.label!r}"
    if line.component not in COMPONENTS:
        return [f"{where}: unknown component {line.component!r}"]
    problems = []
    if line.rounding not in ROUNDINGS:
        problems.append(f"unknown rounding {line.rounding!r}")
    problems.extend(
        f"{name.replace('_', ' ')} cannot be negative"
        for name in ("amount", "price_unit", "percent", "allowance")
        if getattr(line, name) < 0
    )
    if line.component == "block":
        problems.extend(validate_blocks(line.blocks))
    elif line.blocks:
        problems.append("only block lines have blocks")
    if line.component == "discount":
        problems.extend(_discount_problems(line))
    if line.component == "fee":
        problems.extend(_fee_problems(line))
    if line.additional_price_unit is not None and line.component not in ITEM_COMPONENTS:
        problems.append("only carts and dwelling units have a price for additional ones")
    if line.additional_price_unit is not None and line.additional_price_unit < 0:
        problems.append("the additional price cannot be negative")
    if line.replaces_normal and not line.discount_program:
        problems.append("a program rate needs its program")
    if line.component == "passthrough" and line.gallons_per_cubic_foot <= 0:
        problems.append("the gallons per cubic foot must be positive")
    return [f"{where}: {problem}" for problem in problems]


def _discount_problems(line):
    problems = []
    if not ZERO < line.percent <= HUNDRED:
        problems.append("a discount percent must be above 0 and at most 100")
    if line.discount_program not in DISCOUNT_PROGRAMS:
        problems.append("a discount needs its program (senior or low income)")
    return problems


def _fee_problems(line):
    problems = []
    if not line.fee_code:
        problems.append("a fee needs a fee code")
    if line.percent > HUNDRED:
        problems.append("a fee percent cannot exceed 100")
    if not line.amount and not line.percent:
        problems.append("a fee needs an amount or a percent")
    return problems


def validate_blocks(blocks):
    """Problems of a block table: at least one block, the first from 0,
    thresholds strictly ascending (no overlap), nothing negative."""
    if not blocks:
        return ["a block line needs at least one block"]
    problems = []
    if blocks[0].quantity_from != 0:
        problems.append(f"the first block must start at 0, not {_fmt(blocks[0].quantity_from)}")
    for previous, block in pairwise(blocks):
        if block.quantity_from <= previous.quantity_from:
            problems.append(
                f"blocks overlap: a block from {_fmt(block.quantity_from)} follows a block "
                f"from {_fmt(previous.quantity_from)} (thresholds must be strictly ascending)"
            )
    for block in blocks:
        if block.quantity_from < 0:
            problems.append(f"block from {_fmt(block.quantity_from)}: negative threshold")
        if block.price_unit < 0:
            problems.append(f"block from {_fmt(block.quantity_from)}: negative price")
    return problems


def validate_plan(plan):
    """Problems of a whole plan (all versions, all lines), as a list."""
    problems = []
    if plan.volume_basis not in VOLUME_BASES:
        problems.append(f"unknown volume basis {plan.volume_basis!r}")
    if not ZERO <= plan.volume_percent <= HUNDRED:
        problems.append("the volume percent must be between 0 and 100")
    if plan.volume_cap < 0:
        problems.append("the volume cap cannot be negative")
    if not 1 <= plan.period_months <= 12:
        problems.append("prices are stated for 1 to 12 months")
    if not plan.versions:
        problems.append("the schedule has no version")
    seen = set()
    for version in plan.versions:
        if version.date_start in seen:
            problems.append(f"two versions start on {version.date_start.isoformat()}")
        seen.add(version.date_start)
        if version.outside_multiplier <= 0:
            problems.append(
                f"version of {version.date_start.isoformat()}: "
                "the outside-city multiplier must be positive"
            )
        problems.extend(
            f"version of {version.date_start.isoformat()}: {p}"
            for p in _proration_problems(version)
        )
        fee_keys = set()
        for line in version.lines:
            problems.extend(
                f"version of {version.date_start.isoformat()}, {p}" for p in validate_line(line)
            )
            if line.component == "fee" and line.fee_code:
                key = (line.fee_code, line.customer_class)
                if key in fee_keys:
                    problems.append(
                        f"version of {version.date_start.isoformat()}: "
                        f"two fees with the code {line.fee_code}"
                        + (f" for the class {line.customer_class}" if line.customer_class else "")
                    )
                fee_keys.add(key)
    return problems


def _proration_problems(version):
    if version.proration not in PRORATIONS:
        return [f"unknown partial-period rule {version.proration!r}"]
    if version.proration == "divisor" and (
        version.proration_divisor <= 0 or version.proration_threshold <= 0
    ):
        return ["a partial-period divisor rule needs a divisor and a threshold above 0"]
    return []


def validate_input(rating_input):
    """Problems of a rating input, as a list."""
    problems = []
    inp = rating_input
    if inp.date_from is None or inp.date_to is None:
        return ["the period needs a start and an end date"]
    if inp.date_to < inp.date_from:
        problems.append(
            f"the period ends ({inp.date_to.isoformat()}) before it starts "
            f"({inp.date_from.isoformat()})"
        )
    if inp.period_factor <= 0:
        problems.append("the period factor must be positive")
    for name in ("usage", "eru_count", "water_usage", "winter_average", "demand_kw"):
        value = getattr(inp, name)
        if value is not None and value < 0:
            problems.append(f"{name.replace('_', ' ')} cannot be negative")
    if inp.cart_count < 0:
        problems.append("cart count cannot be negative")
    if inp.dwelling_units < 0:
        problems.append("dwelling units cannot be negative")
    if inp.service_days is not None and (
        inp.service_days < 0 or not inp.period_days or inp.period_days <= 0
    ):
        problems.append("days of service need the days of the period, both positive")
    return problems


# ----------------------------------------------------------------------
# Rating
# ----------------------------------------------------------------------
def billed_volume(plan, rating_input):
    """Volume the plan's usage lines price, in the plan's usage unit.

    * ``meter``: the service's own metered usage;
    * ``water``: the account's water usage;
    * ``winter_average``: the winter average per month times the months of
      the bill; when the schedule bills the lesser of the average and the
      current use, never more than the water actually used. Without a winter
      average (the schedule's rule for accounts without one says to), the
      water usage is used.

    Then ``volume_percent`` of it is billed, capped at ``volume_cap x
    period_factor`` when a cap is set; the result is rounded half-up to the
    quantity quantum.
    """
    inp = rating_input
    if plan.volume_percent == HUNDRED and not plan.volume_cap:
        # The common case, without leaving Decimal: the usage itself.
        if plan.volume_basis == "meter":
            return _quantity(inp.usage)
        if plan.volume_basis == "water" and inp.water_usage is not None:
            return _quantity(inp.water_usage)
    if plan.volume_basis == "water":
        if inp.water_usage is None:
            raise ValueError(
                _problem_text(
                    plan, ["this schedule charges on the water usage: enter the water usage"]
                )
            )
        volume = Fraction(inp.water_usage)
    elif plan.volume_basis == "winter_average":
        if inp.winter_average is None:
            if inp.water_usage is None:
                raise ValueError(_problem_text(plan, ["give a winter average or the water usage"]))
            volume = Fraction(inp.water_usage)
        else:
            volume = Fraction(inp.winter_average) * Fraction(inp.period_factor)
            if plan.winter_lesser_of_current and inp.water_usage is not None:
                volume = min(volume, Fraction(inp.water_usage))
    else:
        volume = Fraction(inp.usage)
    volume = volume * Fraction(plan.volume_percent) / 100
    if plan.volume_cap:
        volume = min(volume, Fraction(plan.volume_cap) * Fraction(plan_factor(plan, inp)))
    return _quantity(volume)


def winter_average(total, bills, months_per_bill=1):
    """Average use per month of ``bills`` bills of ``months_per_bill`` months
    that used ``total`` together, half-up to the quantity quantum:
    4 + 5 + 6 kgal over three monthly bills is 5 kgal a month.

    :raises ValueError: without any bill
    """
    if bills <= 0 or months_per_bill <= 0:
        raise ValueError("a winter average needs at least one bill")
    return _quantity(Fraction(to_decimal(total)) / (bills * months_per_bill))


def plan_factor(plan, rating_input):
    """Periods of the schedule's own prices the bill covers, exactly.

    ``period_factor`` counts months (1 an ordinary monthly bill, 2 a 60-day
    bill on a monthly cycle, 3 a quarterly bill); prices are stated for
    ``plan.period_months`` months. A quarterly schedule on a quarterly bill is
    1: its $85.55 base charge bills $85.55. A Decimal when exact, else a
    Fraction, so a prorated charge is still rounded once.
    """
    factor = rating_input.period_factor
    if plan.period_months == 1:
        return factor
    exact = Fraction(factor) / plan.period_months
    decimal = round_fraction(exact, Decimal("1e-12"))
    return decimal.normalize() if Fraction(decimal) == exact else exact


def _partial_days(version, period_days):
    """The days a prorated charge is divided by, as a bill says it."""
    return {"days_30": 30, "divisor": version.proration_divisor}.get(version.proration, period_days)


def partial_fraction(version, service_days, period_days):
    """Share of the charges per period a service delivered ``service_days`` of a
    ``period_days``-day period pays, under the version's own rule:

    * ``days``: days of service over days of the period (15 of 30 days: 1/2);
    * ``days_30``: days of service over 30, at most the whole charge;
    * ``divisor``: under ``proration_threshold`` days of service, days over
      ``proration_divisor`` ("under 25 days, 1/30 of the monthly charge per
      day"); from the threshold on, the whole charge;
    * ``none``: the whole charge (a full minimum).

    :return: exact Fraction in ]0, 1] (1 when the period is whole or unknown)
    """
    if service_days is None or not period_days or service_days >= period_days:
        return Fraction(1)
    rule = version.proration
    if rule == "days":
        share = Fraction(service_days, period_days)
    elif rule == "days_30":
        share = Fraction(service_days, 30)
    elif rule == "divisor":
        if service_days >= version.proration_threshold:
            return Fraction(1)
        share = Fraction(service_days, version.proration_divisor)
    else:
        return Fraction(1)
    return min(share, Fraction(1))


def split_period(plan, date_from, date_to, usage):
    """Cut ``[date_from, date_to)`` at every version start inside it.

    :return: tuple of Segment whose usages add up exactly to ``usage``
    :raises ValueError: when no version is in force on ``date_from``
    """
    first = plan.version_at(date_from)
    if first is None:
        raise ValueError(_problem_text(plan, [f"no version in force on {date_from:%m/%d/%Y}"]))
    cuts = [(date_from, first)]
    cuts.extend(
        (version.date_start, version)
        for version in plan.versions
        if date_from < version.date_start < date_to
    )
    total_days = (date_to - date_from).days
    usage = Decimal(usage)
    segments = []
    allocated = ZERO
    for index, (start, version) in enumerate(cuts):
        end = cuts[index + 1][0] if index + 1 < len(cuts) else date_to
        if index + 1 == len(cuts):
            weight = 1 - sum((s.weight for s in segments), Fraction(0))
            part = usage - allocated
        else:
            weight = Fraction((end - start).days, total_days)
            # Rounded down so the remainder left to the last segment is never negative.
            part = round_fraction(Fraction(usage) * weight, QUANTITY_QUANTUM, ROUND_DOWN)
            allocated += part
        segments.append(Segment(start, end, version, weight, part))
    return tuple(segments)


def _applies(line, inp):
    return (
        (not line.customer_class or line.customer_class == inp.customer_class)
        and (not line.meter_size or line.meter_size == inp.meter_size)
        and (not line.cart_size or line.cart_size == inp.cart_size)
        and (not line.discount_program or line.discount_program == inp.discount_program)
    )


def _missing_sized_charges(version, inp):
    """Sized charges a schedule defines but not for this input's size.

    A schedule pricing its base charge by meter size (or carts by size) that
    has no price for the account's size would silently under-bill: refuse it.
    """
    problems = []
    in_class = [
        line
        for line in version.lines
        if not line.customer_class or line.customer_class == inp.customer_class
    ]
    sized_base = [
        line for line in in_class if line.component in ("fixed", "minimum") and line.meter_size
    ]
    if sized_base and not any(line.meter_size == inp.meter_size for line in sized_base):
        problems.append(
            f"version of {version.date_start.isoformat()} has no base charge for meter size "
            f"{inp.meter_size or '(none given)'}"
        )
    sized_carts = [line for line in in_class if line.component == "cart" and line.cart_size]
    if (
        inp.cart_count
        and sized_carts
        and not any(line.cart_size == inp.cart_size for line in sized_carts)
    ):
        problems.append(
            f"version of {version.date_start.isoformat()} has no cart price for cart size "
            f"{inp.cart_size or '(none given)'}"
        )
    return problems


def _scaled(value, factor):
    return _quantity(_mul(value, factor))


class _SegmentRater:
    """Rates one segment; collects its charge lines in order."""

    def __init__(self, plan, segment, inp, suffix):
        self.plan = plan
        self.segment = segment
        self.inp = inp
        self.suffix = suffix
        # Decimal while the segment is the whole period (the common case, and
        # fast); an exact Fraction when a version change splits it.
        periods = plan_factor(plan, inp)
        factor = periods if plan.scale_blocks_with_period else ONE
        if segment.weight == 1:
            self.charge_factor = periods
            self.threshold_factor = factor
        else:
            self.charge_factor = _mul(periods, segment.weight)
            self.threshold_factor = _mul(factor, segment.weight)
        # A service delivered on part of the period: the version's own rule.
        self.partial = partial_fraction(segment.version, inp.service_days, inp.period_days)
        self.partial_label = ""
        if self.partial != 1:
            days = _partial_days(segment.version, inp.period_days)
            self.partial_label = f", prorated {inp.service_days} of {days} days"
        if self.partial != 1:
            self.charge_factor = _mul(self.charge_factor, self.partial)
            if segment.version.prorate_allowance:
                self.threshold_factor = _mul(self.threshold_factor, self.partial)
        self.multiplier = ONE if inp.is_inside_city else segment.version.outside_multiplier
        self.covered = ZERO
        self.lines = []
        self.unit = UNIT_LABELS.get(plan.usage_unit, plan.usage_unit or "")

    def _emit(self, line, name, *, quantity, price_unit, amount):
        self.lines.append(
            ChargeLine(
                name=name + self.suffix,
                component=line.component,
                rate_line_id=line.id,
                date_from=self.segment.date_from,
                date_to=self.segment.date_to,
                version_date_start=self.segment.version.date_start,
                quantity=_tidy(quantity),
                price_unit=_tidy(price_unit, 2),
                amount=amount,
                tax_ids=line.tax_ids,
            )
        )

    def _price(self, line, price):
        """Exact price after the outside-city multiplier, and its display value."""
        exact = _mul(price, self.multiplier) if line.apply_outside_multiplier else price
        return exact, _quantity(exact)

    def rate(self):
        lines = [
            line
            for line in self.segment.version.lines
            if line.component != "fee" and _applies(line, self.inp)
        ]
        # A program rate replaces the normal lines of its component.
        replaced = {line.component for line in lines if line.replaces_normal}
        for line in lines:
            if line.component in replaced and not line.discount_program:
                continue
            getattr(self, f"_rate_{line.component}")(line)
        return self.lines

    def _rate_fixed(self, line):
        price, shown = self._price(line, line.amount)
        self._emit(
            line,
            line.label + self.partial_label,
            quantity=_quantity(self.charge_factor),
            price_unit=shown,
            amount=round_cents(_mul(price, self.charge_factor)),
        )

    def _rate_minimum(self, line):
        self._rate_fixed(line)
        # Several minimums (one per class or size) never stack their allowances.
        self.covered = max(self.covered, _scaled(line.allowance, self.threshold_factor))

    def _usage_above_allowance(self):
        return max(self.segment.usage - self.covered, ZERO)

    def _rate_unit(self, line):
        quantity = self._usage_above_allowance()
        if not quantity:
            return
        price, shown = self._price(line, line.price_unit)
        self._emit(
            line,
            line.label,
            quantity=quantity,
            price_unit=shown,
            amount=round_cents(_mul(quantity, price)),
        )

    def _rate_block(self, line):
        usage = self.segment.usage
        thresholds = [_scaled(b.quantity_from, self.threshold_factor) for b in line.blocks]
        pieces = []
        for index, block in enumerate(line.blocks):
            low = thresholds[index]
            high = thresholds[index + 1] if index + 1 < len(thresholds) else None
            start = max(low, self.covered)
            end = usage if high is None else min(usage, high)
            if end <= start:
                continue
            price, shown = self._price(line, block.price_unit)
            quantity = end - start
            name = self._block_name(line, index, start, high, end)
            pieces.append((name, quantity, shown, _mul(quantity, price)))
        if not pieces:
            return
        if line.rounding == "line":
            quantity = _sum(p[1] for p in pieces)
            exact = _sum(p[3] for p in pieces)
            self._emit(
                line,
                line.label,
                quantity=quantity,
                price_unit=_quantity(Fraction(exact) / Fraction(quantity)),
                amount=round_cents(exact),
            )
            return
        for name, quantity, shown, exact in pieces:
            self._emit(line, name, quantity=quantity, price_unit=shown, amount=round_cents(exact))

    def _block_name(self, line, index, start, high, end):
        """What a block line says: the range actually billed, from the
        allowance or the block's start to the usage or the block's end (an
        allowance of 4.989 kgal and 14.989 kgal used in a 4.989-54.851 block:
        "4.989-14.989 kgal", not "0-54.851"), in the unit shown to a thousandth
        (a gallon when the unit is kgal). When the thresholds were prorated to
        odd quantities (a partial period), the published block and the days
        say it instead of "0-0.483871 kgal"."""
        if self.partial != 1 and self.segment.version.prorate_allowance:
            low = line.blocks[index].quantity_from
            top = line.blocks[index + 1].quantity_from if index + 1 < len(line.blocks) else None
            shown = f"over {_fmt(low)}" if top is None else f"{_fmt(low)}-{_fmt(top)}"
            return f"{line.label} {shown} {self.unit}{self.partial_label}"
        low = _label_quantity(start)
        if high is None:
            return f"{line.label} over {low} {self.unit}"
        top = _label_quantity(end)
        if top == low:  # a sliver of a block (a millionth above its edge): say it exactly
            top = _fmt(end)
        return f"{line.label} {low}-{top} {self.unit}"

    def _rate_per_item(self, line, count, name=None, price_unit=None):
        if not count:
            return
        quantity = _mul(count, self.charge_factor)
        price, shown = self._price(line, line.price_unit if price_unit is None else price_unit)
        self._emit(
            line,
            (name or line.label) + self.partial_label,
            quantity=_quantity(quantity),
            price_unit=shown,
            amount=round_cents(_mul(quantity, price)),
        )

    def _rate_passthrough(self, line):
        """A fee per 1,000 gallons on all the usage, converted from cubic feet
        with the city's own factor (7.48 gallons a cubic foot, not 7.4805)."""
        usage = self.segment.usage
        unit = self.plan.usage_unit
        if not usage:
            return
        if unit in _CUBIC_FEET_PER_UNIT:
            gallons = _mul(_mul(usage, _CUBIC_FEET_PER_UNIT[unit]), line.gallons_per_cubic_foot)
        else:
            gallons = _mul(usage, _GALLONS_PER_UNIT.get(unit, ONE))
        quantity = _quantity(Fraction(gallons) / 1000)
        price, shown = self._price(line, line.price_unit)
        self._emit(
            line,
            f"{line.label} per 1,000 gal",
            quantity=quantity,
            price_unit=shown,
            amount=round_cents(_mul(quantity, price)),
        )

    def _rate_items(self, line, count, first_label, others_label):
        """Per cart / per dwelling unit; the first one apart when the line
        prices additional ones differently."""
        if not count:
            return
        if line.additional_price_unit is None or count == 1:
            self._rate_per_item(line, count)
            return
        self._rate_per_item(line, 1, f"{line.label}, {first_label}")
        self._rate_per_item(
            line,
            count - 1,
            f"{line.label}, {count - 1} {others_label}",
            line.additional_price_unit,
        )

    def _rate_demand(self, line):
        """Electric demand: price per kW of the period's demand reading. A
        demand is what the meter peaked at, never prorated or scaled."""
        demand = self.inp.demand_kw
        if not demand:
            return
        quantity = _mul(demand, self.segment.weight) if self.segment.weight != 1 else demand
        price, shown = self._price(line, line.price_unit)
        self._emit(
            line,
            f"{line.label} {_fmt(demand)} kW",
            quantity=_quantity(quantity),
            price_unit=shown,
            amount=round_cents(_mul(quantity, price)),
        )

    def _rate_cart(self, line):
        self._rate_items(line, self.inp.cart_count, "first cart", "additional carts")

    def _rate_dwelling(self, line):
        self._rate_items(line, self.inp.dwelling_units, "first unit", "additional units")

    def _rate_eru(self, line):
        self._rate_per_item(line, self.inp.eru_count)

    def _rate_discount(self, line):
        base = _sum(c.amount for c in self.lines if c.component != "discount")
        if not base:
            return
        amount = -round_cents(Fraction(_mul(base, line.percent)) / 100)
        self._emit(line, line.label, quantity=ONE, price_unit=amount, amount=amount)


def rate(plan, rating_input):
    """Rate one account's period under ``plan``.

    :param plan: RatePlan (see ``utility.rate.schedule._get_rate_plan()``)
    :param rating_input: RatingInput
    :return: RatingResult; fees are never part of it (see :func:`fee_line`)
    :raises ValueError: listing every problem of the configuration or input
    """
    problems = list(plan.problems) + validate_input(rating_input)
    if problems:
        raise ValueError(_problem_text(plan, problems))
    inp = rating_input
    volume = billed_volume(plan, inp)
    segments = split_period(plan, inp.date_from, inp.date_to, volume)
    for segment in segments:
        problems.extend(_missing_sized_charges(segment.version, inp))
    if problems:
        raise ValueError(_problem_text(plan, problems))
    lines = []
    for segment in segments:
        suffix = ""
        if len(segments) > 1:
            last_day = segment.date_to - timedelta(days=1)
            suffix = f" ({segment.date_from.isoformat()} to {last_day.isoformat()})"
        lines.extend(_SegmentRater(plan, segment, inp, suffix).rate())
    return RatingResult(
        lines=tuple(lines),
        amount_total=_sum(line.amount for line in lines).quantize(CENT, context=_EXACT),
        billed_volume=volume,
        segments=segments,
    )


# ----------------------------------------------------------------------
# Fees for other workflows (late fee, NSF, reconnect, door hanger, deposit)
# ----------------------------------------------------------------------
def fee_line(plan, fee_code, on_date, base_amount=None, customer_class=None):
    """The fee ``fee_code`` of the version in force on ``on_date``.

    A fee line for the customer's class wins over a fee line for every class
    (a deposit may depend on the class). A fixed fee is its amount. A percent
    fee (late fee: 10 % of the past-due amount) is ``percent x base_amount``
    rounded half-up to the cent, and at least the line's amount when one is set
    (a minimum late fee).

    :return: ChargeLine dated ``[on_date, on_date + 1 day)``, or None when the
        version defines no such fee
    :raises ValueError: bad configuration, no version in force, or a percent
        fee without its base amount
    """
    plan.check()
    version = plan.version_at(on_date)
    if version is None:
        raise ValueError(_problem_text(plan, [f"no version in force on {on_date:%m/%d/%Y}"]))
    candidates = [
        line
        for line in version.lines
        if line.component == "fee"
        and line.fee_code == fee_code
        and line.customer_class in (None, customer_class)
    ]
    if not candidates:
        return None
    line = max(candidates, key=lambda line: line.customer_class is not None)
    amount = line.amount
    if line.percent:
        if base_amount is None:
            raise ValueError(
                _problem_text(plan, [f"the fee {fee_code} is a percent: give its base amount"])
            )
        base = max(to_decimal(base_amount), ZERO)
        amount = max(round_cents(Fraction(base) * Fraction(line.percent) / 100), line.amount)
    amount = amount.quantize(CENT)
    return ChargeLine(
        name=line.label,
        component="fee",
        rate_line_id=line.id,
        date_from=on_date,
        date_to=on_date + timedelta(days=1),
        version_date_start=version.date_start,
        quantity=ONE,
        price_unit=amount,
        amount=amount,
        tax_ids=line.tax_ids,
    )


def fee_amount(plan, fee_code, on_date, base_amount=None, customer_class=None):
    """Amount of :func:`fee_line`, or None when the schedule has no such fee."""
    line = fee_line(plan, fee_code, on_date, base_amount, customer_class)
    return None if line is None else line.amount
