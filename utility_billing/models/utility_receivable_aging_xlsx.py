# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class ReportUtilityReceivableAgingXlsx(models.AbstractModel):
    """Aged receivables by service as a workbook: the totals per service and
    age, then every account's lines."""

    _name = "report.utility_billing.report_utility_receivable_aging_xlsx"
    _description = "Aged Receivables by Service Spreadsheet"
    _inherit = "report.utility_billing.table_xlsx"

    def _get_xlsx_columns(self):
        return [
            (self.env._("Account"), "account_id", None),
            (self.env._("Customer"), "partner_id", None),
            (self.env._("Class"), "customer_class", None),
            (self.env._("Cycle"), "cycle_id", None),
            (self.env._("Kind"), "line_kind", None),
            (self.env._("Service"), "service_type_id", None),
            (self.env._("Not Yet Due"), "amount_current", "money"),
            (self.env._("1-30 Days"), "amount_1_30", "money"),
            (self.env._("31-60 Days"), "amount_31_60", "money"),
            (self.env._("61-90 Days"), "amount_61_90", "money"),
            (self.env._("Over 90 Days"), "amount_90_plus", "money"),
            (self.env._("Total"), "amount_total", "money"),
        ]

    def _get_xlsx_tables(self, agings):
        agings._check_computed()
        columns = self._get_xlsx_columns()
        amounts = [name for _header, name, kind in columns if kind == "money"]
        header = [header for header, _name, _kind in columns]
        tables = []
        for aging in agings:
            suffix = f" {aging.id}" if len(agings) > 1 else ""
            lines = aging.line_ids
            totals = []
            for kind, service, *sums in self.env["utility.receivable.aging.line"]._read_group(
                [("aging_id", "=", aging.id)],
                ["line_kind", "service_type_id"],
                [f"{name}:sum" for name in amounts],
                order="line_kind desc, service_type_id",
            ):
                label = service.name or dict(lines._fields["line_kind"].selection)[kind]
                totals.append([label] + [(amount, "money") for amount in sums])
            totals.append([self.env._("Total")] + [(aging[name], "money") for name in amounts])
            totals.append(
                [self.env._("Receivable in the Ledger")]
                + [""] * (len(amounts) - 1)
                + [(aging.amount_ledger, "money")]
            )
            tables += [
                (
                    self.env._("By Service") + suffix,
                    [self.env._("Service"), *header[-len(amounts) :]],
                    totals,
                ),
                (self.env._("Accounts") + suffix, header, self._get_xlsx_rows(lines, columns)),
            ]
        return tables
