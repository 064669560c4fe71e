# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Customer deposit arithmetic: the amount a rule asks for, and simple interest.

Pure and exact (``Decimal``), so the cents are proven here and on the posted
entries.
"""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from dateutil.relativedelta import relativedelta

CENT = Decimal("0.01")


def round_cents(value):
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def whole_months(date_from: date, date_to: date) -> int:
    """Whole months from ``date_from`` to ``date_to`` (Mar 15 to Apr 14 is 0, to Apr 15 is 1)."""
    if date_to <= date_from:
        return 0
    delta = relativedelta(date_to, date_from)
    return delta.years * 12 + delta.months


def simple_interest(amount, date_from, date_to, rates):
    """Simple interest on ``amount`` held from ``date_from`` to ``date_to`` by whole
    months, each month at the yearly rate of the year it starts in, rounded once
    to cents half-up.

    :param rates: {year: yearly rate in percent (Decimal)}; a year without a
        rate earns nothing
    """
    amount = Decimal(amount)
    total = Decimal(0)
    for month in range(whole_months(date_from, date_to)):
        year = (date_from + relativedelta(months=month)).year
        total += amount * Decimal(rates.get(year, 0)) / Decimal(100) / Decimal(12)
    return round_cents(total)


def average_bill_deposit(bill_totals, multiplier, minimum=0):
    """``multiplier`` x the average of ``bill_totals`` (never below ``minimum``)."""
    totals = [Decimal(str(total)) for total in bill_totals]
    if not totals:
        return round_cents(Decimal(minimum))
    average = sum(totals) / len(totals)
    return max(round_cents(average * Decimal(str(multiplier))), round_cents(Decimal(minimum)))
