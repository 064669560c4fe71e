# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from .utility_import_file_mixin import CHECKSUM_CONSTRAINTS
from .utility_payment import TENDERS
from .utility_payment_file_layout import FILE_SOURCES
from .utility_payment_poster import ZERO


class UtilityPaymentFile(models.Model):
    """A lockbox or online-processor file that was imported, kept so that it is
    never imported twice.

    The SHA-256 of the file's bytes is unique per company: the same file is
    refused whole. Each transaction of the file is a row (:class:`UtilityPaymentFileLine`)
    whose reference is unique per company and source: a transaction that comes
    again in another file is refused row by row.

    The money of the file arrives at the bank as one credit, so the file has one
    journal entry in its bank journal: the outstanding receipts account debited
    with the file's total, each account's receivable credited with what its
    payment paid, and the unmatched rows credited to the unapplied payments
    (suspense) account until a clerk resolves them.
    """

    _name = "utility.payment.file"
    _inherit = ["utility.import.file.mixin", "mail.thread"]
    _description = "Imported Payment File"
    _sql_constraints = CHECKSUM_CONSTRAINTS

    layout_id = fields.Many2one(
        "utility.payment.file.layout", readonly=True, check_company=True, ondelete="restrict"
    )
    source = fields.Selection(FILE_SOURCES, required=True, readonly=True)
    tender = fields.Selection(TENDERS, required=True, readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    journal_id = fields.Many2one(
        "account.journal", string="Bank Journal", required=True, readonly=True, check_company=True
    )
    date = fields.Date(
        string="Deposit Date",
        required=True,
        readonly=True,
        help="The day the bank credited the file: the date of its payments and entry.",
    )
    move_id = fields.Many2one(
        "account.move", string="Journal Entry", readonly=True, copy=False, check_company=True
    )
    line_ids = fields.One2many("utility.payment.file.line", "file_id", string="Transactions")
    payment_ids = fields.One2many("utility.payment", "payment_file_id", string="Payments")

    # As they were at import time: the file's own record of what happened.
    skipped_count = fields.Integer(
        string="Skipped Rows",
        readonly=True,
        help="Rows whose status says they are not money received (declined, voided...).",
    )
    rejected_rows = fields.Text(
        help="Every row left out of the import, with its line, column and reason."
    )
    amount_total = fields.Monetary(
        string="Total", readonly=True, tracking=True, help="Money the bank received."
    )
    # As they are now (suspense items get resolved).
    suspense_count = fields.Integer(string="In Suspense", compute="_compute_line_counts")
    amount_suspense = fields.Monetary(string="Amount in Suspense", compute="_compute_line_counts")
    payment_count = fields.Integer(string="Payments Posted", compute="_compute_line_counts")

    def _compute_line_counts(self):
        groups = self.env["utility.payment.file.line"]._read_group(
            [("file_id", "in", self.ids)], ["file_id", "state"], ["__count", "amount:sum"]
        )
        counts = {}
        for file, state, count, amount in groups:
            counts[file.id, state] = (count, amount)
        for file in self:
            file.suspense_count, file.amount_suspense = counts.get((file.id, "suspense"), (0, 0.0))
            file.payment_count = sum(
                counts.get((file.id, state), (0, 0.0))[0] for state in ("matched", "resolved")
            )

    def _get_already_imported_message(self):
        return self.env._(
            "This file was already imported on %(date)s by %(user)s "
            "(%(file)s, %(count)s transactions).",
            **self._get_already_imported_values(),
        )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_imported(self):
        if self:
            raise UserError(
                self.env._(
                    "An imported payment file is never deleted: its money is in the ledger, "
                    "and deleting it would let it be imported again."
                )
            )

    # ------------------------------------------------------------------
    # Posting
    # ------------------------------------------------------------------
    def _post_import(self):
        """Post the file's entry: its matched payments in batch and its suspense items.

        The payments share one entry (their move group key is the file); the
        suspense rows are credited to the unapplied payments account in the
        same entry (see ``utility.payment.poster._prepare_move_vals``). A file
        with no payment at all gets an entry of its suspense rows alone.
        """
        self.ensure_one()
        payments = self.payment_ids.filtered(lambda p: p.state == "draft")
        # The clerk who imports has no accounting rights: the rights on the
        # payments are checked, then the ledger is written for them.
        payments.check_access("write")
        file = self.sudo()
        if payments:
            payments.sudo().with_context(tracking_disable=True)._post_payments()
            file.move_id = payments.sudo().move_id[:1]
        elif self.line_ids.filtered(lambda line: line.state == "suspense"):
            move = self.env["account.move"].sudo().create(file._prepare_suspense_move_vals())
            move._post(soft=False)
            file.move_id = move
        file.line_ids._link_suspense_move_lines(file.move_id)

    def _prepare_suspense_move_vals(self):
        """The entry of a file whose rows all went to suspense."""
        self.ensure_one()
        lines = self.line_ids._prepare_suspense_credit_line_vals()
        debit = {
            "name": self._get_move_label(),
            "account_id": self._get_debit_account().id,
            "debit": sum((line[2]["credit"] for line in lines), ZERO),
            "credit": ZERO,
        }
        return {
            "move_type": "entry",
            "journal_id": self.journal_id.id,
            "date": self.date,
            "ref": self._get_move_label(),
            "line_ids": [Command.create(debit), *lines],
        }

    def _get_debit_account(self):
        self.ensure_one()
        return self.env["utility.payment.poster"]._get_outstanding_receipts_account(self.journal_id)

    def _get_move_label(self):
        self.ensure_one()
        return self.env._("Payment file %(file)s", file=self.name)

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_view_payments(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "utility_billing.utility_payment_action"
        )
        action["domain"] = [("payment_file_id", "=", self.id)]
        action["context"] = {"create": False}
        return action

    def action_view_suspense(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "utility_billing.utility_payment_file_line_suspense_action"
        )
        action["domain"] = [("file_id", "=", self.id)]
        action["context"] = {"create": False}
        return action
