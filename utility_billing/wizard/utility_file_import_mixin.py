# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import binascii

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..lib import reading_files

# How many problems the refusal message lists before summing up the rest.
MAX_LISTED_ERRORS = 30


class UtilityFileImportMixin(models.AbstractModel):
    """Check, preview and import a file of rows: what the readings and the
    payment file imports share.

    Check first: every row is parsed and matched against the database in a
    fixed number of queries, and the clerk sees each row with its status.
    Import takes the whole file only when no row has an error; importing only
    the good rows is a separate, explicit choice recorded on the file. Either
    way the file is recorded by checksum (``_imported_file_model``) and cannot
    be imported again.

    The wizard that inherits this declares ``layout_id`` (a model of
    ``utility.file.layout.mixin``), ``line_ids`` (its preview rows) and
    ``ok_count``'s label, and implements :meth:`_check_upload`,
    :meth:`_parse_content`, :meth:`_match_rows`, :meth:`_prepare_line_vals`,
    :meth:`_get_default_file_name` and :meth:`_import_rows`.
    """

    _name = "utility.file.import.mixin"
    _description = "File Import (shared by the file imports)"
    _check_company_auto = True

    # The model that records the imported files (a utility.import.file.mixin).
    _imported_file_model = None
    # Writing any of these makes the preview stale.
    _preview_depends = frozenset({"file_data", "layout_id"})
    # The preview lists the rows with errors first (its summary says so).
    _preview_errors_first = False

    file_data = fields.Binary(string="File", attachment=False)
    file_name = fields.Char()
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    state = fields.Selection(
        [("draft", "Upload"), ("checked", "Checked")], default="draft", required=True
    )
    checksum = fields.Char(readonly=True)
    row_count = fields.Integer(string="Rows", readonly=True)
    ok_count = fields.Integer(string="Rows OK", readonly=True)
    error_count = fields.Integer(string="Rows with Errors", readonly=True)
    summary = fields.Char(compute="_compute_summary")

    @api.depends("state", "row_count", "ok_count", "error_count")
    def _compute_summary(self):
        for wizard in self:
            if wizard.state != "checked":
                wizard.summary = False
            elif wizard.error_count:
                message = (
                    self.env._(
                        "%(rows)s rows: %(ok)s OK, %(errors)s with errors (shown first). Fix "
                        "the file and check it again, or import the good rows only."
                    )
                    if self._preview_errors_first
                    else self.env._(
                        "%(rows)s rows: %(ok)s OK, %(errors)s with errors. Fix the file and "
                        "check it again, or import the good rows only."
                    )
                )
                wizard.summary = message % {
                    "rows": f"{wizard.row_count:,}",
                    "ok": f"{wizard.ok_count:,}",
                    "errors": f"{wizard.error_count:,}",
                }
            else:
                wizard.summary = self.env._(
                    "%(rows)s rows, all OK: ready to import.", rows=f"{wizard.row_count:,}"
                )

    def _default_layout_id(self):
        return self.env[self._fields["layout_id"].comodel_name].search(
            [("company_id", "in", (self.env.company.id, False))], limit=1
        )

    @api.onchange("file_data", "layout_id")
    def _onchange_file(self):
        # A checked preview is only true for the file and layout it was made with.
        self.line_ids = [fields.Command.clear()]
        self.update(self._get_preview_reset_vals())

    def write(self, vals):
        if self._preview_depends & vals.keys():
            # The preview lines are readonly, so the client never saves them cleared.
            self.line_ids.unlink()
            vals = dict(vals, **self._get_preview_reset_vals())
        return super().write(vals)

    def _get_preview_reset_vals(self):
        return {"state": "draft", "row_count": 0, "ok_count": 0, "error_count": 0}

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_check(self):
        """Parse and match every row, show the preview."""
        self.ensure_one()
        self._check_file()
        return self._reopen()

    def action_import(self):
        """Import the whole file, or nothing when any row has an error."""
        self.ensure_one()
        result, matches = self._check_file(preview=False)
        bad = result.invalid_rows
        if bad:
            raise UserError(
                self.env._(
                    "Nothing was imported: %(count)s of %(rows)s rows have errors.\n\n"
                    "%(errors)s\n\n"
                    "Fix the file and import it again, or choose "
                    "'Import the good rows only' to leave these rows out.",
                    count=len(bad),
                    rows=len(result.rows),
                    errors=self._format_errors(bad),
                )
            )
        return self._import_rows(result, matches)

    def action_import_valid(self):
        """Import the rows without errors and record the file as partially imported.

        The whole file is recorded, so it cannot be imported again; a
        corrected file has another checksum and its rows already imported
        here are refused one by one (duplicate readings, known references).
        """
        self.ensure_one()
        result, matches = self._check_file(preview=False)
        if not result.valid_rows:
            raise UserError(
                self.env._(
                    "No row of this file can be imported.\n\n%(errors)s",
                    errors=self._format_errors(result.invalid_rows),
                )
            )
        return self._import_rows(result, matches)

    # ------------------------------------------------------------------
    # Checking
    # ------------------------------------------------------------------
    def _check_file(self, preview=True):
        """Parse the file, match its rows against the database, refresh the preview.

        :param preview: write the preview rows (the import itself needs none)
        :return: (parse result whose rows carry the database errors too,
            dict line number -> what :meth:`_match_rows` found for the row)
        :raises UserError: when the file as a whole cannot be imported (empty,
            unreadable, wrong header, already imported)
        """
        self.ensure_one()
        result, config = self._parse_file()
        matches = self._match_rows(result.rows, config)
        if preview:
            self._write_preview(result, matches)
        return result, matches

    def _parse_file(self):
        """:return: (parse result, parser configuration of the layout)"""
        self._check_upload()
        # Refused from the base64 text's length, before a byte is decoded.
        self.company_id._check_utility_import_size(self.file_data, self.file_name)
        try:
            content = base64.b64decode(self.file_data, validate=True)
        except (binascii.Error, ValueError) as error:
            raise UserError(self.env._("The upload is not a readable file.")) from error
        try:
            config = self.layout_id._get_parser_config()
        except reading_files.LayoutError as error:
            raise UserError(
                self.env._(
                    "The layout %(layout)s cannot read files: %(error)s",
                    layout=self.layout_id.display_name,
                    error=error,
                )
            ) from error
        result = self._parse_content(content, config)
        self.env[self._imported_file_model]._check_not_imported({result.checksum}, self.company_id)
        if result.file_errors:
            raise UserError(
                self.env._(
                    "The file %(file)s cannot be imported with the layout %(layout)s: %(errors)s",
                    file=self.file_name or "",
                    layout=self.layout_id.display_name,
                    errors="; ".join(result.file_errors),
                )
            )
        return result, config

    def _check_upload(self):
        """Refuse the wizard before reading the file (no file, wrong settings).

        :raises UserError: naming what is missing
        """
        raise NotImplementedError()

    def _parse_content(self, content, config):
        """:return: the pure parser's result for the file's bytes"""
        raise NotImplementedError()

    def _match_rows(self, rows, config):
        """Add the database's errors to the rows.

        :return: dict line number -> tuple of what was found for the row
            (the arguments after ``row`` of :meth:`_prepare_line_vals`)
        """
        raise NotImplementedError()

    def _write_preview(self, result, matches):
        self.line_ids.unlink()
        self.env[self._fields["line_ids"].comodel_name].create(
            [self._prepare_line_vals(row, *matches[row.line_number]) for row in result.rows]
        )
        self.write(self._prepare_preview_vals(result, matches))

    def _prepare_preview_vals(self, result, matches):
        valid = len(result.valid_rows)
        return {
            "state": "checked",
            "checksum": result.checksum,
            "row_count": len(result.rows),
            "ok_count": valid,
            "error_count": len(result.rows) - valid,
        }

    def _format_errors(self, rows):
        messages = [message for row in rows for message in row.error_messages()]
        if len(messages) > MAX_LISTED_ERRORS:
            more = len(messages) - MAX_LISTED_ERRORS
            messages = [
                *messages[:MAX_LISTED_ERRORS],
                self.env._("... and %(count)s more problems (see the rows)", count=more),
            ]
        return "\n".join(messages)

    # ------------------------------------------------------------------
    # Importing
    # ------------------------------------------------------------------
    def _import_rows(self, result, matches):
        """Record the file and import its valid rows.

        :return: the action that opens the file's record
        """
        raise NotImplementedError()

    def _prepare_file_vals(self, result):
        """The record of the imported file, as the import saw it."""
        rejected = result.invalid_rows
        return {
            "name": self.file_name or self._get_default_file_name(),
            "checksum": result.checksum,
            "layout_id": self.layout_id.id,
            "company_id": self.company_id.id,
            "state": "partial" if rejected else "imported",
            "row_count": len(result.rows),
            "rejected_count": len(rejected),
            "rejected_rows": self._format_all_errors(rejected),
        }

    def _get_default_file_name(self):
        raise NotImplementedError()

    def _format_all_errors(self, rows):
        return "\n".join(message for row in rows for message in row.error_messages()) or False

    def _action_open_file(self, file):
        return {
            "type": "ir.actions.act_window",
            "res_model": file._name,
            "res_id": file.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }

    def _reopen(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": self.env.context,
        }
