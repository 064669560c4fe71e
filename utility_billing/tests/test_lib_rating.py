# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Plain unit tests of the rating engine (no database)."""

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ..lib.rating import (
    Block,
    RateLine,
    RatePlan,
    RateVersion,
    RatingInput,
    billed_volume,
    fee_amount,
    fee_line,
    rate,
    round_cents,
    round_fraction,
    split_period,
)

D = Decimal
JULY_2025 = date(2025, 7, 1)
JULY_2026 = date(2026, 7, 1)

WATER_BLOCKS = (Block(0, "4.25"), Block(5, "5.10"), Block(15, "6.35"), Block(30, "7.90"))


def water_lines(base="18.50", blocks=WATER_BLOCKS, rounding="block"):
    return (
        RateLine("fixed", 'Base 5/8"', id=1, sequence=10, amount=base, meter_size="5/8"),
        RateLine("fixed", 'Base 1"', id=2, sequence=11, amount="34.00", meter_size="1"),
        RateLine("block", "Water usage", id=3, sequence=30, blocks=blocks, rounding=rounding),
        RateLine(
            "discount", "Senior discount", id=4, sequence=90, percent=10, discount_program="senior"
        ),
        RateLine("fee", "NSF fee", id=5, sequence=95, fee_code="nsf", amount="30.00"),
    )


def water_plan(scale=True, **line_kwargs):
    return RatePlan(
        "Water",
        versions=(RateVersion(JULY_2025, water_lines(**line_kwargs), outside_multiplier="1.5"),),
        usage_unit="kgal",
        scale_blocks_with_period=scale,
    )


def month(usage, **kwargs):
    """Input of an ordinary monthly bill of a 5/8" residential meter in September 2025."""
    values = {
        "date_from": date(2025, 9, 5),
        "date_to": date(2025, 10, 5),
        "usage": D(usage),
        "meter_size": "5/8",
        "customer_class": "residential",
    }
    values.update(kwargs)
    return RatingInput(**values)


def amounts(result):
    return [line.amount for line in result.lines]


def names(result):
    return [line.name for line in result.lines]


# ----------------------------------------------------------------------
# Rounding helpers
# ----------------------------------------------------------------------
class TestRounding:
    def test_round_cents_is_half_up_away_from_zero(self):
        assert round_cents(D("0.005")) == D("0.01")
        assert round_cents(D("0.015")) == D("0.02")
        assert round_cents(D("0.025")) == D("0.03")  # half-even would give 0.02
        assert round_cents(D("-0.005")) == D("-0.01")
        assert round_cents(D("2.344999999")) == D("2.34")
        assert round_cents(Fraction(37, 6)) == D("6.17")
        assert round_cents(0) == D("0.00")

    def test_round_fraction_exact_whatever_the_size(self):
        huge = D("123456789012345678901234567890.125")
        assert round_cents(huge) == D("123456789012345678901234567890.13")
        assert round_fraction(Fraction(1, 3), D("0.000001")) == D("0.333333")


