# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Parse the interval (AMI) consumption files head-ends export.

An AMI head-end exports what each meter used in each interval (usually an
hour) as a CSV file with one interval per row: the meter, when the interval
starts (or ends) and the usage in it. Badger Meter's BEACON documents its
interval files that way ("one read per row ... one day of hourly reads
requires 24 separate rows", helpbeaconama.net, Data Exchange, "Import Interval
Meter Reads"), with ``Meter_ID`` naming the meter as in its billing read
export. The default layout reads::

    Meter_ID,Read_Time,Consumption
    SN-000123,2026-11-02 13:00,4.2

Columns are found by header name or number, as for the reading files; rows
are validated one by one and every problem is reported with its line, with
the record splitter and the number rules of :mod:`.reading_files`.

Nothing here touches the database; matching meters is the caller's job.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

import pytz

from . import reading_files
from .reading_files import LayoutError, ParseResult

TARGETS = ("meter", "time", "usage")
TARGET_LABELS = {"meter": "meter number", "time": "interval time", "usage": "usage"}
# The usage column holds 3 decimals (thousandths of a gallon or cubic foot).
USAGE_DECIMALS = 3
# More than this in one interval is a misread register, not water (a 10-inch
# meter passes about 2 million gallons an hour at its maximum).
MAX_USAGE = Decimal("10000000")
# Interval lengths head-ends use; each divides a day.
INTERVAL_MINUTES = (5, 10, 15, 30, 60, 120, 180, 240, 360, 720, 1440)


@dataclass(frozen=True)
class IntervalLayoutConfig:
    """How to read one head-end's interval file.

    :param columns: target (``meter``, ``time``, ``usage``) -> header name or
        1-based column number
    :param date_formats: human formats with the time (``"YYYY-MM-DD HH:MI"``)
        or strptime formats; tried in order
    :param interval_minutes: length of every interval of the file
    :param time_marks: ``"start"`` when the time is the interval's start,
        ``"end"`` when it is its end (many head-ends stamp the end)
    """

    delimiter: str = ","
    quotechar: str = '"'
    has_header: bool = True
    date_formats: tuple = ("YYYY-MM-DD HH:MI",)
    decimal_separator: str = "."
    columns: dict = field(default_factory=dict)
    interval_minutes: int = 60
    time_marks: str = "start"

    def validate(self):
        """Raise LayoutError listing every problem of the layout."""
        problems = []
        missing = [TARGET_LABELS[t] for t in TARGETS if not self.columns.get(t)]
        if missing:
            problems.append("no column for: " + ", ".join(missing))
        problems += reading_files.csv_layout_problems(self, self.columns, TARGET_LABELS.__getitem__)
        if self.decimal_separator not in (".", ","):
            problems.append("the decimal separator must be '.' or ','")
        if not self.date_formats:
            problems.append("give at least one date format")
        if self.interval_minutes not in INTERVAL_MINUTES:
            problems.append(
                "the interval length must be one of "
                + ", ".join(str(m) for m in INTERVAL_MINUTES)
                + " minutes"
            )
        if self.time_marks not in ("start", "end"):
            problems.append("the time marks the interval's start or its end")
        if problems:
            raise LayoutError("; ".join(problems))


@dataclass(slots=True)
class IntervalRow:
    """One data line of the file, read or not: ``errors`` says why not.

    ``start`` is the interval's start, as the file's clock tells it (no time zone).
    """

    line_number: int
    meter: str = ""
    start: dt.datetime | None = None
    usage: Decimal | None = None
    errors: list = field(default_factory=list)

    # What the imports read of a row, as the reading files' rows have it.
    is_valid = reading_files.ReadingRow.is_valid
    add_error = reading_files.ReadingRow.add_error
    error_messages = reading_files.ReadingRow.error_messages

    @property
    def key(self):
        """What makes an interval unique: the meter and its start."""
        return (self.meter, self.start)


def parse(content, config):
    """Parse an interval file.

    :param content: the file as bytes (or str, read as UTF-8)
    :param config: IntervalLayoutConfig
    :return: ParseResult of IntervalRow, in file order, each validated
    :raises LayoutError: when the layout itself is unusable
    """
    result, lines = reading_files.start_parse(content, config, ParseResult)
    if lines is None:
        return result
    records = reading_files._csv_records(lines, config, result)
    # A file of 10,000 meters x 7 days holds 168 distinct times and a few
    # thousand distinct usages: each text is read once.
    seen = ({}, {}, dt.timedelta(minutes=config.interval_minutes))
    reading_files.collect_rows(
        result,
        records,
        IntervalRow,
        lambda row, values: _fill_row(row, values, config, seen),
        has_header=config.has_header,
        noun="intervals",
    )
    _flag_duplicates(result.rows)
    return result


def _fill_row(row, values, config, seen):
    """:param seen: (time text -> read time, usage text -> read usage, interval length)"""
    times, usages, step = seen
    row.meter = values.get("meter", "")
    if not row.meter:
        row.add_error("missing meter number")
    time_text = values.get("time", "")
    if not time_text:
        row.add_error("missing interval time")
    else:
        if time_text not in times:
            times[time_text] = _read_time(time_text, config, step)
        row.start, problem = times[time_text]
        if problem:
            row.add_error(problem)
    usage_text = values.get("usage", "")
    if not usage_text:
        row.add_error("missing usage")
        return
    if usage_text not in usages:
        usages[usage_text] = _read_usage(usage_text, config.decimal_separator)
    row.usage, problem = usages[usage_text]
    if problem:
        row.add_error(problem)


def _read_time(text, config, step):
    """:return: (interval start, None) or (None, why the text is not a time)"""
    for date_format in config.date_formats:
        try:
            moment = dt.datetime.strptime(text.strip(), reading_files.to_strptime(date_format))
        except ValueError:
            continue
        if config.time_marks == "end":
            moment -= step
        minutes = moment.hour * 60 + moment.minute
        if moment.second or minutes % config.interval_minutes:
            return None, (
                f"time '{reading_files.shown(text)}' does not start a "
                f"{config.interval_minutes}-minute interval"
            )
        return moment, None
    return None, (
        f"time '{reading_files.shown(text)}' does not match " + " or ".join(config.date_formats)
    )


def _read_usage(text, decimal_separator):
    """:return: (usage, None) or (None, why the text is not a usage)"""
    value = reading_files.parse_number(text, decimal_separator)
    shown = reading_files.shown(text)
    if value is None:
        return None, f"usage '{shown}' is not a number"
    if value < 0:
        return None, f"usage '{shown}' is negative: a meter does not run backwards"
    places = reading_files.decimal_places(value)
    if places > USAGE_DECIMALS:
        return None, f"usage '{shown}' has {places} decimals: at most {USAGE_DECIMALS}"
    if value > MAX_USAGE:
        return None, f"usage '{shown}' is more than a meter passes in an interval"
    return value, None


def _flag_duplicates(rows):
    """Refuse a second row for the same meter and interval: which is right is unknowable."""
    first_line = {}
    for row in rows:
        if not row.meter or row.start is None:
            continue
        seen = first_line.setdefault(row.key, row.line_number)
        if seen != row.line_number:
            row.add_error(f"the same meter and time already appear on line {seen}")


def to_utc(rows, zone):
    """Turn the rows' local times into UTC (naive, as Odoo stores them).

    A head-end writes the city's wall-clock time. On the night clocks go back
    one hour happens twice, and on the night they go forward one never
    happens: such a row cannot be placed and is refused, naming the time.

    :param rows: IntervalRow with ``start`` set (others are left alone)
    :param zone: a pytz time zone (``pytz.timezone("America/Chicago")``)
    """
    converted = {}
    for row in rows:
        if row.start is None:
            continue
        if row.start not in converted:
            try:
                local = zone.localize(row.start, is_dst=None)
            except pytz.exceptions.AmbiguousTimeError:
                converted[row.start] = (None, "happens twice (clocks went back)")
            except pytz.exceptions.NonExistentTimeError:
                converted[row.start] = (None, "does not exist (clocks went forward)")
            else:
                converted[row.start] = (
                    local.astimezone(pytz.utc).replace(tzinfo=None),
                    None,
                )
        utc, problem = converted[row.start]
        if problem:
            row.add_error(f"time {row.start:%m/%d/%Y %H:%M} {problem} in {zone.zone}")
        row.start = utc
