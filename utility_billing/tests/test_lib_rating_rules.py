# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Pure tests of the published rate rules (no database): prices per period,
partial periods, and the rules that follow. The same cases are billed through
a billing run in ``test_rate_rules.py``."""

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest

from ..lib.rating import (
    Block,
    RateLine,
    RatePlan,
    RateVersion,
    RatingInput,
    partial_fraction,
    plan_factor,
    rate,
    winter_average,
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


class TestWinterAverage:
    """Mulvane, KS: $21.00 + $5.25 per 1,000 gallons of the December to
    February average (see test_rate_rules)."""

    SEWER = (
        RateLine("fixed", "Customer charge", amount="21.00"),
        RateLine("unit", "Sewer", price_unit="5.25"),
    )

    def test_average_per_month(self):
        assert winter_average(D(15), 3) == D(5)
        assert winter_average(D(10), 1, months_per_bill=2) == D(5)
        assert winter_average(D(10), 3) == D("3.333333")

    def test_no_bill_no_average(self):
        with pytest.raises(ValueError, match="at least one bill"):
            winter_average(D(0), 0)

    def test_sewer_on_the_average_whatever_the_use(self):
        p = plan(self.SEWER, volume_basis="winter_average")
        result = rate(p, bill(0, water_usage=D(9), winter_average=D(5)))
        assert amounts(result) == [D("21.00"), D("26.25")]

    def test_lesser_of_average_and_current(self):
        p = plan(self.SEWER, volume_basis="winter_average", winter_lesser_of_current=True)
        result = rate(p, bill(0, water_usage=D(3), winter_average=D(5)))
        assert amounts(result) == [D("21.00"), D("15.75")]


class TestRulesCitiesPublish:
    def test_first_cart_and_each_additional(self):
        """Jackson, GA: $10.00 per cart residential, $4.75 each additional:
        three carts = 10.00 + 2 x 4.75 = 19.50."""
        line = RateLine("cart", "Garbage", price_unit="10.00", additional_price_unit="4.75")
        result = rate(plan([line]), bill(0, cart_count=3))
        assert amounts(result) == [D("10.00"), D("9.50")]
        assert [c.name for c in result.lines] == [
            "Garbage, first cart",
            "Garbage, 2 additional carts",
        ]
        # One cart: the first price only.
        assert amounts(rate(plan([line]), bill(0, cart_count=1))) == [D("10.00")]

    def test_per_dwelling_unit(self):
        """Los Alamos, NM: $13.11 customer charge + $39.54 per dwelling unit a
        month on a shared meter; 8 units = 13.11 + 316.32 = 329.43."""
        lines = (
            RateLine("fixed", "Customer charge", amount="13.11"),
            RateLine("dwelling", "Fixed monthly charge", price_unit="39.54"),
        )
        assert rate(plan(lines), bill(0, dwelling_units=8)).amount_total == D("329.43")

    def test_first_unit_and_each_additional(self):
        """El Cajon, CA: $24.86 for the first unit plus $12.43 for each
        additional; 4 units = 24.86 + 3 x 12.43 = 62.15."""
        line = RateLine("dwelling", "Base", price_unit="24.86", additional_price_unit="12.43")
        assert rate(plan([line]), bill(0, dwelling_units=4)).amount_total == D("62.15")

    def test_program_rate_replaces_the_normal_rate(self):
        """South Bend, IN: the senior trash rate is $7.49 a month instead of the
        normal rate."""
        lines = (
            RateLine("fixed", "Trash", amount="20.00"),
            RateLine(
                "fixed",
                "Senior trash rate",
                amount="7.49",
                discount_program="senior",
                replaces_normal=True,
            ),
        )
        assert amounts(rate(plan(lines), bill(0, discount_program="senior"))) == [D("7.49")]
        assert amounts(rate(plan(lines), bill(0))) == [D("20.00")]

    def test_pass_through_per_thousand_gallons_with_the_city_factor(self):
        """Corbett Water District, OR: 7.48 gallons per cubic foot, $3.95 per
        1,000 gallons. 2,000 cubic feet = 14,960 gallons: 14.96 x 3.95 =
        59.092 = 59.09 (with 7.4805: 14.961 x 3.95 = 59.10)."""
        line = RateLine("passthrough", "State fee", price_unit="3.95")
        result = rate(plan([line], usage_unit="cubic_foot"), bill(2000))
        assert amounts(result) == [D("59.09")]
        assert result.lines[0].quantity == D("14.96")
        exact = RateLine("passthrough", "Fee", price_unit="3.95", gallons_per_cubic_foot="7.4805")
        assert amounts(rate(plan([exact], usage_unit="cubic_foot"), bill(2000))) == [D("59.10")]

    def test_any_fee_code(self):
        line = RateLine("fee", "Collection fee", fee_code="collection_fee", amount="25.00")
        assert not plan([line]).problems

    def test_bad_rules_are_refused(self):
        p = plan(
            [
                RateLine("fixed", "Base", amount="1", additional_price_unit="1"),
                RateLine("fixed", "Program", amount="1", replaces_normal=True),
            ]
        )
        assert any("carts and dwelling units" in problem for problem in p.problems)
        assert any("program rate needs its program" in problem for problem in p.problems)


class TestReadableLines:
    def test_block_above_an_allowance_shows_the_range_billed(self):
        """Kittery Water District, ME (https://kitterywater.org/rates/): 5/8"
        minimum $36.65 a quarter allowing 1,200 cubic feet, next 1,500 cubic
        feet $2.48 per hundred, next 12,000 $2.05. 20 CCF: the block line says
        12-20 ccf (what it billed: from the allowance to the usage), not 0-27
        nor 12-27."""
        lines = (
            RateLine("minimum", "Minimum", amount="36.65", allowance=12),
            RateLine("block", "Water", blocks=(Block(0, "2.48"), Block(27, "2.05"))),
        )
        result = rate(plan(lines, usage_unit="ccf", period_months=3), bill(20, period_factor=3))
        assert [c.name for c in result.lines] == ["Minimum", "Water 12-20 ccf"]
        # 36.65 + 8 x 2.48 = 36.65 + 19.84
        assert amounts(result) == [D("36.65"), D("19.84")]

    def test_prorated_lines_say_their_days(self):
        lines = (
            RateLine("minimum", "Minimum charge", amount="15.44", allowance=3),
            RateLine("block", "Water", blocks=(Block(0, "4.32"), Block(15, "3.25"))),
        )
        p = plan(lines, {"proration": "days"}, usage_unit="ccf")
        result = rate(p, bill(2, service_days=15, period_days=30))
        assert [c.name for c in result.lines] == [
            "Minimum charge, prorated 15 of 30 days",
            "Water 0-15 ccf, prorated 15 of 30 days",
        ]


class TestElectric:
    """Washington Island Electric Cooperative, WI, "Rates" (https://wiec.net/rates/)."""

    def test_energy_blocks_and_customer_charge(self):
        """Rate 1: $53 monthly facility charge, first 2,000 kWh 12.75 cents,
        over 2,000 kWh 10.25 cents. 2,500 kWh: 53.00 + 255.00 + 51.25 = 359.25."""
        lines = (
            RateLine("fixed", "Facility charge", amount="53"),
            RateLine("block", "Energy", blocks=(Block(0, "0.1275"), Block(2000, "0.1025"))),
        )
        result = rate(plan(lines, usage_unit="kwh"), bill(2500))
        assert amounts(result) == [D("53.00"), D("255.00"), D("51.25")]

    def test_demand_per_kw(self):
        """Rate 4 (Large Power): $115 facility charge, $12 per kW of billing
        demand, 10.25 cents a kWh. 40,000 kWh and 150 kW: 115.00 + 1,800.00 +
        4,100.00 = 6,015.00."""
        lines = (
            RateLine("fixed", "Facility charge", amount="115"),
            RateLine("demand", "Demand", price_unit="12"),
            RateLine("unit", "Energy", price_unit="0.1025"),
        )
        result = rate(plan(lines, usage_unit="kwh"), bill(40000, demand_kw=D(150)))
        assert amounts(result) == [D("115.00"), D("1800.00"), D("4100.00")]
        assert result.lines[1].name == "Demand 150 kW"
        # No demand read: no demand charge.
        assert rate(plan(lines, usage_unit="kwh"), bill(100)).amount_total == D("125.25")