# ----------------------------------------------------------------------
# Blocks
# ----------------------------------------------------------------------
class TestBlocks:
    def test_usage_exactly_on_a_block_edge_stays_in_the_lower_block(self):
        result = rate(water_plan(), month(5))
        assert names(result) == ['Base 5/8"', "Water usage 0-5 kgal"]
        assert amounts(result) == [D("18.50"), D("21.25")]
        result = rate(water_plan(), month(15))
        assert amounts(result) == [D("18.50"), D("21.25"), D("51.00")]
        assert result.amount_total == D("90.75")

    def test_a_millionth_above_the_edge_opens_the_next_block(self):
        result = rate(water_plan(), month("15.000001"))
        assert names(result)[-1] == "Water usage 15-15.000001 kgal"
        assert result.lines[-1].quantity == D("0.000001")
        assert result.lines[-1].amount == D("0.00")

    def test_zero_usage_bills_the_base_charge_only(self):
        result = rate(water_plan(), month(0))
        assert amounts(result) == [D("18.50")]
        assert result.amount_total == D("18.50")

    def test_all_blocks(self):
        result = rate(water_plan(), month(42))
        assert names(result)[1:] == [
            "Water usage 0-5 kgal",
            "Water usage 5-15 kgal",
            "Water usage 15-30 kgal",
            "Water usage over 30 kgal",
        ]
        assert [line.quantity for line in result.lines[1:]] == [D(5), D(10), D(15), D(12)]
        assert [line.price_unit for line in result.lines[1:]] == [
            D("4.25"),
            D("5.10"),
            D("6.35"),
            D("7.90"),
        ]
        # 18.50 + 21.25 + 51.00 + 95.25 + 94.80
        assert result.amount_total == D("280.80")

    def test_very_large_usage(self):
        result = rate(water_plan(), month(10**9))
        assert result.lines[-1].quantity == D(10**9 - 30)
        assert result.lines[-1].amount == D("7899999763.00")
        assert result.amount_total == D("7899999949.00")  # + 186.00 of lower blocks and base

    def test_meter_size_picks_its_base_charge(self):
        result = rate(water_plan(), month(0, meter_size="1"))
        assert names(result) == ['Base 1"']
        assert result.amount_total == D("34.00")

    def test_declining_blocks(self):
        declining = (Block(0, "6.00"), Block(100, "4.00"), Block(1000, "2.50"))
        plan = water_plan(blocks=declining)
        result = rate(plan, month(1500))
        # 18.50 + 100 x 6 + 900 x 4 + 500 x 2.5
        assert result.amount_total == D("5468.50")

    def test_fees_are_never_on_a_periodic_bill(self):
        result = rate(water_plan(), month(3))
        assert all(line.component != "fee" for line in result.lines)


# ----------------------------------------------------------------------
# Minimum charge with allowance, flat per unit
# ----------------------------------------------------------------------
def minimum_plan(usage_line, scale=False):
    lines = (
        RateLine("minimum", "Minimum charge", sequence=10, amount="25.00", allowance=3),
        usage_line,
    )
    return RatePlan(
        "Minimum", versions=(RateVersion(JULY_2025, lines),), scale_blocks_with_period=scale
    )


class TestMinimum:
    UNIT = RateLine("unit", "Usage", sequence=20, price_unit="5.00")

    def test_usage_inside_the_allowance_costs_nothing_more(self):
        plan = minimum_plan(self.UNIT)
        assert amounts(rate(plan, month(2))) == [D("25.00")]
        assert amounts(rate(plan, month(3))) == [D("25.00")]

    def test_usage_above_the_allowance_is_charged_by_the_later_lines(self):
        result = rate(minimum_plan(self.UNIT), month("4.5"))
        assert amounts(result) == [D("25.00"), D("7.50")]
        assert result.lines[1].quantity == D("1.5")

    def test_blocks_price_the_usage_above_the_allowance_in_their_own_tiers(self):
        blocks = RateLine(
            "block", "Usage", sequence=20, blocks=(Block(0, "4.25"), Block(5, "5.10"))
        )
        result = rate(minimum_plan(blocks), month(7))
        # 3 included; 3 to 5 at 4.25; 5 to 7 at 5.10
        assert [line.quantity for line in result.lines] == [D(1), D(2), D(2)]
        assert amounts(result) == [D("25.00"), D("8.50"), D("10.20")]

    def test_allowance_scales_with_a_longer_period(self):
        plan = minimum_plan(self.UNIT, scale=True)
        result = rate(plan, month(7, period_factor=2))
        assert amounts(result) == [D("50.00"), D("5.00")]


# ----------------------------------------------------------------------
# Proration between versions
# ----------------------------------------------------------------------
def two_version_plan(scale=True):
    v1 = RateVersion(
        JULY_2025,
        (
            RateLine("fixed", "Base", id=1, amount="18.50"),
            RateLine(
                "block", "Usage", id=2, sequence=20, blocks=(Block(0, "4.25"), Block(5, "5.10"))
            ),
        ),
    )
    v2 = RateVersion(
        JULY_2026,
        (
            RateLine("fixed", "Base", id=11, amount="20.00"),
            RateLine(
                "block", "Usage", id=12, sequence=20, blocks=(Block(0, "4.50"), Block(5, "5.40"))
            ),
        ),
    )
    return RatePlan("Water", versions=(v2, v1), scale_blocks_with_period=scale)


