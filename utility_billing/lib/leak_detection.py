# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Find leaks in a meter's interval (AMI) reads, before the bill shows them.

Two rules, each the usual one of AMI leak alerts:

**Continuous flow.** Water that never stops for a whole day is a leak (a
running toilet, a dripping faucet, a broken irrigation pipe), because a home
has hours without any use. Badger Meter's EyeOnWater "detects potential leaks
by looking for 24 consecutive hours of flowing water above a specified limit"
(helpeyeonwater.com, "Setting Alerts"); the City of Round Rock, Texas alerts
customers who had "water running through your water meter without stopping
for over 24 hours" (roundrocktexas.gov, "We want to alert you", 2016). Here:
``flow_hours`` consecutive hours (24 by default) in which every interval's
usage per hour is above ``flow_min_per_hour`` gallons (0 by default: any
usage at all; EyeOnWater recommends 1 gallon an hour to its customers). A
missing interval breaks the run: what the meter did then is unknown.

**Jump.** The last ``jump_days`` days used, per day, more than
``jump_factor`` times the meter's own average per day of the
``baseline_days`` before them, and at least ``jump_min_per_day`` gallons a
day (so that a tiny account going from 5 to 20 gallons is not flagged).
The baseline needs :data:`MIN_BASELINE_DAYS` days of reads: a meter read for
a day has no pattern yet. A seasonal account (irrigation, a pool: the
account's Seasonal Usage flag, as for the read edits) is compared with its
same season last year instead, the jump window's dates a year earlier and
:data:`SEASON_MARGIN_DAYS` days either side, when it was read then
(:func:`usual_use`): watering in July is not a leak against April.

Example: a meter averaging 120 gallons a day over its 90 days before uses
900 gallons over the last 2 days (450 a day): 450 > 3 x 120 = 360 and 450 >=
150, a jump. The same meter at 300 a day is not (300 < 360).

Usage is in gallons and times are naive UTC datetimes; nothing here touches
the database.
"""

import datetime as dt
from dataclasses import dataclass

FLOW = "flow"
JUMP = "jump"
# Fewer days of reads than this before the jump window is not a pattern.
MIN_BASELINE_DAYS = 5
# The same season last year: the window's dates a year earlier, two weeks either side.
SEASON_MARGIN_DAYS = 14
YEAR = dt.timedelta(days=365)
HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class LeakRules:
    """The company's leak alert settings."""

    flow_hours: int = 24
    flow_min_per_hour: float = 0.0
    jump_days: int = 2
    jump_factor: float = 3.0
    jump_min_per_day: float = 150.0
    baseline_days: int = 90

    def problems(self):
        """:return: what is wrong with the settings, in plain words (empty when fine)"""
        problems = []
        if not 1 <= self.flow_hours <= 24 * 7:
            problems.append("continuous flow is between 1 and 168 hours")
        if self.flow_min_per_hour < 0:
            problems.append("the continuous flow threshold cannot be negative")
        if not 1 <= self.jump_days <= 30:
            problems.append("the jump is measured over 1 to 30 days")
        if self.jump_factor <= 1:
            problems.append("the jump factor must be more than 1")
        if self.jump_min_per_day < 0:
            problems.append("the jump's minimum gallons a day cannot be negative")
        if not MIN_BASELINE_DAYS <= self.baseline_days <= 400:
            problems.append(f"the usual usage is averaged over {MIN_BASELINE_DAYS} to 400 days")
        return problems

    @property
    def lookback(self):
        """How far before a meter's last read the intervals are needed: the
        flow rule sees a run of three times its length (enough to tell where
        most runs started; a longer one shows as starting there), the jump
        rule its window."""
        return max(3 * self.flow_hours * HOUR, self.jump_days * DAY)


@dataclass(frozen=True)
class Finding:
    """What one rule saw on one meter.

    :param kind: :data:`FLOW` or :data:`JUMP`
    :param date_start: start of the run (flow) or of the window (jump)
    :param date_end: end of the last interval seen
    :param hours: hours of the run (flow) or of the window (jump)
    :param usage: gallons used in the run or the window
    :param min_per_hour: the smallest hourly usage of the run (flow)
    :param per_day: gallons a day in the window (jump)
    :param baseline_per_day: the meter's usual gallons a day (jump)
    :param is_season: the usual day is the same season last year's (jump)
    """

    kind: str
    date_start: dt.datetime
    date_end: dt.datetime
    hours: float
    usage: float
    min_per_hour: float = 0.0
    per_day: float = 0.0
    baseline_per_day: float = 0.0
    is_season: bool = False


def usual_use(prior, last_year, seasonal):
    """The usage the jump is measured against.

    :param prior: (gallons, minutes read) of the ``baseline_days`` before the window
    :param last_year: (gallons, minutes read) of the window's dates a year
        earlier, :data:`SEASON_MARGIN_DAYS` days either side
    :param seasonal: the account's usage is seasonal
    :return: ((gallons, minutes), whether it is last year's)
    """
    if seasonal and last_year[1] >= MIN_BASELINE_DAYS * 24 * 60:
        return last_year, True
    return prior, False


def continuous_flow(intervals, rules):
    """The latest run of flowing intervals lasting ``rules.flow_hours`` or more.

    :param intervals: (start, minutes, gallons) tuples of one meter, by start
    :return: Finding or None
    """
    threshold = rules.flow_min_per_hour
    needed = rules.flow_hours * HOUR
    found = None
    run_start = run_end = None
    run_usage, run_min = 0.0, None
    for start, minutes, usage in intervals:
        per_hour = usage * 60.0 / minutes
        flowing = usage > 0 and per_hour > threshold
        if flowing and run_end == start:
            run_end = start + dt.timedelta(minutes=minutes)
            run_usage += usage
            run_min = min(run_min, per_hour)
        elif flowing:
            run_start, run_end = start, start + dt.timedelta(minutes=minutes)
            run_usage, run_min = usage, per_hour
        else:
            run_start = run_end = None
            continue
        if run_end - run_start >= needed:
            found = (run_start, run_end, run_usage, run_min)
    if not found:
        return None
    run_start, run_end, run_usage, run_min = found
    return Finding(
        kind=FLOW,
        date_start=run_start,
        date_end=run_end,
        hours=(run_end - run_start) / HOUR,
        usage=run_usage,
        min_per_hour=run_min,
    )


def usage_jump(intervals, baseline_usage, baseline_minutes, rules, is_season=False):
    """The last ``jump_days`` against the meter's usual usage per day.

    The window is the ``jump_days`` x 24 hours that end with the meter's last
    interval (not calendar days: a file ending mid-day is measured as it is).

    :param intervals: (start, minutes, gallons) tuples of one meter, by start,
        covering at least the window
    :param baseline_usage: gallons read in the ``baseline_days`` before the window
    :param baseline_minutes: minutes those reads cover
    :param is_season: the baseline is the same season last year (said on the finding)
    :return: Finding or None
    """
    if not intervals or baseline_minutes < MIN_BASELINE_DAYS * 24 * 60:
        return None
    last_start, last_minutes, _usage = intervals[-1]
    window_end = last_start + dt.timedelta(minutes=last_minutes)
    window_start = window_end - rules.jump_days * DAY
    usage = sum(u for start, _m, u in intervals if start >= window_start)
    per_day = usage / rules.jump_days
    baseline_per_day = baseline_usage * 24 * 60 / baseline_minutes
    if per_day < rules.jump_min_per_day or per_day <= rules.jump_factor * baseline_per_day:
        return None
    return Finding(
        kind=JUMP,
        date_start=window_start,
        date_end=window_end,
        hours=rules.jump_days * 24.0,
        usage=usage,
        per_day=per_day,
        baseline_per_day=baseline_per_day,
        is_season=is_season,
    )


def detect(intervals, baseline_usage, baseline_minutes, rules, is_season=False):
    """Both rules on one meter.

    :return: list of Finding (flow first), empty when nothing was seen
    """
    found = [
        continuous_flow(intervals, rules),
        usage_jump(intervals, baseline_usage, baseline_minutes, rules, is_season),
    ]
    return [finding for finding in found if finding]


def is_same_episode(finding, previous_end):
    """Whether ``finding`` goes on with the alert of the same meter and kind
    whose episode last ended at ``previous_end``.

    A run that still flows, or a window that overlaps or follows the last
    one, is the same leak: the customer was told once. A run that starts
    after the last one ended (the water stopped at least one interval in
    between) is a new leak.
    """
    return previous_end is not None and finding.date_start <= previous_end
