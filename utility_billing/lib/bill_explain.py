# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The "why is my bill different" sentence a bill prints when its usage per day
moved noticeably against the last period, or when the rates changed.

A customer calls about a high bill for three reasons: they used more, the period
was longer, or the rates went up. The message says which, with the numbers the
customer can check on the bill (usage and days of each period, per day so a
35-day period is not "more" only because it is longer). No Odoo import.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .bill_pdf import format_money

HUNDRED = Decimal(100)
# Below this change of the usage per day the message is left out (unless the
# rates changed): a bill within a fifth of the last one needs no explanation.
DEFAULT_THRESHOLD_PERCENT = Decimal(20)


@dataclass(frozen=True)
class PeriodUsage:
    """Metered usage of one period: what the meter read and over how many days."""

    consumption: Decimal
    days: int

    @property
    def per_day(self):
        return self.consumption / self.days if self.days > 0 else None


def _fmt(quantity, places=1):
    exponent = Decimal(1).scaleb(-places)
    return f"{Decimal(quantity).quantize(exponent, rounding=ROUND_HALF_UP):,.{places}f}"


def _describe(usage, unit):
    return f"{_fmt(usage.consumption)} {unit} in {usage.days} days".replace("  ", " ")


def explain_usage(
    current,
    previous=None,
    *,
    last_year=None,
    unit="",
    rate_change=None,
    date_format="%m/%d/%Y",
    threshold=DEFAULT_THRESHOLD_PERCENT,
):
    """The explanation printed on a bill, or None when there is nothing to explain.

    :param current: PeriodUsage of the bill
    :param previous: PeriodUsage of the period before (None: first bill of the meter)
    :param last_year: PeriodUsage of the same period one year earlier, or None
    :param rate_change: date the rates changed since the previous period began, or None
    :param threshold: percent change of the usage per day that calls for an explanation
    :return: str, or None
    """
    if current.days <= 0:
        return None
    change = None
    if previous is not None and previous.per_day:
        change = (current.per_day - previous.per_day) / previous.per_day * HUNDRED
    notable = change is not None and abs(change) >= threshold
    if not notable and rate_change is None:
        return None
    parts = []
    if previous is not None and previous.days > 0:
        sentence = (
            f"Your usage: {_describe(current, unit)} "
            f"({_fmt(current.per_day, 2)} a day); last period {_describe(previous, unit)} "
            f"({_fmt(previous.per_day, 2)} a day)"
        )
        if change is not None and _fmt(abs(change), 0) == "0":
            sentence += ": the same per day"
        elif change is not None:
            more_or_less = "more" if change > 0 else "less"
            sentence += f": {_fmt(abs(change), 0)} % {more_or_less} per day"
        parts.append(sentence + ".")
    if last_year is not None and last_year.days > 0:
        parts.append(f"Same period last year: {_describe(last_year, unit)}.")
    if rate_change is not None:
        parts.append(f"Rates changed on {rate_change.strftime(date_format)}.")
    return "Why this bill differs: " + " ".join(parts)


def closest_period(candidates, target, tolerance_days=20):
    """The (date, value) of ``candidates`` whose date is closest to ``target``,
    within ``tolerance_days``; None when none is close enough."""
    best = None
    for day, value in candidates:
        distance = abs((day - target).days)
        if distance <= tolerance_days and (best is None or distance < best[0]):
            best = (distance, value)
    return best[1] if best else None


def year_before(day):
    """The same day one year earlier (February 29 becomes February 28)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def adjustment_label(kind, date_adjusted_bill, date_printed=None):
    """What an adjustment is called on a bill and a statement: "Leak adjustment
    for the March bill" (the bill's month; its year too when the bill it is
    printed on is of another year: "for the December 2024 bill").

    :param kind: the adjustment kind's name ("Leak")
    :param date_adjusted_bill: the date of the bill that was adjusted
    :param date_printed: the date of the bill or statement it is printed on
    """
    month = MONTHS[date_adjusted_bill.month - 1]
    if date_printed is not None and date_printed.year != date_adjusted_bill.year:
        month = f"{month} {date_adjusted_bill.year}"
    return f"{kind} adjustment for the {month} bill"


def explain_adjustment(kind, date_adjusted_bill, amount, symbol="$", date_printed=None):
    """The line a bill prints for an adjustment posted since the last bill:
    "Leak adjustment for the March bill: -$42.17".

    :param amount: Decimal, signed as it moves the balance (a credit is negative)
    """
    return explain_entry(adjustment_label(kind, date_adjusted_bill, date_printed), amount, symbol)


def explain_entry(label, amount, symbol="$"):
    """The line a bill prints for an entry posted since the last bill (an
    adjustment, a deposit billed): "<label>: <signed amount>"."""
    return f"{label}: {format_money(amount, symbol)}"


def deposit_label(date_billed, date_format="%m/%d/%Y"):
    """What a customer deposit billed is called on a bill and a statement:
    "Customer deposit billed 03/02/2025"."""
    return f"Customer deposit billed {date_billed.strftime(date_format)}"


def fee_label(name, date_charged, date_format="%m/%d/%Y"):
    """What a fee charged between two bills is called on the next bill: its own
    line's text and the day it was charged, "Late fee on INV/2025/00012
    (charged 02/10/2025)"."""
    return f"{name} (charged {date_charged.strftime(date_format)})"


def explain_level_pay(installment, current, deferred, symbol="$"):
    """The level-pay line of a bill: the installment, the bill's actual charges
    and the deferred balance the plan carries (what the ledger holds beyond the
    installments):

    "Level pay: your installment is $60.11. Actual charges this bill: $90.00;
    deferred balance: $54.78."
    """
    return (
        f"Level pay: your installment is {format_money(installment, symbol)}. "
        f"Actual charges this bill: {format_money(current, symbol)}; "
        f"deferred balance: {format_money(deferred, symbol)}."
    )
