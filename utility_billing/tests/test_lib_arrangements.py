# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The payment arrangement's arithmetic (``lib/arrangements.py``), cents by hand.

Rules used (published by the utilities):

- Water District 7 (waterdistrict7.com/policies/payment-plan): before a
  disconnect, "Past Due Amounts less than $250 require 20% down with balance
  paid within 120 days"; after one, "less than $250 require 50% down".
- Northern Kentucky Water District (nkywater.org, Rates and Regulations
  section VII): "If the total arrears prior to termination is less than
  $150.00, the customer may apply for up to a 30 day extension. The customer
  must pay 1/3 of the bill at the time of application."
"""

from datetime import date
from decimal import Decimal as D

import pytest

from ..lib import arrangements


def test_water_district_7_before_disconnect():
    # $187.45 past due: 20 % down = 37.49 (37.490); 149.96 over 3 months:
    # 149.96 / 3 = 49.9866.. -> 49.98, 49.98 and the remainder 50.00.
    schedule = arrangements.build_schedule(
        D("187.45"),
        D(20),
        3,
        date_start=date(2025, 2, 20),
        date_first=date(2025, 3, 20),
        frequency="monthly",
    )
    assert [(i.date_due, i.amount, i.is_down_payment) for i in schedule] == [
        (date(2025, 2, 20), D("37.49"), True),
        (date(2025, 3, 20), D("49.98"), False),
        (date(2025, 4, 20), D("49.98"), False),
        (date(2025, 5, 20), D("50.00"), False),
    ]
    assert sum(i.amount for i in schedule) == D("187.45")


def test_water_district_7_after_disconnect():
    # 50 % of 187.45 = 93.725 -> 93.73 (half-up); 93.72 in 2: 46.86 each.
    schedule = arrangements.build_schedule(
        D("187.45"),
        D(50),
        2,
        date_start=date(2025, 2, 20),
        date_first=date(2025, 3, 6),
        frequency="biweekly",
    )
    assert [(i.date_due, i.amount) for i in schedule] == [
        (date(2025, 2, 20), D("93.73")),
        (date(2025, 3, 6), D("46.86")),
        (date(2025, 3, 20), D("46.86")),
    ]


def test_northern_kentucky_extension():
    # 1/3 of $100.00 down (33.33 %): 33.33; the extension's one installment 66.67.
    schedule = arrangements.build_schedule(
        D("100.00"),
        D("33.33"),
        1,
        date_start=date(2025, 2, 20),
        date_first=date(2025, 3, 20),
        frequency="monthly",
    )
    assert [i.amount for i in schedule] == [D("33.33"), D("66.67")]


def test_no_down_payment_and_nothing_left():
    assert [
        i.amount
        for i in arrangements.build_schedule(
            D("10.00"),
            D(0),
            3,
            date_start=date(2025, 1, 1),
            date_first=date(2025, 2, 1),
            frequency="weekly",
        )
    ] == [D("3.33"), D("3.33"), D("3.34")]
    full = arrangements.build_schedule(
        D("80.00"),
        D(100),
        3,
        date_start=date(2025, 1, 1),
        date_first=date(2025, 2, 1),
        frequency="monthly",
    )
    assert [(i.amount, i.is_down_payment) for i in full] == [(D("80.00"), True)]


def test_month_end_due_dates():
    assert arrangements.due_dates(date(2025, 1, 31), 3, "monthly") == [
        date(2025, 1, 31),
        date(2025, 2, 28),
        date(2025, 3, 31),
    ]
    assert arrangements.due_dates(date(2025, 1, 31), 2, "weekly") == [
        date(2025, 1, 31),
        date(2025, 2, 7),
    ]


def test_allocate_in_date_order():
    assert arrangements.allocate(D("60.00"), [D("37.49"), D("49.98"), D("50.00")]) == [
        D("37.49"),
        D("22.51"),
        D(0),
    ]
    assert arrangements.allocate(D("-5"), [D("1.00")]) == [D(0)]


def test_is_behind_counts_missed_installments_and_unpaid_bills():
    schedule = arrangements.build_schedule(
        D("187.45"),
        D(20),
        3,
        date_start=date(2025, 2, 20),
        date_first=date(2025, 3, 20),
        frequency="monthly",
    )
    # Down payment paid, first installment not yet due: 149.96 deferred.
    assert not arrangements.is_behind(D("187.45"), schedule, D("149.96"), date(2025, 3, 19))
    # On March 20 only 99.98 is deferred: 149.96 open is behind.
    assert arrangements.is_behind(D("187.45"), schedule, D("149.96"), date(2025, 3, 20))
    # Installment paid but a $60.00 bill past due: behind as well.
    assert arrangements.is_behind(D("187.45"), schedule, D("159.98"), date(2025, 3, 20))
    assert not arrangements.is_behind(D("187.45"), schedule, D("99.98"), date(2025, 3, 20))


@pytest.mark.parametrize(
    "call",
    [
        lambda: arrangements.split_installments(D("10"), 0),
        lambda: arrangements.split_installments(D("-1"), 2),
        lambda: arrangements.down_payment(D("10"), D("101")),
        lambda: arrangements.due_dates(date(2025, 1, 1), 2, "daily"),
    ],
)
def test_bad_input_is_refused(call):
    with pytest.raises(ValueError):
        call()
