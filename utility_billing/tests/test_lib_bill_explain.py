# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The "why this bill differs" sentence (no database)."""

from datetime import date
from decimal import Decimal

from ..lib.bill_explain import (
    PeriodUsage,
    adjustment_label,
    closest_period,
    deposit_label,
    explain_adjustment,
    explain_entry,
    explain_usage,
    year_before,
)

D = Decimal


def test_more_usage_per_day_is_explained_with_the_numbers():
    text = explain_usage(PeriodUsage(D(14), 28), PeriodUsage(D(7), 31), unit="kgal")
    assert text == (
        "Why this bill differs: Your usage: 14.0 kgal in 28 days (0.50 a day); last period "
        "7.0 kgal in 31 days (0.23 a day): 121 % more per day."
    )


def test_a_longer_period_alone_is_no_change():
    # 35 days at the same 0.25 a day as 28 days: nothing to explain.
    assert explain_usage(PeriodUsage(D("8.75"), 35), PeriodUsage(D(7), 28), unit="kgal") is None
    # Within the threshold either way: nothing either.
    assert explain_usage(PeriodUsage(D(8), 30), PeriodUsage(D(7), 30)) is None
    assert explain_usage(PeriodUsage(D("5.5"), 30), PeriodUsage(D(7), 30)) is not None


def test_less_usage_last_year_and_a_rate_change():
    text = explain_usage(
        PeriodUsage(D(3), 30),
        PeriodUsage(D(9), 30),
        last_year=PeriodUsage(D("3.2"), 31),
        unit="ccf",
        rate_change=date(2026, 7, 1),
    )
    assert text == (
        "Why this bill differs: Your usage: 3.0 ccf in 30 days (0.10 a day); last period "
        "9.0 ccf in 30 days (0.30 a day): 67 % less per day. Same period last year: "
        "3.2 ccf in 31 days. Rates changed on 07/01/2026."
    )


def test_a_rate_change_is_explained_even_at_the_same_usage():
    text = explain_usage(
        PeriodUsage(D(7), 31),
        PeriodUsage(D(7), 31),
        unit="kgal",
        rate_change=date(2026, 7, 1),
        date_format="%d/%m/%Y",
    )
    assert text.endswith("(0.23 a day): the same per day. Rates changed on 01/07/2026.")


def test_first_bill_and_empty_periods():
    # No previous period: only a rate change is worth a sentence.
    assert explain_usage(PeriodUsage(D(7), 31)) is None
    assert explain_usage(PeriodUsage(D(7), 31), rate_change=date(2026, 7, 1)) == (
        "Why this bill differs: Rates changed on 07/01/2026."
    )
    assert explain_usage(PeriodUsage(D(7), 0), PeriodUsage(D(1), 30)) is None
    # A previous period without days cannot be compared.
    assert explain_usage(PeriodUsage(D(7), 31), PeriodUsage(D(0), 0)) is None


def test_closest_period_and_year_before():
    target = date(2025, 3, 3)
    candidates = [(date(2025, 2, 1), "feb"), (date(2025, 3, 5), "mar"), (date(2025, 4, 2), "apr")]
    assert closest_period(candidates, target) == "mar"
    assert closest_period(candidates, date(2025, 5, 30)) is None
    assert closest_period([], target) is None
    assert year_before(date(2026, 3, 3)) == date(2025, 3, 3)
    assert year_before(date(2028, 2, 29)) == date(2027, 2, 28)


def test_adjustment_line_names_the_bill_adjusted():
    assert (
        explain_adjustment("Leak", date(2025, 3, 15), D("-42.17"))
        == "Leak adjustment for the March bill: -$42.17"
    )
    # Printed on a bill of another year: the year is said.
    assert (
        explain_adjustment(
            "Courtesy", date(2024, 12, 15), D("-1234.5"), date_printed=date(2025, 1, 15)
        )
        == "Courtesy adjustment for the December 2024 bill: -$1,234.50"
    )
    assert adjustment_label("Leak", date(2025, 3, 1), date(2025, 4, 1)) == (
        "Leak adjustment for the March bill"
    )


def test_deposit_line_names_the_day_it_was_billed():
    assert deposit_label(date(2025, 3, 2)) == "Customer deposit billed 03/02/2025"
    assert deposit_label(date(2025, 3, 2), "%d/%m/%Y") == "Customer deposit billed 02/03/2025"
    assert explain_entry(deposit_label(date(2025, 3, 2)), D("150")) == (
        "Customer deposit billed 03/02/2025: $150.00"
    )
