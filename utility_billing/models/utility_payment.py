# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A payment received by the utility: at the counter, in a lockbox or online
file, or drafted from the customer's bank (autopay).

The payment is the clerk's record (who paid, how, for which accounts); its
money is in Odoo's ledger. :meth:`UtilityPayment._post_payments` posts any
number of payments in one go: it allocates each account's share to the open
charges (``lib/allocation.py``), writes the journal entries (one per payment,
or one per group, e.g. per lockbox file, so the bank deposit matches one line)
and reconciles every allocated amount with its bill.
"""

from odoo import api, fields, models

SOURCES = [
    ("counter", "Counter"),
    ("lockbox", "Lockbox"),
    ("online", "Online"),
    ("autopay", "Autopay"),
]
TENDERS = [
    ("cash", "Cash"),
    ("check", "Check"),
    ("card", "Card"),
    ("money_order", "Money Order"),
    ("ach", "Bank Draft (ACH)"),
    ("online", "Online"),
]


class UtilityPayment(models.Model):
    _name = "utility.payment"
    _description = "Utility Payment"
    _inherit = ["mail.thread", "utility.locked.fields.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(
        string="Receipt", readonly=True, copy=False, default="/", index="trigram", tracking=True
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    date = fields.Date(required=True, default=fields.Date.context_today, tracking=True)
    partner_id = fields.Many2one(
        "res.partner", string="Paid By", check_company=True, tracking=True, index=True
    )
    source = fields.Selection(SOURCES, required=True, default="counter", index=True)
    tender = fields.Selection(TENDERS, required=True, default="cash", tracking=True)
    amount = fields.Monetary(
        compute="_compute_amount", store=True, tracking=True, help="Total of the payment lines."
    )
    reference = fields.Char(
        string="Transaction Reference",
        copy=False,
        index="btree_not_null",
        help="The transaction's identifier at its source (lockbox item, processor "
        "transaction, ACH trace number): a transaction is imported once.",
    )
    line_ids = fields.One2many("utility.payment.line", "payment_id", string="Applied To")
    allocation_ids = fields.One2many(
        "utility.payment.allocation", "payment_id", string="Allocations", readonly=True
    )
    session_id = fields.Many2one(
        "utility.cashier.session", string="Cashier Session", index="btree_not_null"
    )
    journal_id = fields.Many2one("account.journal", readonly=True, check_company=True)
    move_id = fields.Many2one(
        "account.move", string="Journal Entry", readonly=True, copy=False, index="btree_not_null"
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("posted", "Posted"),
            ("void", "Voided"),
            ("returned", "Returned"),
        ],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        index=True,
        tracking=True,
    )

    def init(self):
        # Exactly once: one transaction of a source is one payment, whatever
        # file it comes in again with.
        self.env.cr.execute(
            """
            CREATE UNIQUE INDEX IF NOT EXISTS utility_payment_reference_uniq
                ON utility_payment (company_id, source, reference)
             WHERE reference IS NOT NULL AND state != 'void'
            """
        )

    @api.depends("line_ids.amount")
    def _compute_amount(self):
        for payment in self:
            payment.amount = sum(payment.line_ids.mapped("amount"))

    @api.depends("name", "partner_id", "amount")
    def _compute_display_name(self):
        for payment in self:
            payment.display_name = payment.name if payment.name != "/" else self.env._("Draft")

    # ------------------------------------------------------------------
    # Posted means posted (utility.locked.fields.mixin)
    # ------------------------------------------------------------------
    def _get_action_fields(self):
        # Posting numbers the payment and links its entry; void, return and
        # deposit write their own fields.
        return super()._get_action_fields() | {"state", "name", "move_id"}

    def _get_locked_records(self):
        return super()._get_locked_records() | self.filtered(lambda p: p.state != "draft")

    def _get_action_fields_message(self, names, creating=False):
        return self.env._(
            "A payment is posted through Post, voided through Void, deposited through a "
            "deposit and returned through Return Payment only."
        )

    def _get_locked_message(self, names=()):
        if not names:
            return self.env._("A posted payment is never deleted: void it or return it instead.")
        return self.env._(
            "A posted payment cannot be changed or deleted: void it or return it instead."
        )

    # ------------------------------------------------------------------
    # Posting
    # ------------------------------------------------------------------
    def action_post(self):
        self._post_payments()
        return True

    def _post_payments(self):
        """Post draft payments in batch: allocate, write the entries, reconcile."""
        return self.env["utility.payment.poster"]._post(self)

    def _get_move_group_key(self):
        """Payments with the same key share one journal entry (default: none do)."""
        self.ensure_one()
        return ("payment", self.id)

    def _get_debit_account(self):
        """Where the money of the payment is until it reaches the bank.

        Counter payments wait in Undeposited Funds until the deposit; file and
        autopay payments are already at the bank: the journal's outstanding
        receipts account, cleared by the bank statement.
        """
        self.ensure_one()
        if self.source == "counter":
            return self.company_id._get_utility_undeposited_account()
        return self.env["utility.payment.poster"]._get_outstanding_receipts_account(self.journal_id)

    def _assign_receipt_numbers(self):
        """Give the payments without one a receipt number, in one query per company."""
        for company in self.company_id:
            todo = self.filtered(lambda p, c=company: p.company_id == c and p.name == "/")
            if not todo:
                continue
            names = (
                self.env["ir.sequence"]
                .with_company(company)
                ._utility_next_numbers("utility.payment", len(todo))
            )
            for payment, name in zip(todo, names, strict=True):
                payment.name = name

    def _get_move_label(self):
        self.ensure_one()
        return self.env._("Payment %(receipt)s", receipt=self.name)

    def _get_group_label(self):
        return self.env._(
            "%(count)s payments %(first)s..%(last)s",
            count=len(self),
            first=self[:1].name,
            last=self[-1:].name,
        )

    def _get_journal(self):
        self.ensure_one()
        return self.journal_id or self.company_id._get_utility_receipt_journal()
