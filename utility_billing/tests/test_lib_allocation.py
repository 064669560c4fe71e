# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date
from decimal import Decimal as D

import pytest

from odoo.addons.utility_billing.lib.allocation import (
    OLDEST,
    PRIORITY,
    Bucket,
    allocate,
    open_buckets,
)

WATER, SEWER, GARBAGE = 30, 10, 20


def bill(name, due, **services):
    priorities = {"water": WATER, "sewer": SEWER, "garbage": GARBAGE}
    return [
        Bucket((name, service), name, due, due, priorities[service], D(amount))
        for service, amount in services.items()
    ]


def spread(result):
    return [(bucket.key, amount) for bucket, amount in result]


def test_oldest_bill_first_then_services_by_priority():
    buckets = bill("B2", date(2026, 3, 1), water="40", sewer="30") + bill(
        "B1", date(2026, 2, 1), water="25", garbage="10"
    )
    result, credit = allocate(D("50"), buckets, OLDEST)
    assert spread(result) == [
        (("B1", "garbage"), D("10")),
        (("B1", "water"), D("25")),
        (("B2", "sewer"), D("15")),
    ]
    assert credit == 0


def test_priority_policy_pays_a_service_on_every_bill_before_the_next_service():
    buckets = bill("B2", date(2026, 3, 1), water="40", sewer="30") + bill(
        "B1", date(2026, 2, 1), water="25", sewer="5", garbage="10"
    )
    result, credit = allocate(D("60"), buckets, PRIORITY)
    assert spread(result) == [
        (("B1", "sewer"), D("5")),
        (("B2", "sewer"), D("30")),
        (("B1", "garbage"), D("10")),
        (("B1", "water"), D("15")),
    ]
    assert credit == 0


def test_partial_and_over_payment():
    buckets = bill("B1", date(2026, 2, 1), water="25.10")
    result, credit = allocate(D("10.05"), buckets, OLDEST)
    assert spread(result) == [(("B1", "water"), D("10.05"))]
    assert buckets[0].amount == D("15.05")
    result, credit = allocate(D("20.00"), buckets, OLDEST)
    assert spread(result) == [(("B1", "water"), D("15.05"))]
    assert credit == D("4.95")
    assert buckets[0].amount == 0


def test_nothing_open_everything_is_credit():
    result, credit = allocate(D("12.34"), [], OLDEST)
    assert result == [] and credit == D("12.34")


def test_bad_policy_and_negative_amount_refused():
    with pytest.raises(ValueError, match="Unknown allocation policy"):
        allocate(D("1"), bill("B1", date(2026, 1, 1), water="1"), "newest")
    with pytest.raises(ValueError, match="cannot be negative"):
        allocate(D("-1"), [], OLDEST)


def test_open_buckets_subtracts_known_payments_and_spreads_unknown_ones():
    charged = bill("B1", date(2026, 2, 1), water="40", sewer="30", garbage="10")
    # 20 paid on sewer by an earlier utility payment; the ledger says 45 open,
    # so 15 more were paid elsewhere (a credit note): by priority, sewer then garbage.
    buckets = open_buckets(charged, {("B1", "sewer"): D("20")}, D("45"), PRIORITY)
    assert {b.key[1]: b.amount for b in buckets} == {
        "water": D("40"),
        "sewer": D("0"),
        "garbage": D("5"),
    }


def test_open_buckets_debit_adjustment_goes_to_first_service():
    charged = bill("B1", date(2026, 2, 1), water="40", sewer="30")
    buckets = open_buckets(charged, {}, D("75"), OLDEST)
    assert {b.key[1]: b.amount for b in buckets} == {"water": D("40"), "sewer": D("35")}