class TestProration:
    def test_even_split(self):
        period = RatingInput(date(2026, 6, 16), date(2026, 7, 16), usage=D(12))
        result = rate(two_version_plan(), period)
        assert [s.weight for s in result.segments] == [Fraction(1, 2), Fraction(1, 2)]
        assert [s.usage for s in result.segments] == [D(6), D(6)]
        assert [(line.name, line.quantity, line.amount) for line in result.lines] == [
            ("Base (2026-06-16 to 2026-06-30)", D("0.5"), D("9.25")),
            ("Usage 0-2.5 kgal (2026-06-16 to 2026-06-30)", D("2.5"), D("10.63")),  # 10.625
            ("Usage over 2.5 kgal (2026-06-16 to 2026-06-30)", D("3.5"), D("17.85")),
            ("Base (2026-07-01 to 2026-07-15)", D("0.5"), D("10.00")),
            ("Usage 0-2.5 kgal (2026-07-01 to 2026-07-15)", D("2.5"), D("11.25")),
            ("Usage over 2.5 kgal (2026-07-01 to 2026-07-15)", D("3.5"), D("18.90")),
        ]
        assert result.amount_total == D("77.88")
        assert result.lines[0].version_date_start == JULY_2025
        assert result.lines[3].version_date_start == JULY_2026
        assert (result.lines[3].date_from, result.lines[3].date_to) == (
            JULY_2026,
            date(2026, 7, 16),
        )

    def test_uneven_split_by_days(self):
        # 10 days (June 21-30) at the old rates, 20 days (July 1-20) at the new ones.
        period = RatingInput(date(2026, 6, 21), date(2026, 7, 21), usage=D(10))
        result = rate(two_version_plan(), period)
        assert [s.weight for s in result.segments] == [Fraction(1, 3), Fraction(2, 3)]
        assert [s.usage for s in result.segments] == [D("3.333333"), D("6.666667")]
        assert [(line.quantity, line.amount) for line in result.lines] == [
            (D("0.333333"), D("6.17")),  # 18.50 / 3 = 6.1666...
            (D("1.666667"), D("7.08")),  # 1.666667 x 4.25 = 7.08333...
            (D("1.666666"), D("8.50")),  # 1.666666 x 5.10 = 8.4999966
            (D("0.666667"), D("13.33")),  # 20.00 x 2/3 = 13.333...
            (D("3.333333"), D("15.00")),  # 3.333333 x 4.50 = 14.9999985
            (D("3.333334"), D("18.00")),  # 3.333334 x 5.40 = 18.0000036
        ]
        assert result.amount_total == D("68.08")

    def test_period_starting_on_the_change_day_is_not_split(self):
        result = rate(two_version_plan(), RatingInput(JULY_2026, date(2026, 8, 1), usage=D(1)))
        assert len(result.segments) == 1
        assert amounts(result) == [D("20.00"), D("4.50")]

    def test_period_ending_on_the_change_day_is_all_old_rates(self):
        # The end date is the current read: the change day itself is not in the period.
        result = rate(two_version_plan(), RatingInput(date(2026, 6, 1), JULY_2026, usage=D(1)))
        assert len(result.segments) == 1
        assert amounts(result) == [D("18.50"), D("4.25")]

    def test_zero_day_period(self):
        result = rate(two_version_plan(), RatingInput(JULY_2026, JULY_2026, usage=D(0)))
        assert amounts(result) == [D("20.00")]


