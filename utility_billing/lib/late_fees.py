# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Late fee arithmetic: exact cents from a city's late fee rule, no ORM.

A rule charges ``flat + base x percent``, rounded half-up to the cent, then
raised to its minimum and capped at its maximum; nothing is charged when the
base is below the rule's threshold. The date from which a fee may be charged
is the penalty date plus the grace days, counted as calendar days or as
working days (Monday to Friday, minus the given holidays).
"""

from dataclasses import dataclass
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal(0)
HUNDRED = Decimal(100)

AGING_BUCKETS = ("current", "1_30", "31_60", "61_90", "90_plus")


@dataclass(frozen=True)
class LateFeeRule:
    """The money part of a late fee rule (amounts in the currency's units)."""

    percent: Decimal = ZERO
    amount_fixed: Decimal = ZERO
    amount_min: Decimal = ZERO
    amount_max: Decimal = ZERO  # zero: no maximum
    amount_threshold: Decimal = ZERO


def _exact(value):
    return value if isinstance(value, Decimal) else Decimal(str(value or 0))


def late_fee(rule, base):
    """The late fee of ``base`` (the unpaid amount the rule charges on).

    >>> late_fee(LateFeeRule(percent=Decimal(10)), Decimal("45.67"))
    Decimal('4.57')
    >>> late_fee(LateFeeRule(amount_fixed=Decimal(20), percent=Decimal(1)), Decimal("150.00"))
    Decimal('21.50')
    """
    base = _exact(base)
    if base <= ZERO or base < _exact(rule.amount_threshold):
        return ZERO.quantize(CENT)
    fee = _exact(rule.amount_fixed) + base * _exact(rule.percent) / HUNDRED
    fee = fee.quantize(CENT, ROUND_HALF_UP)
    fee = max(fee, _exact(rule.amount_min))
    if _exact(rule.amount_max) > ZERO:
        fee = min(fee, _exact(rule.amount_max))
    return fee.quantize(CENT, ROUND_HALF_UP)


def add_grace_days(day, grace_days, working_days=False, holidays=()):
    """The first day a fee may be charged: ``day`` plus ``grace_days``.

    Working days skip Saturdays, Sundays and ``holidays``; a penalty date
    plus 0 grace days is the penalty date itself.
    """
    if not working_days:
        return day + timedelta(days=grace_days)
    holidays = set(holidays)
    left = grace_days
    while left > 0:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in holidays:
            left -= 1
    return day


def aging_bucket(date_maturity, as_of):
    """The aging bucket of an amount due on ``date_maturity`` seen on ``as_of``."""
    if not date_maturity or date_maturity >= as_of:
        return "current"
    days = (as_of - date_maturity).days
    if days <= 30:
        return "1_30"
    if days <= 60:
        return "31_60"
    if days <= 90:
        return "61_90"
    return "90_plus"


def is_charged(compounding, is_late_fee, was_charged):
    """Whether an open invoice is part of a late fee's base under ``compounding``.

    - ``none``: late fees never bear a fee; a bill bears one fee.
    - ``once``: every open invoice bears one fee, late fees included.
    - ``monthly``: every open invoice bears a fee every month it stays unpaid.
    """
    if compounding == "monthly":
        return True
    if is_late_fee and compounding == "none":
        return False
    return not was_charged


__all__ = [
    "AGING_BUCKETS",
    "LateFeeRule",
    "add_grace_days",
    "aging_bucket",
    "is_charged",
    "late_fee",
]
