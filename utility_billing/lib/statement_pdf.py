# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The printed statement of account, drawn by reportlab. No Odoo import.

The same statement as the QWeb template (``utility_account_statement_report``):
letterhead, account and dates, customer and service address, the movements
with the balance after each, the closing line and the balance due. Rows that
do not fit a page continue on the next, under the column titles again. The
amounts come in formatted (``format_amount`` of the currency): this module
only lays them out.

wkhtmltopdf takes over a second for a one-page statement (a browser started
per document); reportlab draws it in a few milliseconds, so printing the
statement at the counter is as quick as showing it (README "Speed").
"""

import io
from dataclasses import dataclass, field

from reportlab.lib import colors
from reportlab.lib.pagesizes import letter
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.flowables import PageBreak

from .bill_pdf import text_font

COLUMNS = (
    "Date",
    "Type",
    "Reference",
    "Description",
    "Charges",
    "Payments and Credits",
    "Balance",
)
WIDTHS = (0.75, 1.05, 1.4, 1.55, 0.9, 0.9, 0.9)  # inches: 7.45 of the 7.5 between margins
MONEY_COLUMNS = (4, 5, 6)
PADDING = 6  # points, reportlab's default left and right padding of a cell
NOTHING = "Nothing was billed, paid or credited in these dates."


@dataclass(frozen=True)
class StatementRow:
    date: str
    kind: str
    reference: str
    description: str
    charge: str
    credit: str
    balance: str


@dataclass(frozen=True)
class StatementData:
    """What one printed statement says, every text already formatted."""

    company_name: str
    company_address: tuple
    company_phone: str
    account_number: str
    date_from: str
    date_to: str
    date_printed: str
    customer_name: str
    customer_address: tuple
    service_address: str
    opening: str
    charges: str
    credits: str
    closing: str
    rows: tuple = field(default_factory=tuple)
    # Where payments are mailed: payee, then address lines (empty: not printed).
    remit_to: tuple = field(default_factory=tuple)


def _styles():
    base = ParagraphStyle("base", fontName="Helvetica", fontSize=9, leading=11)
    return {
        "base": base,
        "company": ParagraphStyle("company", base, fontName="Helvetica-Bold", fontSize=14,
                                  leading=17),
        "title": ParagraphStyle("title", base, fontName="Helvetica-Bold", fontSize=15,
                                leading=18, alignment=2),
        "right": ParagraphStyle("right", base, alignment=2),
        "label": ParagraphStyle("label", base, fontName="Helvetica-Bold"),
        "cell": ParagraphStyle("cell", base, fontSize=8, leading=10),
        "cell_bold": ParagraphStyle("cell_bold", base, fontName="Helvetica-Bold", fontSize=8,
                                    leading=10),
    }  # fmt: skip


def _p(text, style):
    """A paragraph of plain ``text`` (escaped; line breaks kept)."""
    text = text or ""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    font = text_font(text, style.fontName)  # a TrueType font outside WinAnsi
    if font != style.fontName:
        style = ParagraphStyle(f"{style.name}-{font}", style, fontName=font)
    return Paragraph(escaped.replace("\n", "<br/>"), style)


def _cell(text, style, width):
    """A movement's cell: plain text (drawn by the table, no paragraph to lay
    out: most cells) when it fits the column on one line in the standard font,
    else a paragraph that wraps. A page of movements is 150 cells: paragraphs
    were most of the statement's drawing time."""
    text = text or ""
    if (
        "\n" not in text
        and text_font(text, style.fontName) == style.fontName
        and stringWidth(text, style.fontName, style.fontSize) <= width - 2 * PADDING
    ):
        return text
    return _p(text, style)


def _lines(parts):
    return "\n".join(part for part in parts if part)


def letterhead(styles, *, company, title, right_lines, customer, service_address):
    """The house letterhead of a printed letter: the company (name, address
    lines, phone) left, the title and ``right_lines`` right, then the customer
    (name, address lines) and the service address. Statements and collection
    notices print it alike.

    :param company: (name, address lines, phone)
    :param customer: (name, address lines)
    """
    company_name, company_address, company_phone = company
    left = [_p(company_name, styles["company"]), _p(_lines(company_address), styles["base"])]
    if company_phone:
        left.append(_p(f"Phone {company_phone}", styles["base"]))
    right = [_p(title, styles["title"]), *(_p(line, styles["right"]) for line in right_lines)]
    customer_name, customer_address = customer
    addresses = [
        [_p("Customer", styles["label"]), _p("Service address", styles["label"])],
        [
            _p(_lines([customer_name, *customer_address]), styles["base"]),
            _p(service_address, styles["base"]),
        ],
    ]
    plain = TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)])
    return [
        Table([[left, right]], colWidths=[3.75 * inch, 3.75 * inch], style=plain),
        Spacer(1, 0.2 * inch),
        Table(addresses, colWidths=[3.75 * inch, 3.75 * inch], style=plain),
        Spacer(1, 0.2 * inch),
    ]


