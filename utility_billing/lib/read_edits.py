# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Read edits: the checks every meter reading passes before it may be billed.

Each check is a pure function of the reading, the history of its service (or of
its meter when it has no service) and the company's thresholds, and returns a
:class:`Flag` when it fires, ``None`` otherwise. The model fetches the history of
a whole batch of readings in one query and calls :func:`run_edits` per reading.

High / low usage is compared **per day**: the average daily usage of the last
``history_periods`` billable readings (their consumption summed over their days)
is scaled to the days of the reading being checked, so a 35-day read is not high
next to 28-day reads only because it is longer. Readings whose days are unknown
fall back to the plain per-period average. A seasonal account (irrigation, a
school, a pool: ``Service.seasonal``) is compared with its own usage over the
same days one year earlier instead, when it has readings then: a sprinkler's
winter bill is not "low" next to its summer ones.

Nothing here touches the database.
"""

import datetime as dt
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal

from .consumption import (
    NEGATIVE_METER_CHANGE,
    NEGATIVE_ROLLOVER,
    ZERO,
    classify_negative,
    rollover_consumption,
    simple_consumption,
    to_decimal,
)

HUNDRED = Decimal(100)

# Exception codes, as stored on utility.reading.exception.
NO_READ = "no_read"
NEGATIVE = "negative"
ROLLOVER = "rollover"
METER_CHANGE = "meter_change"
ZERO_USAGE = "zero_usage"
USAGE_INACTIVE = "usage_inactive"
HIGH_USAGE = "high_usage"
LOW_USAGE = "low_usage"
SAME_READING = "same_reading"
CONSECUTIVE_ESTIMATES = "consecutive_estimates"

# Reads taken a few days after another (a check read, the final read of a meter
# exchange) cover a short partial period: "no usage", "low usage" and "stuck
# meter" mean nothing for them.
PARTIAL_READ_TYPES = ("check", "final")
# Readings that make the average of an account: reviewed or billed ones.
BILLABLE_STATES = ("valid", "billed")
INACTIVE_SERVICE_STATES = ("suspended", "disconnected", "stopped")

UNIT_LABELS = {
    "gallon": "gal",
    "kgal": "kgal",
    "cubic_foot": "cu ft",
    "ccf": "CCF",
    "kwh": "kWh",
}


YEAR_OF_MONTHLY_READS = 13


@dataclass(frozen=True)
class Thresholds:
    """The company's read-edit settings (res.company utility_* fields)."""

    high_usage_percent: Decimal = Decimal(200)
    low_usage_percent: Decimal = Decimal(25)
    history_periods: int = 12
    min_average: Decimal = Decimal(1)
    same_reading_periods: int = 3
    max_consecutive_estimates: int = 2

    @property
    def depth(self):
        """How many past readings the checks look at, at most (a year of monthly
        reads at least, for the seasonal comparison)."""
        return (
            max(
                self.history_periods,
                self.same_reading_periods,
                self.max_consecutive_estimates,
                YEAR_OF_MONTHLY_READS,
            )
            + 1
        )


@dataclass(frozen=True)
class Read:
    """A reading: the one checked, or one of its history.

    :param meter: identifier of the meter (the id in the database)
    :param days: days since the previous reading of the same meter, 0 if unknown
    :param previous_value: register value of the previous reading of the same
        meter (None when there is none); only needed on the reading checked
    """

    date: dt.date
    meter: object
    value: Decimal
    consumption: Decimal = ZERO
    days: int = 0
    read_type: str = "actual"
    state: str = "valid"
    previous_value: Decimal | None = None
    previous_date: dt.date | None = None


@dataclass(frozen=True)
class Service:
    """What the checks need to know of the reading's service and meter."""

    state: str | None = "active"
    date_end: dt.date | None = None
    dials: int = 6
    multiplier: Decimal = Decimal(1)
    unit: str = "gallon"
    # The meter was (re)installed between the previous reading and this one.
    meter_reinstalled: bool = False
    # Compare usage with the same period last year (see the module docstring).
    seasonal: bool = False


@dataclass(frozen=True)
class Flag:
    code: str
    message: str


