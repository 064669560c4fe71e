# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Plain unit tests of the reading file parser (no database)."""

import codecs
import hashlib
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ..lib.reading_files import (
    LayoutConfig,
    LayoutError,
    decode,
    parse,
    parse_date,
    parse_number,
    parse_read_type_codes,
    split_date_formats,
    to_strptime,
)

CODES = {"A": "actual", "E": "estimated", "C": "customer", "K": "check"}

HANDHELD = LayoutConfig(
    file_format="csv",
    has_header=True,
    date_formats=("MM/DD/YYYY",),
    columns={
        "meter": "Meter",
        "account": "Account",
        "date": "Read Date",
        "value": "Reading",
        "read_type": "Type",
        "reader": "Reader",
        "note": "Note",
    },
    read_type_codes=CODES,
)

NUMBERED = LayoutConfig(
    file_format="csv",
    delimiter=";",
    has_header=False,
    date_formats=("DD/MM/YYYY",),
    decimal_separator=",",
    columns={"meter": "2", "date": 1, "value": "4"},
)

# Classic route file: record type (1), account (2-11), meter (12-23), date
# YYYYMMDD (24-31), reading (32-41), read code (42), reader (43-46).
FIXED = LayoutConfig(
    file_format="fixed",
    has_header=False,
    date_formats=("YYYYMMDD",),
    positions={
        "record_type": (1, 1),
        "account": (2, 10),
        "meter": (12, 12),
        "date": (24, 8),
        "value": (32, 10),
        "read_type": (42, 1),
        "reader": (43, 4),
    },
    read_type_codes=CODES,
    record_type="D",
)


def fixed_line(record="D", *, account="", meter="", day="", value="", code="", reader=""):
    return (f"{record:1}{account:<10}{meter:<12}{day:<8}{value:>10}{code:1}{reader:<4}").rstrip()


def csv_file(*lines, header="Meter,Account,Read Date,Reading,Type,Reader,Note"):
    return "\n".join([header, *lines]).encode()


# ----------------------------------------------------------------------
# CSV
# ----------------------------------------------------------------------
class TestCsvByHeader:
    def test_rows_are_read_by_header_name(self):
        result = parse(
            csv_file(
                "M-100,A-1,03/01/2026,1234.5,A,R07,dog in yard",
                "M-101,A-2,03/02/2026,88,E,R07,",
            ),
            HANDHELD,
        )
        assert result.is_valid, result.errors
        first, second = result.rows
        assert first.line_number == 2
        assert first.meter == "M-100"
        assert first.account == "A-1"
        assert first.date == date(2026, 3, 1)
        assert first.value == Decimal("1234.5")
        assert first.read_type == "actual"
        assert first.reader == "R07"
        assert first.note == "dog in yard"
        assert second.line_number == 3
        assert second.read_type == "estimated"
        assert second.note == ""

    def test_header_names_ignore_case_order_and_spaces(self):
        content = b" reading ;METER; read date\n12;M-1;03/01/2026\n"
        config = LayoutConfig(
            delimiter=";",
            columns={"meter": "Meter", "date": "Read Date", "value": "Reading"},
        )
        result = parse(content, config)
        assert result.is_valid, result.errors
        assert (result.rows[0].meter, result.rows[0].value) == ("M-1", Decimal(12))

    def test_missing_header_column_is_a_file_error(self):
        result = parse(b"Meter,Date,Value\nM-1,03/01/2026,1\n", HANDHELD)
        assert not result.rows
        assert len(result.file_errors) == 1
        message = result.file_errors[0]
        assert "'Read Date'" in message
        assert "'Reading'" in message
        assert "it has: Meter, Date, Value" in message

    def test_optional_columns_may_be_left_out_of_the_layout(self):
        config = LayoutConfig(columns={"meter": "Meter", "date": "Date", "value": "Value"})
        result = parse(b"Meter,Date,Value,Other\nM-1,03/01/2026,5,x\n", config)
        assert result.is_valid
        row = result.rows[0]
        assert row.account == ""
        assert row.read_type is None

    def test_quoted_fields_with_delimiters_and_newlines(self):
        result = parse(
            csv_file('M-1,A-1,03/01/2026,"1,234.5",A,R1,"gate locked, called\nback"'),
            HANDHELD,
        )
        assert result.is_valid, result.errors
        assert result.rows[0].value == Decimal("1234.5")
        assert result.rows[0].note == "gate locked, called\nback"

    def test_line_numbers_follow_multiline_records(self):
        result = parse(
            csv_file(
                'M-1,A-1,03/01/2026,1,A,R1,"two\nlines"',
                "M-2,A-1,03/01/2026,x,A,R1,",
            ),
            HANDHELD,
        )
        assert [row.line_number for row in result.rows] == [2, 4]
        assert result.errors == ["line 4: reading 'x' is not a number"]


