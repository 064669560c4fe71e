# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Consumption from register readings: exact, rollover-aware, across exchanges."""

from decimal import Decimal

import pytest

from ..lib import consumption as c

D = Decimal


class TestSimpleConsumption:
    def test_difference_times_multiplier_is_exact(self):
        assert c.simple_consumption("1000.000", "1234.567") == D("234.567")
        assert c.simple_consumption(1000, 1234, 10) == D("2340")
        # Floats from the ORM go through their repr: no binary noise.
        assert c.simple_consumption(0.1, 0.3) == D("0.2")

    def test_backwards_register_is_negative(self):
        assert c.simple_consumption(500, 480) == D(-20)

    def test_to_decimal_handles_orm_values(self):
        assert c.to_decimal(False) == 0
        assert c.to_decimal(None) == 0
        assert c.to_decimal(2.675) == D("2.675")
        assert c.to_decimal(D("1.5")) == D("1.5")


class TestRollover:
    def test_capacity(self):
        assert c.register_capacity(4) == D(10000)
        with pytest.raises(ValueError):
            c.register_capacity(0)

    def test_rollover_consumption(self):
        # 4 dials: 9990 -> 0015 is 10 to reach 10000 and 15 after.
        assert c.rollover_consumption(9990, 15, 4) == D(25)
        assert c.rollover_consumption(9990, 15, 4, multiplier=100) == D(2500)

    def test_plausible_when_previous_high_and_wrap_small(self):
        assert c.is_plausible_rollover(9990, 15, 4)

    def test_not_plausible_when_previous_low(self):
        # 4000 -> 3900 would wrap 9900 units: a misread, not a rollover.
        assert not c.is_plausible_rollover(4000, 3900, 4)

    def test_not_plausible_when_wrap_too_large(self):
        # Previous in the top half but the wrap is 4,100 units (41 % of the dial).
        assert not c.is_plausible_rollover(9000, 3100, 4)

    def test_high_limit_makes_a_larger_wrap_plausible(self):
        assert not c.is_plausible_rollover(8000, 1000, 4)
        assert c.is_plausible_rollover(8000, 1000, 4, high_limit=3000)
        assert not c.is_plausible_rollover(8000, 1000, 4, high_limit=2999)
        # The limit is in consumption: the multiplier counts.
        assert not c.is_plausible_rollover(8000, 1000, 4, multiplier=10, high_limit=3000)

    def test_forward_register_is_never_a_rollover(self):
        assert not c.is_plausible_rollover(100, 200, 4)


class TestClassifyNegative:
    def test_rollover(self):
        assert c.classify_negative(9990, 15, 4) == c.NEGATIVE_ROLLOVER

    def test_misread(self):
        assert c.classify_negative(4000, 3900, 4) == c.NEGATIVE_MISREAD

    def test_meter_change_wins(self):
        # Even a rollover-looking pair is a meter change when the meter changed between.
        assert c.classify_negative(9990, 15, 4, meter_changed=True) == c.NEGATIVE_METER_CHANGE
        assert c.classify_negative(4000, 3900, 4, meter_changed=True) == c.NEGATIVE_METER_CHANGE


class TestReadingConsumption:
    def test_initial_read_has_no_consumption(self):
        assert c.reading_consumption(100, 500, 6, read_type="initial") == (D(0), False)

    def test_first_read_without_previous(self):
        assert c.reading_consumption(None, 500, 6) == (D(0), False)

    def test_final_read_counts_to_its_value(self):
        assert c.reading_consumption(100, 160, 6, read_type="final") == (D(60), False)

    def test_rollover(self):
        assert c.reading_consumption(999_950, 30, 6, 1) == (D(80), True)

    def test_misread_stays_negative(self):
        assert c.reading_consumption(5000, 4000, 6) == (D(-1000), False)


class TestExchange:
    def test_both_meters_in_one_period(self):
        # Old meter 1200 -> final 1250; new meter initial 10 -> 40.
        assert c.exchange_consumption(1200, 1250, 10, 40, old_dials=6, new_dials=6) == D(80)

    def test_exchange_with_multipliers_and_rollover(self):
        # The old meter rolled over before its final read; the new one reads in CCF x 10.
        total = c.exchange_consumption(
            9_990, 20, 0, 5, old_dials=4, new_dials=6, old_multiplier=1, new_multiplier=10
        )
        assert total == D(30) + D(50)

    def test_sum_consumption(self):
        assert c.sum_consumption([50.1, "29.9", D("0.001")]) == D("80.001")
        assert c.sum_consumption([]) == 0


class TestRegisterAfter:
    def test_whole_units_half_up(self):
        assert c.register_after(1000, D("12.5"), 6) == D(1013)
        assert c.register_after(1000, D("12.49"), 6) == D(1012)

    def test_multiplier_and_wrap(self):
        assert c.register_after(9995, 100, 4, multiplier=10) == D(5)
