# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from decimal import Decimal as D

from odoo.addons.utility_billing.lib.cashiering import (
    DENOMINATIONS,
    cash_total,
    change_due,
    count_drawer,
)


def test_change_is_given_for_cash_only():
    assert change_due(D("48.60"), D("60.00"), "cash") == D("11.40")
    assert change_due(D("48.60"), D("60.00"), "check") == 0
    assert change_due(D("48.60"), D("60.00"), "card") == 0
    assert change_due(D("48.60"), D("60.00"), "money_order") == 0


def test_no_tendered_amount_means_the_exact_amount():
    assert change_due(D("48.60"), None, "cash") == 0
    assert change_due(D("48.60"), D("0"), "cash") == 0
    assert change_due(D("48.60"), D("40.00"), "cash") == 0


def test_cash_total_is_exact():
    assert cash_total([(D("0.10"), 7), (D("0.01"), 3), (D("20.00"), 2)]) == D("40.73")
    assert cash_total([]) == 0
    assert [value for value, _kind in DENOMINATIONS][:3] == [D("100.00"), D("50.00"), D("20.00")]


def test_balanced_drawer():
    result = count_drawer(
        D("150"),
        {"cash": D("120.75"), "check": D("225"), "card": D("55")},
        {"cash": D("270.75"), "check": D("225"), "card": D("55")},
        D("5"),
    )
    assert result.expected["cash"] == D("270.75")
    assert result.over_short == 0
    assert result.difference == {"cash": 0, "check": 0, "card": 0, "money_order": 0}
    assert result.expected_total == result.counted_total == D("550.75")
    assert not result.needs_approval


def test_short_within_the_tolerance():
    result = count_drawer(D("100"), {"cash": D("64.25")}, {"cash": D("164.00")}, D("5"))
    assert result.over_short == D("-0.25")
    assert result.difference["cash"] == D("-0.25")
    assert not result.needs_approval


def test_over_beyond_the_tolerance_needs_a_supervisor():
    result = count_drawer(D("100"), {"cash": D("50")}, {"cash": D("160")}, D("5"))
    assert result.over_short == D("10")
    assert result.needs_approval
    # Exactly the tolerance is accepted.
    assert not count_drawer(D("0"), {"cash": D("50")}, {"cash": D("45")}, D("5")).needs_approval


def test_a_tender_off_needs_a_supervisor_even_when_the_total_balances():
    # A $40 check keyed as cash: cash over 40, checks short 40, total balanced.
    result = count_drawer(D("0"), {"cash": D("40")}, {"cash": D("0"), "check": D("40")}, D("5"))
    assert result.over_short == 0
    assert result.difference["check"] == D("40")
    assert result.needs_approval


def test_nothing_counted_is_all_short():
    result = count_drawer(D("100"), {"cash": D("20"), "check": D("30")}, {}, D("5"))
    assert result.over_short == D("-150")
    assert result.counted_total == 0
