# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import dataclasses
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date

from ..lib import payment_files
from ..lib.scan_line import ACCOUNT_WIDTH


class UtilityPaymentFileImport(models.TransientModel):
    """Import a bank lockbox or online payment processor file.

    Check first: every row is parsed and matched against the accounts and the
    transactions already imported in a fixed number of queries; the clerk sees
    each row with its status: a payment, a suspense item (readable, but no
    single open account matches it), or an error. Import creates the payments
    and posts them in one batch, with the suspense items, in one journal
    entry, only when no row has an error; importing only the good rows is a
    separate, explicit choice recorded on the file. Either way the file is
    recorded by checksum and each transaction by reference: neither is
    imported twice.
    """

    _name = "utility.payment.file.import"
    _inherit = ["utility.file.import.mixin"]
    _description = "Import Payment File"
    _imported_file_model = "utility.payment.file"
    _preview_depends = frozenset({"file_data", "layout_id", "date"})

    currency_id = fields.Many2one(related="company_id.currency_id")
    layout_id = fields.Many2one(
        "utility.payment.file.layout",
        required=True,
        check_company=True,
        default=lambda self: self._default_layout_id(),
    )
    journal_id = fields.Many2one(
        "account.journal",
        string="Bank Journal",
        required=True,
        check_company=True,
        domain="[('type', '=', 'bank')]",
        compute="_compute_journal_id",
        store=True,
        readonly=False,
        precompute=True,
    )
    date = fields.Date(
        string="Deposit Date",
        required=True,
        default=fields.Date.context_today,
        help="The day the bank credited the file: the date of its payments.",
    )
    line_ids = fields.One2many(
        "utility.payment.file.import.line", "import_id", string="Preview", readonly=True
    )
    ok_count = fields.Integer(string="Payments")
    suspense_count = fields.Integer(string="To Suspense", readonly=True)
    skipped_count = fields.Integer(string="Skipped", readonly=True)
    amount_total = fields.Monetary(string="Total of Good Rows", readonly=True)

    @api.depends("layout_id", "company_id")
    def _compute_journal_id(self):
        for wizard in self:
            # Clerks have no accounting rights: the bank journal is found for them.
            proposed = wizard.layout_id.journal_id.sudo().filtered(
                lambda j, c=wizard.company_id: j.company_id == c
            )
            wizard.journal_id = proposed or self.env["account.journal"].sudo().search(
                [
                    *self.env["account.journal"]._check_company_domain(wizard.company_id),
                    ("type", "=", "bank"),
                ],
                limit=1,
            )

    @api.depends("state", "row_count", "ok_count", "suspense_count", "error_count")
    def _compute_summary(self):
        for wizard in self:
            if wizard.state != "checked":
                wizard.summary = False
                continue
            summary = self.env._(
                "%(rows)s rows: %(ok)s payments, %(suspense)s to the suspense queue, "
                "%(errors)s with errors.",
                rows=wizard.row_count,
                ok=wizard.ok_count,
                suspense=wizard.suspense_count,
                errors=wizard.error_count,
            )
            if wizard.error_count:
                summary += " " + self.env._(
                    "Fix the file and check it again, or import the good rows only."
                )
            wizard.summary = summary

    def _get_preview_reset_vals(self):
        return dict(super()._get_preview_reset_vals(), suspense_count=0)

    # ------------------------------------------------------------------
    # Checking
    # ------------------------------------------------------------------
    def _check_upload(self):
        if not self.file_data:
            raise UserError(self.env._("Choose the payment file to import."))
        if self.journal_id.sudo().type != "bank":
            raise UserError(self.env._("The money of a payment file goes to a bank journal."))

    def _parse_content(self, content, config):
        config = dataclasses.replace(
            config, max_amount=self.company_id._get_utility_import_max_amount()
        )
        return payment_files.parse(content, config)

    def _match_rows(self, rows, config):
        """Refuse transactions already imported; find each row's account.

        A transaction already imported (from any file, matched or in suspense,
        or recorded as a payment of the same source) is an error of its row,
        naming the layout's reference column(s). A readable row whose account
        is unknown, ambiguous or closed goes to the suspense queue with the
        reason.

        :return: dict line number -> (utility.account or empty, suspense reason or "")
        """
        self._flag_already_imported(rows, payment_files.reference_label(config))
        accounts_by_key = self._find_accounts({key for row in rows for key in row.account_keys})
        Account = self.env["utility.account"]
        matches = {}
        for row in rows:
            candidates = Account.union(
                *(accounts_by_key.get(key, Account) for key in row.account_keys)
            )
            matches[row.line_number] = self._match_row(row, candidates)
        return matches

    def _match_row(self, row, candidates):
        if len(candidates) == 1:
            if candidates.state == "closed":
                return candidates, self.env._(
                    "account %(account)s is closed", account=candidates.name
                )
            return candidates, ""
        if len(candidates) > 1:
            return self.env["utility.account"], self.env._(
                "ambiguous: %(accounts)s all match",
                accounts=", ".join(sorted(candidates.mapped("name"))),
            )
        if row.scan_error and not row.account:
            return self.env["utility.account"], self.env._(
                "unreadable scan line: %(error)s", error=row.scan_error
            )
        if not row.account and not row.scan_line:
            return self.env["utility.account"], self.env._("no account number and no scan line")
        return self.env["utility.account"], self.env._(
            "no account %(account)s", account=row.account or row.scan.account_key
        )

    def _find_accounts(self, keys):
        """Accounts by scan-line account key, in one query.

        The key (upper case, letters and digits only, left-filled with zeros)
        is how a scan line names an account; an account number column is read
        the same way, so "ua-000123" finds UA000123.

        :return: dict key -> utility.account (several when keys collide)
        """
        if not keys:
            return {}
        self.env["utility.account"].flush_model(["name", "company_id"])
        self.env.cr.execute(
            """
            SELECT key, array_agg(id ORDER BY id)
              FROM (
                SELECT id,
                       CASE WHEN length(regexp_replace(upper(name), '[^0-9A-Z]', '', 'g')) <= %s
                            THEN lpad(regexp_replace(upper(name), '[^0-9A-Z]', '', 'g'), %s, '0')
                            ELSE upper(name)
                       END AS key
                  FROM utility_account
                 WHERE company_id = %s
              ) accounts
             WHERE key = ANY(%s)
             GROUP BY key
            """,
            [ACCOUNT_WIDTH, ACCOUNT_WIDTH, self.company_id.id, list(keys)],
        )
        found = dict(self.env.cr.fetchall())
        accounts = self.env["utility.account"].browse({i for ids in found.values() for i in ids})
        # One read for every account matched; the rows below reuse its prefetch.
        accounts.fetch(["name", "state", "partner_id"])
        return {key: accounts.browse(ids) for key, ids in found.items()}

    def _flag_already_imported(self, rows, reference_label):
        """Add an error to the rows whose transaction is already in, in two queries."""
        references = [row.reference for row in rows if row.reference]
        if not references:
            return
        source = self.layout_id.source
        company = self.company_id
        done = {}
        for line in (
            self.env["utility.payment.file.line"]
            .sudo()
            .search(
                [
                    ("company_id", "=", company.id),
                    ("source", "=", source),
                    ("reference", "in", references),
                ]
            )
        ):
            done[line.reference] = self.env._(
                "transaction %(reference)s was already imported from %(file)s (line %(line)s) "
                "on %(date)s",
                reference=line.reference,
                file=line.file_id.name,
                line=line.line_number,
                date=format_date(self.env, line.file_id.date_import),
            )
        for payment in (
            self.env["utility.payment"]
            .sudo()
            .search(
                [
                    ("company_id", "=", company.id),
                    ("source", "=", source),
                    ("reference", "in", [r for r in references if r not in done]),
                    ("state", "!=", "void"),
                ]
            )
        ):
            done[payment.reference] = self.env._(
                "transaction %(reference)s is already recorded as payment %(payment)s",
                reference=payment.reference,
                payment=payment.display_name,
            )
        for row in rows:
            if row.reference in done:
                row.add_error(reference_label, done[row.reference])

    def _prepare_preview_vals(self, result, matches):
        vals = super()._prepare_preview_vals(result, matches)
        suspense = [row for row in result.valid_rows if matches[row.line_number][1]]
        vals.update(
            ok_count=vals["ok_count"] - len(suspense),
            suspense_count=len(suspense),
            skipped_count=len(result.skipped),
            amount_total=result.amount_total,
        )
        return vals

    def _prepare_line_vals(self, row, account, reason):
        if not row.is_valid:
            status = "error"
        elif reason:
            status = "suspense"
        else:
            status = "ok"
        return {
            "import_id": self.id,
            "line_number": row.line_number,
            "reference": row.reference,
            "amount": row.amount if row.amount is not None else 0,
            "account_number": row.account or (row.scan.account_key if row.scan else ""),
            "payer_name": row.payer,
            "account_id": account.id,
            "status": status,
            "message": "\n".join(row.error_messages()) if row.errors else reason,
        }

    # ------------------------------------------------------------------
    # Importing
    # ------------------------------------------------------------------
    def _import_rows(self, result, matches):
        """Record the file, its transactions and payments, and post them in one batch."""
        valid, rejected = result.valid_rows, result.invalid_rows
        file = self.env["utility.payment.file"].create(self._prepare_file_vals(result))

        matched = [row for row in valid if not matches[row.line_number][1]]
        payment_vals = [
            self._prepare_payment_vals(file, row, matches[row.line_number][0]) for row in matched
        ]
        # The file's chatter tells the import once; a message on each of thousands
        # of payments would only bloat the database.
        payments = (
            self.env["utility.payment"]
            .with_context(mail_create_nolog=True, mail_create_nosubscribe=True,
                          tracking_disable=True)
            .create(payment_vals)
        )  # fmt: skip
        payment_of = {row.line_number: p.id for row, p in zip(matched, payments, strict=True)}
        self.env["utility.payment.file.line"].create(
            [
                self._prepare_file_line_vals(
                    file, row, *matches[row.line_number], payment_of.get(row.line_number)
                )
                for row in valid
            ]
        )
        file._post_import()
        by_state = defaultdict(int)
        for row in valid:
            by_state["suspense" if matches[row.line_number][1] else "matched"] += 1
        file.message_post(
            body=self.env._(
                "%(payments)s payments posted and %(suspense)s items sent to the suspense "
                "queue from %(rows)s rows; %(rejected)s rows rejected, %(skipped)s skipped.",
                payments=by_state["matched"],
                suspense=by_state["suspense"],
                rows=len(result.rows),
                rejected=len(rejected),
                skipped=len(result.skipped),
            )
        )
        return self._action_open_file(file)

    def _prepare_file_vals(self, result):
        return dict(
            super()._prepare_file_vals(result),
            source=self.layout_id.source,
            tender=self.layout_id.tender,
            journal_id=self.journal_id.id,
            date=self.date,
            skipped_count=len(result.skipped),
            amount_total=result.amount_total,
        )

    def _get_default_file_name(self):
        return self.env._("Payment file")

    def _prepare_payment_vals(self, file, row, account):
        vals = {
            "company_id": file.company_id.id,
            "date": file.date,
            "partner_id": account.partner_id.id,
            "source": file.source,
            "tender": file.tender,
            "reference": row.reference,
            "journal_id": file.journal_id.id,
            "payment_file_id": file.id,
            "line_ids": [fields.Command.create({"account_id": account.id, "amount": row.amount})],
        }
        if row.check_number and self._has_check_number():
            vals["check_number"] = row.check_number
        return vals

    def _has_check_number(self):
        # The cashiering model may keep the check's number on the payment.
        return "check_number" in self.env["utility.payment"]._fields

    def _prepare_file_line_vals(self, file, row, account, reason, payment_id):
        return {
            "file_id": file.id,
            "line_number": row.line_number,
            "reference": row.reference,
            "amount": row.amount,
            "date": row.date,
            "account_number": row.account,
            "scan_line": row.scan_line,
            "payer_name": row.payer,
            "check_number": row.check_number,
            "note": row.note,
            # A closed account stays proposed: the clerk decides.
            "account_id": account.id or False,
            "payment_id": payment_id,
            "state": "suspense" if reason else "matched",
            "suspense_reason": reason or False,
        }


class UtilityPaymentFileImportLine(models.TransientModel):
    """One row of the file as the check saw it: what it says and where it goes."""

    _name = "utility.payment.file.import.line"
    _description = "Import Payment File: Row"
    _order = "import_id, line_number"

    import_id = fields.Many2one(
        "utility.payment.file.import", required=True, ondelete="cascade", index=True
    )
    currency_id = fields.Many2one(related="import_id.currency_id")
    line_number = fields.Integer(string="Line")
    reference = fields.Char()
    amount = fields.Monetary()
    account_number = fields.Char(string="Account (File)")
    payer_name = fields.Char(string="Payer")
    account_id = fields.Many2one("utility.account", string="Account Found")
    status = fields.Selection(
        [("ok", "Payment"), ("suspense", "Suspense"), ("error", "Error")], required=True
    )
    message = fields.Text()
