# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Counter payments: tender details, the cashier's rules at posting, and voids.

Tender rules: cash alone gives change; a check needs its number; a card keeps
the processor's reference, the brand and the last four digits, never a card
number (anything that looks like one is refused in every text field of a card
payment); a cash-only account takes no check. A counter payment posts only in
an open session.

A void reverses the payment's journal entry (the bills it paid are owed again)
and keeps the payment, with its reason, who asked and who approved. A cashier
voids a payment of their own open session; once the session is closed (the
money left the drawer) a supervisor other than the one who asks approves it.
"""

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import format_amount

from ..lib import card_numbers, cashiering

SUPERVISOR = "utility_billing.group_utility_supervisor"
CARD_BRANDS = [
    ("visa", "Visa"),
    ("mastercard", "Mastercard"),
    ("amex", "American Express"),
    ("discover", "Discover"),
    ("other", "Other"),
]
# Written by the void actions only (after their checks, see utility.locked.fields.mixin).
VOID_FIELDS = {
    "is_void_requested",
    "void_requested_by_id",
    "date_void_requested",
    "void_approved_by_id",
    "date_void",
    "void_move_id",
}


class UtilityPayment(models.Model):
    _inherit = "utility.payment"  # pylint: disable=consider-merging-classes-inherited
    # ------------------------------------------------------------------
    # Tender details
    # ------------------------------------------------------------------
    cashier_id = fields.Many2one(
        related="session_id.user_id",
        store=True,
        string="Cashier",
        index="btree_not_null",
        tracking=False,
    )
    amount_tendered = fields.Monetary(
        string="Tendered",
        help="Cash handed over by the customer (empty: the exact amount). Only cash gives "
        "change; a check, card or money order pays its own amount.",
    )
    amount_change = fields.Monetary(
        string="Change Given", compute="_compute_amount_change", store=True
    )
    check_number = fields.Char(
        string="Check / Money Order No.", help="Serial number of the check or money order."
    )
    check_bank = fields.Char(string="Bank", help="Bank the check is drawn on.")
    card_brand = fields.Selection(CARD_BRANDS)
    card_last4 = fields.Char(
        string="Card Last Four",
        help="The last four digits of the card, nothing more: a card number is never stored.",
    )
    card_reference = fields.Char(
        string="Processor Reference",
        help="Authorization or transaction reference given by the card terminal.",
    )

    # ------------------------------------------------------------------
    # Void
    # ------------------------------------------------------------------
    void_reason = fields.Text(tracking=True, copy=False)
    receipt_print_count = fields.Integer(
        string="Receipts Printed",
        default=0,
        readonly=True,
        copy=False,
        help="Every copy printed after the first says DUPLICATE and is noted in the chatter.",
    )
    is_void_requested = fields.Boolean(
        string="Void Requested", readonly=True, copy=False, tracking=True, index=True
    )
    void_requested_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    date_void_requested = fields.Datetime(readonly=True, copy=False)
    void_approved_by_id = fields.Many2one("res.users", readonly=True, copy=False, tracking=True)
    date_void = fields.Datetime(string="Voided On", readonly=True, copy=False)
    void_move_id = fields.Many2one(
        "account.move", string="Reversal Entry", readonly=True, copy=False
    )

    @api.depends("tender", "amount", "amount_tendered")
    def _compute_amount_change(self):
        for payment in self:
            currency = payment.currency_id
            payment.amount_change = float(
                cashiering.change_due(
                    str(currency.round(payment.amount)),
                    str(currency.round(payment.amount_tendered or 0.0)),
                    payment.tender,
                )
            )

    # ------------------------------------------------------------------
    # Card numbers
    # ------------------------------------------------------------------
    def _get_text_fields(self):
        """Stored text fields of the payment, whoever added them."""
        return [
            name
            for name, field in self._fields.items()
            if field.type in ("char", "text", "html") and field.store and not field.related
        ]

    def _card_number_problems(self):
        """A message for each text that looks like a card number: in every text of a
        card payment or a counter payment (a cashier may pick the wrong tender), in
        the card fields of any payment. File payments keep their bank data as sent."""
        problems = []
        text_fields = self._get_text_fields()
        for payment in self:
            everywhere = payment.tender == "card" or payment.source == "counter"
            names = text_fields if everywhere else ["card_reference", "card_last4"]
            texts = [(self._fields[name].string, payment[name]) for name in names]
            if everywhere:
                texts += [(line._fields["name"].string, line.name) for line in payment.line_ids]
            problems += self.env["utility.card.number.guard"]._problems(texts)
        return problems

    @api.constrains(
        "tender", "card_last4", "card_reference", "check_number", "check_bank", "void_reason",
        "reference", "name", "amount_tendered",
    )  # fmt: skip
    def _check_tender_details(self):
        problems = self._card_number_problems()
        for payment in self:
            if payment.card_last4 and not card_numbers.is_last_four(payment.card_last4):
                problems.append(self.env._("The card's last four must be exactly 4 digits."))
        if problems:
            raise ValidationError("\n".join(problems))

    # ------------------------------------------------------------------
    # Guards
    # ------------------------------------------------------------------
    def _get_action_fields(self):
        return super()._get_action_fields() | VOID_FIELDS | {"receipt_print_count"}

    def _get_action_fields_message(self, names, creating=False):
        if names & VOID_FIELDS:
            return self.env._("A payment is voided through Void (with a reason) only.")
        return super()._get_action_fields_message(names, creating=creating)

    @api.model_create_multi
    def create(self, vals_list):
        payments = super().create(vals_list)
        payments.session_id._check_open()
        return payments

    def write(self, vals):
        if not self._is_action():
            self._check_own_drawer("change")
        if vals.get("session_id"):
            self.env["utility.cashier.session"].browse(vals["session_id"])._check_open()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_other_cashier(self):
        if not self._is_action():
            self._check_own_drawer("delete")

    def _check_own_drawer(self, verb):
        """A payment taken in a drawer is its cashier's to change or delete (or a
        supervisor's); the actions (post, void, return, deposit) are checked apart."""
        if self.env.su or self.env.user.has_group(SUPERVISOR):
            return
        # A posted payment is final for everyone (utility.locked.fields.mixin).
        user = self.env.user
        others = self.sudo().filtered(
            lambda p: p.state == "draft" and p.session_id and p.session_id.user_id != user
        )
        if others:
            raise AccessError(
                self.env._(
                    "Only the cashier of the drawer (or a supervisor) may %(verb)s its draft "
                    "payments: %(sessions)s.",
                    verb=verb,
                    sessions=", ".join(others.session_id.mapped("display_name")),
                )
            )

    # ------------------------------------------------------------------
    # Posting: the cashier's rules, then the core's posting
    # ------------------------------------------------------------------
    def _post_payments(self):
        """Check the counter rules with the user's own rights, then post through the
        core under sudo: a cashier writes no journal entry of their own."""
        self.check_access("write")
        self._check_counter_rules()
        posted = super(UtilityPayment, self.sudo())._post_payments()
        return posted.with_env(self.env) if posted else posted

    def _check_counter_rules(self):
        """Raise one error listing every broken counter rule of the payments."""
        problems = self._card_number_problems()
        # A payment taken in a drawer follows the drawer's rules; one keyed in the back
        # office (mail, drop box) has no session and only the account's rules.
        for payment in self.filtered("session_id"):
            problems += payment._counter_problems()
        # A lockbox check for a cash-only account is the file's business (suspense).
        for payment in self.filtered(lambda p: p.tender == "check" and p.source == "counter"):
            cash_only = payment.line_ids.account_id.filtered("is_cash_only")
            if cash_only:
                problems.append(
                    self.env._(
                        "Account %(accounts)s is cash only: no check is accepted for it.",
                        accounts=", ".join(cash_only.mapped("name")),
                    )
                )
        if problems:
            raise UserError("\n".join(problems))

    def _counter_problems(self):
        """What breaks the counter's rules in this payment: session, tender details, change."""
        self.ensure_one()
        label = self.display_name if self.name != "/" else self.env._("The payment")
        tenders = dict(self._fields["tender"].selection)
        problems = []
        if self.session_id.state != "open":
            problems.append(
                self.env._(
                    "%(payment)s: session %(session)s is closed and takes no more payments.",
                    payment=label,
                    session=self.session_id.name,
                )
            )
        if self.tender not in cashiering.COUNTER_TENDERS:
            problems.append(
                self.env._("%(payment)s: the counter takes no %(tender)s payment.",
                           payment=label, tender=tenders.get(self.tender))
            )  # fmt: skip
        if self.tender == "check" and not (self.check_number or "").strip():
            problems.append(self.env._("%(payment)s: enter the check number.", payment=label))
        if self.tender == "card" and not self.card_last4:
            problems.append(
                self.env._("%(payment)s: enter the last four digits of the card.", payment=label)
            )
        if self.tender == "card" and not (self.card_reference or "").strip():
            problems.append(
                self.env._(
                    "%(payment)s: enter the processor reference of the card payment.",
                    payment=label,
                )
            )
        return problems + self._change_problems(label)

    def _change_problems(self, label):
        """Cash alone gives change, and cash tendered covers the payment."""
        currency = self.currency_id
        tendered = self.amount_tendered
        if not tendered:
            return []
        difference = currency.compare_amounts(tendered, self.amount)
        if self.tender != "cash" and difference:
            return [
                self.env._(
                    "%(payment)s: change is given for cash only; a %(tender)s pays its own "
                    "amount (%(amount)s): what the bills do not take stays as a credit.",
                    payment=label,
                    tender=dict(self._fields["tender"].selection).get(self.tender),
                    amount=format_amount(self.env, self.amount, currency),
                )
            ]
        if self.tender == "cash" and difference < 0:
            return [
                self.env._(
                    "%(payment)s: the cash tendered (%(tendered)s) is less than the payment "
                    "(%(amount)s).",
                    payment=label,
                    tendered=format_amount(self.env, tendered, currency),
                    amount=format_amount(self.env, self.amount, currency),
                )
            ]
        return []

    # ------------------------------------------------------------------
    # Receipt
    # ------------------------------------------------------------------
    def _get_receipt_lines(self):
        """What the receipt prints per line: what was paid, the premise, the amount,
        the part left as credit and the account's balance after (read from the
        ledger under sudo: a cashier prints it without browsing the ledger)."""
        self.ensure_one()
        accounts = self.line_ids.account_id.sudo()
        balances = {account.id: account.amount_balance for account in accounts}
        return [
            {
                "label": line.account_id.name or line.misc_type_id.name,
                "detail": line.account_id.partner_id.name or line.name or "",
                "address": line.account_id.location_id.display_name or "",
                "amount": line.amount,
                "credit": line.amount_credit,
                "balance": balances.get(line.account_id.id) if line.account_id else None,
            }
            for line in self.line_ids
        ]

    def _get_applied_to(self):
        """The accounts and receipt types a payment paid, for one line of a report."""
        self.ensure_one()
        return ", ".join(
            line.account_id.name or line.misc_type_id.name or "" for line in self.line_ids
        )

    def action_print_receipt(self):
        posted = self.filtered(lambda p: p.state != "draft")
        if not posted:
            raise UserError(self.env._("A receipt is printed once the payment is posted."))
        return self.env.ref("utility_billing.action_report_utility_payment_receipt").report_action(
            posted
        )

    def _register_receipt_print(self):
        """Count a printed receipt of each payment; note each reprint in its chatter.

        :return: dict payment id -> copies printed before this one (0: the original)
        """
        before = {payment.id: payment.receipt_print_count for payment in self}
        if not self:
            return before
        # A counter, not a change of the payment: no tracking, no write access
        # needed beyond printing, no lost increment when two clerks print at once.
        self.env.cr.execute(
            "UPDATE utility_payment SET receipt_print_count = COALESCE(receipt_print_count, 0) + 1 "
            "WHERE id = ANY(%s)",
            [self.ids],
        )
        self.invalidate_recordset(["receipt_print_count"])
        for payment in self.filtered(lambda p: before[p.id]):
            payment.sudo().message_post(
                body=self.env._(
                    "Receipt reprinted (copy %(copy)s), marked DUPLICATE.",
                    copy=before[payment.id] + 1,
                )
            )
        return before

    # ------------------------------------------------------------------
    # Void
    # ------------------------------------------------------------------
    def action_void(self):
        """Open the void wizard (reason, and who approves it)."""
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "utility_billing.utility_payment_void_action"
        )
        action["context"] = {"default_payment_ids": self.ids}
        return action

    def _void_needs_approval(self):
        """True when a supervisor must approve the void: the payment left the
        cashier's hands (no session, or its session is counted), or the city
        wants every void approved."""
        self.ensure_one()
        return (
            not self.session_id
            or self.session_id.state != "open"
            or self.company_id.utility_void_approval == "always"
        )

    def _request_void(self, reason):
        """Void the payments, or ask a supervisor to when it is needed.

        :return: the payments voided now (the others wait for approval)
        """
        reason = (reason or "").strip()
        self.check_access("write")
        problems = []
        if not reason:
            problems.append(self.env._("A void needs a reason."))
        for payment in self:
            if payment.state != "posted":
                problems.append(
                    self.env._("%(payment)s is %(state)s: only a posted payment is voided.",
                               payment=payment.display_name, state=payment.state)
                )  # fmt: skip
            elif payment.is_void_requested:
                problems.append(
                    self.env._("%(payment)s already waits for a supervisor to approve its void.",
                               payment=payment.display_name)
                )  # fmt: skip
        problems += self._void_blocking_problems()
        if problems:
            raise UserError("\n".join(problems))
        is_supervisor = self.env.user.has_group(SUPERVISOR)
        now = fields.Datetime.now()
        # A supervisor voids a payment of an open drawer at once (unless every
        # void is approved); a cashier only in their own open session.
        at_once = self.filtered(
            lambda p: (
                not p._void_needs_approval()
                and (is_supervisor or p.session_id.user_id == self.env.user)
            )
        )
        waiting = self - at_once
        self.sudo()._as_action().write(
            {
                "void_reason": reason,
                "void_requested_by_id": self.env.uid,
                "date_void_requested": now,
            }
        )
        if waiting:
            waiting.sudo()._as_action().write({"is_void_requested": True})
            for payment in waiting:
                payment._message_post_by_user(
                    body=self.env._(
                        "Void requested by %(user)s, waiting for a supervisor: %(reason)s",
                        user=self.env.user.name,
                        reason=reason,
                    )
                )
        at_once._void()
        return at_once

    def action_approve_void(self):
        """A supervisor approves the void requests of the payments (never their own)."""
        if not self.env.user.has_group(SUPERVISOR):
            raise AccessError(self.env._("Only a utility supervisor approves a void."))
        problems = []
        for payment in self:
            if not payment.is_void_requested or payment.state != "posted":
                problems.append(
                    self.env._("%(payment)s has no void request to approve.",
                               payment=payment.display_name)
                )  # fmt: skip
            elif payment.void_requested_by_id == self.env.user:
                problems.append(
                    self.env._(
                        "%(payment)s: nobody approves their own void; another supervisor must.",
                        payment=payment.display_name,
                    )
                )
        if problems:
            raise UserError("\n".join(problems))
        self._void(approver=self.env.user)
        return True

    def action_reject_void(self):
        """A supervisor turns a void request down: the payment stands."""
        if not self.env.user.has_group(SUPERVISOR):
            raise AccessError(self.env._("Only a utility supervisor rejects a void."))
        pending = self.filtered("is_void_requested")
        pending.sudo()._as_action().write({"is_void_requested": False})
        for payment in pending:
            payment._message_post_by_user(
                body=self.env._("Void request rejected by %(user)s.", user=self.env.user.name)
            )
        return True

    def _void_blocking_problems(self):
        """A void reverses the payment's own entry, still in Undeposited Funds: a
        payment sharing its entry with others (a lockbox file) or already deposited
        is returned, not voided."""
        moves = self.move_id
        if not moves:
            return []
        shared = {
            move
            for move, count in self.sudo()._read_group(
                [("move_id", "in", moves.ids)], ["move_id"], ["__count"]
            )
            if count > 1
        }
        problems = [
            self.env._(
                "%(payment)s shares its journal entry with other payments: return it instead "
                "of voiding it.",
                payment=payment.display_name,
            )
            for payment in self
            if payment.move_id in shared
        ]
        # The money line matched: the payment went to the bank in a deposit (or the
        # bank statement took it). Voiding would undo that match; the bank's way back
        # is a return (NSF) or a refund.
        for payment in self.sudo():
            money_lines = payment.move_id.line_ids.filtered(
                lambda line: line.debit and line.account_id.account_type != "asset_receivable"
            )
            if any(line.matched_credit_ids for line in money_lines):
                problems.append(
                    self.env._(
                        "%(payment)s is already deposited: return it or refund it instead of "
                        "voiding it.",
                        payment=payment.display_name,
                    )
                )
        return problems

    def _void(self, approver=None):
        """Reverse the entries (Odoo's reversal: the bills are unreconciled and owed
        again), deactivate the allocations, keep the payments as voided."""
        if not self:
            return
        payments = self.sudo()._as_action()
        today = fields.Date.context_today(self)
        moves = payments.move_id
        reversals = self.env["account.move"]
        if moves:
            reversals = moves._reverse_moves(
                [
                    {
                        "date": max(today, move.date),
                        "ref": self.env._(
                            "Void of %(entry)s: %(reason)s",
                            entry=move.ref or move.name,
                            reason=payments.filtered(lambda p, m=move: p.move_id == m)[
                                :1
                            ].void_reason,
                        ),
                    }
                    for move in moves
                ],
                cancel=True,
            )
        reversal_of = {reversal.reversed_entry_id: reversal for reversal in reversals}
        payments.allocation_ids.write({"is_active": False})
        now = fields.Datetime.now()
        for payment in payments:
            payment.write(
                {
                    "state": "void",
                    "is_void_requested": False,
                    "void_approved_by_id": approver.id if approver else False,
                    "date_void": now,
                    "void_move_id": reversal_of.get(payment.move_id, reversals[:0]).id,
                }
            )
        # The reference is free again at once (unique among payments not void).
        payments.flush_recordset(["state"])
        for payment in self:
            body = Markup("<p>%s</p>") % self.env._(
                "Payment voided: %(amount)s reversed, reason: %(reason)s",
                amount=format_amount(self.env, payment.amount, payment.currency_id),
                reason=payment.void_reason,
            )
            if approver:
                body += Markup("<p>%s</p>") % self.env._(
                    "Requested by %(requester)s, approved by %(approver)s.",
                    requester=payment.void_requested_by_id.name,
                    approver=approver.name,
                )
            payment._message_post_by_user(body=body)
