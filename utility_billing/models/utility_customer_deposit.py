# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import format_amount, format_date

from ..lib.deposits import round_cents, simple_interest

SUPERVISOR_GROUP = "utility_billing.group_utility_supervisor"
CSR_GROUP = "utility_billing.group_utility_csr"


class UtilityCustomerDeposit(models.Model):
    """A customer deposit: money the city holds for the customer, a liability.

    Billed as a small invoice whose line credits *Customer Deposits* (never
    revenue), so the customer owes it like any charge and pays it at the counter
    or with the first bill (in installments when the rule allows). Applied to
    the account's balance (with interest where state law asks for it) after a
    good payment history or at move-out, the rest refunded.
    """

    _name = "utility.customer.deposit"
    _description = "Customer Deposit"
    _inherit = ["mail.thread", "utility.letter.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

    account_id = fields.Many2one(
        "utility.account", required=True, readonly=True, index=True, check_company=True
    )
    partner_id = fields.Many2one(related="account_id.partner_id", string="Customer")
    company_id = fields.Many2one(
        related="account_id.company_id", store=True, precompute=True, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    date = fields.Date(required=True, readonly=True, default=fields.Date.context_today)
    amount = fields.Monetary(readonly=True, tracking=True)
    installment_count = fields.Integer(string="Installments", default=1, readonly=True)
    state = fields.Selection(
        [
            ("billed", "Held"),
            ("waived", "Waived"),
            ("applied", "Applied to Balance"),
            ("refunded", "Refunded"),
        ],
        required=True,
        readonly=True,
        default="billed",
        tracking=True,
    )
    move_ids = fields.One2many(
        "account.move", "utility_deposit_id", string="Deposit Charges", readonly=True
    )
    amount_paid = fields.Monetary(compute="_compute_amount_paid", compute_sudo=True)
    waiver_reason = fields.Selection(
        [
            ("letter", "Letter of good payment history"),
            ("age", "Age"),
            ("supervisor", "Supervisor's waiver"),
        ],
        readonly=True,
        tracking=True,
    )
    waiver_note = fields.Char(readonly=True, tracking=True)
    approver_id = fields.Many2one("res.users", string="Waived By", readonly=True, tracking=True)
    date_release = fields.Date(string="Released On", readonly=True, tracking=True)
    amount_interest = fields.Monetary(string="Interest Paid", readonly=True, tracking=True)
    release_move_id = fields.Many2one("account.move", string="Release Entry", readonly=True)
    refund_payment_id = fields.Many2one("account.payment", string="Refund", readonly=True)
    is_refund_proposed = fields.Boolean(
        string="Refund Proposed",
        readonly=True,
        tracking=True,
        help="Set by the daily check: held long enough with a good payment history.",
    )

    @api.depends("account_id", "date", "amount")
    def _compute_display_name(self):
        for deposit in self:
            deposit.display_name = self.env._(
                "Deposit %(account)s %(date)s",
                account=deposit.account_id.name or "",
                date=format_date(self.env, deposit.date),
            )

    def _compute_amount_paid(self):
        for deposit in self:
            deposit.amount_paid = sum(
                move.amount_total - move.amount_residual for move in deposit.move_ids
            )

    # ------------------------------------------------------------------
    # Billing a deposit
    # ------------------------------------------------------------------
    @api.model
    def _bill(self, account, amount, date, installments=1):
        """Post the deposit charges of ``account``: ``installments`` monthly invoices
        crediting Customer Deposits, the last taking the cents left.

        :return: the deposit (state Held)
        """
        amount = round_cents(str(amount))
        installments = max(installments or 1, 1)
        if amount <= 0:
            raise UserError(self.env._("A deposit must be more than zero; waive it instead."))
        # Rights: CSRs bill deposits through this method only; the record and its
        # entries are written as superuser so no one edits a deposit directly.
        deposit = self.sudo().create(
            {
                "account_id": account.id,
                "amount": float(amount),
                "date": date,
                "installment_count": installments,
            }
        )
        company = account.company_id
        liability = company._get_utility_deposit_account()
        journal = account._get_special_bill_journal(company)
        part = round_cents(amount / installments)
        parts = [part] * (installments - 1) + [amount - part * (installments - 1)]
        due_days = account.cycle_id.due_days or 0
        vals_list = []
        for index, value in enumerate(parts):
            day = date + relativedelta(months=index)
            vals_list.append(
                {
                    "move_type": "out_invoice",
                    "partner_id": account.partner_id.id,
                    "journal_id": journal.id,
                    "invoice_date": day,
                    "date": day,
                    "invoice_date_due": day + timedelta(days=due_days),
                    "utility_account_id": account.id,
                    "utility_location_id": account.location_id.id,
                    "utility_bill_kind": "deposit",
                    "utility_deposit_id": deposit.id,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": self.env._(
                                    "Customer deposit (%(n)s of %(count)s)",
                                    n=index + 1,
                                    count=installments,
                                )
                                if installments > 1
                                else self.env._("Customer deposit"),
                                "account_id": liability.id,
                                "quantity": 1.0,
                                "price_unit": float(value),
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                }
            )
        moves = self.env["account.move"].sudo().create(vals_list)
        moves.action_post()
        self.env["utility.payment.poster"]._apply_open_credits(account)
        account.message_post(
            body=self.env._(
                "Deposit of %(amount)s billed (%(bills)s).",
                amount=format_amount(self.env, float(amount), account.currency_id),
                bills=", ".join(moves.mapped("name")),
            )
        )
        return deposit.with_env(self.env)

    @api.model
    def _waive(self, account, amount, reason, note=""):
        """Record a waived deposit: who waived it, why; a supervisor's waiver needs a
        supervisor."""
        if not reason:
            raise UserError(self.env._("Choose why the deposit is waived."))
        if reason == "supervisor" and not self.env.user.has_group(SUPERVISOR_GROUP):
            raise AccessError(self.env._("Only a supervisor waives a deposit at their discretion."))
        if reason == "supervisor" and not (note or "").strip():
            raise UserError(self.env._("A supervisor's waiver needs a reason."))
        return self.sudo().create(
            {
                "account_id": account.id,
                "amount": amount,
                "state": "waived",
                "waiver_reason": reason,
                "waiver_note": note,
                "approver_id": self.env.user.id,
            }
        )

    # ------------------------------------------------------------------
    # Interest, application and refund
    # ------------------------------------------------------------------
    def _get_interest(self, date):
        """Simple interest by whole months from the deposit date, at each year's rate."""
        self.ensure_one()
        rates = {
            rate.year: Decimal(str(rate.rate))
            for rate in self.env["utility.deposit.interest.rate"].search(
                [("company_id", "=", self.company_id.id)]
            )
        }
        return simple_interest(Decimal(str(self.amount)), self.date, date, rates)

    def _apply(self, date):
        """Release the deposits onto their accounts' balances: one entry each,
        debiting Customer Deposits (and the interest expense), crediting the
        receivable; the credit pays the open bills at once (the final bill first
        at move-out)."""
        not_held = self.filtered(lambda d: d.state != "billed")
        if not_held:
            raise UserError(
                self.env._(
                    "Only held deposits can be applied or refunded: %(deposits)s",
                    deposits=", ".join(not_held.mapped("display_name")),
                )
            )
        Move = self.env["account.move"].sudo()
        for deposit in self:
            account = deposit.account_id
            company = deposit.company_id
            interest = deposit._get_interest(date)
            total = round_cents(str(deposit.amount)) + interest
            label = self.env._("Deposit applied, account %(account)s", account=account.name)
            lines = [
                Command.create(
                    {
                        "name": label,
                        "account_id": company._get_utility_deposit_account().id,
                        "partner_id": account.partner_id.id,
                        "balance": deposit.amount,
                    }
                ),
                Command.create(
                    {
                        "name": label,
                        "account_id": account.partner_id.property_account_receivable_id.id,
                        "partner_id": account.partner_id.id,
                        "balance": -float(total),
                    }
                ),
            ]
            if interest:
                lines.append(
                    Command.create(
                        {
                            "name": self.env._("Interest on deposit"),
                            "account_id": company._get_utility_deposit_interest_account().id,
                            "partner_id": account.partner_id.id,
                            "balance": float(interest),
                        }
                    )
                )
            move = Move.create(
                {
                    "move_type": "entry",
                    "journal_id": account._get_special_bill_journal(company).id,
                    "date": date,
                    "ref": label,
                    "utility_account_id": account.id,
                    "utility_deposit_id": deposit.id,
                    "line_ids": lines,
                }
            )
            move.action_post()
            deposit.sudo().write(
                {
                    "state": "applied",
                    "date_release": date,
                    "amount_interest": float(interest),
                    "release_move_id": move.id,
                    "is_refund_proposed": False,
                }
            )
            self.env["utility.payment.poster"]._apply_open_credits(account)
            account.message_post(
                body=self.env._(
                    "Deposit of %(amount)s applied to the balance, with %(interest)s interest.",
                    amount=format_amount(self.env, deposit.amount, deposit.currency_id),
                    interest=format_amount(self.env, float(interest), deposit.currency_id),
                )
            )
        return True

    def _refund_rest(self, date):
        """Refund the credit left on each account when it reaches the minimum check."""
        for deposit in self:
            account = deposit.account_id
            account.invalidate_recordset(["amount_balance"])
            minimum = deposit.company_id.utility_deposit_min_refund
            if deposit.currency_id.compare_amounts(-account.amount_balance, minimum) >= 0:
                refund = account._refund_credit(date)
                deposit.sudo().write({"state": "refunded", "refund_payment_id": refund[:1].id})

    # The actions check the role, then work on the ledger as superuser (the
    # user stays the author of every message): a CSR has no accounting rights.
    def action_apply(self):
        self._check_csr()
        return self.sudo()._apply(fields.Date.context_today(self))

    def action_refund(self):
        """Refund the deposit in money: only on an account that owes nothing."""
        self._check_csr()
        owing = self.filtered(
            lambda d: d.currency_id.compare_amounts(d.account_id.amount_balance, 0) > 0
        )
        if owing:
            raise UserError(
                self.env._(
                    "These accounts still owe money: apply the deposit to the balance "
                    "instead of refunding it.\n%(accounts)s",
                    accounts="\n".join(
                        f"- {d.account_id.display_name}: "
                        f"{format_amount(self.env, d.account_id.amount_balance, d.currency_id)}"
                        for d in owing
                    ),
                )
            )
        today = fields.Date.context_today(self)
        self.sudo()._apply(today)
        self.sudo()._refund_rest(today)
        return True

    def action_release(self):
        """A proposed refund: applied to the balance first, the rest refunded when it
        reaches the minimum check."""
        self._check_csr()
        today = fields.Date.context_today(self)
        self.sudo()._apply(today)
        self.sudo()._refund_rest(today)
        return True

    def _check_csr(self):
        if not self.env.user.has_group(CSR_GROUP):
            raise AccessError(self.env._("Only customer service staff apply or refund deposits."))

    # ------------------------------------------------------------------
    # Daily check and ledger tie-out
    # ------------------------------------------------------------------
    @api.model
    def _cron_propose_refunds(self, today=None):
        """Propose the refund of deposits held N months by customers with a good
        payment history (at most M bills paid late, no returned payment)."""
        today = today or fields.Date.context_today(self)
        proposed = self.browse()
        candidates = self.search(
            [
                ("state", "=", "billed"),
                ("is_refund_proposed", "=", False),
                ("account_id.state", "=", "active"),
            ]
        )
        for company in candidates.company_id:
            months = company.utility_deposit_refund_months or 12
            since = today - relativedelta(months=months)
            held = candidates.filtered(
                lambda d, c=company, s=since: d.company_id == c and d.date <= s
            )
            if not held:
                continue
            late = held.account_id._get_late_payment_counts(since, today)
            returned = held.account_id._get_returned_payment_accounts(since)
            proposed |= held.filtered(
                lambda d, c=company, late=late, returned=returned: (
                    d.amount_paid >= d.amount
                    and late.get(d.account_id.id, 0) <= c.utility_deposit_max_late
                    and d.account_id.id not in returned
                )
            )
        proposed.sudo().write({"is_refund_proposed": True})
        return proposed

    @api.model
    def _get_ledger_tie_out(self, company):
        """(held by the deposits, balance of Customer Deposits in the GL), both as
        credits, to the cent."""
        held = sum(
            self.search([("company_id", "=", company.id), ("state", "=", "billed")]).mapped(
                "amount"
            )
        )
        liability = company._get_utility_deposit_account()
        self.env.flush_all()
        gl = -sum(
            self.env["account.move.line"]
            .sudo()
            .search([("account_id", "=", liability.id), ("parent_state", "=", "posted")])
            .mapped("balance")
        )
        return round_cents(str(held)), round_cents(str(gl))

    def action_check_ledger(self):
        held, gl = self._get_ledger_tie_out(self.env.company)
        currency = self.env.company.currency_id
        ok = held == gl
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success" if ok else "danger",
                "sticky": not ok,
                "message": self.env._(
                    "Deposits held: %(held)s. Customer Deposits in the ledger: %(gl)s. %(verdict)s",
                    held=format_amount(self.env, float(held), currency),
                    gl=format_amount(self.env, float(gl), currency),
                    verdict=self.env._("They agree.") if ok else self.env._("They differ!"),
                ),
            },
        }
