# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_datetime

# The guarantee that a file is imported once, declared by each inheriting model
# (an abstract model has no table to hold it).
CHECKSUM_CONSTRAINTS = [
    ("checksum_company_uniq", "unique(checksum, company_id)", "This file was already imported."),
]


class UtilityImportFileMixin(models.AbstractModel):
    """A file that was imported, kept so that it is never imported twice.

    The SHA-256 of the file's bytes is unique per company: the same file
    uploaded again is refused whole. The record keeps what the import saw
    (rows, rejected rows and why), whatever becomes of what it created.

    The model that inherits this (with ``mail.thread``, for the tracking of
    ``state``) declares its ``layout_id`` and implements
    :meth:`_get_already_imported_message`.
    """

    _name = "utility.import.file.mixin"
    _description = "Imported File (shared by the file imports)"
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
    # As they were at import time: the file's own record of what happened.
    row_count = fields.Integer(string="Rows", readonly=True)
    rejected_count = fields.Integer(string="Rejected Rows", readonly=True)
    rejected_rows = fields.Text(
        string="Rejection Report",
        readonly=True,
        help="Every row left out of the import, with the reason.",
    )

    @api.model
    def _check_not_imported(self, checksums, company):
        """Refuse files already imported, naming when and by whom.

        The SQL constraint is the guarantee; this only gives the clerk a
        message worth reading.

        :raises UserError: one message for every file already imported
        """
        done = self.sudo().search(
            [("checksum", "in", list(checksums)), ("company_id", "=", company.id)]
        )
        if done:
            raise UserError("\n".join(file._get_already_imported_message() for file in done))

    def _get_already_imported_message(self):
        """:return: when, by whom and what of this file was imported, from
        :meth:`_get_already_imported_values`"""
        raise NotImplementedError()

    def _get_already_imported_values(self):
        self.ensure_one()
        return {
            "date": format_datetime(self.env, self.date_import),
            "user": self.user_id.name,
            "file": self.name,
            "count": self.row_count - self.rejected_count,
        }

    @api.model_create_multi
    def create(self, vals_list):
        by_company = {}
        for vals in vals_list:
            company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
            by_company.setdefault(company, set()).add(vals.get("checksum"))
        for company, checksums in by_company.items():
            self._check_not_imported(checksums, company)
        return super().create(vals_list)