# ----------------------------------------------------------------------
# Longer and shorter periods
# ----------------------------------------------------------------------
class TestPeriodLength:
    SIXTY_DAYS = {"date_from": date(2025, 9, 1), "date_to": date(2025, 10, 31)}

    def test_sixty_day_bill_with_scaled_blocks(self):
        result = rate(water_plan(scale=True), month(20, period_factor=2, **self.SIXTY_DAYS))
        assert names(result) == ['Base 5/8"', "Water usage 0-10 kgal", "Water usage 10-20 kgal"]
        assert amounts(result) == [D("37.00"), D("42.50"), D("51.00")]

    def test_sixty_day_bill_without_scaling_keeps_monthly_blocks(self):
        result = rate(water_plan(scale=False), month(20, period_factor=2, **self.SIXTY_DAYS))
        assert amounts(result) == [D("37.00"), D("21.25"), D("51.00"), D("31.75")]

    def test_month_length_does_not_change_an_ordinary_bill(self):
        february = rate(
            water_plan(), month(5, date_from=date(2026, 2, 1), date_to=date(2026, 3, 1))
        )
        march = rate(water_plan(), month(5, date_from=date(2026, 3, 1), date_to=date(2026, 4, 1)))
        assert february.amount_total == march.amount_total == D("39.75")

    def test_partial_final_bill(self):
        # Final bill after 12 days of a 30-day month: period factor 12/30.
        result = rate(water_plan(), month(5, period_factor=D("0.4")))
        assert amounts(result) == [D("7.40"), D("8.50"), D("15.30")]

    def test_day_prorated_factor_stays_exact(self):
        # 5 days of a 28-day period: 14.14 x 5/28 = 2.525 exactly, half-up 2.53. The
        # factor rounded to six decimals (0.178571) would give 2.5249939... = 2.52.
        plan = RatePlan(
            "Base", versions=(RateVersion(JULY_2025, (RateLine("fixed", "Base", amount="14.14"),)),)
        )
        period = month(0, period_factor=Fraction(5, 28))
        assert period.period_factor == Fraction(5, 28)
        result = rate(plan, period)
        assert (result.lines[0].quantity, result.amount_total) == (D("0.178571"), D("2.53"))
        assert rate(plan, month(0, period_factor=D("0.178571"))).amount_total == D("2.52")

    def test_day_prorated_factor_scales_blocks_and_carts(self):
        # 14 days of 28 as a Fraction: blocks halve (0-2.5, 2.5-7.5...), carts halve.
        result = rate(water_plan(scale=True), month(5, period_factor=Fraction(1, 2)))
        assert amounts(result) == [D("9.25"), D("10.63"), D("12.75")]
        carts = rate(
            garbage_plan(), month(0, cart_count=1, cart_size="96", period_factor=Fraction(1, 3))
        )
        assert carts.amount_total == D("7.80")


# ----------------------------------------------------------------------
# Inside / outside city, discounts
# ----------------------------------------------------------------------
class TestOutsideAndDiscounts:
    def test_outside_multiplier(self):
        inside = rate(water_plan(), month(10))
        outside = rate(water_plan(), month(10, is_inside_city=False))
        assert amounts(inside) == [D("18.50"), D("21.25"), D("25.50")]
        # 27.75; 5 x 6.375 = 31.875; 5 x 7.65
        assert amounts(outside) == [D("27.75"), D("31.88"), D("38.25")]
        assert outside.lines[1].price_unit == D("6.375")

    def test_line_without_multiplier(self):
        lines = (RateLine("fixed", "Base", amount="10.00", apply_outside_multiplier=False),)
        plan = RatePlan("x", versions=(RateVersion(JULY_2025, lines, outside_multiplier=2),))
        assert rate(plan, month(0, is_inside_city=False)).amount_total == D("10.00")

    def test_senior_discount(self):
        result = rate(water_plan(), month(10, discount_program="senior"))
        assert result.lines[-1].name == "Senior discount"
        assert result.lines[-1].amount == D("-6.53")  # 10 % of 65.25 = 6.525
        assert result.amount_total == D("58.72")

    def test_discount_is_not_multiplied_outside(self):
        result = rate(water_plan(), month(10, is_inside_city=False, discount_program="senior"))
        assert result.lines[-1].amount == D("-9.79")  # 10 % of 97.88

    def test_other_program_gets_no_discount(self):
        result = rate(water_plan(), month(10, discount_program="low_income"))
        assert result.amount_total == D("65.25")

    def test_customer_class_filter(self):
        lines = (
            RateLine("fixed", "Residential base", amount="10.00", customer_class="residential"),
            RateLine("fixed", "Commercial base", amount="25.00", customer_class="commercial"),
        )
        plan = RatePlan("x", versions=(RateVersion(JULY_2025, lines),))
        assert names(rate(plan, month(0, customer_class="commercial"))) == ["Commercial base"]


