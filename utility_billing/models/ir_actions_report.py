# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import io
import itertools

from odoo import api, models
from odoo.tools.pdf import (
    ArrayObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    PdfFileReader,
    PdfFileWriter,
    create_string_object,
)

from ..lib.bill_pdf import format_money, format_quantity, format_rate

UTILITY_BILL_REPORT = "utility_billing.report_utility_bill"
RECEIPT_REPORT = "utility_billing.report_utility_payment_receipt"
STATEMENT_REPORT = "utility_billing.report_utility_account_statement"
NOTICE_REPORT = "utility_billing.report_utility_collection_notice"


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def get_paperformat(self):
        """The payment receipt prints on the paper the company's counter uses."""
        if (
            len(self) == 1
            and self.report_name == RECEIPT_REPORT
            and self.env.company.utility_receipt_paper == "roll_80"
        ):
            return self.env.ref("utility_billing.paperformat_utility_receipt_roll")
        return super().get_paperformat()

    @api.model
    def _run_wkhtmltopdf(  # noqa: PLR0917 (Odoo's signature)
        self,
        bodies,
        report_ref=False,
        header=None,
        footer=None,
        landscape=False,
        specific_paperformat_args=None,
        set_viewport_size=False,
    ):
        """The addon's letters: one wkhtmltopdf call per document.

        For a print of several records Odoo hands wkhtmltopdf one HTML document
        per record, then cuts the PDF back into one PDF per record by its
        outlines (to keep each as an attachment). The wkhtmltopdf a city gets
        from its Linux distribution (Debian's, built without Odoo's patched Qt)
        takes a single document per call (else it writes an empty file: a
        server error) and writes no outlines. So for ``utility_billing.*``
        reports each document is printed alone and the PDFs are put together
        in order with one outline per document: Odoo's own path then splits
        them per record. A report that is one document for all its records
        (route sheet, daily receipts) still takes one call. Other modules'
        reports (the invoice) keep Odoo's path.
        """
        report = self._get_report(report_ref) if report_ref else self
        kwargs = {
            "report_ref": report_ref,
            "header": header,
            "footer": footer,
            "landscape": landscape,
            "specific_paperformat_args": specific_paperformat_args,
            "set_viewport_size": set_viewport_size,
        }
        if len(bodies) < 2 or not (report.report_name or "").startswith("utility_billing."):
            return super()._run_wkhtmltopdf(bodies, **kwargs)
        pdfs = []
        for body in bodies:
            pdfs.append(super()._run_wkhtmltopdf([body], **kwargs))
        return _merge_pdfs_with_outlines(pdfs)

    def _render_qweb_pdf(self, report_ref, res_ids=None, data=None):
        """The "Utility Bill" report is drawn by reportlab, not wkhtmltopdf.

        Same bill, many times faster, and the Print menu, the mail template and
        the batch print all give the same PDF. The QWeb template stays as the
        HTML preview, and as the comparison of the benchmark (context key
        ``utility_bill_qweb``). The statement of account likewise (context key
        ``utility_statement_qweb`` for its QWeb version), and the collection
        notice, reprinted from the PDF stored when it was mailed (context key
        ``utility_notice_qweb`` for its QWeb version).
        """
        report = self._get_report(report_ref)
        if report.report_name == STATEMENT_REPORT and not self.env.context.get(
            "utility_statement_qweb"
        ):
            # The statement of account too: printed at the counter while the
            # customer waits (lib/statement_pdf.py).
            if isinstance(res_ids, int):
                res_ids = [res_ids]
            statements = self.env["utility.account.statement"].browse(res_ids or [])
            return statements._render_statement_pdf(), "pdf"
        if report.report_name == NOTICE_REPORT and not self.env.context.get("utility_notice_qweb"):
            # A collection notice: the PDF stored when it was mailed, or drawn
            # by reportlab (lib/notice_pdf.py); see utility_collection_notice_pdf.
            if isinstance(res_ids, int):
                res_ids = [res_ids]
            notices = self.env["utility.collection.notice"].browse(res_ids or [])
            return notices._get_notices_pdf(), "pdf"
        if report.report_name != UTILITY_BILL_REPORT or self.env.context.get("utility_bill_qweb"):
            return super()._render_qweb_pdf(report_ref, res_ids=res_ids, data=data)
        if isinstance(res_ids, int):
            res_ids = [res_ids]
        moves = self.env["account.move"].browse(res_ids or [])
        moves.check_access("read")
        # Bills being e-mailed are rendered in one batch beforehand.
        rendered = self.env.context.get("utility_bill_pdfs") or {}
        if len(moves) == 1 and moves.id in rendered:
            return rendered[moves.id], "pdf"
        return moves._render_utility_bills_pdf(), "pdf"


def _merge_pdfs_with_outlines(pdfs):
    """The PDFs one after the other, each starting with a top-level outline.

    The outlines are written as wkhtmltopdf (patched Qt) writes them and as
    ``ir.actions.report._render_qweb_pdf_prepare_streams`` reads them: named
    destinations in the catalog's /Dests whose first element is the index of
    the page a document starts on.
    """
    writer = PdfFileWriter()
    starts = []
    for content in pdfs:
        starts.append(writer.getNumPages())
        reader = PdfFileReader(io.BytesIO(content), strict=False)
        for index in range(reader.getNumPages()):
            writer.addPage(reader.getPage(index))
    outlines = DictionaryObject({NameObject("/Type"): NameObject("/Outlines")})
    outlines_ref = writer._addObject(outlines)
    dests = DictionaryObject()
    items = []
    for number, start in enumerate(starts, start=1):
        name = NameObject(f"/utility_document_{number}")
        dests[name] = ArrayObject([NumberObject(start), NameObject("/Fit")])
        item = DictionaryObject(
            {
                NameObject("/Title"): create_string_object(str(number)),
                NameObject("/Parent"): outlines_ref,
                NameObject("/Dest"): name,
            }
        )
        items.append(writer._addObject(item))
    for previous, following in itertools.pairwise(items):
        previous.getObject()[NameObject("/Next")] = following
        following.getObject()[NameObject("/Prev")] = previous
    outlines.update(
        {
            NameObject("/First"): items[0],
            NameObject("/Last"): items[-1],
            NameObject("/Count"): NumberObject(len(items)),
        }
    )
    writer._root_object[NameObject("/Outlines")] = outlines_ref
    writer._root_object[NameObject("/Dests")] = writer._addObject(dests)
    with io.BytesIO() as buffer:
        writer.write(buffer)
        return buffer.getvalue()


class ReportUtilityBill(models.AbstractModel):
    """Values of the QWeb version of the bill: the same BillData as the PDF."""

    _name = "report.utility_billing.report_utility_bill"
    _description = "Utility Bill Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        moves = self.env["account.move"].browse(docids)
        bills = moves._prepare_bill_data()
        return {
            "doc_ids": docids,
            "doc_model": "account.move",
            "docs": moves,
            "bills": dict(zip(moves.ids, bills, strict=True)),
            "format_money": format_money,
            "format_quantity": format_quantity,
            "format_rate": format_rate,
            "chart_max": lambda bill: (
                max([point.consumption for point in bill.usage_history] or [1]) or 1
            ),
        }
