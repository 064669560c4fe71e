# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_datetime


class UtilityReadingFile(models.Model):
    """A readings file that was imported, kept so that it is never imported twice.

    The SHA-256 of the file's bytes is unique per company: the same file
    uploaded again is refused whole. A corrected file has another checksum;
    its rows already imported from the first file are then refused one by
    one as duplicates of the readings they would repeat.
    """

    _name = "utility.reading.file"
    _description = "Imported Reading File"
    _inherit = ["mail.thread"]
    _order = "date_import desc, id desc"
    _check_company_auto = True

    name = fields.Char(string="File Name", required=True, readonly=True)
    checksum = fields.Char(
        string="SHA-256",
        required=True,
        readonly=True,
        copy=False,
        index=True,
        help="Fingerprint of the file's bytes: the same file cannot be imported twice.",
    )
    layout_id = fields.Many2one(
        "utility.reading.file.layout", readonly=True, check_company=True, ondelete="restrict"
    )
    date_import = fields.Datetime(
        string="Imported On", required=True, readonly=True, default=fields.Datetime.now
    )
    user_id = fields.Many2one(
        "res.users",
        string="Imported By",
        required=True,
        readonly=True,
        default=lambda self: self.env.user,
    )
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, default=lambda self: self.env.company
    )
    state = fields.Selection(
        [("imported", "Imported"), ("partial", "Partially Imported")],
        required=True,
        readonly=True,
        default="imported",
        tracking=True,
        help="Partially imported: the rows with errors were left out on request; they "
        "are listed under Rejected Rows.",
    )
    reading_ids = fields.One2many("utility.meter.reading", "file_id", string="Readings")

    # Counts as they were at import time: the file's own record of what happened.
    row_count = fields.Integer(string="Rows", readonly=True)
    rejected_count = fields.Integer(string="Rejected Rows", readonly=True)
    rejected_rows = fields.Text(
        string="Rejection Report",
        readonly=True,
        help="Every row left out of the import, with the reason.",
    )
    # Counts as they are now (readings may be corrected or released since).
    reading_count = fields.Integer(string="Live Readings", compute="_compute_reading_counts")
    exception_count = fields.Integer(
        string="In Exception Queue",
        compute="_compute_reading_counts",
        help="Readings of this file the read edits held for review.",
    )

    _sql_constraints = [
        (
            "checksum_company_uniq",
            "unique(checksum, company_id)",
            "This file was already imported.",
        ),
    ]

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

    @api.model
    def _check_not_imported(self, checksums, company):
        """Refuse files already imported, naming when and by whom.

        The SQL constraint is the guarantee; this only gives the clerk a
        message worth reading.

        :raises UserError: one message for every file already imported
        """
        done = (
            self.sudo()
            .with_context(active_test=False)
            .search([("checksum", "in", list(checksums)), ("company_id", "=", company.id)])
        )
        if done:
            raise UserError(
                "\n".join(
                    self.env._(
                        "This file was already imported on %(date)s by %(user)s "
                        "(%(file)s, %(count)s readings).",
                        date=format_datetime(self.env, file.date_import),
                        user=file.user_id.name,
                        file=file.name,
                        count=file.row_count - file.rejected_count,
                    )
                    for file in done
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        by_company = {}
        for vals in vals_list:
            company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
            by_company.setdefault(company, set()).add(vals.get("checksum"))
        for company, checksums in by_company.items():
            self._check_not_imported(checksums, company)
        return super().create(vals_list)

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
