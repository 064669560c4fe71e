# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class ReportUtilityDelinquencyRunLineXlsx(models.AbstractModel):
    """The delinquency list (a run's register) as a workbook: the accounts
    printed, past due by age, with the late fee."""

    _name = "report.utility_billing.report_utility_delinquency_line_xlsx"
    _description = "Delinquency List Spreadsheet"
    _inherit = "report.utility_billing.table_xlsx"
    _xlsx_sheet_title = "Delinquency List"

    def _get_xlsx_columns(self):
        return [
            (self.env._("Delinquency Run"), "run_id", None),
            (self.env._("Account"), "account_id", None),
            (self.env._("Customer"), "partner_id", None),
            (self.env._("Class"), "customer_class", None),
            (self.env._("Not Yet Due"), "amount_current", "money"),
            (self.env._("1-30 Days"), "amount_1_30", "money"),
            (self.env._("31-60 Days"), "amount_31_60", "money"),
            (self.env._("61-90 Days"), "amount_61_90", "money"),
            (self.env._("Over 90 Days"), "amount_90_plus", "money"),
            (self.env._("Past Due"), "amount_past_due", "money"),
            (self.env._("Late Fee"), "amount_fee", "money"),
            (self.env._("Status"), "state", None),
            (self.env._("Why No Fee"), "message", None),
            (self.env._("Last Notice"), "notice_kind", None),
            (self.env._("Notice Status"), "notice_state", None),
            (self.env._("Shut-off"), "shutoff_state", None),
        ]