class TestCsvByNumber:
    def test_rows_are_read_by_column_number(self):
        result = parse(b"01/03/2026;M-1;ignored;1.234,5\n02/03/2026;M-2;x;7\n", NUMBERED)
        assert result.is_valid, result.errors
        assert [row.line_number for row in result.rows] == [1, 2]
        assert result.rows[0].meter == "M-1"
        assert result.rows[0].date == date(2026, 3, 1)
        assert result.rows[0].value == Decimal("1234.5")
        assert result.rows[1].value == Decimal(7)

    def test_header_row_is_skipped_with_numbered_columns(self):
        config = LayoutConfig(has_header=True, columns={"meter": 1, "date": 2, "value": 3})
        result = parse(b"SERIAL,WHEN,READ\nM-1,03/01/2026,10\n", config)
        assert result.is_valid
        assert len(result.rows) == 1
        assert result.rows[0].line_number == 2

    def test_row_shorter_than_the_layout(self):
        config = LayoutConfig(has_header=False, columns={"meter": 1, "date": 2, "value": 5})
        result = parse(b"M-1,03/01/2026,10\n", config)
        assert result.errors == ["line 1: 3 columns, the layout needs 5"]

    def test_column_names_need_a_header(self):
        config = LayoutConfig(has_header=False, columns={"meter": "Meter", "date": 1, "value": 2})
        with pytest.raises(LayoutError, match="has no header row"):
            parse(b"x", config)

    def test_tab_delimited(self):
        config = LayoutConfig(
            delimiter="\t", has_header=False, columns={"meter": 1, "date": 2, "value": 3}
        )
        result = parse(b"M-1\t03/01/2026\t10\r\n", config)
        assert result.is_valid
        assert result.rows[0].value == Decimal(10)


class TestCsvMalformedRows:
    def test_every_problem_of_a_row_is_reported(self):
        result = parse(csv_file("  ,A-1,31/02/2026,abc,Z,R1,"), HANDHELD)
        assert result.errors == [
            "line 2: missing meter number",
            "line 2: date '31/02/2026' does not match MM/DD/YYYY",
            "line 2: reading 'abc' is not a number",
            "line 2: read type 'Z' is not one of A, C, E, K",
        ]

    def test_impossible_day_is_refused(self):
        config = LayoutConfig(
            date_formats=("DD/MM/YYYY",), columns=dict(HANDHELD.columns), read_type_codes=CODES
        )
        result = parse(csv_file("M-1,A-1,31/02/2026,5,A,R1,"), config)
        assert result.errors == ["line 2: date '31/02/2026' does not match DD/MM/YYYY"]

    def test_missing_date_and_reading(self):
        result = parse(csv_file("M-1,A-1,,,A,R1,"), HANDHELD)
        assert result.errors == ["line 2: missing read date", "line 2: missing reading"]

    def test_negative_reading(self):
        result = parse(csv_file("M-1,A-1,03/01/2026,-5,A,R1,"), HANDHELD)
        assert result.errors == ["line 2: reading '-5' is negative"]

    def test_extra_and_missing_columns_against_the_header(self):
        result = parse(
            csv_file(
                "M-1,A-1,03/01/2026,5,A,R1,note,surprise",
                "M-2,A-1,03/01/2026,5",
                "M-3,A-1,03/01/2026,5,A,R1,ok",
            ),
            HANDHELD,
        )
        assert result.errors == [
            "line 2: 8 columns where the header has 7",
            "line 3: 4 columns where the header has 7",
        ]
        assert [row.meter for row in result.valid_rows] == ["M-3"]

    def test_trailing_empty_cells_are_not_extra_columns(self):
        result = parse(csv_file("M-1,A-1,03/01/2026,5,A,R1,note,,"), HANDHELD)
        assert result.is_valid, result.errors

    def test_without_header_the_first_row_sets_the_column_count(self):
        result = parse(b"01/03/2026;M-1;x;5\n01/03/2026;M-2;x;y;5\n", NUMBERED)
        assert result.errors == ["line 2: 5 columns where line 1 has 4"]

    def test_bad_rows_do_not_hide_good_ones(self):
        result = parse(
            csv_file(
                "M-1,A-1,03/01/2026,5,A,R1,",
                "M-2,A-1,03/01/2026,five,A,R1,",
                "M-3,A-1,03/01/2026,7,A,R1,",
            ),
            HANDHELD,
        )
        assert [row.meter for row in result.valid_rows] == ["M-1", "M-3"]
        assert [row.line_number for row in result.invalid_rows] == [3]
        assert not result.is_valid