# ----------------------------------------------------------------------
# Rounding per block or per line
# ----------------------------------------------------------------------
class TestRoundingRule:
    BLOCKS = (Block(0, "0.125"), Block(1, "0.125"))

    def test_round_each_block(self):
        result = rate(water_plan(blocks=self.BLOCKS), month("1.04"))
        # 0.125 -> 0.13 and 0.005 -> 0.01
        assert amounts(result)[1:] == [D("0.13"), D("0.01")]

    def test_round_the_line_once(self):
        result = rate(water_plan(blocks=self.BLOCKS, rounding="line"), month("1.04"))
        assert names(result)[1:] == ["Water usage"]
        assert result.lines[1].quantity == D("1.04")
        assert amounts(result)[1:] == [D("0.13")]  # 0.13 exactly

    def test_half_cent_rounds_up(self):
        unit = (RateLine("unit", "Usage", price_unit="0.01"),)
        plan = RatePlan("x", versions=(RateVersion(JULY_2025, unit),))
        assert amounts(rate(plan, month("0.5"))) == [D("0.01")]
        assert amounts(rate(plan, month("2.5"))) == [D("0.03")]

    def test_half_cent_credit_rounds_away_from_zero(self):
        lines = (
            RateLine("fixed", "Base", amount="0.05"),
            RateLine("discount", "Senior", percent=10, discount_program="senior"),
        )
        plan = RatePlan("x", versions=(RateVersion(JULY_2025, lines),))
        assert amounts(rate(plan, month(0, discount_program="senior"))) == [D("0.05"), D("-0.01")]


# ----------------------------------------------------------------------
# Sewer on water: percent, cap, winter average
# ----------------------------------------------------------------------
def sewer_plan(basis="water", percent=90, cap=12):
    lines = (
        RateLine("fixed", "Sewer base", amount="21.00"),
        RateLine("unit", "Sewer volume", sequence=20, price_unit="6.45"),
    )
    return RatePlan(
        "Sewer",
        versions=(RateVersion(JULY_2025, lines),),
        volume_basis=basis,
        volume_percent=percent,
        volume_cap=cap,
    )


class TestSewer:
    def test_percent_of_water(self):
        result = rate(sewer_plan(), month(0, water_usage=D(10)))
        assert result.billed_volume == D(9)
        assert amounts(result) == [D("21.00"), D("58.05")]

    def test_cap(self):
        result = rate(sewer_plan(), month(0, water_usage=D(20)))
        assert result.billed_volume == D(12)
        assert amounts(result) == [D("21.00"), D("77.40")]

    def test_cap_grows_with_the_period(self):
        result = rate(sewer_plan(), month(0, water_usage=D(40), period_factor=2))
        assert result.billed_volume == D(24)

    def test_no_cap(self):
        assert billed_volume(sewer_plan(cap=0), month(0, water_usage=D(50))) == D(45)

    def test_winter_average(self):
        plan = sewer_plan(basis="winter_average", percent=100, cap=0)
        assert billed_volume(plan, month(0, water_usage=D(10), winter_average=D(6))) == D(6)
        # The average, whatever the water used, unless the city says "the lesser".
        assert billed_volume(plan, month(0, water_usage=D(4), winter_average=D(6))) == D(6)
        lesser = replace(plan, winter_lesser_of_current=True)
        assert billed_volume(lesser, month(0, water_usage=D(4), winter_average=D(6))) == D(4)
        # Per month: a 60-day bill gets twice the average.
        two_months = month(0, water_usage=D(30), winter_average=D(6), period_factor=2)
        assert billed_volume(plan, two_months) == D(12)
        # Without a winter average (new customer): the water used.
        assert billed_volume(plan, month(0, water_usage=D(7))) == D(7)

    def test_water_basis_needs_the_water_usage(self):
        with pytest.raises(ValueError, match="charges on the water usage"):
            rate(sewer_plan(), month(10))


