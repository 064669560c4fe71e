# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Batch bill printing speed: the direct reportlab canvas path against platypus.

Renders N bills (default 2000) of realistic synthetic data (four services,
meter reads, blocks, 13 months of usage, messages, some past due) into one
PDF, twice: with ``bill_pdf.render_batch`` (canvas, the production path) and
with the usual reportlab document way (platypus SimpleDocTemplate with
Paragraph and Table flowables, the same content) as the baseline. Prints bills
per second and file sizes, and the vendor CSV's speed.

    .venv/bin/python benchmarks/bench_bill_pdf.py [-n 2000] [--baseline-n 300]
        [--out /tmp/bills.pdf] [--sample test-output/sample_bill.pdf]

No database: the bill modules are pure Python. The platypus baseline is slow,
so it renders fewer bills by default (``--baseline-n``); rates are per bill.
"""

import argparse
import datetime as dt
import importlib
import io
import os
import random
import sys
import tempfile
from decimal import Decimal

from bench_common import timed

ADDON_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "utility_billing")


def _load_lib():
    """Import the addon's pure modules without importing the addon (and Odoo)."""
    sys.path.insert(0, os.path.abspath(ADDON_DIR))
    try:
        return (
            importlib.import_module("lib.bill_pdf"),
            importlib.import_module("lib.bill_vendor_file"),
        )
    finally:
        sys.path.pop(0)


bill_pdf, bill_vendor_file = _load_lib()

CENT = Decimal("0.01")
STREETS = ("Main St", "Oak Ave", "Prairie Rd", "Elm St", "Cedar Ln", "Sunset Blvd", "Mill Rd")
FIRST = ("Maria", "James", "Linda", "Robert", "Ana", "David", "Chen", "Fatima", "John", "Olga")
LAST = ("Garcia", "Smith", "Johnson", "Nguyen", "Brown", "Martinez", "Okafor", "Kowalski")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
WATER_BLOCKS = (
    (Decimal(5), Decimal("3.25")),
    (Decimal(10), Decimal("4.10")),
    (None, Decimal("5.40")),
)


def _money(value):
    return Decimal(value).quantize(CENT)


def _water_lines(usage):
    lines = [bill_pdf.ChargeLine("Base charge 5/8 in meter", Decimal("18.50"))]
    left, lower = usage, Decimal(0)
    for size, rate in WATER_BLOCKS:
        take = left if size is None else min(left, size)
        if take <= 0:
            break
        upper = "+" if size is None else f"-{lower + size:,}"
        lines.append(
            bill_pdf.ChargeLine(f"Usage {lower:,}{upper} kgal", _money(take * rate), take, rate)
        )
        left -= take
        lower += size or 0
    return lines


