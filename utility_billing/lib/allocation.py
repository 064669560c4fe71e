# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Where a payment goes among an account's open charges (SPEC 2.5). No Odoo import.

An account's open charges are *buckets*: what is still owed on one bill for one
service (water, sewer, a fee...). A payment fills buckets in the order of the
city's policy and keeps what is left as a credit on the account:

``oldest``
    the oldest bill first (due date, then bill date, then bill); inside a bill,
    the services by priority;
``priority``
    the services by priority first (a city that wants sewer and garbage paid
    before water, so that what stays unpaid is what a shut-off can collect),
    then the oldest bill inside each priority.

A lower ``priority`` number is paid first. All amounts are Decimal, in the
currency's smallest unit already (cents): allocation never rounds.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

OLDEST = "oldest"
PRIORITY = "priority"
POLICIES = (OLDEST, PRIORITY)


@dataclass
class Bucket:
    """What is still owed on one bill for one service.

    :param key: the caller's identifier, returned with the allocations
    :param bill: the bill's identifier (the same for every bucket of a bill)
    :param date_due: due date of the bill
    :param date: date of the bill (ties on the due date)
    :param priority: the service's priority, lower first
    :param amount: amount still open (Decimal, >= 0)
    """

    key: object
    bill: object
    date_due: datetime.date
    date: datetime.date
    priority: int
    amount: Decimal


def _sort_key(policy):
    if policy == PRIORITY:
        return lambda b: (b.priority, b.date_due, b.date, str(b.bill), str(b.key))
    if policy == OLDEST:
        return lambda b: (b.date_due, b.date, str(b.bill), b.priority, str(b.key))
    raise ValueError(f"Unknown allocation policy {policy!r}: use one of {', '.join(POLICIES)}.")


def allocate(amount, buckets, policy=OLDEST):
    """Spread ``amount`` over ``buckets`` in the order of ``policy``.

    The buckets are updated in place (their ``amount`` goes down by what was
    allocated), so several payments of one batch on the same account see
    what the previous ones left.

    :param amount: Decimal >= 0
    :param buckets: list of :class:`Bucket`
    :return: (list of (bucket, Decimal allocated) in allocation order, Decimal credit left)
    """
    if amount < 0:
        raise ValueError(f"A payment cannot be negative ({amount}).")
    left = amount
    result = []
    for bucket in sorted(buckets, key=_sort_key(policy)):
        if left <= 0:
            break
        if bucket.amount <= 0:
            continue
        taken = min(left, bucket.amount)
        bucket.amount -= taken
        left -= taken
        result.append((bucket, taken))
    return result, left


def open_buckets(charged, paid, residual, policy=OLDEST):
    """Buckets of one bill from what it charged per service and what is known paid.

    The ledger knows how much of a bill is still open (``residual``); the
    allocations of earlier utility payments say which services they paid.
    When something else reduced the bill (a credit note, an adjustment, a
    payment registered in Odoo directly), the open buckets add up to more than
    the residual: that unknown amount is taken from the buckets in the order
    of the same policy, as if it had been paid through it.

    :param charged: list of :class:`Bucket` with the bill's charged amount per service
    :param paid: dict bucket key -> Decimal already allocated to it
    :param residual: Decimal, the bill's open amount in the ledger
    :return: the same buckets, their ``amount`` now what is open
    """
    for bucket in charged:
        bucket.amount = max(bucket.amount - paid.get(bucket.key, Decimal(0)), Decimal(0))
    unknown = sum((b.amount for b in charged), Decimal(0)) - residual
    if unknown > 0:
        allocate(unknown, charged, policy)
    elif unknown < 0 and charged:
        # More open than charged (a debit adjustment on the bill): it belongs
        # to the bill's first service in the policy's order.
        first = sorted(charged, key=_sort_key(policy))[0]
        first.amount -= unknown
    return charged
