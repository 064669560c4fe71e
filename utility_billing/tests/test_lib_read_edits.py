# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Each read edit, firing and not firing (no database)."""

from datetime import date, timedelta
from decimal import Decimal

from ..lib import read_edits as re_
from ..lib.read_edits import Read, Service, Thresholds

D = Decimal
METER = 1
OTHER_METER = 2
DAY0 = date(2025, 1, 1)


def history_of(values, meter=METER, *, start=DAY0, step=30, read_type="actual", state="valid"):
    """Past reads (newest first) from register values read every ``step`` days."""
    reads = []
    previous = None
    for index, value in enumerate(values):
        day = start + timedelta(days=step * index)
        used = D(value) - D(previous) if previous is not None else D(0)
        reads.append(
            Read(
                date=day,
                meter=meter,
                value=D(value),
                consumption=used,
                days=step if previous is not None else 0,
                read_type=read_type if previous is not None else "initial",
                state=state,
            )
        )
        previous = value
    return list(reversed(reads))


def current(history, value, *, days=30, read_type="actual", meter=METER):
    """The reading after ``history`` (newest first), with its plain consumption."""
    last = next((h for h in history if h.meter == meter), None)
    previous = last.value if last else None
    day = (history[0].date if history else DAY0) + timedelta(days=days)
    return Read(
        date=day,
        meter=meter,
        value=D(value),
        consumption=D(value) - previous if previous is not None else D(0),
        days=days if last else 0,
        read_type=read_type,
        state="valid",
        previous_value=previous,
        previous_date=last.date if last else None,
    )


# 12 periods of 10 units a month: 0, 10, ..., 120.
STEADY = history_of(range(0, 130, 10))
ACTIVE = Service(state="active", dials=6, unit="kgal")
T = Thresholds()


def codes(read, history=None, service=ACTIVE, thresholds=T):
    history = STEADY if history is None else history
    return re_.run_edits(read, history, service, thresholds).codes


class TestNormal:
    def test_a_normal_read_raises_nothing(self):
        assert codes(current(STEADY, 130)) == []

    def test_initial_read_is_never_flagged(self):
        result = re_.run_edits(current(STEADY, 5, read_type="initial"), STEADY, ACTIVE, T)
        assert result.flags == ()
        assert result.consumption == 0


class TestNegative:
    def test_misread_fires_negative(self):
        result = re_.run_edits(current(STEADY, 80), STEADY, ACTIVE, T)
        assert result.codes == ["negative"]
        assert result.consumption == D(-40)
        assert "40 kgal below the previous reading 120" in result.flags[0].message

    def test_rollover_fires_rollover_with_wrapped_consumption(self):
        history = history_of(range(999_880, 1_000_000, 10))  # last read 999,990
        result = re_.run_edits(current(history, 5), history, ACTIVE, T)
        assert result.codes == ["rollover"]
        assert result.is_rollover
        assert result.consumption == D(15)

    def test_meter_change_fires_when_an_install_happened_between(self):
        history = history_of(range(999_880, 1_000_000, 10))
        reinstalled = Service(state="active", dials=6, meter_reinstalled=True)
        result = re_.run_edits(current(history, 5), history, reinstalled, T)
        assert result.codes == ["meter_change"]
        assert not result.is_rollover
        assert result.consumption < 0

    def test_meter_change_fires_when_another_meter_read_between(self):
        own = history_of([100, 200])
        other_day = own[0].date + timedelta(days=10)
        other = Read(date=other_day, meter=OTHER_METER, value=D(7), read_type="initial")
        history = [other, *own]
        read = current(own, 50, days=30)
        assert codes(read, history) == ["meter_change"]

    def test_high_threshold_decides_a_larger_wrap(self):
        # Previous 880,000 on 6 dials: wrapped 140,000 is 14 % of the dial, beyond the
        # fraction test; against a big user's 80,000 a month it is plausible.
        history = history_of(range(80_000, 880_001, 80_000))
        assert history[0].value == D(880_000)
        result = re_.run_edits(current(history, 20_000), history, ACTIVE, T)
        assert result.codes == ["rollover"]
        assert result.consumption == D(140_000)
        small_user = history_of(range(879_880, 880_001, 10))
        assert codes(current(small_user, 20_000), small_user) == ["negative"]

    def test_does_not_fire_when_register_moves_forward(self):
        assert re_.check_negative(current(STEADY, 121), STEADY, ACTIVE)[0] is None

    def test_does_not_fire_without_previous(self):
        assert re_.check_negative(current([], 5), [], ACTIVE)[0] is None


