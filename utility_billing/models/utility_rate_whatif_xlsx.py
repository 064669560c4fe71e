# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class ReportUtilityRateWhatifXlsx(models.AbstractModel):
    """The rate what-if as a workbook (OCA ``report_xlsx``): one sheet per table
    of the council packet, amounts as numbers a finance office can sum."""

    _name = "report.utility_billing.report_utility_rate_whatif_xlsx"
    _description = "Rate What-If Spreadsheet"
    _inherit = "report.report_xlsx.abstract"

    def generate_xlsx_report(self, workbook, data, whatifs):
        bold = workbook.add_format({"bold": True})
        money = workbook.add_format({"num_format": "#,##0.00"})
        volume = workbook.add_format({"num_format": "#,##0.000"})
        percent = workbook.add_format({"num_format": "0.0"})
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
                sheet = workbook.add_worksheet(name[:31])
                sheet.write_row(0, 0, header, bold)
                for row_index, row in enumerate(rows, start=1):
                    for column, cell in enumerate(row):
                        if isinstance(cell, tuple):
                            sheet.write_number(row_index, column, cell[0], cell[1])
                        else:
                            sheet.write(row_index, column, cell)
                sheet.set_column(0, len(header) - 1, 16)