class TestDuplicates:
    def test_same_meter_and_date_twice_in_the_file(self):
        result = parse(
            csv_file(
                "M-1,A-1,03/01/2026,5,A,R1,",
                "M-2,A-1,03/01/2026,5,A,R1,",
                "M-1,A-1,3/1/2026,6,A,R1,",
            ),
            HANDHELD,
        )
        assert result.errors == ["line 4: the same meter and date already appear on line 2"]
        assert [row.line_number for row in result.valid_rows] == [2, 3]

    def test_same_meter_on_other_days_is_fine(self):
        result = parse(
            csv_file("M-1,A-1,03/01/2026,5,A,R1,", "M-1,A-1,04/01/2026,9,A,R1,"), HANDHELD
        )
        assert result.is_valid


# ----------------------------------------------------------------------
# Fixed width
# ----------------------------------------------------------------------
class TestFixedWidth:
    def test_fields_by_position(self):
        content = "\n".join(
            [
                "H20260301ROUTE 12",
                fixed_line(
                    "D",
                    account="A-1",
                    meter="M-100",
                    day="20260301",
                    value="0001234",
                    code="A",
                    reader="R07",
                ),
                fixed_line(
                    "D",
                    account="A-2",
                    meter="M-101",
                    day="20260302",
                    value="88",
                    code="E",
                    reader="R07",
                ),
                "T0000002",
            ]
        ).encode()
        result = parse(content, FIXED)
        assert result.is_valid, result.errors
        first, second = result.rows
        assert first.line_number == 2
        assert (first.account, first.meter) == ("A-1", "M-100")
        assert first.date == date(2026, 3, 1)
        assert first.value == Decimal(1234)
        assert first.read_type == "actual"
        assert first.reader == "R07"
        assert second.line_number == 3
        assert second.read_type == "estimated"

    def test_short_line_is_refused_not_cut(self):
        line = fixed_line("D", account="A-1", meter="M-100", day="20260301", value="0001234")[:36]
        result = parse(line.encode(), FIXED)
        assert result.errors == ["line 1: the line is 36 characters long, the layout needs 41"]

    def test_optional_fields_may_be_missing_at_the_end(self):
        line = fixed_line("D", account="A-1", meter="M-100", day="20260301", value="5")
        result = parse(line.encode(), FIXED)
        assert result.is_valid
        assert result.rows[0].read_type is None
        assert result.rows[0].reader == ""

    def test_malformed_fields(self):
        content = "\n".join(
            [
                fixed_line("D", account="A-1", meter="", day="20260301", value="5", code="A"),
                fixed_line("D", account="A-1", meter="M-1", day="20261301", value="5", code="A"),
                fixed_line("D", account="A-1", meter="M-2", day="20260301", value="12O", code="A"),
            ]
        ).encode()
        result = parse(content, FIXED)
        assert result.errors == [
            "line 1: missing meter number",
            "line 2: date '20261301' does not match YYYYMMDD",
            "line 3: reading '12O' is not a number",
        ]

    def test_header_line_is_skipped(self):
        config = LayoutConfig(
            file_format="fixed",
            has_header=True,
            date_formats=("YYYY-MM-DD",),
            positions={"meter": (1, 8), "date": (9, 10), "value": (19, 6)},
        )
        content = b"METER   DATE      VALUE\nM-1     2026-03-01    12\n"
        result = parse(content, config)
        assert result.is_valid, result.errors
        assert result.rows[0].line_number == 2
        assert result.rows[0].value == Decimal(12)

    def test_positions_must_be_positive(self):
        config = LayoutConfig(
            file_format="fixed", positions={"meter": (0, 8), "date": (9, 10), "value": (19, 6)}
        )
        with pytest.raises(LayoutError, match="meter number field needs a start of 1"):
            parse(b"x", config)