class TestFirstReadOfNewMeter:
    def test_fires_when_the_service_was_read_on_another_meter(self):
        read = current(STEADY, 5, meter=OTHER_METER)
        assert read.previous_value is None
        assert codes(read) == ["meter_change"]

    def test_does_not_fire_on_an_initial_read(self):
        assert codes(current(STEADY, 5, meter=OTHER_METER, read_type="initial")) == []

    def test_does_not_fire_for_a_brand_new_service(self):
        assert codes(current([], 5)) == []


class TestZeroUsage:
    def test_fires_on_active_service(self):
        assert codes(current(STEADY, 120)) == ["zero_usage"]

    def test_not_on_suspended_service(self):
        assert codes(current(STEADY, 120), service=Service(state="suspended")) == []

    def test_not_on_partial_reads(self):
        assert codes(current(STEADY, 120, days=3, read_type="check")) == []
        assert codes(current(STEADY, 120, days=3, read_type="final")) == []


class TestUsageInactive:
    def test_fires_on_suspended_service(self):
        flags = codes(current(STEADY, 125), service=Service(state="suspended", unit="kgal"))
        assert flags == ["usage_inactive"]

    def test_fires_on_stopped_service_after_its_end(self):
        read = current(STEADY, 125)
        stopped = Service(state="stopped", date_end=read.date - timedelta(days=5))
        assert codes(read, service=stopped) == ["usage_inactive"]

    def test_not_on_stopped_service_up_to_its_end(self):
        read = current(STEADY, 125)
        stopped = Service(state="stopped", date_end=read.date)
        assert codes(read, service=stopped) == []

    def test_not_without_usage(self):
        assert codes(current(STEADY, 120), service=Service(state="suspended")) == []


class TestHighLow:
    def test_high_fires_with_numbers(self):
        result = re_.run_edits(current(STEADY, 161.2), STEADY, ACTIVE, T)
        assert result.codes == ["high_usage"]
        assert result.flags[0].message == (
            "Usage 41.2 kgal is 412 % of the 12-period average 10 kgal for 30 days (limit 200 %)."
        )

    def test_high_does_not_fire_at_the_limit(self):
        assert codes(current(STEADY, 140)) == []

    def test_high_compares_per_day(self):
        # 25 units in 60 days is 12.5 a month: normal for a bimonthly read.
        assert codes(current(STEADY, 145, days=60)) == []
        # The same 25 units in 30 days is 250 %.
        assert codes(current(STEADY, 145, days=30)) == ["high_usage"]

    def test_low_fires(self):
        assert codes(current(STEADY, 122)) == ["low_usage"]

    def test_low_does_not_fire_at_the_limit(self):
        assert codes(current(STEADY, 122.5)) == []

    def test_thresholds_come_from_the_caller(self):
        strict = Thresholds(high_usage_percent=D(120), low_usage_percent=D(90))
        assert codes(current(STEADY, 133), thresholds=strict) == ["high_usage"]
        assert codes(current(STEADY, 128.5), thresholds=strict) == ["low_usage"]
        assert codes(current(STEADY, 133)) == []

    def test_seasonal_account_compares_with_the_same_period_last_year(self):
        # A sprinkler account: 2 units a month in winter, 40 in summer (a
        # 12-period average of 15.7). Its January read of 2 is normal for it.
        monthly = [2, 2, 5, 15, 30, 40, 40, 30, 15, 5, 2, 2]
        history = history_of([sum(monthly[:i]) for i in range(len(monthly) + 1)])
        seasonal = Service(state="active", dials=6, unit="kgal", seasonal=True)
        january = current(history, 190)
        assert codes(january, history) == ["low_usage"]
        assert codes(january, history, service=seasonal) == []
        # Four times last January is high for it, not for the average.
        result = re_.run_edits(current(history, 196), history, seasonal, T)
        assert result.codes == ["high_usage"]
        assert result.flags[0].message == (
            "Usage 8 kgal is 400 % of the same period last year 2 kgal for 30 days (limit 200 %)."
        )
        assert codes(current(history, 196), history) == []

    def test_seasonal_account_without_a_year_of_history_uses_the_average(self):
        half_year = history_of(range(0, 70, 10))
        seasonal = Service(state="active", dials=6, unit="kgal", seasonal=True)
        assert re_.same_period_last_year(current(half_year, 80), half_year) is None
        result = re_.run_edits(current(half_year, 101.2), half_year, seasonal, T)
        assert result.flags[0].message == (
            "Usage 41.2 kgal is 412 % of the 6-period average 10 kgal for 30 days (limit 200 %)."
        )

    def test_same_period_last_year_prorates_the_readings_it_overlaps(self):
        # Readings every 30 days, 30 units each; the window a year before a
        # 60-day read spans parts of three of them: 60 days at 1 a day.
        history = history_of(range(0, 400, 30))
        read = current(history, 420, days=60)
        assert re_.same_period_last_year(read, history) == D(60)

    def test_minimum_average_switches_high_low_off(self):
        tiny = history_of([0, 1, 2])  # 1 unit a period
        assert codes(current(tiny, 12), tiny) == []
        sensitive = Thresholds(min_average=D("0.5"))
        assert codes(current(tiny, 12), tiny, thresholds=sensitive) == ["high_usage"]

    def test_history_periods_limit_the_average(self):
        # Old months of 100, recent three of 10.
        history = history_of([0, 100, 200, 300, 310, 320, 330])
        read = current(history, 360)  # 30 this month
        assert codes(read, history) == []  # the 6-period average is 55
        recent = Thresholds(history_periods=3)
        assert codes(read, history, thresholds=recent) == ["high_usage"]

    def test_held_readings_do_not_make_the_average(self):
        held = [Read(**{**h.__dict__, "state": "exception"}) for h in STEADY]
        assert codes(current(STEADY, 161.2), held) == []

    def test_no_history_no_comparison(self):
        assert codes(current(history_of([0]), 500), history_of([0])) == []