# ----------------------------------------------------------------------
# Carts and ERUs
# ----------------------------------------------------------------------
def garbage_plan():
    lines = (
        RateLine("cart", "Garbage 35 gal", cart_size="35", price_unit="14.25"),
        RateLine("cart", "Garbage 64 gal", cart_size="64", price_unit="18.75"),
        RateLine("cart", "Garbage 96 gal", cart_size="96", price_unit="23.40"),
    )
    return RatePlan("Garbage", versions=(RateVersion(JULY_2025, lines),))


class TestCartsAndErus:
    def test_carts(self):
        result = rate(garbage_plan(), month(0, cart_count=2, cart_size="64"))
        assert names(result) == ["Garbage 64 gal"]
        assert result.lines[0].quantity == D(2)
        assert result.amount_total == D("37.50")

    def test_no_cart_no_charge(self):
        assert rate(garbage_plan(), month(0, cart_count=0, cart_size="64")).lines == ()

    def test_cart_size_without_price_is_refused(self):
        with pytest.raises(ValueError, match="no cart price for cart size 120"):
            rate(garbage_plan(), month(0, cart_count=1, cart_size="120"))

    def test_eru(self):
        lines = (RateLine("eru", "Stormwater", price_unit="6.80"),)
        plan = RatePlan("Storm", versions=(RateVersion(JULY_2025, lines),))
        assert rate(plan, month(0, eru_count=D("2.5"))).amount_total == D("17.00")
        final = month(0, eru_count=D("2.5"), period_factor=D("0.5"))
        assert rate(plan, final).amount_total == D("8.50")


# ----------------------------------------------------------------------
# Fees
# ----------------------------------------------------------------------
def fee_plan():
    lines = (
        RateLine("fee", "Late fee", id=7, fee_code="late_fee", percent=10),
        RateLine("fee", "NSF fee", fee_code="nsf", amount="30.00"),
        RateLine("fee", "Minimum late", fee_code="door_hanger", amount="15.00", percent=5),
        RateLine("fee", "Deposit", fee_code="deposit", amount="300.00"),
        RateLine(
            "fee",
            "Residential deposit",
            fee_code="deposit",
            amount="150.00",
            customer_class="residential",
        ),
    )
    return RatePlan("Fees", versions=(RateVersion(JULY_2025, lines),))


class TestFees:
    def test_percent_fee(self):
        assert fee_amount(fee_plan(), "late_fee", date(2025, 9, 1), D("123.45")) == D("12.35")
        line = fee_line(fee_plan(), "late_fee", date(2025, 9, 1), D("123.45"))
        assert (line.name, line.rate_line_id, line.quantity, line.amount) == (
            "Late fee",
            7,
            D(1),
            D("12.35"),
        )

    def test_fixed_fee(self):
        assert fee_amount(fee_plan(), "nsf", date(2025, 9, 1)) == D("30.00")

    def test_percent_fee_has_its_amount_as_minimum(self):
        assert fee_amount(fee_plan(), "door_hanger", date(2025, 9, 1), D(100)) == D("15.00")
        assert fee_amount(fee_plan(), "door_hanger", date(2025, 9, 1), D(1000)) == D("50.00")

    def test_class_specific_fee_wins(self):
        on = date(2025, 9, 1)
        assert fee_amount(fee_plan(), "deposit", on, customer_class="residential") == D("150.00")
        assert fee_amount(fee_plan(), "deposit", on, customer_class="commercial") == D("300.00")

    def test_undefined_fee(self):
        assert fee_amount(fee_plan(), "reconnect", date(2025, 9, 1)) is None

    def test_percent_fee_needs_its_base(self):
        with pytest.raises(ValueError, match="late_fee is a percent"):
            fee_amount(fee_plan(), "late_fee", date(2025, 9, 1))

    def test_fee_before_any_version(self):
        with pytest.raises(ValueError, match="no version in force on 06/30/2025"):
            fee_amount(fee_plan(), "nsf", date(2025, 6, 30))


