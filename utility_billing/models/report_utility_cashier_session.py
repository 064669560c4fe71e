# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class ReportUtilityCashierSession(models.AbstractModel):
    """The cashier's report: refused for an open drawer to anyone but a supervisor
    (blind count), before anything is rendered."""

    _name = "report.utility_billing.report_utility_cashier_session"
    _description = "Cashier's Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        sessions = self.env["utility.cashier.session"].browse(docids)
        sessions._check_report_allowed()
        return {"doc_ids": docids, "doc_model": "utility.cashier.session", "docs": sessions}


class ReportUtilityDailyReceipts(models.AbstractModel):
    _name = "report.utility_billing.report_utility_daily_receipts"
    _description = "Daily Receipts Summary"

    @api.model
    def _get_report_values(self, docids, data=None):
        sessions = self.env["utility.cashier.session"].browse(docids)
        sessions._check_report_allowed()
        return {"doc_ids": docids, "doc_model": "utility.cashier.session", "docs": sessions}