class TestSameReading:
    def test_fires_after_n_periods_without_movement(self):
        history = history_of([100, 110, 120, 120, 120])
        assert codes(current(history, 120), history) == ["same_reading"]

    def test_does_not_fire_before_n_periods(self):
        history = history_of([100, 110, 120, 120])
        # Two periods without movement: only zero usage.
        assert codes(current(history, 120), history) == ["zero_usage"]

    def test_periods_from_the_company(self):
        history = history_of([100, 110, 120, 120])
        two = Thresholds(same_reading_periods=2)
        assert codes(current(history, 120), history, thresholds=two) == ["same_reading"]
        off = Thresholds(same_reading_periods=0)
        assert codes(current(history, 120), history, thresholds=off) == ["zero_usage"]

    def test_readings_of_another_meter_do_not_count(self):
        own = history_of([120, 120], start=DAY0 + timedelta(days=100))
        old_meter = history_of([100, 120, 120], meter=OTHER_METER)
        history = own + old_meter
        assert codes(current(own, 120), history) == ["zero_usage"]

    def test_not_on_inactive_service(self):
        history = history_of([100, 110, 120, 120, 120])
        assert codes(current(history, 120), history, Service(state="suspended")) == []


class TestConsecutiveEstimates:
    def test_fires_beyond_the_limit(self):
        history = history_of([0, 10, 20, 30], read_type="estimated")
        assert codes(current(history, 40, read_type="estimated"), history) == [
            "consecutive_estimates"
        ]

    def test_does_not_fire_within_the_limit(self):
        history = history_of([0, 10, 20], read_type="actual")
        history[0] = Read(**{**history[0].__dict__, "read_type": "estimated"})
        assert codes(current(history, 30, read_type="estimated"), history) == []

    def test_an_actual_read_breaks_the_run(self):
        history = history_of([0, 10, 20, 30], read_type="estimated")
        history[1] = Read(**{**history[1].__dict__, "read_type": "actual"})
        assert codes(current(history, 40, read_type="estimated"), history) == []

    def test_limit_from_the_company(self):
        history = history_of([0, 10, 20], read_type="actual")
        history[0] = Read(**{**history[0].__dict__, "read_type": "estimated"})
        none_allowed = Thresholds(max_consecutive_estimates=1)
        read = current(history, 30, read_type="estimated")
        assert codes(read, history, thresholds=none_allowed) == ["consecutive_estimates"]


class TestNoRead:
    def test_fires_without_reading_in_window(self):
        flag = re_.check_no_read([date(2025, 1, 30)], date(2025, 2, 1), date(2025, 2, 5))
        assert flag.code == "no_read"
        assert "2025-02-01" in flag.message

    def test_does_not_fire_with_a_reading_in_window(self):
        assert re_.check_no_read([date(2025, 2, 5)], date(2025, 2, 1), date(2025, 2, 5)) is None


class TestEstimate:
    def test_average_daily_usage_times_days(self):
        assert re_.estimate_consumption(STEADY, 45, 12) == D(15)

    def test_no_history_no_estimate(self):
        assert re_.estimate_consumption([], 30, 12) is None


def test_fmt():
    assert re_.fmt(D("48.25"), 1) == "48.3"
    assert re_.fmt(D("1200.000")) == "1200"
    assert re_.fmt(D("411.9"), 0) == "412"