# ----------------------------------------------------------------------
# Bad configuration and input
# ----------------------------------------------------------------------
class TestBadConfig:
    def test_no_version_in_force(self):
        with pytest.raises(ValueError, match="no version in force on 06/20/2025"):
            rate(water_plan(), month(1, date_from=date(2025, 6, 20), date_to=date(2025, 7, 20)))

    def test_every_problem_listed_at_once(self):
        lines = (
            RateLine("block", "Overlap", blocks=(Block(0, 1), Block(5, 2), Block(5, 3))),
            RateLine("block", "Late start", blocks=(Block(2, 1),)),
            RateLine("block", "Empty"),
            RateLine("block", "Negative", blocks=(Block(0, -1),)),
            RateLine("discount", "No program", percent=10),
            RateLine("fee", "No code", amount=5),
            RateLine("bogus", "Unknown"),
        )
        plan = RatePlan("Broken", versions=(RateVersion(JULY_2025, lines),))
        assert len(plan.problems) == 7
        with pytest.raises(ValueError) as error:
            rate(plan, month(1))
        message = str(error.value)
        assert message.startswith("Cannot rate with Broken:")
        for expected in (
            "'Overlap': blocks overlap: a block from 5 follows a block from 5",
            "'Late start': the first block must start at 0, not 2",
            "'Empty': a block line needs at least one block",
            "'Negative': block from 0: negative price",
            "'No program': a discount needs its program",
            "'No code': a fee needs a fee code",
            "unknown component 'bogus'",
        ):
            assert expected in message

    def test_unsorted_blocks_are_overlapping(self):
        plan = water_plan(blocks=(Block(0, 1), Block(10, 2), Block(5, 3)))
        assert any("blocks overlap" in problem for problem in plan.problems)

    def test_duplicate_versions(self):
        plan = RatePlan("x", versions=(RateVersion(JULY_2025), RateVersion(JULY_2025)))
        assert plan.problems == ("two versions start on 2025-07-01",)

    def test_no_version(self):
        with pytest.raises(ValueError, match="the schedule has no version"):
            rate(RatePlan("Empty"), month(1))

    def test_missing_base_charge_for_the_meter_size(self):
        with pytest.raises(ValueError, match="no base charge for meter size 3/4"):
            rate(water_plan(), month(1, meter_size="3/4"))
        with pytest.raises(ValueError, match=r"no base charge for meter size \(none given\)"):
            rate(water_plan(), month(1, meter_size=None))

    def test_bad_input(self):
        bad = month(-1, date_from=date(2025, 10, 5), date_to=date(2025, 9, 5), period_factor=0)
        with pytest.raises(ValueError) as error:
            rate(water_plan(), bad)
        message = str(error.value)
        assert "the period ends (2025-09-05) before it starts (2025-10-05)" in message
        assert "the period factor must be positive" in message
        assert "usage cannot be negative" in message


# ----------------------------------------------------------------------
# Properties
# ----------------------------------------------------------------------
quantities = st.decimals(min_value=0, max_value=100000, places=3, allow_nan=False)
prices = st.decimals(min_value=0, max_value=50, places=4, allow_nan=False)


@st.composite
def block_tables(draw):
    """Inclining, declining or mixed blocks with non-negative prices."""
    edges = draw(st.lists(st.integers(1, 5000), max_size=5, unique=True))
    thresholds = [0, *sorted(edges)]
    return tuple(Block(t, draw(prices)) for t in thresholds)