@dataclass(frozen=True)
class EditResult:
    """Flags raised on a reading, and its consumption once negatives are explained."""

    flags: tuple
    consumption: Decimal
    is_rollover: bool

    @property
    def codes(self):
        return [flag.code for flag in self.flags]


def fmt(quantity, places=3):
    """A quantity for a clerk: rounded half-up, without trailing zeros."""
    quantity = to_decimal(quantity).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    text = f"{quantity:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def unit_label(unit):
    return UNIT_LABELS.get(unit, unit or "")


# ----------------------------------------------------------------------
# History helpers
# ----------------------------------------------------------------------
def billable_history(history, periods):
    """The last ``periods`` readings that make the account's average.

    Reviewed or billed readings with a non-negative consumption over a known
    number of days; initial readings (no consumption) are left out.

    :param history: past readings, newest first
    """
    usable = [
        past
        for past in history
        if past.state in BILLABLE_STATES
        and past.read_type != "initial"
        and past.consumption >= 0
        and past.days > 0
    ]
    return usable[: max(periods, 0)]


def average_daily_usage(history, periods):
    """Average daily usage of the last ``periods`` billable readings, or None.

    :return: tuple (Decimal per day, number of readings used), (None, 0) without history
    """
    usable = billable_history(history, periods)
    days = sum(past.days for past in usable)
    if not usable or not days:
        return None, 0
    return sum((past.consumption for past in usable), ZERO) / Decimal(days), len(usable)


def expected_usage(read, history, periods):
    """Usage expected for ``read``: the daily average times its days.

    Readings of unknown length compare with the per-period average instead.

    :return: tuple (Decimal expected usage, number of readings averaged), (None, 0)
    """
    daily, count = average_daily_usage(history, periods)
    if daily is None:
        return None, 0
    if read.days > 0:
        return daily * read.days, count
    usable = billable_history(history, periods)
    return sum((past.consumption for past in usable), ZERO) / len(usable), count


def same_period_last_year(read, history):
    """Usage of the same days one year before ``read``, from the billable
    readings whose periods cover them (each counted for the days it shares
    with that window, at its own daily rate).

    :return: Decimal expected usage, or None when the history does not reach
        back a year or covers less than half of those days
    """
    if read.days <= 0:
        return None
    end = read.date - dt.timedelta(days=365)
    start = end - dt.timedelta(days=read.days)
    usage, covered = ZERO, 0
    for past in billable_history(history, len(history)):
        past_start = past.date - dt.timedelta(days=past.days)
        shared = (min(end, past.date) - max(start, past_start)).days
        if shared > 0:
            usage += past.consumption * shared / Decimal(past.days)
            covered += shared
    if covered * 2 < read.days:
        return None
    return usage * read.days / Decimal(covered)


def estimate_consumption(history, days, periods):
    """Estimated consumption for ``days`` from the account's average daily usage.

    :return: Decimal, or None when the account has no usable history
    """
    daily, _count = average_daily_usage(history, periods)
    if daily is None:
        return None
    return daily * Decimal(days)


def meter_changed_between(read, history, service):
    """Whether the meter changed between the previous reading and ``read``.

    True when the meter was (re)installed in between, or when the service has a
    reading on another meter dated after the previous reading of this meter.
    """
    if service.meter_reinstalled:
        return True
    if read.previous_date is None:
        return False
    return any(
        past.meter != read.meter and read.previous_date < past.date < read.date for past in history
    )


