# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError

from .utility_import_file_mixin import CHECKSUM_CONSTRAINTS


class UtilityReadingFile(models.Model):
    """A readings file that was imported, kept so that it is never imported twice.

    The SHA-256 of the file's bytes is unique per company: the same file
    uploaded again is refused whole. A corrected file has another checksum;
    its rows already imported from the first file are then refused one by
    one as duplicates of the readings they would repeat.
    """

    _name = "utility.reading.file"
    _inherit = ["utility.import.file.mixin", "mail.thread"]
    _description = "Imported Reading File"
    _sql_constraints = CHECKSUM_CONSTRAINTS

    layout_id = fields.Many2one(
        "utility.reading.file.layout", readonly=True, check_company=True, ondelete="restrict"
    )
    reading_ids = fields.One2many("utility.meter.reading", "file_id", string="Readings")
    # Counts as they are now (readings may be corrected or released since).
    reading_count = fields.Integer(string="Live Readings", compute="_compute_reading_counts")
    exception_count = fields.Integer(
        string="In Exception Queue",
        compute="_compute_reading_counts",
        help="Readings of this file the read edits held for review.",
    )

    def _compute_reading_counts(self):
        groups = self.env["utility.meter.reading"]._read_group(
            [("file_id", "in", self.ids), ("state", "!=", "cancelled")],
            ["file_id", "state"],
            ["__count"],
        )
        readings, exceptions = {}, {}
        for file, state, count in groups:
            readings[file] = readings.get(file, 0) + count
            if state == "exception":
                exceptions[file] = count
        for file in self:
            file.reading_count = readings.get(file, 0)
            file.exception_count = exceptions.get(file, 0)

    def _get_already_imported_message(self):
        return self.env._(
            "This file was already imported on %(date)s by %(user)s "
            "(%(file)s, %(count)s readings).",
            **self._get_already_imported_values(),
        )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_with_readings(self):
        kept = self.reading_ids.filtered(lambda r: r.state != "cancelled")
        if kept:
            raise UserError(
                self.env._(
                    "A file whose readings are in use cannot be deleted, or it could be "
                    "imported again: cancel its readings first (%(files)s).",
                    files=", ".join(kept.file_id.mapped("name")),
                )
            )

    def action_view_readings(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "utility_billing.utility_meter_reading_action"
        )
        action["domain"] = [("file_id", "=", self.id)]
        action["context"] = {"create": False}
        return action

    def action_view_exceptions(self):
        action = self.action_view_readings()
        action["domain"] = [("file_id", "=", self.id), ("state", "=", "exception")]
        return action
