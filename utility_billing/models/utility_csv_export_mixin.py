# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import io

from odoo import fields, models

from ..lib import csv_cells


class UtilityCsvExportMixin(models.AbstractModel):
    """A file the office sends out (the agency's, the county's): written through
    ``lib.csv_cells`` (formula cells neutralised), kept as an attachment of the
    first record, downloaded by the clerk."""

    _name = "utility.csv.export.mixin"
    _description = "CSV File Sent Out"

    def _download_csv(self, prefix, columns, rows):
        """:return: the action downloading ``prefix_YYYYMMDD.csv`` of ``rows``"""
        out = io.StringIO()
        writer = csv_cells.writer(out, lineterminator="\r\n")
        writer.writerow(columns)
        writer.writerows(rows)
        today = fields.Date.context_today(self)
        attachment = self.env["ir.attachment"].create(
            {
                "name": f"{prefix}_{today.strftime('%Y%m%d')}.csv",
                "datas": base64.b64encode(out.getvalue().encode()),
                "mimetype": "text/csv",
                "res_model": self._name,
                "res_id": self[:1].id,
            }
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "self",
        }
