# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class ReportUtilityWorkOrderAgeXlsx(models.AbstractModel):
    """The open work orders by type and age as a workbook: the orders printed."""

    _name = "report.utility_billing.report_utility_work_order_age_xlsx"
    _description = "Open Work Orders Spreadsheet"
    _inherit = "report.utility_billing.table_xlsx"
    _xlsx_sheet_title = "Open Work Orders"

    def _get_xlsx_columns(self):
        return [
            (self.env._("Order"), "work_order_id", None),
            (self.env._("Type"), "type_id", None),
            (self.env._("Crew"), "team_id", None),
            (self.env._("Status"), "state", None),
            (self.env._("Premise"), "premise_id", None),
            (self.env._("Account"), "account_id", None),
            (self.env._("Ordered On"), "date_ordered", "date"),
            (self.env._("Scheduled On"), "date_scheduled", "date"),
            (self.env._("Days Open"), "age_days", "integer"),
            (self.env._("Age"), "age_bucket", None),
        ]
