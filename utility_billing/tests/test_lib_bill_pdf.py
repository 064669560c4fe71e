# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Plain unit tests of the printed bill (no database): render, extract the text, check it."""

import dataclasses
import datetime as dt
import io
import random
import shutil
import subprocess
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest

from ..lib import bill_pdf
from ..lib.bill_pdf import (
    ChargeLine,
    ServiceCharges,
    UsagePoint,
    format_money,
    format_quantity,
    format_rate,
    qr_matrix,
    render_batch,
    render_bill,
)
from ..lib.bill_vendor_file import split_batch
from ..lib.scan_line import parse_scan_line
from .common_bills import CURRENT, GARBAGE, SEWER, USAGE, WATER, make_bill, pdf_page_count, pdf_text

D = Decimal


def squeeze(text):
    """pdftotext -layout pads columns with runs of blanks: compare on single blanks."""
    return " ".join(text.split())


class TestFormatting:
    def test_money(self):
        assert format_money(D("1234567.895")) == "1,234,567.90"  # half-up, not half-even
        assert format_money(D("0.125")) == "0.13"
        assert format_money(D("-5"), "$") == "-$5.00"
        assert format_money(D("-0.001"), "$") == "$0.00"
        assert format_money(D("12"), "$") == "$12.00"

    def test_quantity_and_rate(self):
        assert format_quantity(D("12345.000")) == "12,345"
        assert format_quantity(D("1E+3")) == "1,000"
        assert format_quantity(D("1234.50")) == "1,234.5"
        assert format_quantity(None) == ""
        assert format_rate(D("3.5")) == "3.50"
        assert format_rate(D("16.75")) == "16.75"
        assert format_rate(D("0.00450")) == "0.0045"
        assert format_rate(D("1200")) == "1,200.00"


class TestBillData:
    def test_lists_become_tuples_and_pairs_usage_points(self):
        bill = make_bill(messages=["a", "b"], usage_history=[("Jan 25", D(3))])
        assert bill.messages == ("a", "b")
        assert bill.usage_history == (UsagePoint("Jan 25", D(3)),)
        assert bill.balance_forward == D("107.31")
        assert bill.period_days == 28
        assert bill.scan_line == "1 0000UA000013 20250324 0000145267 " + bill.scan_line[-1]

    def test_totals_must_add_up(self):
        with pytest.raises(ValueError) as error:
            make_bill(amount_current=D("1345.35"), amount_due=D("1452.67"))
        message = str(error.value)
        assert "Bill of account 'UA000013' is invalid" in message
        assert "current charges 1345.35 differ from the sum of the service lines 1345.36" in message
        assert "amount due 1452.67 differs from previous balance" in message

    def test_every_type_problem_in_one_error(self):
        with pytest.raises(ValueError) as error:
            make_bill(
                amount_payments=1.5,
                date_due="2025-03-24",
                usage_history=[("x", D(1))] * 14,
                account_number="",
            )
        message = str(error.value)
        assert "amount_payments must be a Decimal, got float 1.5" in message
        assert "date_due must be a date, got str" in message
        assert "usage history has 14 points, at most 13" in message
        assert "account number is empty" in message

    def test_other_consistency_rules(self):
        with pytest.raises(ValueError, match="past due amount 2000 exceeds amount due"):
            make_bill(amount_past_due=D(2000))
        with pytest.raises(ValueError, match="past due amount is negative"):
            make_bill(amount_past_due=D(-1))
        with pytest.raises(ValueError, match="penalty date and amount after penalty go together"):
            make_bill(amount_after_penalty=None)
        with pytest.raises(ValueError, match="service period starts after it ends"):
            make_bill(date_period_start=dt.date(2025, 3, 2))
        with pytest.raises(ValueError, match="longer than the 12 characters"):
            make_bill(account_number="ACCOUNT-1234567890")

    def test_parts_check_their_types(self):
        with pytest.raises(ValueError, match="amount must be a Decimal, got float"):
            ChargeLine("Base", 18.5)
        with pytest.raises(ValueError, match="current read date must be a date"):
            ServiceCharges("Water", (), date_current_read="2025-02-28")
        with pytest.raises(ValueError, match="line 1 is not a ChargeLine"):
            ServiceCharges("Water", [("Base", D(1))])

    def test_level_pay_deferral_counts(self):
        bill = make_bill(amount_deferred=D("-1000.00"), amount_due=D("452.67"))
        assert bill.amount_to_pay == D("452.67")
        text = squeeze(pdf_text(render_bill(bill)))
        assert "Level Pay Deferral -$1,000.00" in text


