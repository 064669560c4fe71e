# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class ReportUtilityRateWhatifXlsx(models.AbstractModel):
    """The rate what-if as a workbook (OCA ``report_xlsx``): one sheet per table
    of the council packet, amounts as numbers a finance office can sum."""

    _name = "report.utility_billing.report_utility_rate_whatif_xlsx"
    _description = "Rate What-If Spreadsheet"
    _inherit = "report.utility_billing.table_xlsx"

    def _get_xlsx_tables(self, whatifs):
        money, volume, percent = "money", "volume", "percent"
        tables = []
        for whatif in whatifs:
            whatif._check_computed()
            sheets = [
                (
                    "Revenue",
                    ["Service", "Class", "Accounts", "Bills", "Volume", "Billed",
                     "Priced Again", "Proposed", "Change", "Change %"],
                    [
                        [line.service_type_id.name, line.customer_class.name or "",
                         line.account_count, line.bill_count, (line.usage, volume),
                         (line.amount_billed, money), (line.amount_rerated, money),
                         (line.amount_proposed, money), (line.amount_change, money),
                         (line.change_percent, percent)]
                        for line in whatif.revenue_line_ids
                    ],
                ),
                (
                    "Bill Impact",
                    ["Kind", "Rate Schedule", "Class", "Percentile", "Usage", "Unit", "Meter",
                     "Rates in Force", "Proposed", "Change", "Change %"],
                    [
                        [dict(line._fields["kind"].selection)[line.kind],
                         line.schedule_id.display_name, line.customer_class.name or "",
                         line.percentile or "", (line.usage, volume), line.usage_unit or "",
                         line.meter_size or "", (line.amount_current, money),
                         (line.amount_proposed, money), (line.amount_change, money),
                         (line.change_percent, percent)]
                        for line in whatif.bill_line_ids
                    ],
                ),
                (
                    "Most Affected",
                    ["Account", "Customer", "Class", "Bills", "Billed", "Proposed", "Change",
                     "Change %"],
                    [
                        [line.account_id.name, line.partner_id.name or "",
                         line.customer_class.name or "", line.bill_count,
                         (line.amount_billed, money), (line.amount_proposed, money),
                         (line.amount_change, money), (line.change_percent, percent)]
                        for line in whatif.account_line_ids
                    ],
                ),
            ]  # fmt: skip
            for title, header, rows in sheets:
                name = f"{title} {whatif.id}" if len(whatifs) > 1 else title
                tables.append((name, header, rows))
        return tables
