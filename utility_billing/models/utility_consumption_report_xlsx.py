# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class ReportUtilityConsumptionXlsx(models.AbstractModel):
    """Consumption by class as a workbook: the periods printed, one row each."""

    _name = "report.utility_billing.report_utility_consumption_xlsx"
    _description = "Consumption by Class Spreadsheet"
    _inherit = "report.utility_billing.table_xlsx"
    _xlsx_sheet_title = "Consumption by Class"

    def _get_xlsx_columns(self):
        return [
            (self.env._("Service"), "service_type_id", None),
            (self.env._("Class Billed"), "customer_class_id", None),
            (self.env._("Bill Date"), "date", "date"),
            (self.env._("Account"), "account_id", None),
            (self.env._("Bill"), "move_id", None),
            (self.env._("Period From"), "date_from", "date"),
            (self.env._("Period To"), "date_to", "date"),
            (self.env._("Usage"), "usage", "volume"),
            (self.env._("Unit"), "usage_unit", None),
            (self.env._("Billed"), "amount_billed", "money"),
        ]

    def _get_xlsx_tables(self, periods):
        """A summary per service, class and month, then the periods."""
        summary = [
            [
                service.name or "",
                customer_class.name or "",
                month.strftime("%B %Y") if month else "",
                (count, "integer"),
                (usage, "volume"),
                (amount, "money"),
            ]
            for service, customer_class, month, count, usage, amount in self.env[
                "utility.consumption.report"
            ]._read_group(
                [("id", "in", periods.ids)],
                ["service_type_id", "customer_class_id", "date:month"],
                ["__count", "usage:sum", "amount_billed:sum"],
                order="service_type_id, customer_class_id, date:month",
            )
        ]
        header = [
            self.env._("Service"),
            self.env._("Class Billed"),
            self.env._("Month"),
            self.env._("Bills"),
            self.env._("Usage"),
            self.env._("Billed"),
        ]
        detail = super()._get_xlsx_tables(periods)
        return [(self.env._("By Class and Month"), header, summary), *detail]
