# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class ReportUtilityReadingExceptionXlsx(models.AbstractModel):
    """The meter exception list as a workbook: the exceptions printed."""

    _name = "report.utility_billing.report_utility_reading_exception_xlsx"
    _description = "Meter Exception List Spreadsheet"
    _inherit = "report.utility_billing.table_xlsx"
    _xlsx_sheet_title = "Meter Exceptions"

    def _get_xlsx_columns(self):
        return [
            (self.env._("Read On"), "date", "date"),
            (self.env._("Edit"), "code", None),
            (self.env._("Status"), "state", None),
            (self.env._("Account"), "account_id", None),
            (self.env._("Customer"), "partner_id", None),
            (self.env._("Premise"), "location_id", None),
            (self.env._("Meter"), "meter_id", None),
            (self.env._("Billing Cycle"), "cycle_id", None),
            (self.env._("Reading"), "reading_value", "volume"),
            (self.env._("Previous"), "previous_value", "volume"),
            (self.env._("Usage"), "consumption", "volume"),
            (self.env._("Unit"), "unit", None),
            (self.env._("Why"), "message", None),
            (self.env._("Resolution"), "resolution", None),
        ]
