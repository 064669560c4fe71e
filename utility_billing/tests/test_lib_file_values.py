# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Plain unit tests of what the file parsers refuse in a value (no database):
control characters, the size of an upload, decimals, readings a register
cannot show, amounts far beyond any limit."""

import base64
from decimal import Decimal

import pytest

from ..lib import nacha, payment_files, reading_files

D = Decimal


@pytest.mark.parametrize("size", [0, 1, 2, 3, 4, 5, 1000, 20 * 1024 * 1024 + 1])
def test_base64_size_is_the_decoded_size(size):
    data = base64.b64encode(b"x" * size)
    assert reading_files.base64_size(data) == size
    assert reading_files.base64_size(data.decode()) == size


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("plain text, tabs\tand accents: café", None),
        ("line\r\nend", None),
        ("a\x00b", "contains a control character (NUL), which is not text: "
                   "the file is damaged or is not a text file"),
        ("\x1b[2J", "contains a control character (character code 27), which is not text: "
                    "the file is damaged or is not a text file"),
        ("\x7f", "contains a control character (character code 127), which is not text: "
                 "the file is damaged or is not a text file"),
    ],
)  # fmt: skip
def test_control_characters(text, problem):
    assert reading_files.control_character_problem(text) == problem


@pytest.mark.parametrize(
    ("value", "places"),
    [(D("5"), 0), (D("5.25"), 2), (D("5.2500"), 2), (D("500"), 0), (D("1E+20"), 0),
     (D("0.001"), 3), (D("1234.5678"), 4)],
)  # fmt: skip
def test_decimal_places(value, places):
    assert reading_files.decimal_places(value) == places


@pytest.mark.parametrize(
    ("value", "dials", "problem"),
    [
        (D("999999"), 6, None),
        (D("999999.999"), 6, None),
        (D("1000000"), 6, "has more digits than the meter's 6 dials show (at most 999,999)"),
        (D("1E+20"), 12, "has more digits than any meter shows (at most 12 dials)"),
        (D("1234.5678"), 6, "has 4 decimals: a reading holds at most 3"),
        (D("-1"), 6, "is negative"),
        (D("NaN"), 6, "is not a number"),
        (D("Infinity"), 6, "is not a number"),
        (D("9" * 5000), None, "has more digits than any meter shows (at most 12 dials)"),
    ],
)
def test_reading_value_problem(value, dials, problem):
    assert reading_files.reading_value_problem(value, dials) == problem


@pytest.mark.parametrize(
    ("text", "in_cents", "amount"),
    [
        ("0.29", False, D("0.29")),
        ("$1,234.56", False, D("1234.56")),
        ("1234.565", False, None),  # a fraction of a cent is refused, never rounded
        ("1e5", False, None),
        ("NaN", False, None),
        ("inf", False, None),
        ("1999", True, D("19.99")),
        ("29", True, D("0.29")),
        ("19.99", True, None),
        ("9" * 5000, False, D("9" * 5000)),  # no traceback: the row limit refuses it
        ("9" * 5000 + ".001", False, None),
    ],
)
def test_parse_amount_is_exact(text, in_cents, amount):
    assert payment_files.parse_amount(text, in_cents=in_cents) == amount


def test_returns_csv_refuses_control_characters_and_amounts_above_the_limit():
    text = (
        "trace_number,reason_code,amount,date\n"
        "071000010000001,R01,55.00,2025-02-10\n"
        "071000010000002,R01,55.\x0000,2025-02-10\n"
        "071000010000003,R01,1000.01,2025-02-10\n"
        "071000010000004,R01," + "9" * 5000 + ",2025-02-10\n"
    )
    items, problems = nacha.parse_returns_csv(text, max_amount=D("1000.00"))
    assert [(item.trace_number, item.amount) for item in items] == [("071000010000001", D("55.00"))]
    limit = (
        "is more than the largest amount a file row may carry (1,000.00, Settings > Utility "
        "Billing > Import Limits)"
    )
    assert problems == [
        "Row 3: column amount contains a control character (NUL), which is not text: the "
        "file is damaged or is not a text file.",
        f"Row 4: amount 1000.01 {limit}.",
        f"Row 5: amount {'9' * 27}... {limit}.",
    ]


def test_nacha_record_with_a_control_character_is_a_problem_of_its_line():
    records, problems = nacha.split_records("101" + " " * 91 + "\n6\x1a" + " " * 92 + "\n")
    assert [number for number, _record in records] == [1]
    assert problems == [
        "Line 2: the record contains a control character (character code 26), which is not "
        "text: the file is damaged or is not a text file."
    ]
