# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import datetime

from odoo import models

# How a cell is written: ``(value, kind)`` in a row is a number or a date in
# this format; any other value is written as it is (text).
CELL_FORMATS = {
    "money": {"num_format": "#,##0.00"},
    "volume": {"num_format": "#,##0.000"},
    "percent": {"num_format": "0.0"},
    "integer": {"num_format": "0"},
    "date": {"num_format": "mm/dd/yyyy"},
}


class ReportUtilityTableXlsx(models.AbstractModel):
    """The product's spreadsheets, written one way (OCA ``report_xlsx``): one
    sheet per table, a bold header row, amounts and volumes as numbers a finance
    office can sum, dates as dates. A report gives its tables
    (:meth:`_get_xlsx_tables`); a list report names its columns
    (:meth:`_get_xlsx_columns`) and gets one sheet of the records printed."""

    _name = "report.utility_billing.table_xlsx"
    _description = "Utility Spreadsheet Tables"
    _inherit = "report.report_xlsx.abstract"

    # Sheet title of a list report (the records printed, one row each).
    _xlsx_sheet_title = "Report"

    def generate_xlsx_report(self, workbook, data, records):
        formats = {kind: workbook.add_format(spec) for kind, spec in CELL_FORMATS.items()}
        formats["header"] = workbook.add_format({"bold": True})
        for title, header, rows in self._get_xlsx_tables(records):
            self._write_xlsx_table(workbook, formats, title, header, rows)

    def _get_xlsx_tables(self, records):
        """The tables of the workbook: [(sheet title, header, rows)]; by default
        one sheet of ``records``, one row each, in the columns of the report."""
        columns = self._get_xlsx_columns()
        return [
            (
                self._xlsx_sheet_title,
                [header for header, _name, _kind in columns],
                self._get_xlsx_rows(records, columns),
            )
        ]

    def _get_xlsx_columns(self):
        """Columns of a list report: [(header, field name, kind or None)]."""
        return []

    def _get_xlsx_rows(self, records, columns):
        """One row per record: many2one fields by their name, selections by
        their label, numbers and dates in the column's kind."""
        rows = []
        for record in records:
            row = []
            for _header, name, kind in columns:
                field = record._fields[name]
                value = record[name]
                if field.type in ("many2one", "many2many"):
                    value = ", ".join(value.mapped("display_name"))
                elif field.type == "selection":
                    value = dict(field._description_selection(record.env)).get(value, "")
                elif kind:
                    value = (value, kind) if value or kind != "date" else ""
                elif value is False:
                    value = ""
                row.append(value)
            rows.append(row)
        return rows

    def _write_xlsx_table(self, workbook, formats, title, header, rows):
        sheet = workbook.add_worksheet(title[:31])
        sheet.write_row(0, 0, header, formats["header"])
        for row_index, row in enumerate(rows, start=1):
            for column, cell in enumerate(row):
                if not isinstance(cell, tuple):
                    sheet.write(row_index, column, cell)
                elif isinstance(cell[0], datetime.date):
                    sheet.write_datetime(row_index, column, cell[0], formats[cell[1]])
                else:
                    sheet.write_number(row_index, column, cell[0], formats[cell[1]])
        sheet.set_column(0, max(len(header) - 1, 0), 16)
        return sheet
