# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Percentiles, change in percent and typed usages of the rate what-if."""

from decimal import Decimal

from odoo.addons.utility_billing.lib.whatif import change_percent, parse_usages, weighted_percentile


def test_percentile_of_a_known_distribution():
    """1..100 once each: the 10th percentile is 10, the median 50, the 90th 90
    (PostgreSQL: percentile_disc(0.1) WITHIN GROUP (ORDER BY generate_series(1, 100)))."""
    counts = [(value, 1) for value in range(100, 0, -1)]
    assert [weighted_percentile(counts, p) for p in (10, 50, 90)] == [10, 50, 90]


def test_percentile_with_counts():
    """70 bills of 4 kgal, 20 of 9, 10 of 30: the 10th and 50th percentiles are 4,
    the 90th 9 (the 90th bill), the 91st percentile 30."""
    counts = [(Decimal(30), 10), (Decimal(4), 70), (Decimal(9), 20)]
    assert weighted_percentile(counts, 10) == 4
    assert weighted_percentile(counts, 50) == 4
    assert weighted_percentile(counts, 70) == 4
    assert weighted_percentile(counts, 71) == 9
    assert weighted_percentile(counts, 90) == 9
    assert weighted_percentile(counts, 91) == 30
    assert weighted_percentile([], 50) is None


def test_change_percent():
    assert change_percent(Decimal("217.55"), Decimal("227.48")) == Decimal("4.6")
    assert change_percent(Decimal("80.00"), Decimal("90.00")) == Decimal("12.5")
    assert change_percent(Decimal("90.00"), Decimal("80.00")) == Decimal("-11.1")
    assert change_percent(0, 5) is None


def test_parse_usages():
    assert parse_usages("10, 0 5;5  2.50") == (
        [Decimal(0), Decimal("2.5"), Decimal(5), Decimal(10)],
        [],
    )
    assert parse_usages("") == ([], [])
    values, problems = parse_usages("5, ten, -1")
    assert values == [Decimal(5)]
    assert problems == ["'ten' is not a number", "-1 is not a usage (0 or more)"]
    assert parse_usages(" ".join(str(n) for n in range(25)))[1] == ["at most 20 usages (got 25)"]
