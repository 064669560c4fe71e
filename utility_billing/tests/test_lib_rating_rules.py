# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Pure tests of the published rate rules (no database): prices per period,
partial periods, and the rules that follow. The same cases are billed through
a billing run in ``test_rate_rules.py``."""

from datetime import date
from decimal import Decimal
from fractions import Fraction

from ..lib.rating import (
    Block,
    RateLine,
    RatePlan,
    RateVersion,
    RatingInput,
    partial_fraction,
    plan_factor,
    rate,
)

D = Decimal
START = date(2024, 1, 1)


def plan(lines, version=None, **kwargs):
    return RatePlan(
        "Rules",
        versions=(RateVersion(START, tuple(lines), **(version or {})),),
        scale_blocks_with_period=kwargs.pop("scale", True),
        **kwargs,
    )


def bill(usage, date_from=date(2025, 1, 3), date_to=date(2025, 2, 3), **kwargs):
    return RatingInput(date_from=date_from, date_to=date_to, usage=D(usage), **kwargs)


def amounts(result):
    return [line.amount for line in result.lines]


GORHAM = (
    RateLine("fixed", "Meter and billing charge", amount="5.90"),
    RateLine("minimum", "Quarterly minimum", amount="63.14", allowance=12),
    RateLine("unit", "Water", price_unit="4.77"),
)


class TestPricesPerPeriod:
    """Gorham, NH, quarterly rate charges (see test_rate_rules): $5.90 meter
    charge, $63.14 minimum for 12 CCF, $4.77 per CCF, all per quarter."""

    def test_quarterly_prices_on_a_quarterly_bill(self):
        quarterly = plan(GORHAM, usage_unit="ccf", period_months=3)
        result = rate(quarterly, bill(15, period_factor=3))
        # 5.90 + 63.14 + 3 x 4.77 = 83.35
        assert amounts(result) == [D("5.90"), D("63.14"), D("14.31")]
        assert result.amount_total == D("83.35")

    def test_quarterly_prices_on_a_monthly_bill_are_a_third(self):
        quarterly = plan(GORHAM, usage_unit="ccf", period_months=3)
        result = rate(quarterly, bill(5, period_factor=1))
        # 5.90 / 3 = 1.9666 = 1.97; 63.14 / 3 = 21.0466 = 21.05; allowance
        # 12 / 3 = 4 CCF, 1 CCF x 4.77 = 4.77
        assert amounts(result) == [D("1.97"), D("21.05"), D("4.77")]

    def test_an_ordinary_quarterly_charge_is_exact(self):
        """The issue's case: $85.55 a quarter entered per quarter bills 85.55,
        not 3 x 28.52 = 85.56."""
        quarterly = plan([RateLine("fixed", "Base", amount="85.55")], period_months=3)
        assert rate(quarterly, bill(0, period_factor=3)).amount_total == D("85.55")
        monthly = plan([RateLine("fixed", "Base", amount="28.52")])
        assert rate(monthly, bill(0, period_factor=3)).amount_total == D("85.56")

    def test_monthly_schedule_on_a_sixty_day_bill_is_unchanged(self):
        lines = (
            RateLine("minimum", "Minimum", amount="15.44", allowance=3),
            RateLine("block", "Water", blocks=(Block(0, "4.32"), Block(15, "3.25"))),
        )
        result = rate(plan(lines, usage_unit="ccf"), bill(40, period_factor=2))
        # 2 x 15.44; blocks doubled: (30 - 6) x 4.32 + 10 x 3.25
        assert amounts(result) == [D("30.88"), D("103.68"), D("32.50")]

    def test_plan_factor(self):
        assert plan_factor(plan([], period_months=3), bill(0, period_factor=3)) == 1
        assert plan_factor(plan([], period_months=2), bill(0, period_factor=3)) == D("1.5")
        assert plan_factor(plan([], period_months=3), bill(0, period_factor=1)) == Fraction(1, 3)

    def test_bad_period_is_refused(self):
        bad = plan([RateLine("fixed", "Base", amount="1")], period_months=0)
        assert any("1 to 12 months" in problem for problem in bad.problems)


CUSTOMER_CHARGE = (RateLine("fixed", "Customer charge", amount="13.11"),)


def version(rule, **kwargs):
    return RateVersion(START, CUSTOMER_CHARGE, proration=rule, **kwargs)


class TestPartialPeriods:
    """Los Alamos's $13.11 customer charge, 12 days of a 31-day period."""

    def _charge(self, rule, days=12, **kwargs):
        p = RatePlan("Rules", versions=(version(rule, **kwargs),))
        return rate(p, bill(1, service_days=days, period_days=31)).amount_total

    def test_days_over_the_period(self):
        assert self._charge("days") == D("5.07")  # 13.11 x 12/31 = 5.0748

    def test_days_over_thirty(self):
        assert self._charge("days_30") == D("5.24")  # 13.11 x 12/30 = 5.244
        # Never more than the whole charge (31 days of a 31-day period are whole).
        assert partial_fraction(version("days_30"), 31, 31) == 1

    def test_divisor_under_a_threshold(self):
        kwargs = {"proration_divisor": 30, "proration_threshold": 25}
        assert self._charge("divisor", **kwargs) == D("5.24")
        assert self._charge("divisor", days=24, **kwargs) == D("10.49")  # 13.11 x 24/30
        assert self._charge("divisor", days=25, **kwargs) == D("13.11")

    def test_no_proration_bills_the_full_minimum(self):
        assert self._charge("none") == D("13.11")

    def test_whole_period_is_never_prorated(self):
        p = RatePlan("Rules", versions=(version("days"),))
        assert rate(p, bill(1)).amount_total == D("13.11")

    def test_allowance_prorated_or_not(self):
        lines = (
            RateLine("minimum", "Minimum", amount="15.44", allowance=3),
            RateLine("unit", "Water", price_unit="4.32"),
        )
        partial = {"service_days": 12, "period_days": 31}
        prorated = plan(lines, {"proration": "days_30"}, usage_unit="ccf")
        # 15.44 x 12/30 = 6.176; 3 x 12/30 = 1.2 CCF allowance, 0.8 x 4.32 = 3.456
        assert amounts(rate(prorated, bill(2, **partial))) == [D("6.18"), D("3.46")]
        whole = plan(lines, {"proration": "days_30", "prorate_allowance": False})
        assert amounts(rate(whole, bill(2, **partial))) == [D("6.18")]

    def test_bad_rules_are_refused(self):
        p = RatePlan("Rules", versions=(version("divisor", proration_threshold=0),))
        assert any("divisor" in problem for problem in p.problems)
        p = RatePlan("Rules", versions=(version("weekly"),))
        assert any("partial-period rule" in problem for problem in p.problems)