# ----------------------------------------------------------------------
# Dates and numbers
# ----------------------------------------------------------------------
class TestDatesAndNumbers:
    @pytest.mark.parametrize(
        ("text", "formats", "expected"),
        [
            ("03/01/2026", ("MM/DD/YYYY",), date(2026, 3, 1)),
            ("3/1/2026", ("MM/DD/YYYY",), date(2026, 3, 1)),
            ("01/03/2026", ("dd/mm/yyyy",), date(2026, 3, 1)),
            ("20260301", ("YYYYMMDD",), date(2026, 3, 1)),
            ("030126", ("MMDDYY",), date(2026, 3, 1)),
            ("2026-03-01 06:15:00", ("YYYY-MM-DD HH:MI:SS",), date(2026, 3, 1)),
            ("2026-03-01T06:15:00", ("YYYY-MM-DDTHH:MI:SS",), date(2026, 3, 1)),
            ("2026-03-01", ("YYYY-MM-DD HH:MI:SS", "YYYY-MM-DD"), date(2026, 3, 1)),
            ("01.03.2026", ("%d.%m.%Y",), date(2026, 3, 1)),
            ("2026-02-29", ("YYYY-MM-DD",), None),
            ("March 1", ("YYYY-MM-DD",), None),
        ],
    )
    def test_parse_date(self, text, formats, expected):
        assert parse_date(text, formats) == expected

    def test_several_formats_are_named_in_the_error(self):
        config = LayoutConfig(
            date_formats=split_date_formats("DD/MM/YYYY; YYYY-MM-DD"),
            columns=dict(HANDHELD.columns),
            read_type_codes=CODES,
        )
        result = parse(csv_file("M-1,A-1,2026/03/01,5,A,R1,"), config)
        assert result.errors == [
            "line 2: date '2026/03/01' does not match DD/MM/YYYY or YYYY-MM-DD"
        ]

    def test_to_strptime(self):
        assert to_strptime("YYYY-MM-DD HH:MI:SS") == "%Y-%m-%d %H:%M:%S"
        assert to_strptime("%d.%m.%Y") == "%d.%m.%Y"

    @pytest.mark.parametrize(
        ("text", "separator", "expected"),
        [
            ("1234", ".", Decimal(1234)),
            ("0001234", ".", Decimal(1234)),
            ("1234.56", ".", Decimal("1234.56")),
            ("1,234.56", ".", Decimal("1234.56")),
            ("1 234.5", ".", Decimal("1234.5")),
            (".5", ".", Decimal("0.5")),
            ("1234,56", ",", Decimal("1234.56")),
            ("1.234,56", ",", Decimal("1234.56")),
            ("12,5", ".", None),
            ("12.5", ",", None),
            ("1,23,4", ".", None),
            ("abc", ".", None),
            ("1e3", ".", None),
            ("NaN", ".", None),
            ("", ".", None),
        ],
    )
    def test_parse_number(self, text, separator, expected):
        assert parse_number(text, separator) == expected

    @given(st.decimals(min_value=0, max_value=10**9, places=3, allow_nan=False))
    def test_numbers_round_trip_exactly(self, value):
        assert parse_number(str(value)) == value
        assert parse_number(str(value).replace(".", ","), ",") == value


# ----------------------------------------------------------------------
# Bytes, encodings, line endings
# ----------------------------------------------------------------------
class TestDecoding:
    def test_utf8_bom_is_dropped(self):
        content = codecs.BOM_UTF8 + csv_file("M-1,A-1,03/01/2026,5,A,R1,café")
        result = parse(content, HANDHELD)
        assert result.is_valid, result.errors
        assert result.encoding == "utf-8-sig"
        assert result.rows[0].note == "café"

    def test_latin1_fallback(self):
        content = csv_file("M-1,A-1,03/01/2026,5,A,R1,café").decode().encode("latin-1")
        result = parse(content, HANDHELD)
        assert result.is_valid
        assert result.encoding == "latin-1"
        assert result.rows[0].note == "café"

    def test_utf16_with_bom(self):
        content = csv_file("M-1,A-1,03/01/2026,5,A,R1,").decode().encode("utf-16")
        result = parse(content, HANDHELD)
        assert result.is_valid
        assert result.rows[0].meter == "M-1"

    def test_windows_line_endings_and_trailing_blank_lines(self):
        content = (
            csv_file("M-1,A-1,03/01/2026,5,A,R1,", "M-2,A-1,03/01/2026,6,A,R1,").replace(
                b"\n", b"\r\n"
            )
            + b"\r\n\r\n  \r\n"
        )
        result = parse(content, HANDHELD)
        assert result.is_valid, result.errors
        assert [row.line_number for row in result.rows] == [2, 3]
        assert result.rows[1].note == ""

    def test_windows_line_endings_fixed_width(self):
        content = (
            fixed_line("D", account="A-1", meter="M-1", day="20260301", value="5", code="A")
            + "\r\n\r\n"
        ).encode()
        result = parse(content, FIXED)
        assert result.is_valid
        assert result.rows[0].reader == ""

    def test_blank_lines_in_the_middle_keep_line_numbers(self):
        result = parse(csv_file("", "M-1,A-1,03/01/2026,5,A,R1,"), HANDHELD)
        assert [row.line_number for row in result.rows] == [3]

    def test_decode_never_fails(self):
        text, encoding = decode(bytes(range(256)))
        assert encoding == "latin-1"
        assert len(text) == 256


