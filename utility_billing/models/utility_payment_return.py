# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Returned payments: a check the bank refused (NSF, account closed, stop
payment) or an ACH debit the customer's bank sent back.

A return undoes the payment's money, never the record: the bills it paid are
unreconciled and owed again, its allocations stop counting, it stays in the
books as *returned*. Then the fee, the notice and, after too many returns in
12 months, the account's cash-only flag.
"""

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import format_amount, format_date

RETURN_REASONS = [
    ("nsf", "Insufficient Funds (NSF)"),
    ("account_closed", "Account Closed"),
    ("stop_payment", "Payment Stopped"),
    ("no_account", "No Account / Invalid Account"),
    ("unauthorized", "Not Authorized"),
    ("other", "Other"),
]
# The customer's doing: these draw the fee and count toward cash only. An
# unauthorized debit is the city's problem to sort out, not the customer's fault.
COUNTED_REASONS = ("nsf", "account_closed", "stop_payment", "no_account")
# ACH return reason codes (NACHA Appendix Four) by return reason.
ACH_RETURN_REASONS = {
    "R01": "nsf",
    "R09": "nsf",
    "R02": "account_closed",
    "R12": "account_closed",
    "R16": "account_closed",
    "R03": "no_account",
    "R04": "no_account",
    "R13": "no_account",
    "R20": "no_account",
    "R08": "stop_payment",
    "R05": "unauthorized",
    "R07": "unauthorized",
    "R10": "unauthorized",
    "R11": "unauthorized",
    "R29": "unauthorized",
}
RETURN_FIELDS = frozenset(
    {
        "return_reason",
        "ach_return_code",
        "return_note",
        "date_returned",
        "returned_by_id",
        "return_move_id",
        "return_fee_move_id",
    }
)


class UtilityPayment(models.Model):
    _inherit = "utility.payment"  # pylint: disable=consider-merging-classes-inherited
    return_reason = fields.Selection(RETURN_REASONS, readonly=True, copy=False, tracking=True)
    ach_return_code = fields.Char(string="ACH Return Code", readonly=True, copy=False)
    return_note = fields.Char(readonly=True, copy=False)
    date_returned = fields.Date(
        string="Returned On", readonly=True, copy=False, tracking=True, index="btree_not_null"
    )
    returned_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    return_move_id = fields.Many2one(
        "account.move", string="Return Entry", readonly=True, copy=False
    )
    return_fee_move_id = fields.Many2one(
        "account.move", string="Returned Payment Fee", readonly=True, copy=False
    )
    return_reason_label = fields.Char(compute="_compute_return_reason_label")

    @api.depends("return_reason", "ach_return_code")
    def _compute_return_reason_label(self):
        labels = dict(self._fields["return_reason"]._description_selection(self.env))
        for payment in self:
            label = labels.get(payment.return_reason, "")
            if payment.ach_return_code:
                label = f"{label} ({payment.ach_return_code})"
            payment.return_reason_label = label

    # ------------------------------------------------------------------
    # Guards: a payment is returned through _return_payments only
    # ------------------------------------------------------------------
    def _get_action_fields(self):
        return super()._get_action_fields() | RETURN_FIELDS

    def _get_action_fields_message(self, names, creating=False):
        if names & RETURN_FIELDS:
            return self.env._("A payment is returned through Return Payment only.")
        return super()._get_action_fields_message(names, creating=creating)

    # ------------------------------------------------------------------
    # Return
    # ------------------------------------------------------------------
    def _return_problems(self, date_returned):
        problems = []
        for payment in self:
            label = payment.display_name
            if payment.state == "returned":
                problems.append(
                    self.env._(
                        "%(payment)s was already returned on %(date)s.",
                        payment=label,
                        date=format_date(self.env, payment.date_returned),
                    )
                )
            elif payment.state != "posted" or not payment.move_id:
                problems.append(
                    self.env._(
                        "%(payment)s is %(state)s: only a posted payment can be returned.",
                        payment=label,
                        state=dict(self._fields["state"]._description_selection(self.env))[
                            payment.state
                        ],
                    )
                )
            elif date_returned < payment.date:
                problems.append(
                    self.env._(
                        "%(payment)s cannot come back before it was received (%(date)s).",
                        payment=label,
                        date=format_date(self.env, payment.date),
                    )
                )
        return problems

    def _return_payments(
        self, reason, date_returned=None, note=None, charge_fee=None, ach_codes=None
    ):
        """Return posted payments: reverse their money, reopen the bills, bill the fee,
        notify the customer, flag cash only after too many returns.

        :param reason: a key of ``RETURN_REASONS``
        :param date_returned: date of the return entries (default today)
        :param note: the clerk's or the bank's words, kept on the payment
        :param charge_fee: bill the returned payment fee; default: for the reasons
            the customer caused (``COUNTED_REASONS``)
        :param ach_codes: ACH return reason code by payment id
        :raises UserError: listing every payment that cannot be returned
        """
        if not self:
            return self
        if not self.env.su and not self.env.user.has_group("utility_billing.group_utility_billing"):
            raise AccessError(self.env._("Only a billing specialist returns payments."))
        self.check_access("write")
        date_returned = date_returned or fields.Date.context_today(self)
        # Two clerks returning the same check: the second waits, then sees it returned.
        self.env.cr.execute(
            "SELECT id FROM utility_payment WHERE id = ANY(%s) ORDER BY id FOR UPDATE", [self.ids]
        )
        self.invalidate_recordset(["state", "date_returned"])
        problems = self._return_problems(date_returned)
        if problems:
            raise UserError("\n".join(problems))
        if charge_fee is None:
            charge_fee = reason in COUNTED_REASONS
        ach_codes = ach_codes or {}
        payments = self.sudo()._as_action()
        shared = payments._get_shared_move_payments()
        return_moves = (payments - shared)._reverse_own_moves(date_returned)
        return_moves.update(shared._create_return_moves(date_returned))
        payments.allocation_ids.write({"is_active": False})
        user = self.env.user
        for payment in payments:
            payment.write(
                {
                    "state": "returned",
                    "return_reason": reason,
                    "ach_return_code": ach_codes.get(payment.id) or False,
                    "return_note": note or False,
                    "date_returned": date_returned,
                    "returned_by_id": user.id,
                    "return_move_id": return_moves[payment].id,
                }
            )
        if charge_fee:
            payments._create_return_fees(date_returned)
        # Flag first: the notice tells a customer who just became cash only.
        self.line_ids.account_id._flag_cash_only_after_returns(date_returned)
        self._send_return_notices()
        return self

    def _get_shared_move_payments(self):
        """The payments whose journal entry also carries other payments (a lockbox
        or autopay file): their return reverses their own lines only."""
        counts = dict(
            self.sudo()._read_group([("move_id", "in", self.move_id.ids)], ["move_id"], ["__count"])
        )
        return self.filtered(lambda p: counts.get(p.move_id, 0) > 1)

    def _return_label(self):
        self.ensure_one()
        return self.env._("Return of %(receipt)s", receipt=self.name)

    def _reverse_own_moves(self, date_returned):
        """Odoo's reversal of the payments' own entries: it unreconciles the bills
        (owed again) and reconciles each line with its reverse."""
        if not self:
            return {}
        moves = self.move_id
        reversals = moves._reverse_moves(
            [
                {
                    "date": date_returned,
                    "ref": self.filtered(lambda p, m=move: p.move_id == m)._return_label(),
                    "utility_account_id": move.utility_account_id.id,
                }
                for move in moves
            ],
            cancel=True,
        )
        reversal_of = {reversal.reversed_entry_id: reversal for reversal in reversals}
        return {payment: reversal_of[payment.move_id] for payment in self}

    def _create_return_moves(self, date_returned):
        """For payments sharing an entry: a new entry per payment debiting the
        receivable for what this payment credited (each line back on its bill's
        account and utility account) and crediting the account the money came in
        on; the bills are unreconciled from the payment, and the payment's
        credits reconciled with their reverses."""
        if not self:
            return {}
        Move = self.env["account.move"].sudo()
        vals_list, credits_list = [], []
        for payment in self:
            move = payment.move_id
            credits = move.line_ids.filtered(
                lambda line, p=payment: line.utility_payment_id == p and line.credit > 0
            ).sorted("id")
            money = move.line_ids.filtered(lambda line: line.debit > 0)[:1]
            money_account = money.account_id or payment._get_debit_account()
            label = payment._return_label()
            accounts = credits.utility_account_id
            lines = [
                Command.create(
                    {
                        "name": label,
                        "account_id": line.account_id.id,
                        "partner_id": line.partner_id.id,
                        "debit": line.credit,
                        "credit": 0.0,
                        "utility_account_id": line.utility_account_id.id,
                    }
                )
                for line in credits
            ]
            lines.append(
                Command.create(
                    {
                        "name": label,
                        "account_id": money_account.id,
                        "partner_id": (payment.partner_id or accounts.partner_id[:1]).id,
                        "debit": 0.0,
                        "credit": payment.currency_id.round(sum(credits.mapped("credit"))),
                    }
                )
            )
            vals_list.append(
                {
                    "move_type": "entry",
                    "journal_id": move.journal_id.id,
                    "date": date_returned,
                    "ref": label,
                    "utility_account_id": accounts.id if len(accounts) == 1 else False,
                    "line_ids": lines,
                }
            )
            credits_list.append(credits)
        reconcilable = self.env["account.move.line"].concat(
            *(credits.filtered(lambda line: line.account_id.reconcile) for credits in credits_list)
        )
        reconcilable.remove_move_reconcile()
        moves = Move.create(vals_list)
        moves._post(soft=False)
        plan = []
        for credits, move in zip(credits_list, moves, strict=True):
            debits = move.line_ids.filtered(lambda line: line.debit > 0).sorted("id")
            plan += [
                credit | debit
                for credit, debit in zip(credits, debits, strict=True)
                if credit.account_id.reconcile
            ]
        if plan:
            self.env["account.move.line"].sudo()._reconcile_plan(plan)
        return dict(zip(self, moves, strict=True))

    def _get_return_fee_account(self):
        """The utility account that bears the payment's fee: the one it paid the most."""
        self.ensure_one()
        lines = self.line_ids.filtered("account_id")
        if not lines:
            return self.env["utility.account"]
        return max(lines, key=lambda line: line.amount).account_id

    def _create_return_fees(self, date_returned):
        """One returned payment fee per payment, billed as a small invoice on the
        account it paid the most (no fee when the fee is zero or the payment paid
        only miscellaneous receipts)."""
        fee_vals, owners = [], []
        for payment in self:
            account = payment._get_return_fee_account()
            if not account:
                continue
            company = payment.company_id
            amount = company._get_utility_nsf_fee(account, date_returned)
            if company.currency_id.compare_amounts(amount, 0) <= 0:
                continue
            fee_vals.append(
                {
                    "account": account,
                    "amount": amount,
                    "date": date_returned,
                    "label": self.env._(
                        "Returned payment fee: %(receipt)s, %(reason)s",
                        receipt=payment.name,
                        reason=payment.return_reason_label,
                    ),
                    "income_account": company._get_utility_nsf_fee_account(),
                    "origin": payment.name,
                }
            )
            owners.append(payment)
        fees = self.env["utility.account"]._create_fee_invoices(fee_vals)
        for payment, fee in zip(owners, fees, strict=True):
            payment.return_fee_move_id = fee
        return fees

    def _send_return_notices(self):
        """The NSF notice to the customer through the mail queue, and a note on the
        chatter of the payment and of every account it paid."""
        template = self.env.ref(
            "utility_billing.mail_template_utility_nsf_notice", raise_if_not_found=False
        )
        if template:
            template.sudo().send_mail_batch(self.ids)
        for payment in self:
            body = Markup("<p>%s</p>") % self.env._(
                "Payment %(receipt)s of %(amount)s (%(date)s) returned on %(returned)s: "
                "%(reason)s.",
                receipt=payment.name,
                amount=format_amount(self.env, payment.amount, payment.currency_id),
                date=format_date(self.env, payment.date),
                returned=format_date(self.env, payment.date_returned),
                reason=payment.return_reason_label,
            )
            if payment.return_fee_move_id:
                body += Markup("<p>%s</p>") % self.env._(
                    "Returned payment fee billed: %(fee)s (%(invoice)s).",
                    fee=format_amount(
                        self.env, payment.return_fee_move_id.amount_total, payment.currency_id
                    ),
                    invoice=payment.return_fee_move_id.name,
                )
            payment.message_post(body=body)
            for account in payment.line_ids.account_id:
                account.message_post(body=body)

    def action_return(self):
        """Open the Return Payment wizard on these payments."""
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "utility_billing.utility_payment_return_action"
        )
        action["context"] = {"active_model": self._name, "active_ids": self.ids}
        return action
