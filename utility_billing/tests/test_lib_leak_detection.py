# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Plain unit tests of the leak rules (no database).

Continuous flow: Badger Meter's EyeOnWater looks "for 24 consecutive hours of
flowing water above a specified limit" (helpeyeonwater.com, "Setting
Alerts"); the City of Round Rock, TX alerts on water "running through your
water meter without stopping for over 24 hours". Jump: the last days per day
against K times the meter's own usual day, above a minimum (the module's
docstring has the worked example proven below).
"""

import datetime as dt

import pytest

from ..lib.leak_detection import (
    FLOW,
    JUMP,
    LeakRules,
    continuous_flow,
    detect,
    is_same_episode,
    usage_jump,
    usual_use,
)

T0 = dt.datetime(2026, 11, 1, 0, 0)
RULES = LeakRules()


def hourly(usages, start=T0):
    """(start, 60, usage) per hour from ``start``."""
    return [(start + dt.timedelta(hours=i), 60, float(u)) for i, u in enumerate(usages)]


def household_day(extra=0.0):
    """A day of a household: nothing from midnight to 6, some use after; ``extra``
    gallons every hour (a running toilet)."""
    profile = [0] * 6 + [8, 14, 10, 4, 3, 3, 5, 4, 3, 3, 4, 8, 12, 10, 8, 6, 2, 0]
    return [u + extra for u in profile]


class TestContinuousFlow:
    def test_24_hours_without_a_dry_hour_is_a_leak(self):
        finding = continuous_flow(hourly([2] * 24), RULES)
        assert finding.kind == FLOW
        assert finding.date_start == T0
        assert finding.date_end == T0 + dt.timedelta(hours=24)
        assert finding.hours == 24
        assert finding.usage == 48
        assert finding.min_per_hour == 2

    def test_23_hours_is_not(self):
        assert continuous_flow(hourly([2] * 23), RULES) is None

    def test_one_dry_hour_breaks_the_run(self):
        """EyeOnWater: 'If flow dropped ... to zero, even if your threshold was exceeded
        one or more times in that 24-hour period, no alert will be sent.'"""
        assert continuous_flow(hourly([2] * 12 + [0] + [2] * 12), RULES) is None

    def test_a_missing_interval_breaks_the_run(self):
        """What the meter did in an hour nobody read is unknown: no alert on a guess."""
        reads = hourly([2] * 12) + hourly([2] * 12, start=T0 + dt.timedelta(hours=13))
        assert continuous_flow(reads, RULES) is None

    def test_a_normal_household_never_flows_all_day(self):
        assert continuous_flow(hourly(household_day() * 7), RULES) is None

    def test_a_running_toilet_on_a_household(self):
        """3 gallons every hour on top of the household's day: the run starts with the
        first hour of the leak and lasts as long as the reads do."""
        reads = hourly(household_day() * 5 + household_day(extra=3) * 2)
        finding = continuous_flow(reads, RULES)
        assert finding.date_start == T0 + dt.timedelta(days=5)
        assert finding.hours == 48
        assert finding.min_per_hour == 3
        assert finding.usage == 2 * (sum(household_day()) + 72)

    def test_the_threshold_per_hour(self):
        """Above the threshold only: 1 gallon an hour (EyeOnWater's advice) ignores 1."""
        rules = LeakRules(flow_min_per_hour=1.0)
        assert continuous_flow(hourly([1] * 30), rules) is None
        assert continuous_flow(hourly([1.5] * 30), rules).hours == 30

    def test_quarter_hours_count_per_hour(self):
        """Four 15-minute reads of 0.5 gallon are 2 gallons an hour."""
        reads = [(T0 + dt.timedelta(minutes=15 * i), 15, 0.5) for i in range(96)]
        rules = LeakRules(flow_min_per_hour=1.9)
        finding = continuous_flow(reads, rules)
        assert finding.hours == 24
        assert finding.min_per_hour == 2

    def test_configurable_hours(self):
        assert continuous_flow(hourly([2] * 30), LeakRules(flow_hours=36)) is None
        assert continuous_flow(hourly([2] * 36), LeakRules(flow_hours=36)).hours == 36

    def test_the_latest_run_is_reported(self):
        reads = hourly([2] * 25 + [0] + [3] * 30)
        finding = continuous_flow(reads, RULES)
        assert finding.date_start == T0 + dt.timedelta(hours=26)
        assert finding.usage == 90


