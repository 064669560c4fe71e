# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Plain unit tests of the payment file parser (no database)."""

import hashlib
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ..lib.payment_files import (
    PaymentLayoutConfig,
    parse,
    parse_amount,
    reference_label,
    split_columns,
    split_statuses,
)
from ..lib.reading_files import LayoutError
from ..lib.scan_line import build_scan_line

LOCKBOX = PaymentLayoutConfig(
    columns={
        "reference": ("Deposit Date", "Batch", "Item"),
        "amount": "Amount",
        "account": "Account Number",
        "scan_line": "Scan Line",
        "date": "Deposit Date",
        "check_number": "Check Number",
        "payer": "Remitter",
    },
)
HEADER = "Deposit Date,Batch,Item,Account Number,Scan Line,Amount,Check Number,Remitter\n"
STUB = build_scan_line("UA000123", Decimal("45.10"), date(2025, 3, 15))


def lockbox(*rows):
    return (HEADER + "".join(row + "\n" for row in rows)).encode()


# ----------------------------------------------------------------------
# Layout
# ----------------------------------------------------------------------
def test_layout_needs_reference_amount_and_an_account_column():
    with pytest.raises(LayoutError) as error:
        PaymentLayoutConfig(columns={"payer": "Name"}).validate()
    assert "no column for: transaction reference, amount, account number or scan line" in str(
        error.value
    )
    # A scan line alone identifies the account.
    PaymentLayoutConfig(columns={"reference": "Id", "amount": "Amt", "scan_line": "OCR"}).validate()


def test_layout_problems_are_listed_together():
    config = PaymentLayoutConfig(
        delimiter=";;",
        has_header=False,
        decimal_separator="'",
        columns={"reference": "Id", "amount": 2, "account": "0", "status": 4},
    )
    with pytest.raises(LayoutError) as error:
        config.validate()
    message = str(error.value)
    assert "the delimiter must be exactly one character" in message
    assert "the transaction reference column 'Id' is a name, but the file has no header" in message
    assert "the account number column number must be 1 or more" in message
    assert "the decimal separator must be '.' or ','" in message
    assert "a status column needs the statuses that are payments" in message


def test_layout_names_the_reference_part_that_needs_a_number():
    config = PaymentLayoutConfig(
        has_header=False, columns={"reference": (1, "Batch"), "amount": 3, "account": 4}
    )
    with pytest.raises(LayoutError) as error:
        config.validate()
    assert str(error.value) == (
        "the transaction reference column 'Batch' is a name, but the file has no header "
        "row: give its number"
    )


def test_split_helpers():
    assert split_columns(" Deposit Date, Batch ,Item,") == ("Deposit Date", "Batch", "Item")
    assert split_columns("") == ()
    assert split_statuses("Settled; approved\nPAID") == {"SETTLED", "APPROVED", "PAID"}
    assert reference_label(LOCKBOX) == "Deposit Date + Batch + Item"


# ----------------------------------------------------------------------
# Amounts
# ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "separator", "cents", "expected"),
    [
        ("45.10", ".", False, Decimal("45.10")),
        ("$1,234.5", ".", False, Decimal("1234.50")),
        ("1.234,56", ",", False, Decimal("1234.56")),
        ("0000012345", ".", True, Decimal("123.45")),
        ("12.345", ".", False, None),  # a fraction of a cent is a misread
        ("12,3", ".", False, None),
        ("12.30", ".", True, None),  # cents mode takes digits only
        ("abc", ".", False, None),
        ("", ".", False, None),
    ],
)
def test_parse_amount(text, separator, cents, expected):
    assert parse_amount(text, separator, cents) == expected


@given(st.integers(min_value=1, max_value=10**9))
def test_cents_and_decimal_amounts_agree(cents):
    decimal_text = f"{cents // 100}.{cents % 100:02d}"
    assert parse_amount(str(cents).zfill(10), in_cents=True) == parse_amount(decimal_text)
    assert parse_amount(decimal_text) == Decimal(cents) / 100


