# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Plain unit tests of the interval file parser (no database)."""

import datetime as dt
from decimal import Decimal

import pytest
import pytz

from ..lib.interval_files import IntervalLayoutConfig, parse, to_utc
from ..lib.reading_files import LayoutError

AMI = IntervalLayoutConfig(
    date_formats=("YYYY-MM-DD HH:MI", "MM/DD/YYYY HH:MI"),
    columns={"meter": "Meter_ID", "time": "Read_Time", "usage": "Consumption"},
)


def rows_of(text, config=AMI):
    return parse(text, config)


class TestParse:
    def test_head_end_file(self):
        result = rows_of(
            "Meter_ID,Read_Time,Consumption\n"
            "SN1,2026-11-02 13:00,4.2\n"
            "SN1,11/02/2026 14:00,0\n"
            "SN2,2026-11-02 13:00,1,234.5\n".replace("1,234.5", '"1,234.5"')
        )
        assert result.file_errors == []
        assert [(r.meter, r.start, r.usage) for r in result.rows] == [
            ("SN1", dt.datetime(2026, 11, 2, 13), Decimal("4.2")),
            ("SN1", dt.datetime(2026, 11, 2, 14), Decimal("0")),
            ("SN2", dt.datetime(2026, 11, 2, 13), Decimal("1234.5")),
        ]
        assert all(r.is_valid for r in result.rows)

    def test_columns_in_any_order_by_name(self):
        result = rows_of("Consumption,Meter_ID,Read_Time\n2,SN1,2026-11-02 13:00\n")
        assert result.rows[0].meter == "SN1"
        assert result.rows[0].usage == 2

    def test_time_marking_the_end(self):
        config = IntervalLayoutConfig(
            date_formats=("YYYY-MM-DD HH:MI",), columns=AMI.columns, time_marks="end"
        )
        result = rows_of("Meter_ID,Read_Time,Consumption\nSN1,2026-11-02 14:00,3\n", config)
        assert result.rows[0].start == dt.datetime(2026, 11, 2, 13)

    def test_every_bad_row_says_why(self):
        result = rows_of(
            "Meter_ID,Read_Time,Consumption\n"
            ",2026-11-02 13:00,1\n"
            "SN1,yesterday,1\n"
            "SN1,2026-11-02 13:30,1\n"
            "SN1,2026-11-02 15:00,-2\n"
            "SN1,2026-11-02 16:00,abc\n"
            "SN1,2026-11-02 17:00,1.23456\n"
            "SN1,2026-11-02 18:00,1e3\n"
            "SN1,2026-11-02 19:00,\n"
            "SN1,2026-11-02 20:00,99999999\n"
        )
        errors = [r.errors for r in result.rows]
        assert errors == [
            ["missing meter number"],
            ["time 'yesterday' does not match YYYY-MM-DD HH:MI or MM/DD/YYYY HH:MI"],
            ["time '2026-11-02 13:30' does not start a 60-minute interval"],
            ["usage '-2' is negative: a meter does not run backwards"],
            ["usage 'abc' is not a number"],
            ["usage '1.23456' has 5 decimals: at most 3"],
            ["usage '1e3' is not a number"],
            ["missing usage"],
            ["usage '99999999' is more than a meter passes in an interval"],
        ]

    def test_same_meter_and_time_twice(self):
        result = rows_of(
            "Meter_ID,Read_Time,Consumption\nSN1,2026-11-02 13:00,1\nSN1,2026-11-02 13:00,2\n"
        )
        assert result.rows[0].is_valid
        assert result.rows[1].errors == ["the same meter and time already appear on line 2"]

    def test_whole_file_problems(self):
        assert rows_of("").file_errors == ["the file is empty"]
        assert rows_of("Meter_ID,Read_Time,Consumption\n").file_errors == [
            "the file has a header but no intervals"
        ]
        missing = rows_of("Meter,Time,Usage\nSN1,2026-11-02 13:00,1\n").file_errors
        assert missing[0].startswith("the header row has no column 'Meter_ID'")

    def test_short_row(self):
        result = rows_of("Meter_ID,Read_Time,Consumption\nSN1,2026-11-02 13:00\n")
        assert result.rows[0].errors == ["2 columns where the header has 3"]

    def test_control_characters(self):
        result = rows_of("Meter_ID,Read_Time,Consumption\nSN\x001,2026-11-02 13:00,1\n")
        assert "control character" in result.rows[0].errors[0]


class TestLayout:
    def test_missing_columns_and_bad_interval(self):
        with pytest.raises(LayoutError) as error:
            IntervalLayoutConfig(columns={"meter": "M"}, interval_minutes=7).validate()
        assert "no column for: interval time, usage" in str(error.value)
        assert "interval length must be one of" in str(error.value)


class TestTimeZone:
    def test_city_clock_to_utc(self):
        result = rows_of("Meter_ID,Read_Time,Consumption\nSN1,2026-07-01 13:00,1\n")
        to_utc(result.rows, pytz.timezone("America/Chicago"))
        assert result.rows[0].start == dt.datetime(2026, 7, 1, 18)

    def test_the_hour_that_happens_twice_is_refused(self):
        """1 AM on the first Sunday of November 2026 happens twice in Chicago."""
        result = rows_of(
            "Meter_ID,Read_Time,Consumption\nSN1,2026-11-01 01:00,1\nSN1,2026-11-01 03:00,1\n"
        )
        to_utc(result.rows, pytz.timezone("America/Chicago"))
        assert result.rows[0].errors == [
            "time 11/01/2026 01:00 happens twice (clocks went back) in America/Chicago"
        ]
        assert result.rows[1].start == dt.datetime(2026, 11, 1, 9)

    def test_the_hour_that_never_happens_is_refused(self):
        result = rows_of("Meter_ID,Read_Time,Consumption\nSN1,2026-03-08 02:00,1\n")
        to_utc(result.rows, pytz.timezone("America/Chicago"))
        assert "does not exist (clocks went forward)" in result.rows[0].errors[0]