# ----------------------------------------------------------------------
# The checks
# ----------------------------------------------------------------------
def check_negative(read, history, service, high_limit=None):
    """Register went backwards: rollover, meter change or misread.

    A rollover is flagged for review as well (a person confirms the register
    wrapped), but its consumption is the wrapped one so accepting it bills the
    right usage.

    :return: tuple (Flag or None, Decimal consumption, bool is_rollover)
    """
    if read.read_type == "initial" or read.previous_value is None:
        return None, read.consumption, False
    raw = simple_consumption(read.previous_value, read.value, service.multiplier)
    if raw >= 0:
        return None, raw, False
    unit = unit_label(service.unit)
    kind = classify_negative(
        read.previous_value,
        read.value,
        service.dials,
        service.multiplier,
        meter_changed=meter_changed_between(read, history, service),
        high_limit=high_limit,
    )
    if kind == NEGATIVE_ROLLOVER:
        wrapped = rollover_consumption(
            read.previous_value, read.value, service.dials, service.multiplier
        )
        return (
            Flag(
                ROLLOVER,
                f"Register rolled over from {fmt(read.previous_value)} to {fmt(read.value)} "
                f"({service.dials} dials): usage {fmt(wrapped)} {unit}. "
                "Accept if the meter really passed zero.",
            ),
            wrapped,
            True,
        )
    if kind == NEGATIVE_METER_CHANGE:
        return (
            Flag(
                METER_CHANGE,
                f"Reading {fmt(read.value)} is below the previous reading "
                f"{fmt(read.previous_value)} and the meter was changed in between: "
                "record the exchange (final and initial reads) or correct the reading.",
            ),
            raw,
            False,
        )
    return (
        Flag(
            NEGATIVE,
            f"Reading {fmt(read.value)} is {fmt(-raw)} {unit} below the previous reading "
            f"{fmt(read.previous_value)} of {read.previous_date or '?'}: misread? "
            "Correct it, estimate it or order a check read.",
        ),
        raw,
        False,
    )


def check_first_read_of_meter(read, history):
    """First reading of a meter on a service that was read on another meter.

    The exchange was not recorded: the old meter has no final read and the new
    one no initial read, so the usage of the period is unknown.
    """
    if read.read_type == "initial" or read.previous_value is not None:
        return None
    other = next((past for past in history if past.meter != read.meter), None)
    if other is None:
        return None
    return Flag(
        METER_CHANGE,
        f"First reading of this meter on the service; the reading of {other.date} "
        f"({fmt(other.value)}) was on another meter: record the exchange "
        "(final read of the old meter, initial read of the new one).",
    )


def check_zero_usage(read, service):
    """No usage since the previous reading while the service is active."""
    if (
        read.read_type in (*PARTIAL_READ_TYPES, "initial")
        or read.previous_value is None
        or service.state != "active"
        or read.consumption != 0
    ):
        return None
    return Flag(
        ZERO_USAGE,
        f"No usage since the reading of {read.previous_date or '?'}"
        f"{f' ({read.days} days)' if read.days else ''} on an active service: "
        "vacant premise, stopped meter or misread?",
    )


def check_usage_inactive(read, service):
    """Usage on a suspended or disconnected service, or on a stopped one after its end date."""
    if read.consumption <= 0 or service.state not in INACTIVE_SERVICE_STATES:
        return None
    unit = unit_label(service.unit)
    if service.state == "suspended":
        return Flag(
            USAGE_INACTIVE,
            f"Usage of {fmt(read.consumption)} {unit} on a suspended service: "
            "leak, tenant or meter left on?",
        )
    if service.state == "disconnected":
        return Flag(
            USAGE_INACTIVE,
            f"Usage of {fmt(read.consumption)} {unit} on a service disconnected for "
            "non-payment: turned back on without the utility?",
        )
    if service.date_end and read.date <= service.date_end:
        return None
    return Flag(
        USAGE_INACTIVE,
        f"Usage of {fmt(read.consumption)} {unit} on a service stopped"
        f"{f' on {service.date_end}' if service.date_end else ''}.",
    )


def _usage_comparison(read, history, service, thresholds):
    """(percent of expected usage, expected, what it is) or None when not comparable."""
    if (
        read.read_type == "initial"
        or read.previous_value is None
        or read.consumption < 0
        or service.state in INACTIVE_SERVICE_STATES
    ):
        return None
    expected = same_period_last_year(read, history) if service.seasonal else None
    if expected is not None:
        basis = "the same period last year"
    else:
        expected, count = expected_usage(read, history, thresholds.history_periods)
        basis = f"the {count}-period average"
    if expected is None or expected <= 0 or expected < to_decimal(thresholds.min_average):
        return None
    return read.consumption / expected * HUNDRED, expected, basis


def _usage_message(read, service, comparison, limit):
    percent, expected, basis = comparison
    unit = unit_label(service.unit)
    days = f" for {read.days} days" if read.days else ""
    return (
        f"Usage {fmt(read.consumption, 1)} {unit} is {fmt(percent, 0)} % of "
        f"{basis} {fmt(expected, 1)} {unit}{days} (limit {fmt(limit, 0)} %)."
    )