def synthetic_bill(index, rng):
    """One realistic residential bill of Prairie City."""
    period_end = dt.date(2025, 2, 28)
    period_start = dt.date(2025, 2, 1)
    base = rng.uniform(3, 9)
    history = []
    for back in range(12, -1, -1):
        month = (period_end.month - 1 - back) % 12
        year = period_end.year - (1 if period_end.month - 1 - back < 0 else 0)
        summer = 1.8 if month in (5, 6, 7) else 1.0
        history.append(
            (
                f"{MONTHS[month]} {year % 100:02d}",
                Decimal(round(base * summer * rng.uniform(0.8, 1.2))),
            )
        )
    usage = history[-1][1]
    previous_read = Decimal(rng.randint(1000, 90000))
    water = bill_pdf.ServiceCharges(
        name="Water",
        lines=_water_lines(usage),
        meter_number=f"M{rng.randint(10**7, 10**8 - 1)}",
        date_previous_read=period_start - dt.timedelta(days=1),
        date_current_read=period_end,
        previous_read=previous_read,
        current_read=previous_read + usage,
        consumption=usage,
        unit="kgal",
        read_type="Estimated" if rng.random() < 0.05 else "Actual",
    )
    sewer_usage = min(usage, Decimal(8))
    sewer = bill_pdf.ServiceCharges(
        name="Sewer",
        lines=[
            bill_pdf.ChargeLine("Sewer base charge", Decimal("22.00")),
            bill_pdf.ChargeLine(
                "Sewer on water usage (winter cap 8 kgal)",
                _money(sewer_usage * Decimal("4.85")),
                sewer_usage,
                Decimal("4.85"),
            ),
        ],
    )
    garbage = bill_pdf.ServiceCharges(
        name="Garbage",
        lines=[
            bill_pdf.ChargeLine(
                "Refuse cart 96 gal", Decimal("16.75"), Decimal(1), Decimal("16.75")
            )
        ],
    )
    storm = bill_pdf.ServiceCharges(
        name="Stormwater",
        lines=[
            bill_pdf.ChargeLine("Stormwater utility", Decimal("6.40"), Decimal(1), Decimal("6.40"))
        ],
    )
    services = [water, sewer, garbage, storm]
    current = sum((s.amount_total for s in services), Decimal(0))
    previous = _money(rng.uniform(40, 160))
    late = rng.random() < 0.12
    payments = Decimal(0) if late else previous
    adjustments = Decimal("-5.00") if rng.random() < 0.03 else Decimal(0)
    past_due = previous + adjustments if late else Decimal(0)
    due = previous - payments + adjustments + current
    street = f"{rng.randint(100, 9999)} {rng.choice(STREETS)}"
    name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    messages = [
        "Water rates change on July 1st: see prairiecity.gov/rates for the new schedule.",
        "Sign up for paperless billing and autopay at prairiecity.gov/utilities.",
    ]
    return bill_pdf.BillData(
        utility_name="City of Prairie City Utilities",
        utility_address=("City Hall, 100 Civic Plaza", "Prairie City, KS 66000"),
        utility_phone="(620) 555-0142",
        utility_website="prairiecity.gov/utilities",
        remit_to=(
            "City of Prairie City",
            "Utility Billing",
            "PO Box 1200",
            "Prairie City, KS 66001-1200",
        ),
        account_number=f"UA{index + 1:06d}",
        bill_number=f"INV/2025/{index + 1:05d}",
        customer_name=name,
        mailing_address=(street, "Prairie City, KS 66002"),
        service_address=f"{street}, Prairie City",
        date_bill=dt.date(2025, 3, 3),
        date_due=dt.date(2025, 3, 24),
        date_penalty=dt.date(2025, 3, 25),
        amount_after_penalty=due + _money(max(due, Decimal(0)) * Decimal("0.10")),
        date_period_start=period_start,
        date_period_end=period_end,
        services=services,
        amount_previous_balance=previous,
        amount_payments=payments,
        amount_adjustments=adjustments,
        amount_past_due=past_due,
        amount_current=current,
        amount_due=due,
        messages=messages,
        usage_history=history,
        usage_unit="kgal",
        special_handling="Returned mail: verify address" if rng.random() < 0.01 else "",
    )


def make_bills(count, seed=42):
    rng = random.Random(seed)
    return [synthetic_bill(index, rng) for index in range(count)]


# --- baseline: the usual platypus document -----------------------------------


