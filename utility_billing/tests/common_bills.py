# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Bills for the plain tests of the bill PDF, scan line and vendor file (no database)."""

import datetime as dt
import shutil
import subprocess
from decimal import Decimal

from ..lib.bill_pdf import BillData, ChargeLine, ServiceCharges

D = Decimal

WATER = ServiceCharges(
    name="Water",
    meter_number="M12345678",
    date_previous_read=dt.date(2025, 1, 31),
    date_current_read=dt.date(2025, 2, 28),
    previous_read=D(58912),
    current_read=D(59919),
    consumption=D(1007),
    unit="kgal",
    read_type="Actual",
    lines=(
        ChargeLine("Base charge 5/8 in meter", D("18.50")),
        ChargeLine("Usage 0-5 kgal", D("16.25"), D(5), D("3.25")),
        ChargeLine("Usage 5+ kgal", D("1233.06"), D(1002), D("1.2306")),
    ),
)
SEWER = ServiceCharges(
    name="Sewer",
    lines=(
        ChargeLine("Sewer base charge", D("22.00")),
        ChargeLine("Sewer on water usage", D("38.80"), D(8), D("4.85")),
    ),
)
GARBAGE = ServiceCharges(
    name="Garbage", lines=(ChargeLine("Refuse cart 96 gal", D("16.75"), D(1), D("16.75")),)
)
# 18.50 + 16.25 + 1233.06 + 22.00 + 38.80 + 16.75
CURRENT = D("1345.36")

USAGE = tuple(
    (f"{month} {year}", D(value))
    for month, year, value in (
        ("Feb", 24, 6),
        ("Mar", 24, 8),
        ("Apr", 24, 7),
        ("May", 24, 7),
        ("Jun", 24, 15),
        ("Jul", 24, 15),
        ("Aug", 24, 11),
        ("Sep", 24, 7),
        ("Oct", 24, 7),
        ("Nov", 24, 6),
        ("Dec", 24, 8),
        ("Jan", 25, 8),
        ("Feb", 25, 1007),
    )
)


def make_bill(**overrides):
    """A consistent bill: previous 107.31, no payment, past due 107.31, due 1,452.67."""
    values = {
        "utility_name": "City of Prairie City Utilities",
        "utility_address": ("City Hall, 100 Civic Plaza", "Prairie City, KS 66000"),
        "utility_phone": "(620) 555-0142",
        "utility_website": "prairiecity.gov/utilities",
        "remit_to": ("City of Prairie City", "PO Box 1200", "Prairie City, KS 66001-1200"),
        "account_number": "UA000013",
        "bill_number": "INV/2025/00013",
        "customer_name": "Maria Martínez",
        "mailing_address": ("2542 Cedar Ln", "Prairie City, KS 66002"),
        "service_address": "2542 Cedar Ln, Prairie City",
        "date_bill": dt.date(2025, 3, 3),
        "date_due": dt.date(2025, 3, 24),
        "date_penalty": dt.date(2025, 3, 25),
        "amount_after_penalty": D("1597.94"),
        "date_period_start": dt.date(2025, 2, 1),
        "date_period_end": dt.date(2025, 3, 1),  # the next read date, excluded
        "services": (WATER, SEWER, GARBAGE),
        "amount_previous_balance": D("107.31"),
        "amount_payments": D(0),
        "amount_adjustments": D(0),
        "amount_past_due": D("107.31"),
        "amount_current": CURRENT,
        "amount_due": D("1452.67"),
        "messages": ("Water rates change on July 1st.", "Sign up for paperless billing."),
        "usage_history": USAGE,
        "usage_unit": "kgal",
    }
    values.update(overrides)
    return BillData(**values)


def pdf_text(pdf_bytes):
    """The text of a PDF: poppler's pdftotext when installed, else PyPDF2."""
    if shutil.which("pdftotext"):
        result = subprocess.run(
            ["pdftotext", "-layout", "-", "-"],
            input=pdf_bytes,
            capture_output=True,
            check=True,
        )
        return result.stdout.decode("utf-8")
    import io

    from PyPDF2 import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf_bytes)).pages)


def pdf_page_count(pdf_bytes):
    import io

    from PyPDF2 import PdfReader

    return len(PdfReader(io.BytesIO(pdf_bytes)).pages)