def check_high_usage(read, history, service, thresholds):
    """Usage above ``high_usage_percent`` of the account's average (per day)."""
    comparison = _usage_comparison(read, history, service, thresholds)
    if not comparison:
        return None
    limit = to_decimal(thresholds.high_usage_percent)
    if comparison[0] <= limit:
        return None
    return Flag(HIGH_USAGE, _usage_message(read, service, comparison, limit))


def check_low_usage(read, history, service, thresholds):
    """Usage under ``low_usage_percent`` of the account's average (per day).

    Zero usage is the zero-usage edit's business, and partial reads (check,
    final) are too short to compare.
    """
    if read.read_type in PARTIAL_READ_TYPES or read.consumption <= 0:
        return None
    comparison = _usage_comparison(read, history, service, thresholds)
    if not comparison:
        return None
    limit = to_decimal(thresholds.low_usage_percent)
    if comparison[0] >= limit:
        return None
    return Flag(LOW_USAGE, _usage_message(read, service, comparison, limit))


def check_same_reading(read, history, service, thresholds):
    """The register has not moved for ``same_reading_periods`` periods in a row.

    Fires when the reading and the previous ``same_reading_periods`` readings of
    the same meter all show the same value while the service is active: a stuck
    meter. 0 periods switches the check off.
    """
    periods = thresholds.same_reading_periods
    if (
        periods <= 0
        or service.state != "active"
        or read.read_type in (*PARTIAL_READ_TYPES, "initial", "estimated")
    ):
        return None
    run = []
    for past in history:
        if past.meter != read.meter or len(run) == periods:
            break
        run.append(past)
    if len(run) < periods or any(past.value != read.value for past in run):
        return None
    return Flag(
        SAME_READING,
        f"The register has shown {fmt(read.value)} for {periods} periods in a row "
        f"(since {run[-1].date}): stuck meter? Order a check read or a bench test.",
    )


def check_consecutive_estimates(read, history, thresholds):
    """An estimate beyond ``max_consecutive_estimates`` estimates in a row."""
    if read.read_type != "estimated":
        return None
    count = 1
    for past in history:
        if past.read_type != "estimated":
            break
        count += 1
    limit = thresholds.max_consecutive_estimates
    if count <= limit:
        return None
    return Flag(
        CONSECUTIVE_ESTIMATES,
        f"{count} estimated readings in a row (limit {limit}): an actual read is needed.",
    )


def check_no_read(read_dates, date_from, date_to):
    """No reading in the read window of a service that must be read.

    :param read_dates: dates of the service's readings (any iterable)
    """
    if any(date_from <= day <= date_to for day in read_dates):
        return None
    return Flag(NO_READ, f"No reading between {date_from} and {date_to}.")


# ----------------------------------------------------------------------
# All together
# ----------------------------------------------------------------------
def run_edits(read, history, service, thresholds):
    """Run every read edit on one reading.

    :param read: the :class:`Read` checked, with its consumption as computed from
        the register (negative when the register went backwards)
    :param history: past :class:`Read` of the same service (or meter), newest first
    :param service: :class:`Service`
    :param thresholds: :class:`Thresholds`
    :return: :class:`EditResult`
    """
    if read.read_type == "initial":
        return EditResult((), ZERO, False)
    expected, _count = expected_usage(read, history, thresholds.history_periods)
    high_limit = (
        expected * to_decimal(thresholds.high_usage_percent) / HUNDRED
        if expected is not None
        else None
    )
    negative, consumption, is_rollover = check_negative(read, history, service, high_limit)
    read = replace(read, consumption=consumption)
    flags = [negative]
    if negative is None:
        flags.append(check_first_read_of_meter(read, history))
        same = check_same_reading(read, history, service, thresholds)
        # A stuck meter is the stronger diagnosis of the same zero usage.
        flags.append(same or check_zero_usage(read, service))
        flags.append(check_usage_inactive(read, service))
        flags.append(check_low_usage(read, history, service, thresholds))
    if negative is None or is_rollover:
        flags.append(check_high_usage(read, history, service, thresholds))
    flags.append(check_consecutive_estimates(read, history, thresholds))
    return EditResult(tuple(flag for flag in flags if flag), consumption, is_rollover)