def block_plan(blocks, rounding="block"):
    lines = (RateLine("block", "Usage", blocks=blocks, rounding=rounding),)
    return RatePlan("P", versions=(RateVersion(JULY_2025, lines),))


# The machine is shared: timing health checks would fail on load, not on logic.
relaxed = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])


class TestProperties:
    @relaxed
    @given(block_tables(), quantities, quantities, st.sampled_from(["block", "line"]))
    def test_block_charge_is_monotonic_in_usage(self, blocks, usage_a, usage_b, rounding):
        low, high = sorted((usage_a, usage_b))
        plan = block_plan(blocks, rounding)
        assert rate(plan, month(low)).amount_total <= rate(plan, month(high)).amount_total

    @relaxed
    @given(
        st.lists(prices, min_size=2, max_size=4).map(sorted),
        quantities,
        quantities,
    )
    def test_monotonic_for_strictly_inclining_and_declining_blocks(self, ordered, a, b):
        low, high = sorted((a, b))
        thresholds = [0, 5, 15, 30][: len(ordered)]
        for price_list in (ordered, list(reversed(ordered))):
            plan = block_plan(
                tuple(Block(t, p) for t, p in zip(thresholds, price_list, strict=True))
            )
            assert rate(plan, month(low)).amount_total <= rate(plan, month(high)).amount_total

    @relaxed
    @given(prices, quantities, quantities)
    def test_flat_unit_price_is_additive_within_one_cent(self, price, usage_a, usage_b):
        """charge(a) + charge(b) and charge(a + b) differ by at most 0.01: each of
        the three is within half a cent of its exact value, exact charges add up,
        and all three are whole cents."""
        plan = RatePlan(
            "Flat", versions=(RateVersion(JULY_2025, (RateLine("unit", "U", price_unit=price),)),)
        )
        apart = rate(plan, month(usage_a)).amount_total + rate(plan, month(usage_b)).amount_total
        together = rate(plan, month(usage_a + usage_b)).amount_total
        assert abs(apart - together) <= D("0.01")

    @relaxed
    @given(
        st.integers(0, 400),
        st.integers(1, 120),
        st.lists(st.integers(1, 119), max_size=4, unique=True),
        st.decimals(min_value=0, max_value=10**7, places=6, allow_nan=False),
    )
    def test_segment_usages_add_up_exactly(self, offset, days, cut_days, usage):
        date_from = JULY_2025 + timedelta(days=offset)
        versions = [RateVersion(JULY_2025)]
        versions += [RateVersion(date_from + timedelta(days=c)) for c in cut_days if c < days]
        plan = RatePlan("P", versions=tuple(versions))
        segments = split_period(plan, date_from, date_from + timedelta(days=days), usage)
        assert sum((s.usage for s in segments), D(0)) == usage
        assert sum((s.weight for s in segments), Fraction(0)) == 1
        assert all(s.usage >= 0 for s in segments)
        assert sum(s.days for s in segments) == days

    @relaxed
    @given(
        quantities,
        st.integers(0, 60),
        st.integers(1, 62),
        st.tuples(st.booleans(), st.sampled_from([None, "senior"])),
        st.decimals(min_value=D("0.1"), max_value=3, places=2, allow_nan=False),
    )
    def test_total_is_the_sum_of_the_lines(self, usage, offset, days, customer, factor):
        inside, program = customer
        date_from = date(2026, 6, 1) + timedelta(days=offset)
        plan = RatePlan(
            "Water",
            versions=(
                RateVersion(JULY_2025, water_lines(), outside_multiplier="1.5"),
                RateVersion(JULY_2026, water_lines(base="19.25"), outside_multiplier="1.5"),
            ),
        )
        result = rate(
            plan,
            month(
                usage,
                date_from=date_from,
                date_to=date_from + timedelta(days=days),
                is_inside_city=inside,
                discount_program=program,
                period_factor=factor,
            ),
        )
        assert result.amount_total == sum((line.amount for line in result.lines), D(0))
        assert all(line.amount == line.amount.quantize(D("0.01")) for line in result.lines)