class TestJump:
    def test_worked_example(self):
        """A meter averaging 120 gallons a day uses 900 over the last 2 days: 450 a day >
        3 x 120 = 360 and >= 150: a jump of 3.75 times."""
        reads = hourly([450 / 24] * 48)
        finding = usage_jump(reads, 120 * 90, 90 * 24 * 60, RULES)
        assert finding.kind == JUMP
        assert finding.per_day == pytest.approx(450)
        assert finding.baseline_per_day == 120
        assert finding.usage == pytest.approx(900)
        assert finding.date_start == T0
        assert finding.date_end == T0 + dt.timedelta(hours=48)

    def test_300_a_day_is_not_a_jump_of_that_meter(self):
        reads = hourly([300 / 24] * 48)
        assert usage_jump(reads, 120 * 90, 90 * 24 * 60, RULES) is None

    def test_at_exactly_k_times_is_not(self):
        reads = hourly([360 / 24] * 48)
        assert usage_jump(reads, 120 * 90, 90 * 24 * 60, RULES) is None

    def test_tiny_accounts_are_not_flagged(self):
        """5 gallons a day to 100: twenty times, but under the 150-gallon minimum."""
        reads = hourly([100 / 24] * 48)
        assert usage_jump(reads, 5 * 90, 90 * 24 * 60, RULES) is None

    def test_the_baseline_is_per_day_read(self):
        """Ten days read out of 90 averaging 100 a day: the usual day is 100, not 11."""
        reads = hourly([400 / 24] * 48)
        finding = usage_jump(reads, 1000, 10 * 24 * 60, RULES)
        assert finding.baseline_per_day == 100

    def test_too_little_history_is_no_pattern(self):
        reads = hourly([1000 / 24] * 48)
        assert usage_jump(reads, 400, 4 * 24 * 60, RULES) is None
        assert usage_jump(reads, 500, 5 * 24 * 60, RULES) is not None

    def test_the_window_is_the_last_days_only(self):
        """Only the last 48 hours count; a heavy day before them does not."""
        reads = hourly([1000 / 24] * 24 + [100 / 24] * 48)
        assert usage_jump(reads, 100 * 90, 90 * 24 * 60, RULES) is None


class TestSameSeason:
    DAYS_32 = 32 * 24 * 60

    def test_a_seasonal_account_is_compared_with_last_year(self):
        """Watering in July against April's days would be a jump; against last July's
        (500 a day) 600 a day is not."""
        prior, last_year = (50.0 * 90, 90 * 24 * 60), (500.0 * 32, self.DAYS_32)
        (usage, minutes), is_season = usual_use(prior, last_year, seasonal=True)
        assert is_season
        reads = hourly([600 / 24] * 48)
        assert usage_jump(reads, usage, minutes, RULES, is_season) is None
        assert usage_jump(reads, *prior, RULES).per_day == pytest.approx(600)

    def test_a_jump_against_last_year_says_so(self):
        reads = hourly([2000 / 24] * 48)
        finding = usage_jump(reads, 500.0 * 32, self.DAYS_32, RULES, is_season=True)
        assert finding.is_season
        assert finding.baseline_per_day == 500

    def test_without_last_years_reads_the_days_before_count(self):
        prior = (50.0 * 90, 90 * 24 * 60)
        assert usual_use(prior, (0.0, 0), seasonal=True) == (prior, False)
        assert usual_use(prior, (1000.0, 4 * 24 * 60), seasonal=True) == (prior, False)

    def test_other_accounts_use_the_days_before(self):
        prior = (50.0 * 90, 90 * 24 * 60)
        assert usual_use(prior, (500.0 * 32, self.DAYS_32), seasonal=False) == (prior, False)


class TestDetectAndEpisodes:
    def test_both_rules_on_one_meter(self):
        reads = hourly([30] * 48)
        kinds = [f.kind for f in detect(reads, 100 * 30, 30 * 24 * 60, RULES)]
        assert kinds == [FLOW, JUMP]

    def test_nothing_on_a_normal_meter(self):
        reads = hourly(household_day() * 7)
        assert detect(reads, 110 * 30, 30 * 24 * 60, RULES) == []

    def test_a_run_still_flowing_is_the_same_leak(self):
        first = continuous_flow(hourly([2] * 30), RULES)
        later = continuous_flow(hourly([2] * 54), RULES)
        assert is_same_episode(later, first.date_end)

    def test_a_run_after_a_dry_hour_is_a_new_leak(self):
        first = continuous_flow(hourly([2] * 30), RULES)
        later = continuous_flow(hourly([2] * 30 + [0] + [2] * 24), RULES)
        assert not is_same_episode(later, first.date_end)

    def test_no_previous_alert(self):
        assert not is_same_episode(continuous_flow(hourly([2] * 30), RULES), None)


class TestRules:
    def test_defaults_are_valid(self):
        assert LeakRules().problems() == []

    @pytest.mark.parametrize(
        "vals",
        [
            {"flow_hours": 0},
            {"flow_min_per_hour": -1},
            {"jump_days": 0},
            {"jump_factor": 1},
            {"jump_min_per_day": -5},
            {"baseline_days": 3},
        ],
    )
    def test_bad_settings(self, vals):
        assert len(LeakRules(**vals).problems()) == 1
