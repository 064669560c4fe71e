# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class ReportUtilityPaymentReceipt(models.AbstractModel):
    """The payment receipt: the first print is the original, every later one
    says DUPLICATE (a reprint handed over as a fresh receipt is how a drawer
    hides a second, unrecorded payment)."""

    _name = "report.utility_billing.report_utility_payment_receipt"
    _description = "Payment Receipt"

    @api.model
    def _get_report_values(self, docids, data=None):
        payments = self.env["utility.payment"].browse(docids)
        return {
            "doc_ids": docids,
            "doc_model": "utility.payment",
            "docs": payments,
            "copies_before": payments._register_receipt_print(),
        }