class TestRenderBill:
    @pytest.fixture(scope="class")
    def bill(self):
        return make_bill()

    @pytest.fixture(scope="class")
    def text(self, bill):
        return squeeze(pdf_text(render_bill(bill)))

    def test_is_one_letter_page(self, bill):
        pdf = render_bill(bill)
        assert pdf.startswith(b"%PDF-")
        assert pdf_page_count(pdf) == 1
        assert b"/MediaBox [ 0 0 612 792 ]" in render_bill(bill, compress=False)

    def test_header_and_key_facts(self, text):
        for expected in (
            "City of Prairie City Utilities",
            "UTILITY BILL",
            "ACCOUNT NUMBER BILL DATE DUE DATE AMOUNT DUE",
            "UA000013 03/03/2025 03/24/2025 $1,452.67",
            "Maria Martínez",
            "2542 Cedar Ln, Prairie City",
            "Service Period 02/01/2025 - 03/01/2025 (28 days)",
            "Bill No. INV/2025/00013",
        ):
            assert expected in text

    def test_charges_by_service_with_reads(self, text):
        assert "WATER Meter M12345678 1,267.81" in text
        assert "Previous 01/31/2025 58,912 Current 02/28/2025 59,919 Usage 1,007 kgal" in text
        assert "Usage 5+ kgal 1,002 1.2306 1,233.06" in text
        assert "SEWER 60.80" in text
        assert "Sewer on water usage 8 4.85 38.80" in text
        assert "Refuse cart 96 gal 1 16.75 16.75" in text
        assert "TOTAL CURRENT CHARGES $1,345.36" in text

    def test_summary_past_due_and_penalty(self, text):
        assert "Previous Balance $107.31" in text
        assert "Payments Received - Thank You $0.00" in text
        assert "TOTAL AMOUNT DUE $1,452.67" in text
        assert "Past Due - Pay Now $107.31" in text
        assert "Amount Due After 03/25/2025 $1,597.94" in text
        assert "PAST DUE: $107.31 of your balance is past due." in text

    def test_messages_and_usage_chart(self, text):
        assert "Water rates change on July 1st." in text
        assert "Sign up for paperless billing." in text
        assert "USAGE HISTORY KGAL" in text
        assert "Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec Jan Feb" in text
        assert "24 24 24 24 24 24 24 24 24 24 24 25 25" in text
        assert "This period: 1,007 kgal" in text
        assert "Same period last year: 6 kgal" in text

    def test_stub_and_scan_line(self, bill, text):
        assert "Please return this portion with your payment" in text
        assert "DUE DATE 03/24/2025" in text
        assert "AMOUNT DUE $1,452.67" in text
        assert "AMOUNT ENCLOSED $" in text
        assert "If paid after 03/25/2025, pay $1,597.94" in text
        assert "PO Box 1200" in text
        assert bill.scan_line in text
        parsed = parse_scan_line(bill.scan_line)
        assert parsed.amount_due == D("1452.67")
        assert parsed.account_key == "0000UA000013"
        assert parsed.date_due == dt.date(2025, 3, 24)

    def test_credit_balance(self):
        bill = make_bill(
            amount_payments=D("1500.00"),
            amount_past_due=D(0),
            amount_due=D("-47.33"),
            date_penalty=None,
            amount_after_penalty=None,
        )
        text = squeeze(pdf_text(render_bill(bill)))
        assert "TOTAL AMOUNT DUE $47.33 CR" in text
        assert "Payments Received - Thank You -$1,500.00" in text
        assert "Credit balance: no payment is due" in text
        assert "Your account has a credit balance. No payment is due." in text
        assert "PAST DUE" not in text
        assert bill.scan_line.split()[3] == "0000000000"
        assert bill.scan_line in text

    def test_short_or_no_usage_history(self):
        text = squeeze(pdf_text(render_bill(make_bill(usage_history=USAGE[-2:]))))
        assert "This period: 1,007 kgal" in text
        assert "Same period last year" not in text
        text = squeeze(pdf_text(render_bill(make_bill(usage_history=()))))
        assert "No usage history yet" in text

    def test_unmetered_service_has_no_read_row(self):
        bill = make_bill(
            services=[
                ServiceCharges("Stormwater", [ChargeLine("Stormwater utility", CURRENT)]),
            ]
        )
        text = squeeze(pdf_text(render_bill(bill)))
        assert "STORMWATER 1,345.36" in text
        assert "Previous" not in text.split("STORMWATER")[1].split("TOTAL")[0]

    def test_long_texts_are_shrunk_not_overflowing(self):
        name = "Bartholomew Alexander Featherstonehaugh-Worthington III and Family Trust"
        text = squeeze(pdf_text(render_bill(make_bill(customer_name=name))))
        assert name in text  # on the mailing address block and the stub, shrunk to fit
        assert "\u2026" in text  # cut with an ellipsis in the narrow service box

    def test_long_prorated_labels_wrap_in_full(self):
        """A short final bill's prorated labels are longer than the description
        column: they print in full on two lines, the figures on the last one,
        not cut with an ellipsis."""
        labels = (
            "Water - Base charge 5/8 in meter, prorated 12 of 28 days (02/01-02/13)",
            "Water - Usage 0-5 kgal, prorated 12 of 28 days: 1007.000 kgal (02/01-02/13)",
            "Water - Usage over 5 kgal, prorated 12 of 28 days: 1007.000 kgal (02/01-02/13)",
        )
        water = dataclasses.replace(
            WATER,
            lines=tuple(
                dataclasses.replace(line, description=label)
                for line, label in zip(WATER.lines, labels, strict=True)
            ),
        )
        pdf = render_bill(make_bill(services=(water, SEWER, GARBAGE)))
        lines = pdf_text(pdf).splitlines()
        # The charges table alone: the text left of the account summary column.
        side = next(line.index("ACCOUNT SUMMARY") for line in lines if "ACCOUNT SUMMARY" in line)
        charges = squeeze(" ".join(line[:side] for line in lines))
        charges = charges.split("CURRENT CHARGES", 1)[1].split("TOTAL CURRENT CHARGES")[0]
        for label in labels:
            assert label in charges
        assert "\u2026" not in charges
        # The figures stand on the label's last line.
        assert "(02/01-02/13) 1,002 1.2306 1,233.06" in charges
        assert pdf_page_count(pdf) == 1

    def test_text_outside_winansi_switches_to_a_unicode_font(self):
        assert bill_pdf.text_font("Maria Martínez", bill_pdf.FONT) == bill_pdf.FONT
        if bill_pdf.text_font("Łukasz", bill_pdf.FONT) == bill_pdf.FONT:
            pytest.skip("no Unicode TrueType font installed (Debian: fonts-liberation)")
        text = pdf_text(render_bill(make_bill(customer_name="Łukasz Żółć")))
        assert "Łukasz Żółć" in text  # not black boxes

    def test_logo_or_placeholder(self):
        from PIL import Image

        buffer = io.BytesIO()
        Image.new("RGB", (120, 100), (30, 60, 95)).save(buffer, format="PNG")
        with_logo = render_bill(make_bill(logo=buffer.getvalue()), compress=False)
        assert b"/Subtype /Image" in with_logo
        broken = render_bill(make_bill(logo=b"not an image"), compress=False)
        assert b"/Subtype /Image" not in broken
        assert "CITY OF" in pdf_text(broken)  # the placeholder box with the city's name

    def test_overflow_continues_on_a_second_page(self):
        services = [
            ServiceCharges(
                f"Service {index}",
                [ChargeLine(f"Charge {index}-{line}", D("10.00")) for line in range(4)],
                meter_number=f"MTR{index}",
                consumption=D(5),
                unit="CCF",
            )
            for index in range(9)
        ]
        messages = [f"Message {index}: " + "lorem ipsum dolor sit amet " * 6 for index in range(4)]
        bill = make_bill(
            services=services,
            amount_current=D("360.00"),
            amount_due=D("467.31"),
            messages=messages,
        )
        pdf = render_bill(bill)
        assert pdf_page_count(pdf) == 2
        text = squeeze(pdf_text(pdf))
        assert "Page 1 of 2" in text
        assert "Page 2 of 2" in text
        assert "Continued on the next page" in text
        assert "BILL DETAIL (CONTINUED)" in text
        assert "MESSAGES (CONTINUED)" in text
        for index in range(9):
            assert f"Charge {index}-3 10.00" in text
        assert "Message 3:" in text
        assert "TOTAL CURRENT CHARGES $360.00" in text
        assert text.count(bill.scan_line) == 1  # one stub, on the first page