def remit_to_block(remit_to, styles):
    """Where payments are mailed (payee, then address lines), or nothing."""
    if not remit_to:
        return []
    return [
        Spacer(1, 0.1 * inch),
        _p("Please mail payments to:", styles["label"]),
        _p(_lines(remit_to), styles["base"]),
    ]


def letter_document(buffer, title):
    """A Letter page document with half-inch margins, as every letter prints."""
    return SimpleDocTemplate(
        buffer,
        pagesize=letter,
        leftMargin=0.5 * inch,
        rightMargin=0.5 * inch,
        topMargin=0.5 * inch,
        bottomMargin=0.5 * inch,
        title=title,
    )


def _header(data, styles):
    return letterhead(
        styles,
        company=(data.company_name, data.company_address, data.company_phone),
        title="STATEMENT OF ACCOUNT",
        right_lines=(
            f"Account {data.account_number}",
            f"From {data.date_from} to {data.date_to}",
            f"Printed {data.date_printed}",
        ),
        customer=(data.customer_name, data.customer_address),
        service_address=data.service_address,
    )


def _movements(data, styles):
    cell, bold = styles["cell"], styles["cell_bold"]
    rows = [[_p(title, bold) for title in COLUMNS]]
    rows.append([_p(data.date_from, cell), _p("Opening balance", bold), "", "", "", "",
                 _p(data.opening, bold)])  # fmt: skip
    widths = [w * inch for w in WIDTHS]
    for row in data.rows:
        rows.append(
            [
                _cell(getattr(row, name), cell, widths[column])
                for column, name in enumerate(StatementRow.__dataclass_fields__)
            ]
        )
    if not data.rows:
        rows.append([_p(NOTHING, cell), "", "", "", "", "", ""])
    closing = [_p(data.charges, bold), _p(data.credits, bold), _p(data.closing, bold)]
    rows.append([_p(data.date_to, cell), _p("Closing balance", bold), "", "", *closing])
    style = [
        # The plain-text cells: the paragraphs' font, size and line height.
        ("FONT", (0, 0), (-1, -1), cell.fontName, cell.fontSize, cell.leading),
        ("ALIGN", (MONEY_COLUMNS[0], 0), (-1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
        ("LINEABOVE", (0, -1), (-1, -1), 0.8, colors.black),
        ("ROWBACKGROUNDS", (0, 2), (-1, -2), [colors.white, colors.HexColor("#f2f2f2")]),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    for column in MONEY_COLUMNS:
        for row in rows:
            if isinstance(row[column], Paragraph):
                row[column].style = ParagraphStyle("money", row[column].style, alignment=2)
    # The opening and closing labels over the columns they leave empty, as on screen.
    style += [("SPAN", (1, 1), (5, 1)), ("SPAN", (1, -1), (3, -1))]
    if not data.rows:
        style.append(("SPAN", (0, 2), (-1, 2)))
    return Table(
        rows,
        colWidths=widths,
        repeatRows=1,  # the column titles again on every page
        style=TableStyle(style),
    )


def render_statements(statements):
    """One PDF (bytes) with each :class:`StatementData` of ``statements``
    starting on a new Letter page."""
    styles = _styles()
    story = []
    for index, data in enumerate(statements):
        if index:
            story.append(PageBreak())
        story += _header(data, styles)
        story.append(_movements(data, styles))
        story.append(Spacer(1, 0.2 * inch))
        story.append(
            _p(
                f"Balance due on {data.date_to}: {data.closing}. "
                "A negative balance is a credit on the account.",
                styles["base"],
            )
        )
        story += remit_to_block(data.remit_to, styles)
    buffer = io.BytesIO()
    letter_document(buffer, "Statement of Account").build(story)
    return buffer.getvalue()
