# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The printed collection notice (past-due, final, door hanger), drawn by
reportlab. No Odoo import.

The same letter as the QWeb template (``report_utility_collection_notice``):
the house letterhead, the landlord's copy block, the paragraphs the model
wrote (amounts and dates already formatted), where to mail payments. One
PDF per notice: it is stored on the notice as mailed, and the mail room's
batch is those PDFs put together. wkhtmltopdf starts a browser per document
(over a second a letter); reportlab draws a notice in milliseconds, which a
run of 40,000 notices needs.
"""

import io
from dataclasses import dataclass, field

from reportlab.lib.units import inch
from reportlab.platypus import Spacer

from .statement_pdf import _lines, _p, _styles, letter_document, letterhead, remit_to_block


@dataclass(frozen=True)
class NoticeData:
    """What one printed notice says, every text already formatted."""

    company_name: str
    company_address: tuple
    company_phone: str
    title: str
    account_number: str
    date: str
    customer_name: str
    customer_address: tuple
    service_address: str
    paragraphs: tuple
    # The premise owner's copy: name, then address lines (empty: the customer's).
    landlord: tuple = field(default_factory=tuple)
    remit_to: tuple = field(default_factory=tuple)


def render_notice(data):
    """The PDF (bytes) of one :class:`NoticeData`."""
    styles = _styles()
    story = letterhead(
        styles,
        company=(data.company_name, data.company_address, data.company_phone),
        title=data.title,
        right_lines=(f"Account {data.account_number}", data.date),
        customer=(data.customer_name, data.customer_address),
        service_address=data.service_address,
    )
    if data.landlord:
        story.append(_p("Copy for the owner of the premise", styles["label"]))
        story.append(_p(_lines(data.landlord), styles["base"]))
        story.append(Spacer(1, 0.15 * inch))
    for paragraph in data.paragraphs:
        story.append(_p(paragraph, styles["base"]))
        story.append(Spacer(1, 0.1 * inch))
    story += remit_to_block(data.remit_to, styles)
    buffer = io.BytesIO()
    letter_document(buffer, data.title.title()).build(story)
    return buffer.getvalue()