class TestRenderBatch:
    def test_batch_of_three(self):
        bills = [
            make_bill(),
            make_bill(account_number="UA000014", customer_name="James Johnson"),
            make_bill(account_number="UA000015", customer_name="Ana Nguyen"),
        ]
        out = io.BytesIO()
        assert render_batch(iter(bills), out) == 3
        pdf = out.getvalue()
        assert pdf_page_count(pdf) == 3
        text = pdf_text(pdf)
        for bill in bills:
            assert bill.scan_line in text
            assert bill.customer_name in text

    def test_the_same_letterhead_is_drawn_once(self):
        bills = [make_bill(account_number=f"UA{index:06d}") for index in range(20)]
        single = len(render_bill(bills[0]))
        out = io.BytesIO()
        render_batch(bills, out)
        # The letterhead, boxes and chart axis are shared forms: 20 bills cost far
        # less than 20 single bills.
        assert len(out.getvalue()) < 20 * single * 0.6

    def test_empty_batch_is_a_valid_pdf(self):
        out = io.BytesIO()
        assert render_batch([], out) == 0
        assert pdf_page_count(out.getvalue()) == 1
        assert "No bills in this batch." in pdf_text(out.getvalue())

    def test_special_handling_bills_print_in_their_own_file(self):
        bills = [
            make_bill(account_number="UA000001"),
            make_bill(account_number="UA000002", special_handling="Returned mail"),
            make_bill(account_number="UA000003", is_paperless=True),
            make_bill(account_number="UA000004"),
        ]
        split = split_batch(bills)
        regular, special = io.BytesIO(), io.BytesIO()
        assert render_batch(split.regular, regular) == 2
        assert render_batch(split.special_handling, special) == 1
        assert pdf_page_count(regular.getvalue()) == 2
        regular_text, special_text = pdf_text(regular.getvalue()), pdf_text(special.getvalue())
        assert "UA000001" in regular_text
        assert "UA000004" in regular_text
        assert "UA000002" not in regular_text
        assert "UA000003" not in regular_text  # paperless: e-mailed, not printed
        assert "UA000002" in special_text


