# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Plain unit tests of the remittance scan line (no database)."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ..lib.scan_line import (
    LINE_LENGTH,
    ScanLine,
    account_key,
    amount_to_cents,
    build_scan_line,
    luhn_check_digit,
    parse_scan_line,
)

D = Decimal
DUE = dt.date(2025, 3, 15)


def reference_luhn_valid(digits):
    """Textbook Luhn validation of a number that ends with its check digit."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value = sum(divmod(value * 2, 10))
        total += value
    return total % 10 == 0


def expand(text):
    return "".join(str(int(char, 36)) for char in text)


class TestLuhn:
    def test_textbook_vectors(self):
        # The Wikipedia example and a test card number.
        assert luhn_check_digit("7992739871") == "3"
        assert luhn_check_digit("453914880343646") == "7"
        assert luhn_check_digit("0") == "0"

    @given(st.text(alphabet="0123456789", min_size=1, max_size=40))
    def test_appended_digit_validates(self, digits):
        assert reference_luhn_valid(digits + luhn_check_digit(digits))

    @pytest.mark.parametrize("bad", ["", "12a4", "١٢٣", "12 3"])
    def test_refuses_non_digits(self, bad):
        with pytest.raises(ValueError, match="string of digits"):
            luhn_check_digit(bad)


class TestAccountKey:
    def test_pads_upper_cases_and_drops_separators(self):
        assert account_key("ua-000123") == "0000UA000123"
        assert account_key("12 345/6.7") == "000001234567"
        assert account_key("ABCDEFGHIJ12") == "ABCDEFGHIJ12"

    def test_refuses_empty_long_and_non_text(self):
        with pytest.raises(ValueError, match="no letter or digit"):
            account_key("--")
        with pytest.raises(ValueError, match="longer than the 12 characters"):
            account_key("ABCDEFGHIJ123")
        with pytest.raises(TypeError, match="must be a str"):
            account_key(123)


class TestAmount:
    def test_cents(self):
        assert amount_to_cents(D("123.45")) == 12345
        assert amount_to_cents(D("0")) == 0
        assert amount_to_cents(D("7.5")) == 750
        assert amount_to_cents(12) == 1200
        assert amount_to_cents(D("99999999.99")) == 9999999999

    @pytest.mark.parametrize(
        "amount, message",
        [
            (D("-0.01"), "negative"),
            (D("1.005"), "fractions of a cent"),
            (D("100000000.00"), "does not fit"),
            (D("NaN"), "not a number"),
        ],
    )
    def test_refuses_bad_amounts(self, amount, message):
        with pytest.raises(ValueError, match=message):
            amount_to_cents(amount)

    def test_refuses_floats(self):
        with pytest.raises(TypeError, match="exact money"):
            amount_to_cents(12.5)
        with pytest.raises(TypeError, match="exact money"):
            amount_to_cents(True)


class TestBuild:
    def test_layout_positions_match_the_docstring(self):
        line = build_scan_line("UA-000123", D("229.36"), DUE)
        assert len(line) == LINE_LENGTH == 36
        # 1-based positions of the module docstring.
        assert line[0:1] == "1"
        assert line[2:14] == "0000UA000123"
        assert line[15:23] == "20250315"
        assert line[24:34] == "0000022936"
        assert line[1] == line[14] == line[23] == line[34] == " "
        payload = line[:34].replace(" ", "")
        assert reference_luhn_valid(expand(payload) + line[35])

    def test_known_line(self):
        # Payload 1000000000123202503150000004567, from the right, every other digit
        # doubled starting with the 7: 5+6+1+4 +1+1+6+1+2+2+6+2+2 +2 = 41, so 10 - 1 = 9.
        line = build_scan_line("123", D("45.67"), DUE)
        assert line == "1 000000000123 20250315 0000004567 9"

    def test_refuses_bad_input(self):
        with pytest.raises(TypeError, match="Due date must be a date"):
            build_scan_line("1", D(1), "2025-03-15")
        with pytest.raises(TypeError, match="Due date must be a date"):
            build_scan_line("1", D(1), dt.datetime(2025, 3, 15, 12, 0))
        with pytest.raises(ValueError, match="document type"):
            build_scan_line("1", D(1), DUE, doc_type="9")
        with pytest.raises(ValueError, match="negative"):
            build_scan_line("1", D("-5"), DUE)


accounts = st.text(alphabet="0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=12)
amounts = st.integers(min_value=0, max_value=9999999999).map(lambda cents: D(cents) / 100)
dates = st.dates(min_value=dt.date(1000, 1, 1), max_value=dt.date(9999, 12, 31))


class TestParse:
    @given(accounts, amounts, dates)
    def test_round_trip(self, account, amount, due):
        line = build_scan_line(account, amount, due)
        parsed = parse_scan_line(line)
        assert parsed.account_key == account_key(account)
        assert parsed.amount_due == amount.quantize(D("0.01"))
        assert parsed.date_due == due
        assert parsed.doc_type == "1"
        assert parsed.line == line
        # A lockbox that drops the blanks, pads the line or lower-cases it reads the same.
        assert parse_scan_line("  " + line.replace(" ", "").lower() + "\n") == parsed

    @given(accounts, amounts, dates, st.data())
    def test_any_single_digit_error_is_caught(self, account, amount, due, data):
        line = build_scan_line(account, amount, due)
        digit_positions = [index for index, char in enumerate(line) if char.isdigit()]
        position = data.draw(st.sampled_from(digit_positions))
        wrong = data.draw(st.sampled_from([d for d in "0123456789" if d != line[position]]))
        with pytest.raises(ValueError, match="Invalid scan line"):
            parse_scan_line(line[:position] + wrong + line[position + 1 :])

    def test_amount_is_exact(self):
        parsed = parse_scan_line(build_scan_line("42", D("1234567.89"), DUE))
        assert parsed == ScanLine("1", "000000000042", DUE, 123456789, parsed.check_digit)
        assert parsed.amount_due == D("1234567.89")
        assert str(parsed.amount_due) == "1234567.89"

    def test_bad_check_digit_message(self):
        line = build_scan_line("UA000123", D("229.36"), DUE)
        wrong = str((int(line[-1]) + 1) % 10)
        with pytest.raises(ValueError, match=f"check digit is {wrong}, expected {line[-1]}"):
            parse_scan_line(line[:-1] + wrong)

    @pytest.mark.parametrize(
        "line, message",
        [
            ("", "empty"),
            ("   ", "empty"),
            ("1 0000UA000123 20250315 0000022936", "has 31 characters without blanks"),
            ("1 0000UA000123 20250315 0000022936 55", "has 33 characters"),
            ("1 0000UA00012# 20250315 0000022936 5", "account field"),
            ("1 0000UA000123 20251345 0000022936 5", "not a calendar date"),
            ("1 0000UA000123 2025031A 0000022936 5", "not YYYYMMDD digits"),
            ("1 0000UA000123 20250315 00000229X6 5", "amount"),
            ("1 0000UA000123 20250315 0000022936 X", "check digit 'X' is not a digit"),
            ("7 0000UA000123 20250315 0000022936 5", "unknown document type '7'"),
        ],
    )
    def test_bad_lines(self, line, message):
        with pytest.raises(ValueError, match=message):
            parse_scan_line(line)

    def test_every_problem_is_listed(self):
        with pytest.raises(ValueError) as error:
            parse_scan_line("7 0000UA000123 20251345 00000229X6 5")
        text = str(error.value)
        assert "unknown document type" in text
        assert "not a calendar date" in text
        assert "amount" in text

    def test_non_text(self):
        with pytest.raises(ValueError, match="must be text"):
            parse_scan_line(None)