def render_platypus(bills, out):
    """The same bill content laid out with platypus flowables (the baseline)."""
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.charts.barcharts import VerticalBarChart
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import letter
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import inch
    from reportlab.platypus import (
        PageBreak,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        Table,
        TableStyle,
    )

    styles = getSampleStyleSheet()
    normal, title = styles["Normal"], styles["Title"]
    grid = TableStyle(
        [
            ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
            ("FONTSIZE", (0, 0), (-1, -1), 8),
            ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
            ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey),
        ]
    )
    money = bill_pdf.format_money
    story = []
    for bill in bills:
        story.append(Paragraph(bill.utility_name, title))
        story.append(Paragraph("<br/>".join(bill.utility_address), normal))
        story.append(
            Table(
                [
                    ["Account", "Bill date", "Due date", "Amount due"],
                    [
                        bill.account_number,
                        str(bill.date_bill),
                        str(bill.date_due),
                        money(bill.amount_due, "$"),
                    ],
                ],
                style=grid,
            )
        )
        story.append(Paragraph("<br/>".join((bill.customer_name, *bill.mailing_address)), normal))
        rows = [["Description", "Quantity", "Rate", "Amount"]]
        for service in bill.services:
            rows.append([service.name, "", "", money(service.amount_total)])
            if service.has_reads:
                rows.append(
                    [
                        f"Meter {service.meter_number} {service.date_previous_read} "
                        f"{service.previous_read} - {service.date_current_read} "
                        f"{service.current_read}",
                        str(service.consumption),
                        "",
                        "",
                    ]
                )
            rows.extend(
                [
                    line.description,
                    bill_pdf.format_quantity(line.quantity),
                    bill_pdf.format_rate(line.rate),
                    money(line.amount),
                ]
                for line in service.lines
            )
        story.append(Table(rows, colWidths=[3.5 * inch, inch, inch, inch], style=grid))
        story.append(
            Table(
                [
                    ["Previous balance", money(bill.amount_previous_balance)],
                    ["Payments", money(-bill.amount_payments)],
                    ["Adjustments", money(bill.amount_adjustments)],
                    ["Past due", money(bill.amount_past_due)],
                    ["Current charges", money(bill.amount_current)],
                    ["Total amount due", money(bill.amount_due)],
                ],
                style=grid,
            )
        )
        chart_drawing = Drawing(400, 110)
        chart = VerticalBarChart()
        chart.x, chart.y, chart.width, chart.height = 30, 20, 360, 80
        chart.data = [[float(p.consumption) for p in bill.usage_history]]
        chart.categoryAxis.categoryNames = [p.label for p in bill.usage_history]
        chart.categoryAxis.labels.fontSize = 6
        chart_drawing.add(chart)
        story.append(chart_drawing)
        for message in bill.messages:
            story.append(Paragraph(message, normal))
        story.append(Spacer(1, 12))
        story.append(Paragraph("Please return this portion with your payment", normal))
        qr = QrCodeWidget(bill.scan_line)
        qr_drawing = Drawing(60, 60)
        qr.barWidth = qr.barHeight = 60
        qr_drawing.add(qr)
        story.append(
            Table(
                [
                    [
                        qr_drawing,
                        Paragraph(
                            f"Account {bill.account_number}<br/>"
                            f"Amount due {money(bill.amount_due, '$')}<br/>"
                            f"Due {bill.date_due}<br/>Amount enclosed: ________",
                            normal,
                        ),
                    ]
                ]
            )
        )
        story.append(Paragraph(f'<font face="Courier">{bill.scan_line}</font>', normal))
        story.append(PageBreak())
    SimpleDocTemplate(out, pagesize=letter).build(story)
    return len(bills)


def _rate(count, wall, cpu):
    return f"{count / wall:,.0f} bills/s ({count / cpu:,.0f} bills per CPU second)"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=2000, help="bills in the canvas batch")
    parser.add_argument(
        "--baseline-n", type=int, default=300, help="bills in the platypus baseline (0: skip)"
    )
    parser.add_argument("--out", help="keep the batch PDF here")
    parser.add_argument("--sample", help="also write one sample bill PDF here")
    args = parser.parse_args()

    bills, build, _cpu = timed(make_bills, args.n)
    print(f"bills built: {args.n} in {build:.2f} s (synthetic data, validation included)")
    font, size = bill_pdf.scan_line_font()
    print(f"scan line font: {font} {size:g} pt")

    out_path = args.out or os.path.join(tempfile.gettempdir(), "bench_bills.pdf")
    with open(out_path, "wb") as out:
        count, seconds, cpu = timed(bill_pdf.render_batch, bills, out)
    size_mb = os.path.getsize(out_path) / 1e6
    print(
        f"canvas render_batch: {count} bills in {seconds:.2f} s = {_rate(count, seconds, cpu)},"
        f" {size_mb:.2f} MB ({size_mb * 1000 / count:.1f} kB/bill) -> {out_path}"
    )

    buffer = io.StringIO()
    count, seconds, cpu = timed(bill_vendor_file.write_vendor_csv, bills, buffer)
    print(
        f"vendor CSV: {count} bills in {seconds:.2f} s = {_rate(count, seconds, cpu)},"
        f" {len(buffer.getvalue().encode()) / 1e6:.2f} MB"
    )

    if args.baseline_n:
        subset = bills[: args.baseline_n]
        buffer = io.BytesIO()
        count, seconds, cpu = timed(render_platypus, subset, buffer)
        print(
            f"platypus baseline: {count} bills in {seconds:.2f} s = {_rate(count, seconds, cpu)},"
            f" {len(buffer.getvalue()) / 1e6:.2f} MB"
            f" ({len(buffer.getvalue()) / 1000 / count:.1f} kB/bill)"
        )

    if args.sample:
        os.makedirs(os.path.dirname(os.path.abspath(args.sample)), exist_ok=True)
        sample = next((b for b in bills if b.amount_past_due > 0), bills[0])
        with open(args.sample, "wb") as out:
            out.write(bill_pdf.render_bill(sample))
        print(f"sample bill -> {args.sample}")


if __name__ == "__main__":
    main()
