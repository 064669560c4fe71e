# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Plain unit tests of the formula guard of every CSV the product writes (no database)."""

import csv
import io
from decimal import Decimal

import pytest

from ..lib import csv_cells
from ..lib.bill_vendor_file import write_vendor_csv
from .common_bills import make_bill


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (
            '=HYPERLINK("http://evil.example","Pay here")',
            '\'=HYPERLINK("http://evil.example","Pay here")',
        ),
        ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("-", "'-"),
        # Plain text and numbers are written as they are.
        ("Maria Martínez", "Maria Martínez"),
        ("2542 Cedar Ln", "2542 Cedar Ln"),
        ("a=b", "a=b"),
        ("-12.50", "-12.50"),
        ("+3", "+3"),
        ("-.5", "-.5"),
        ("", ""),
        (None, ""),
        (Decimal("-12.50"), Decimal("-12.50")),
        (-3, -3),
    ],
)
def test_safe_cell(value, written):
    assert csv_cells.safe_cell(value) == written


def test_writer_neutralises_text_and_keeps_numbers():
    out = io.StringIO(newline="")
    writer = csv_cells.writer(out, lineterminator="\n")
    writer.writerow(["=1+1", "-12.50", Decimal("-0.29"), "@x", "ok"])
    writer.writerows([["+cmd", 7]])
    assert out.getvalue() == "'=1+1,-12.50,-0.29,'@x,ok\n'+cmd,7\n"


def test_vendor_file_customer_name_formula_is_text_credit_is_a_number():
    """The print-vendor CSV: a hostile customer name is made text, a payment
    printed as a credit (a negative amount) stays a number the vendor can add."""
    bill = make_bill(
        customer_name='=HYPERLINK("http://evil.example","Pay here")',
        service_address="@Cedar Ln",
        amount_payments=Decimal("1500.00"),
        amount_past_due=Decimal(0),
        amount_due=Decimal("-47.33"),
    )
    out = io.StringIO(newline="")
    write_vendor_csv([bill], out)
    row = next(csv.DictReader(io.StringIO(out.getvalue(), newline="")))
    assert row["CUSTOMER_NAME"] == '\'=HYPERLINK("http://evil.example","Pay here")'
    assert row["SERVICE_ADDRESS"] == "'@Cedar Ln"
    assert row["PAYMENTS"] == "-1500.00"
    assert row["AMOUNT_DUE"] == "-47.33"
    assert row["ACCOUNT_NUMBER"] == "UA000013"
