# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import format_amount

from .utility_payment_poster import ZERO, _dec

LINE_STATES = [
    ("matched", "Posted"),
    ("suspense", "In Suspense"),
    ("resolved", "Posted from Suspense"),
    ("returned", "Returned"),
]


class UtilityPaymentFileLine(models.Model):
    """One transaction of an imported payment file.

    Matched to one account at import, it became a payment at once. Otherwise
    (unknown or ambiguous account, unreadable scan line, closed account) its
    money waits on the unapplied payments account, in the suspense queue,
    until a clerk picks the account (the payment posts) or a supervisor returns
    the money to the payer.

    The reference is unique per company and source whatever the file and the
    state: a transaction is imported once, even when it never became a payment.
    """

    _name = "utility.payment.file.line"
    _description = "Payment File Transaction"
    _order = "file_id desc, line_number, id"
    _rec_name = "reference"
    _check_company_auto = True

    file_id = fields.Many2one(
        "utility.payment.file", required=True, ondelete="cascade", index=True, readonly=True
    )
    company_id = fields.Many2one(
        related="file_id.company_id", store=True, precompute=True, index=True
    )
    currency_id = fields.Many2one(related="file_id.currency_id")
    source = fields.Selection(related="file_id.source", store=True, precompute=True)
    journal_id = fields.Many2one(related="file_id.journal_id")
    date_deposit = fields.Date(related="file_id.date", string="Deposit Date")
    line_number = fields.Integer(string="Line", readonly=True)
    reference = fields.Char(required=True, readonly=True)
    amount = fields.Monetary(required=True, readonly=True)
    date = fields.Date(string="Transaction Date", readonly=True)
    account_number = fields.Char(
        string="Account Number (File)", readonly=True, help="As the file wrote it."
    )
    scan_line = fields.Char(readonly=True)
    payer_name = fields.Char(readonly=True)
    check_number = fields.Char(readonly=True)
    note = fields.Char(readonly=True)
    account_id = fields.Many2one(
        "utility.account",
        string="Utility Account",
        index="btree_not_null",
        check_company=True,
        help="The account paid; in suspense, the account the clerk picks to post the payment.",
    )
    payment_id = fields.Many2one(
        "utility.payment", readonly=True, index="btree_not_null", check_company=True
    )
    state = fields.Selection(
        LINE_STATES, required=True, readonly=True, default="matched", index=True
    )
    suspense_reason = fields.Char(readonly=True, help="Why no account could be matched.")
    suspense_move_line_id = fields.Many2one(
        "account.move.line",
        string="Unapplied Item",
        readonly=True,
        help="The credit on the unapplied payments account that holds this money.",
    )
    return_move_id = fields.Many2one(
        "account.move", string="Return Entry", readonly=True, check_company=True
    )
    return_reason = fields.Char(
        help="Why the money goes back to the payer (required to return it).",
    )
    user_resolved_id = fields.Many2one("res.users", string="Resolved By", readonly=True)
    date_resolved = fields.Datetime(string="Resolved On", readonly=True)

    def init(self):
        # Exactly once: one transaction of a source, whatever file brings it
        # and whether or not it found its account.
        self.env.cr.execute(
            """
            CREATE UNIQUE INDEX IF NOT EXISTS utility_payment_file_line_reference_uniq
                ON utility_payment_file_line (company_id, source, reference)
            """
        )

    def write(self, vals):
        if {"account_id", "return_reason"} & vals.keys() and any(
            line.state != "suspense" for line in self
        ):
            raise UserError(
                self.env._("Only a transaction in suspense can be given another account.")
            )
        return super().write(vals)

    @api.depends("reference", "file_id")
    def _compute_display_name(self):
        for line in self:
            line.display_name = f"{line.file_id.name or ''} #{line.line_number} {line.reference}"

    # ------------------------------------------------------------------
    # Suspense items in the file's entry
    # ------------------------------------------------------------------
    def _get_suspense_label(self):
        self.ensure_one()
        payer = f" {self.payer_name}" if self.payer_name else ""
        return self.env._(
            "Unapplied %(reference)s%(payer)s (%(file)s)",
            reference=self.reference,
            payer=payer,
            file=self.file_id.name,
        )

    def _prepare_suspense_credit_line_vals(self):
        """One credit on the unapplied payments account per suspense item."""
        lines = self.filtered(lambda line: line.state == "suspense")
        if not lines:
            return []
        account = lines.company_id._get_utility_suspense_account()
        return [
            Command.create(
                {
                    "name": line._get_suspense_label(),
                    "account_id": account.id,
                    "credit": _dec(line.amount, line.currency_id),
                    "debit": ZERO,
                }
            )
            for line in lines
        ]

    def _link_suspense_move_lines(self, move):
        """Find each suspense item's credit in the file's entry (by its unique label)."""
        lines = self.filtered(lambda line: line.state == "suspense")
        if not lines or not move:
            return
        account = lines.company_id._get_utility_suspense_account()
        credits = {
            aml.name: aml for aml in move.line_ids.filtered(lambda aml: aml.account_id == account)
        }
        for line in lines:
            line.suspense_move_line_id = credits.get(line._get_suspense_label())

    # ------------------------------------------------------------------
    # Resolution
    # ------------------------------------------------------------------
    def _check_suspense(self, action):
        problems = []
        # The unapplied item is read for the clerk, who has no accounting rights.
        for line in self.sudo():
            if line.state != "suspense":
                problems.append(
                    self.env._(
                        "%(item)s is not in suspense (%(state)s).",
                        item=line.display_name,
                        state=dict(LINE_STATES)[line.state],
                    )
                )
            elif not line.suspense_move_line_id or line.suspense_move_line_id.reconciled:
                problems.append(
                    self.env._(
                        "%(item)s has no open unapplied item to clear.", item=line.display_name
                    )
                )
        if problems:
            raise UserError(
                self.env._("Cannot %(action)s:\n%(problems)s", action=action,
                           problems="\n".join(problems))
            )  # fmt: skip

    def action_post_to_account(self):
        """Post each suspense item as a payment on the account the clerk picked.

        The payments post in batch; each moves its money from the unapplied
        payments account to the receivable (its debit is reconciled with the
        file entry's unapplied credit) and pays the account's open bills.
        """
        self._check_suspense(self.env._("post to an account"))
        missing = self.filtered(lambda line: not line.account_id)
        if missing:
            raise UserError(
                self.env._(
                    "Pick the account each payment is for first:\n%(items)s",
                    items="\n".join(missing.mapped("display_name")),
                )
            )
        payments = self.env["utility.payment"].create(
            [line._prepare_payment_vals(is_from_suspense=True) for line in self]
        )
        for line, payment in zip(self, payments, strict=True):
            line.payment_id = payment
        # The clerk has no accounting rights: the ledger is written for them.
        payments.check_access("write")
        payments.sudo()._post_payments()
        account = self.company_id._get_utility_suspense_account()
        plan = []
        for line in self.sudo():
            debit = line.payment_id.move_id.line_ids.filtered(
                lambda aml, a=account: aml.account_id == a and aml.debit
            )
            plan.append(debit | line.suspense_move_line_id)
        self.env["account.move.line"].sudo()._reconcile_plan(plan)
        self.write(
            {
                "state": "resolved",
                "user_resolved_id": self.env.uid,
                "date_resolved": fields.Datetime.now(),
            }
        )
        for file, lines in self.grouped("file_id").items():
            file.message_post(
                body=self.env._(
                    "%(count)s suspense items posted to accounts: %(items)s",
                    count=len(lines),
                    items=", ".join(f"{line.reference} → {line.account_id.name}" for line in lines),
                )
            )
        return True

    def action_return(self):
        """Return the money of suspense items to their payers (a supervisor's decision).

        One entry per item in the file's bank journal: the unapplied credit is
        cleared against the journal's outstanding payments account, which the
        bank statement clears when the refund leaves the bank.
        """
        if not self.env.user.has_group("utility_billing.group_utility_supervisor"):
            raise AccessError(self.env._("Only a utility supervisor returns money to a payer."))
        self._check_suspense(self.env._("return the money"))
        missing = self.filtered(lambda line: not (line.return_reason or "").strip())
        if missing:
            raise UserError(
                self.env._(
                    "Give the reason of the return first:\n%(items)s",
                    items="\n".join(missing.mapped("display_name")),
                )
            )
        moves = (
            self.env["account.move"]
            .sudo()
            .create([line._prepare_return_move_vals() for line in self.sudo()])
        )
        moves._post(soft=False)
        account = self.company_id._get_utility_suspense_account()
        plan = [
            move.line_ids.filtered(lambda aml, a=account: aml.account_id == a)
            | line.suspense_move_line_id
            for line, move in zip(self.sudo(), moves, strict=True)
        ]
        self.env["account.move.line"].sudo()._reconcile_plan(plan)
        for line, move in zip(self, moves, strict=True):
            line.write(
                {
                    "state": "returned",
                    "return_move_id": move.id,
                    "user_resolved_id": self.env.uid,
                    "date_resolved": fields.Datetime.now(),
                }
            )
            line.file_id.message_post(
                body=self.env._(
                    "Suspense item %(reference)s (%(amount)s) returned to the payer: %(reason)s",
                    reference=line.reference,
                    amount=format_amount(self.env, line.amount, line.currency_id),
                    reason=line.return_reason,
                )
            )
        return True

    def _prepare_return_move_vals(self):
        self.ensure_one()
        journal = self.file_id.journal_id
        label = self.env._("Return of %(reference)s: %(reason)s", reference=self.reference,
                           reason=self.return_reason)  # fmt: skip
        return {
            "move_type": "entry",
            "journal_id": journal.id,
            "date": fields.Date.context_today(self),
            "ref": label,
            "line_ids": [
                Command.create(
                    {
                        "name": label,
                        "account_id": self.suspense_move_line_id.account_id.id,
                        "debit": self.amount,
                        "credit": 0.0,
                    }
                ),
                Command.create(
                    {
                        "name": label,
                        "account_id": self._get_outstanding_payments_account(journal).id,
                        "debit": 0.0,
                        "credit": self.amount,
                    }
                ),
            ],
        }

    @api.model
    def _get_outstanding_payments_account(self, journal):
        """Where money paid out of ``journal`` waits for the bank statement."""
        account = self.env["utility.payment.poster"]._find_outstanding_account(journal, "outbound")
        if not account:
            raise UserError(
                self.env._(
                    "No outstanding payments account for journal %(journal)s: set one on its "
                    "outgoing payment method.",
                    journal=journal.display_name,
                )
            )
        return account

    # ------------------------------------------------------------------
    # Payments
    # ------------------------------------------------------------------
    def _prepare_payment_vals(self, is_from_suspense=False):
        self.ensure_one()
        file = self.file_id
        vals = {
            "company_id": file.company_id.id,
            "date": fields.Date.context_today(self) if is_from_suspense else file.date,
            "partner_id": self.account_id.partner_id.id,
            "source": file.source,
            "tender": file.tender,
            "reference": self.reference,
            "journal_id": file.journal_id.id,
            "payment_file_id": file.id,
            "is_from_suspense": is_from_suspense,
            "line_ids": [Command.create({"account_id": self.account_id.id, "amount": self.amount})],
        }
        # The check's number on the payment when the cashiering model keeps one.
        if self.check_number and "check_number" in self.env["utility.payment"]._fields:
            vals["check_number"] = self.check_number
        return vals