# ----------------------------------------------------------------------
# Rows
# ----------------------------------------------------------------------
def test_good_lockbox_file():
    content = lockbox(
        "03/14/2025,1,1,UA000123,,45.10,1001,Jane Roe",
        f'03/14/2025,1,2,,"{STUB}",45.10,1002,',
        "03/14/2025,1,3,ua-000124,,20,1003,",
    )
    result = parse(content, LOCKBOX)
    assert result.is_valid, result.errors
    assert result.checksum == hashlib.sha256(content).hexdigest()
    first, second, third = result.rows
    assert (first.reference, first.amount, first.check_number, first.payer) == (
        "03/14/2025-1-1",
        Decimal("45.10"),
        "1001",
        "Jane Roe",
    )
    assert first.date == date(2025, 3, 14)
    assert first.account_keys == ["0000UA000123"]
    # The stub's scan line names the same account as the account column would.
    assert second.scan.account_key == "0000UA000123"
    assert second.account_keys == ["0000UA000123"]
    # Separators and case do not matter: the account key is compared.
    assert third.account_keys == ["0000UA000124"]
    assert result.amount_total == Decimal("110.20")


def test_every_bad_row_is_reported_with_line_and_column():
    result = parse(
        lockbox(
            "03/14/2025,1,1,UA000123,,45.10,1001,",
            "03/14/2025,1,2,UA000124,,4x.10,1002,",
            "03/14/2025,1,3,UA000125,,-5.00,1003,",
            "03/14/2025,1,,UA000126,,5.00,1004,",
            "03/14/2025,1,1,UA000127,,5.00,1005,",
            "14/03/2025,1,6,UA000128,,5.00,1006,",
            "03/14/2025,1,7,UA000129,,,1007,",
            "03/14/2025,1,8,UA000130",
        ),
        LOCKBOX,
    )
    assert not result.is_valid
    assert len(result.valid_rows) == 1
    assert result.errors == [
        "line 3, column 'Amount': '4x.10' is not an amount with at most 2 decimals",
        "line 4, column 'Amount': '-5.00' is not a payment: the amount must be more than zero",
        "line 5, column 'Deposit Date + Batch + Item': missing transaction reference",
        "line 6, column 'Deposit Date + Batch + Item': reference 03/14/2025-1-1 already appears "
        "on line 2",
        "line 7, column 'Deposit Date': '14/03/2025' does not match MM/DD/YYYY",
        "line 8, column 'Amount': missing amount",
        "line 9: 4 columns where the header has 8",
    ]


def test_unreadable_scan_line_is_not_a_bad_row():
    misread = STUB[:-1] + ("0" if STUB[-1] != "0" else "1")
    result = parse(lockbox(f'03/14/2025,1,1,,"{misread}",45.10,1001,'), LOCKBOX)
    assert result.is_valid
    row = result.rows[0]
    assert row.scan is None
    assert "check digit" in row.scan_error
    assert row.account_keys == []


def test_account_column_and_scan_line_naming_two_accounts_give_both_keys():
    result = parse(lockbox(f'03/14/2025,1,1,UA000999,"{STUB}",45.10,1001,'), LOCKBOX)
    assert result.rows[0].account_keys == ["0000UA000999", "0000UA000123"]


def test_online_processor_skips_transactions_that_are_not_money():
    config = PaymentLayoutConfig(
        date_formats=("YYYY-MM-DD", "YYYY-MM-DD HH:MI:SS"),
        columns={
            "reference": "Transaction ID",
            "amount": "Amount",
            "account": "Account Number",
            "date": "Settlement Date",
            "status": "Status",
        },
        accepted_statuses=frozenset({"SETTLED"}),
    )
    content = (
        "Transaction ID,Settlement Date,Account Number,Amount,Status\n"
        "T-1,2025-03-14 10:12:00,UA000123,45.10,Settled\n"
        "T-2,2025-03-14,UA000124,,Declined\n"
        "T-3,2025-03-14,UA000125,12.00,\n"
    )
    result = parse(content, config)
    assert [row.reference for row in result.rows] == ["T-1", "T-3"]
    assert [row.reference for row in result.skipped] == ["T-2"]
    assert result.rows[0].date == date(2025, 3, 14)
    assert result.errors == ["line 4, column 'Status': missing status"]


def test_file_level_problems():
    assert parse(b"", LOCKBOX).file_errors == ["the file is empty"]
    assert parse(HEADER.encode(), LOCKBOX).file_errors == ["the file has a header but no payments"]
    result = parse(b"Id,Amount\n1,2\n", LOCKBOX)
    assert result.file_errors[0].startswith("the header row has no column 'Deposit Date'")
    assert result.rows == []


def test_amounts_in_cents_without_header():
    config = PaymentLayoutConfig(
        has_header=False,
        amount_in_cents=True,
        columns={"reference": 1, "account": 2, "amount": 3},
    )
    result = parse("9001,UA000123,0000004510\n9002,UA000124,0000000100\n", config)
    assert [row.amount for row in result.rows] == [Decimal("45.10"), Decimal("1.00")]