class TestEmptyAndChecksum:
    @pytest.mark.parametrize("content", [b"", b"   \r\n\n", codecs.BOM_UTF8 + b"\r\n"])
    def test_empty_file(self, content):
        result = parse(content, HANDHELD)
        assert result.rows == []
        assert result.file_errors == ["the file is empty"]
        assert result.errors == ["the file is empty"]

    def test_header_only_file(self):
        result = parse(b"Meter,Account,Read Date,Reading,Type,Reader,Note\r\n", HANDHELD)
        assert result.rows == []
        assert result.file_errors == ["the file has a header but no readings"]

    def test_fixed_width_with_only_header_and_trailer(self):
        result = parse(b"H20260301ROUTE 12\nT0000000\n", FIXED)
        assert result.file_errors == ["the file has no readings"]

    def test_checksum_is_sha256_of_the_bytes(self):
        content = csv_file("M-1,A-1,03/01/2026,5,A,R1,")
        assert parse(content, HANDHELD).checksum == hashlib.sha256(content).hexdigest()
        assert parse(b"", HANDHELD).checksum == hashlib.sha256(b"").hexdigest()
        other = csv_file("M-1,A-1,03/01/2026,6,A,R1,")
        assert parse(other, HANDHELD).checksum != parse(content, HANDHELD).checksum


# ----------------------------------------------------------------------
# Layout configuration
# ----------------------------------------------------------------------
class TestLayout:
    def test_read_type_codes(self):
        assert parse_read_type_codes("A=actual, e=Estimated;C=customer\nK=check") == {
            "A": "actual",
            "E": "estimated",
            "C": "customer",
            "K": "check",
        }
        assert parse_read_type_codes("") == {}

    def test_bad_read_type_codes(self):
        with pytest.raises(LayoutError) as error:
            parse_read_type_codes("A=actual,X,Z=guess")
        assert "'X' is not CODE=type" in str(error.value)
        assert "'guess' is not a read type" in str(error.value)

    def test_read_type_names_are_accepted_without_a_code(self):
        config = LayoutConfig(columns={"meter": "M", "date": "D", "value": "V", "read_type": "T"})
        result = parse(b"M,D,V,T\nM-1,03/01/2026,5,Final\nM-2,03/01/2026,5,\n", config)
        assert result.is_valid
        assert [row.read_type for row in result.rows] == ["final", None]

    def test_headerless_layout_needs_column_numbers(self):
        config = LayoutConfig(
            has_header=False, columns={"meter": 1, "date": "Read Date", "value": "0"}
        )
        with pytest.raises(LayoutError) as error:
            config.validate()
        assert str(error.value) == (
            "the read date column 'Read Date' is a name, but the file has no header row: "
            "give its number; the reading column number must be 1 or more"
        )

    def test_every_layout_problem_at_once(self):
        config = LayoutConfig(
            delimiter=";;",
            decimal_separator="'",
            date_formats=(),
            columns={"meter": "Meter"},
            read_type_codes={"A": "guess"},
        )
        with pytest.raises(LayoutError) as error:
            config.validate()
        message = str(error.value)
        assert "no column for: read date, reading" in message
        assert "delimiter must be exactly one character" in message
        assert "decimal separator" in message
        assert "at least one date format" in message
        assert "unknown read types in the code mapping: guess" in message