class TestScanLineFont:
    def test_falls_back_to_courier(self, tmp_path):
        not_a_font = tmp_path / "OCRB.ttf"
        not_a_font.write_bytes(b"garbage")
        candidates = (("UB-X", str(tmp_path / "missing.ttf")), ("UB-Y", str(not_a_font)))
        assert bill_pdf._register_scan_font(candidates) == ("Courier", 12.0)

    def test_uses_an_installed_ocr_truetype_font(self):
        path = next((p for _, p in bill_pdf.SCAN_FONT_CANDIDATES if Path(p).is_file()), None)
        if path is None:
            pytest.skip("no OCR TrueType font installed (Debian: fonts-ocr-a)")
        name, size = bill_pdf._register_scan_font((("UB-TEST-OCR", path),))
        assert (name, size) == ("UB-TEST-OCR", 10.0)
        # 10 pt OCR prints about 10 characters an inch, as lockbox readers expect.
        width = bill_pdf.stringWidth("0123456789", name, size)
        assert 68 <= width <= 76


ALPHANUMERIC = bill_pdf.QR_ALPHANUMERIC


class TestQrCode:
    def test_matches_the_qrcode_package(self):
        qrcode = pytest.importorskip("qrcode")
        from qrcode.constants import ERROR_CORRECT_M

        rng = random.Random(7)
        for length in range(1, 62):  # every length that fits versions 1 to 3
            data = "".join(rng.choice(ALPHANUMERIC) for _ in range(length - 1)) + "A"
            reference = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0, mask_pattern=0)
            reference.add_data(data, optimize=0)
            reference.make(fit=True)
            assert qr_matrix(data) == reference.modules, data

    def test_refuses_what_it_cannot_encode(self):
        with pytest.raises(ValueError, match="not QR alphanumeric"):
            qr_matrix("lower case")
        with pytest.raises(ValueError, match="too long"):
            qr_matrix("A" * 62)

    @pytest.mark.skipif(
        not (shutil.which("zbarimg") and shutil.which("pdftoppm")),
        reason="zbarimg (zbar-tools) and pdftoppm are needed to read the printed code back",
    )
    def test_printed_code_scans_back_to_the_scan_line(self):
        bill = make_bill()
        with tempfile.TemporaryDirectory() as folder:
            pdf = Path(folder, "bill.pdf")
            pdf.write_bytes(render_bill(bill))
            subprocess.run(
                ["pdftoppm", "-png", "-r", "200", str(pdf), str(Path(folder, "page"))],
                check=True,
            )
            image = next(Path(folder).glob("page*.png"))
            result = subprocess.run(
                ["zbarimg", "-q", "--raw", str(image)], capture_output=True, check=False
            )
        assert result.stdout.decode().strip() == bill.scan_line


def test_replace_keeps_validation():
    # dataclasses.replace goes through __post_init__: a changed total is checked again.
    with pytest.raises(ValueError, match="amount due"):
        dataclasses.replace(make_bill(), amount_current=D(1), services=[WATER])
