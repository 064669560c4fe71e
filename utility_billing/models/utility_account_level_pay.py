# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from decimal import ROUND_HALF_UP, Decimal

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import format_amount, format_date

CSR_GROUP = "utility_billing.group_utility_csr"
CENT = Decimal("0.01")
BILL_KINDS = ("cycle", "final", "demand", "back", "rebill")


class UtilityAccount(models.Model):
    """Level pay (budget billing): the ledger keeps every actual charge; the plan
    only changes what is *due*.

    ``amount_current_due`` is the balance less the deferred balance (actual
    charges since enrollment less the installments billed since): what the
    customer must pay now, the collections' measure of delinquency. The payoff
    is the whole balance.
    """

    _inherit = "utility.account"  # pylint: disable=consider-merging-classes-inherited

    level_pay_amount = fields.Monetary(string="Level Pay Installment", readonly=True, tracking=True)
    level_pay_date_start = fields.Date(string="Level Pay Since", readonly=True, tracking=True)
    level_pay_date_true_up = fields.Date(string="True-Up Due", readonly=True, tracking=True)
    level_pay_carry = fields.Monetary(
        string="Carried Into the Plan",
        readonly=True,
        help="Deferred balance spread into this year's installments at the last true-up.",
    )
    amount_deferred = fields.Monetary(
        string="Deferred Balance",
        compute="_compute_level_pay_amounts",
        compute_sudo=True,
        help="Actual charges since enrollment (or the last true-up), plus what the true-up "
        "carried, less the installments billed since.",
    )
    amount_current_due = fields.Monetary(
        string="Current Due",
        compute="_compute_level_pay_amounts",
        compute_sudo=True,
        help="What is due now: the balance, less the deferred balance on level pay.",
    )

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    def _get_bill_totals(self, date_from, date_to=None):
        """Bills posted in [date_from, date_to): {account id: (count, total)}, one query."""
        domain = [
            ("utility_account_id", "in", self.ids),
            ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
            ("utility_bill_kind", "in", BILL_KINDS),
            ("invoice_date", ">=", date_from),
        ]
        if date_to:
            domain.append(("invoice_date", "<", date_to))
        groups = (
            self.env["account.move"]
            .sudo()
            ._read_group(domain, ["utility_account_id"], ["__count", "amount_total:sum"])
        )
        return {account.id: (count, total) for account, count, total in groups}

    @api.depends("level_pay_amount", "level_pay_date_start", "level_pay_carry")
    def _compute_level_pay_amounts(self):
        on_plan = self.filtered(lambda a: a.is_level_pay and a.level_pay_date_start)
        totals = {}
        for start in set(on_plan.mapped("level_pay_date_start")):
            group = on_plan.filtered(lambda a, s=start: a.level_pay_date_start == s)
            totals.update(group._get_bill_totals(start))
        for account in self:
            count, charged = totals.get(account.id, (0, 0.0))
            deferred = 0.0
            if account in on_plan:
                deferred = account.currency_id.round(
                    account.level_pay_carry + charged - count * account.level_pay_amount
                )
            account.amount_deferred = deferred
            account.amount_current_due = account.currency_id.round(
                max(account.amount_balance - deferred, 0.0)
                if deferred > 0
                else account.amount_balance
            )

    # ------------------------------------------------------------------
    # Rules
    # ------------------------------------------------------------------
    def _compute_level_pay_installment(self, date, carry=0.0, check_history=True):
        """The installment from the last 12 months of bills at the premise (Decimal).

        /12, /11 (11 budget months and a recalculation month: Central Point, OR),
        or /12 + N % (Brentwood, TN: 5 %); a carried deferred balance is spread
        over 12 more. Rounded to cents half-up. The minimum history is checked
        at enrollment and true-up (``check_history``), not at a review.
        """
        self.ensure_one()
        company = self.company_id
        count, total = self._get_bill_totals(date - relativedelta(months=12), date).get(
            self.id, (0, 0.0)
        )
        if check_history and count < (company.utility_level_pay_min_bills or 0):
            raise UserError(
                self.env._(
                    "%(account)s has %(count)s bills in the last 12 months; level pay needs "
                    "%(needed)s.",
                    account=self.display_name,
                    count=count,
                    needed=company.utility_level_pay_min_bills,
                )
            )
        total = Decimal(str(total)) + Decimal(str(carry))
        if company.utility_level_pay_method == "div11":
            amount = total / 11
        elif company.utility_level_pay_method == "plus":
            amount = total / 12 * (1 + Decimal(str(company.utility_level_pay_percent)) / 100)
        else:
            amount = total / 12
        return amount.quantize(CENT, rounding=ROUND_HALF_UP)

    def _check_csr(self):
        if not self.env.user.has_group(CSR_GROUP):
            raise AccessError(self.env._("Only customer service staff set up level pay."))

    def _level_pay_enroll(self, date):
        self._check_csr()
        for account in self:
            if account.is_level_pay:
                raise UserError(
                    self.env._("%(account)s is already on level pay.", account=account.name)
                )
            if account.state != "active":
                raise UserError(self.env._("Only an active account goes on level pay."))
            if account.currency_id.compare_amounts(account.amount_balance, 0) > 0:
                raise UserError(
                    self.env._(
                        "%(account)s owes %(balance)s: level pay starts with no balance due.",
                        account=account.name,
                        balance=format_amount(
                            self.env, account.amount_balance, account.currency_id
                        ),
                    )
                )
            amount = account._compute_level_pay_installment(date)
            account.sudo().write(
                {
                    "is_level_pay": True,
                    "level_pay_amount": float(amount),
                    "level_pay_date_start": date,
                    "level_pay_date_true_up": date + relativedelta(years=1),
                    "level_pay_carry": 0.0,
                }
            )
            account.message_post(
                body=self.env._(
                    "Level pay from %(date)s: %(amount)s a bill; true-up on %(true_up)s.",
                    date=format_date(self.env, date),
                    amount=format_amount(self.env, float(amount), account.currency_id),
                    true_up=format_date(self.env, account.level_pay_date_true_up),
                )
            )
        return True

    def _level_pay_true_up(self, date):
        """Anniversary: the deferred balance is settled (due now) or spread over the
        next year's installments (a company setting); the installment is computed
        again from the last 12 months."""
        self._check_csr()
        for account in self.filtered("is_level_pay"):
            deferred = account.amount_deferred
            spread = account.company_id.utility_level_pay_true_up == "spread"
            carry = deferred if spread else 0.0
            amount = account._compute_level_pay_installment(date, carry=carry)
            account.sudo().write(
                {
                    "level_pay_amount": float(amount),
                    "level_pay_date_start": date,
                    "level_pay_date_true_up": date + relativedelta(years=1),
                    "level_pay_carry": carry,
                }
            )
            account.message_post(
                body=self.env._(
                    "Level pay true-up: deferred balance %(deferred)s %(what)s; new "
                    "installment %(amount)s.",
                    deferred=format_amount(self.env, deferred, account.currency_id),
                    what=self.env._("spread over the next year")
                    if spread
                    else self.env._("due now"),
                    amount=format_amount(self.env, float(amount), account.currency_id),
                )
            )
        return True

    def _level_pay_remove(self, reason):
        """Off the plan: the deferred balance becomes due with the balance."""
        self._check_csr()
        for account in self.filtered("is_level_pay"):
            deferred = account.amount_deferred
            account.sudo().write(
                {"is_level_pay": False, "level_pay_date_true_up": False, "level_pay_carry": 0.0}
            )
            account.message_post(
                body=self.env._(
                    "Level pay ended (%(reason)s): the deferred balance of %(deferred)s is due.",
                    reason=reason,
                    deferred=format_amount(self.env, deferred, account.currency_id),
                )
            )
        return True

    def action_level_pay_enroll(self):
        return self._level_pay_enroll(fields.Date.context_today(self))

    def action_level_pay_true_up(self):
        return self._level_pay_true_up(fields.Date.context_today(self))

    def action_level_pay_remove(self):
        return self._level_pay_remove(self.env._("ended at the customer's request"))

    @api.model
    def _cron_level_pay(self, today=None):
        """Daily: true-up the plans at their anniversary, review the installments
        due for it, and take off the plan the accounts a removal trigger names
        (see ``utility_account_level_pay_review.py``)."""
        today = today or fields.Date.context_today(self)
        plans = self.search([("is_level_pay", "=", True), ("state", "=", "active")])
        due = plans.filtered(
            lambda a: a.level_pay_date_true_up and a.level_pay_date_true_up <= today
        )
        # One account the rules refuse (no history at the premise...) must not stop
        # the others' true-ups: it keeps its plan and its note says why.
        for account in due:
            try:
                with self.env.cr.savepoint():
                    account._level_pay_true_up(today)
            except UserError as error:
                account.message_post(
                    body=self.env._(
                        "Level pay true-up not made: %(reason)s A clerk trues up this plan "
                        "by hand.",
                        reason=error.args[0],
                    )
                )
        plans.filtered(
            lambda a: (
                a.is_level_pay and a.level_pay_date_review and a.level_pay_date_review <= today
            )
        )._level_pay_review(today)
        removed = self.browse()
        for account, reason in plans._get_level_pay_removals(today).items():
            account._level_pay_remove(reason)
            removed |= account
        return removed
