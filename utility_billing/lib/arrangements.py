# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A payment arrangement's arithmetic: down payment, installments, what the
customer has kept up. No Odoo import.

An arrangement is a schedule over the past-due balance it covers, never a
second ledger: what was paid is read from the ledger (the covered bills'
residual) and spread over the installments in date order here.

Money is ``Decimal`` in currency units. The down payment is rounded half-up to
the cent; the rest is split in equal installments rounded down to the cent,
the remainder cents on the last one, so the installments add up to the
amount covered exactly.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from dateutil.relativedelta import relativedelta

CENT = Decimal("0.01")
ZERO = Decimal(0)
HUNDRED = Decimal(100)
FREQUENCIES = ("weekly", "biweekly", "monthly")


@dataclass(frozen=True)
class Installment:
    """One payment of the schedule: the down payment (sequence 0) or an installment."""

    sequence: int
    date_due: date
    amount: Decimal
    is_down_payment: bool = False


def down_payment(amount, percent):
    """``percent`` of ``amount``, half-up to the cent (50 % of 187.45 = 93.73)."""
    if amount < 0 or not ZERO <= percent <= HUNDRED:
        raise ValueError(f"down payment of {percent}% on {amount} is not possible")
    return (amount * percent / HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP)


def split_installments(total, count):
    """``total`` in ``count`` installments: equal cents rounded down, the
    remainder cents on the last (149.96 in 3: 49.98, 49.98, 50.00)."""
    if count < 1:
        raise ValueError("an arrangement has at least one installment")
    if total < 0:
        raise ValueError(f"cannot split a negative amount {total}")
    each = (total / count).quantize(CENT, rounding=ROUND_DOWN)
    return [each] * (count - 1) + [total - each * (count - 1)]


def due_dates(first, count, frequency):
    """The ``count`` due dates from ``first``: every week, two weeks or month
    (a month after January 31 is the last day of February)."""
    if frequency not in FREQUENCIES:
        raise ValueError(f"unknown frequency {frequency!r}")
    if frequency == "monthly":
        return [first + relativedelta(months=index) for index in range(count)]
    step = 7 if frequency == "weekly" else 14
    return [first + timedelta(days=step * index) for index in range(count)]


def build_schedule(amount, percent, count, *, date_start, date_first, frequency):
    """The down payment (due on ``date_start``, left out when nothing) and the
    ``count`` installments of the rest from ``date_first``.

    :return: list of :class:`Installment`, in date order; their amounts add up
             to ``amount`` exactly
    """
    down = down_payment(amount, percent)
    schedule = []
    if down:
        schedule.append(Installment(0, date_start, down, True))
    rest = amount - down
    if rest > 0:
        dates = due_dates(date_first, count, frequency)
        schedule += [
            Installment(index, day, value)
            for index, (day, value) in enumerate(
                zip(dates, split_installments(rest, count), strict=True), 1
            )
        ]
    return schedule


def allocate(paid, amounts):
    """What of ``paid`` each installment got, in the order given (date order):
    the oldest installment is filled first; nothing above the amounts."""
    result = []
    left = max(paid, ZERO)
    for amount in amounts:
        share = min(left, amount)
        result.append(share)
        left -= share
    return result


def scheduled_through(schedule, day):
    """What the schedule asks to be paid by ``day`` (installments due on or before it)."""
    return sum((item.amount for item in schedule if item.date_due <= day), ZERO)


def is_behind(amount_covered, schedule, overdue, day):
    """Is the customer behind on ``day``?

    ``overdue`` is everything the ledger holds past due on ``day`` (the covered
    bills still open, and any later bill past its due date): the arrangement
    defers only what its schedule does not yet ask for. Any more is a missed
    installment or a current bill left unpaid.
    """
    deferred = amount_covered - scheduled_through(schedule, day)
    return overdue > deferred
