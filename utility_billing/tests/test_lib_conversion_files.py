# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The legacy files of a conversion, read without the database: every refusal
with its row, exact amounts, and the control totals."""

from decimal import Decimal

from ..lib import conversion_files as cf

HEADER = "account,customer,service_street,class,route,services,meter,last_read,last_read_date"
ROW = "1001,Ann Ash,1 Main St,residential,R1,WATER:RW;SEWER:RS,M1,120.5,11/03/2025"


def test_empty_and_header_only_files():
    assert cf.parse_accounts(b"").problems == ["The file is empty."]
    assert cf.parse_accounts(b"\n \n").problems == ["The file is empty."]
    assert cf.parse_accounts(f"{HEADER}\n".encode()).problems == [
        "The file has a header row but no data rows."
    ]


def test_unknown_column_and_damaged_cell():
    assert cf.parse_accounts(f"{HEADER},colour\n{ROW},red\n".encode()).problems == [
        "The header row has unknown columns: 'colour'."
    ]
    damaged = ROW.replace("Ann", "A\x00n")
    result = cf.parse_accounts(f"{HEADER}\n{damaged}\n".encode())
    assert result.problems == [
        "Row 2: column 'customer' contains a control character (NUL), which is not text: "
        "the file is damaged or is not a text file."
    ]


def test_row_problems_are_all_reported():
    rows = [
        ROW,
        ROW.replace("1001", "1002").replace("WATER:RW;SEWER:RS", "WATER;SEWER:RS"),
        ROW.replace("1001", "1003").replace(",M1,120.5,", ",M1,120.5555,"),
        ROW.replace("Ann Ash", ""),
    ]
    result = cf.parse_accounts(("\n".join([HEADER, *rows]) + "\n").encode())
    assert result.problems == [
        "Row 3 (account 1002): the service 'WATER' is not SERVICE:RATE (e.g. WATER:RES-W).",
        "Row 3 (account 1002): the meter M1 is also on row 2.",
        "Row 4 (account 1003): the last reading '120.5555' has 4 decimals: a reading holds "
        "at most 3.",
        "Row 4 (account 1003): the meter M1 is also on row 2.",
        "Row 5 (account 1001): the column 'customer' is empty.",
        "Row 5 (account 1001): the account 1001 is also on row 2.",
        "Row 5 (account 1001): the meter M1 is also on row 2.",
    ]


def test_amounts_are_exact_and_limited():
    header = f"{HEADER},deposit,balance_water,balance_sewer"
    rows = [
        f"{ROW},75.00,-12.50,0.10",
        f"{ROW.replace('1001', '1002').replace('M1', 'M2')},1e2,1.005,2000000.00",
        f"{ROW.replace('1001', '1003').replace('M1', 'M3')},,3.00,",
    ]
    result = cf.parse_accounts(("\n".join([header, *rows]) + "\n").encode())
    assert result.problems == [
        "Row 3 (account 1002): the deposit '1e2' is not an amount in dollars and cents.",
        "Row 3 (account 1002): the WATER balance '1.005' is not an amount in dollars and cents.",
        "Row 3 (account 1002): the SEWER balance 2,000,000.00 is above the largest amount "
        "in a file (1,000,000.00).",
    ]
    first = result.rows[0]
    assert first.deposit == Decimal("75.00")
    assert first.balances == {"WATER": Decimal("-12.50"), "SEWER": Decimal("0.10")}
    assert first.services == [("WATER", "RW"), ("SEWER", "RS")]


def test_control_totals():
    header = f"{HEADER},customer_number,service_unit,deposit,balance_water,balance_sewer"
    rows = [
        f"{ROW},C1,,75.00,10.01,5.00",
        f"{ROW.replace('1001', '1002').replace('M1', 'M2')},C1,B,,0.99,",
        f"{ROW.replace('1001', '1003').replace('M1', 'M3')},C3,B,25.00,-1.00,",
    ]
    result = cf.parse_accounts(("\n".join([header, *rows]) + "\n").encode())
    assert not result.problems
    assert cf.control_totals(result.rows) == {
        "accounts": 3,
        "customers": 2,
        # the same street and unit is one premise
        "premises": 2,
        "meters": 3,
        "services:WATER": 3,
        "services:SEWER": 3,
        "deposits": Decimal("100.00"),
        "balance:WATER": Decimal("10.00"),
        "balance:SEWER": Decimal("5.00"),
        "balance": Decimal("15.00"),
    }


def test_legacy_bills():
    content = (
        b"account,period,service,usage,amount\n"
        b"1001,11/2025,water,7,78.65\n"
        b"1001,11/2025,WATER,7,78.65\n"
        b"1002,11/2025,sewer,x,12.345\n"
    )
    result = cf.parse_bills(content)
    assert result.problems == [
        "Row 3 (account 1001): the WATER bill of account 1001 is also on row 2.",
        "Row 4 (account 1002): the amount '12.345' is not an amount in dollars and cents.",
        "Row 4 (account 1002): the usage 'x' is not a number.",
    ]
    assert result.rows[0].amount == Decimal("78.65")
    assert result.rows[0].usage == Decimal("7")
