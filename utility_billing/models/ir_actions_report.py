# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models

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
