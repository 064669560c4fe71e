# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Plain unit tests of the print vendor's data file and the batch split (no database)."""

import csv
import io
from decimal import Decimal

from ..lib.bill_pdf import ChargeLine, ServiceCharges
from ..lib.bill_vendor_file import (
    HEAD_COLUMNS,
    BatchSplit,
    split_batch,
    vendor_columns,
    write_vendor_csv,
)
from .common_bills import GARBAGE, SEWER, USAGE, WATER, make_bill

D = Decimal


def write(bills):
    out = io.StringIO(newline="")
    count = write_vendor_csv(bills, out)
    return count, out.getvalue()


def read(text):
    return list(csv.DictReader(io.StringIO(text, newline="")))


class TestVendorFile:
    def test_one_row_per_bill_with_what_is_printed(self):
        bill = make_bill()
        count, text = write([bill, make_bill(account_number="UA000014")])
        assert count == 2
        rows = read(text)
        assert len(rows) == 2
        row = rows[0]
        assert row["SEQUENCE"] == "1"
        assert rows[1]["SEQUENCE"] == "2"
        assert row["ACCOUNT_NUMBER"] == "UA000013"
        assert row["BILL_NUMBER"] == "INV/2025/00013"
        assert row["CUSTOMER_NAME"] == "Maria Martínez"
        assert row["MAIL_LINE_1"] == "2542 Cedar Ln"
        assert row["MAIL_LINE_2"] == "Prairie City, KS 66002"
        assert row["MAIL_LINE_3"] == ""
        assert row["BILL_DATE"] == "2025-03-03"
        assert row["DUE_DATE"] == "2025-03-24"
        assert row["PENALTY_DATE"] == "2025-03-25"
        assert row["AMOUNT_AFTER_PENALTY"] == "1597.94"
        assert row["PERIOD_DAYS"] == "28"
        assert row["PREVIOUS_BALANCE"] == "107.31"
        assert row["PAYMENTS"] == "0.00"
        assert row["BALANCE_FORWARD"] == "107.31"
        assert row["PAST_DUE"] == "107.31"
        assert row["CURRENT_CHARGES"] == "1345.36"
        assert row["AMOUNT_DUE"] == "1452.67"  # no thousands separator in data
        assert row["AMOUNT_TO_PAY"] == "1452.67"
        assert row["SCAN_LINE"] == bill.scan_line
        assert row["SPECIAL_HANDLING"] == "N"
        assert row["PAPERLESS"] == "N"
        assert row["UTILITY_NAME"] == "City of Prairie City Utilities"
        assert row["REMIT_TO_2"] == "PO Box 1200"
        assert row["REMIT_TO_4"] == ""
        assert row["MESSAGE_1"] == "Water rates change on July 1st."

    def test_services_and_lines_are_numbered_groups(self):
        row = read(write([make_bill()])[1])[0]
        assert row["SVC1_NAME"] == "Water"
        assert row["SVC1_METER"] == "M12345678"
        assert row["SVC1_PREV_DATE"] == "2025-01-31"
        assert row["SVC1_PREV_READ"] == "58912"
        assert row["SVC1_CURR_READ"] == "59919"
        assert row["SVC1_CONSUMPTION"] == "1007"
        assert row["SVC1_UNIT"] == "kgal"
        assert row["SVC1_READ_TYPE"] == "Actual"
        assert row["SVC1_TOTAL"] == "1267.81"
        assert row["SVC1_LINE3_DESC"] == "Usage 5+ kgal"
        assert row["SVC1_LINE3_QTY"] == "1002"
        assert row["SVC1_LINE3_RATE"] == "1.2306"
        assert row["SVC1_LINE3_AMOUNT"] == "1233.06"
        assert row["SVC1_LINE1_QTY"] == ""  # a base charge has no quantity
        assert row["SVC2_NAME"] == "Sewer"
        assert row["SVC2_METER"] == ""
        assert row["SVC3_LINE1_DESC"] == "Refuse cart 96 gal"
        # Four service groups of four lines at least, empty when unused.
        assert row["SVC4_NAME"] == ""
        assert row["SVC4_LINE4_AMOUNT"] == ""
        assert "SVC5_NAME" not in row

    def test_usage_history_is_13_pairs_oldest_first(self):
        rows = read(write([make_bill(), make_bill(usage_history=USAGE[-2:])])[1])
        assert rows[0]["USAGE_01_LABEL"] == "Feb 24"
        assert rows[0]["USAGE_13_LABEL"] == "Feb 25"
        assert rows[0]["USAGE_13_QTY"] == "1007"
        # A short history keeps the current period in the last column.
        assert rows[1]["USAGE_01_LABEL"] == ""
        assert rows[1]["USAGE_12_LABEL"] == "Jan 25"
        assert rows[1]["USAGE_13_QTY"] == "1007"

    def test_groups_grow_with_the_largest_bill(self):
        many = [
            ServiceCharges(f"Service {index}", [ChargeLine(f"L{line}", D(1)) for line in range(6)])
            for index in range(5)
        ]
        big = make_bill(
            account_number="UA000099",
            services=many,
            amount_current=D(30),
            amount_due=D("137.31"),
            messages=[f"m{index}" for index in range(5)],
        )
        _count, text = write([make_bill(), big])
        header = text.splitlines()[0].replace('"', "").split(",")
        assert header == vendor_columns([make_bill(), big])
        rows = read(text)
        assert rows[1]["SVC5_LINE6_DESC"] == "L5"
        assert rows[1]["MESSAGE_5"] == "m4"
        assert rows[0]["SVC5_NAME"] == ""
        assert rows[0]["SVC1_LINE6_DESC"] == ""
        assert all(len(row) == len(header) for row in rows)

    def test_header_and_format(self):
        _count, text = write([make_bill()])
        lines = text.split("\r\n")
        assert lines[-1] == ""  # CRLF after every row
        assert len(lines) == 3
        assert lines[0].startswith('"SEQUENCE","ACCOUNT_NUMBER","BILL_NUMBER"')
        header = [name.strip('"') for name in lines[0].split(",")]
        assert header[: len(HEAD_COLUMNS)] == list(HEAD_COLUMNS)
        assert len(header) == len(set(header))
        assert header == vendor_columns()  # the minimum groups

    def test_credit_special_and_paperless_flags(self):
        credit = make_bill(
            amount_payments=D("1500.00"),
            amount_past_due=D(0),
            amount_due=D("-47.33"),
            special_handling="Bankruptcy: hold",
            is_paperless=True,
        )
        row = read(write([credit])[1])[0]
        assert row["PAYMENTS"] == "-1500.00"
        assert row["AMOUNT_DUE"] == "-47.33"
        assert row["AMOUNT_TO_PAY"] == "0.00"
        assert row["SCAN_LINE"].split()[3] == "0000000000"
        assert row["SPECIAL_HANDLING"] == "Y"
        assert row["SPECIAL_HANDLING_REASON"] == "Bankruptcy: hold"
        assert row["PAPERLESS"] == "Y"

    def test_text_with_commas_quotes_and_newlines_survives(self):
        bill = make_bill(
            customer_name='O\'Brien, "Pat"',
            messages=["Line one\nline two, with comma"],
            services=[
                WATER,
                SEWER,
                GARBAGE,
            ],
        )
        row = read(write([bill])[1])[0]
        assert row["CUSTOMER_NAME"] == 'O\'Brien, "Pat"'
        assert row["MESSAGE_1"] == "Line one\nline two, with comma"

    def test_empty_run(self):
        count, text = write([])
        assert count == 0
        assert text.count("\r\n") == 1  # the header alone


class TestSplitBatch:
    def test_split_keeps_the_run_order(self):
        bills = [
            make_bill(account_number="A1"),
            make_bill(account_number="A2", special_handling="Returned mail"),
            make_bill(account_number="A3", is_paperless=True),
            make_bill(account_number="A4"),
            make_bill(account_number="A5", special_handling="Estate", is_paperless=True),
        ]
        split = split_batch(iter(bills))
        assert isinstance(split, BatchSplit)
        assert [b.account_number for b in split.regular] == ["A1", "A4"]
        # Special handling wins over paperless: a person must look at it.
        assert [b.account_number for b in split.special_handling] == ["A2", "A5"]
        assert [b.account_number for b in split.paperless] == ["A3"]
        regular, special, paperless = split
        assert (regular, special, paperless) == (
            split.regular,
            split.special_handling,
            split.paperless,
        )

    def test_nothing_special(self):
        split = split_batch([make_bill()])
        assert len(split.regular) == 1
        assert split.special_handling == []
        assert split.paperless == []
