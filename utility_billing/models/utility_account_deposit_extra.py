# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import format_amount

from ..lib.deposits import round_cents

CSR_GROUP = "utility_billing.group_utility_csr"
SUPERVISOR_GROUP = "utility_billing.group_utility_supervisor"


class UtilityAccount(models.Model):
    _inherit = "utility.account"  # pylint: disable=consider-merging-classes-inherited

    amount_deposit_proposed = fields.Monetary(
        string="Additional Deposit Proposed",
        readonly=True,
        tracking=True,
        help="Proposed by the daily check (late payments) or a disconnect; billed or "
        "dismissed by a clerk.",
    )
    deposit_proposed_reason = fields.Char(string="Proposed Because", readonly=True)

    def _get_action_fields(self):
        return super()._get_action_fields() | {
            "amount_deposit_proposed",
            "deposit_proposed_reason",
        }

    # ------------------------------------------------------------------
    # Proposals
    # ------------------------------------------------------------------
    def _propose_extra_deposits(self, reason, rule_filter):
        """Propose on each account of ``self`` whose deposit rule passes
        ``rule_filter`` the rule's deposit less what the account holds.

        The rules are read once for the batch; the average-bill method reads
        each premise's bills (the accounts here are the few flagged ones).

        :return: the accounts with a proposal written
        """
        rules = self.env["utility.deposit.rule"].search([("company_id", "in", self.company_id.ids)])
        proposed = self.browse()
        for account in self:
            rule = rules._pick_rule(account.location_id, account.partner_id)
            if not rule or not rule_filter(rule):
                continue
            services = account.service_ids.filtered(lambda s: s.state != "stopped")
            amount = rule._compute_deposit(
                account.location_id, services.service_type_id, services.meter_id[:1]
            ) - round_cents(str(account.amount_deposit))
            if (
                amount <= 0
                or account.currency_id.compare_amounts(
                    float(amount), account.amount_deposit_proposed
                )
                <= 0
            ):
                continue
            account._as_action().write(
                {"amount_deposit_proposed": float(amount), "deposit_proposed_reason": reason}
            )
            account.message_post(
                body=self.env._(
                    "Additional deposit of %(amount)s proposed: %(reason)s.",
                    amount=format_amount(self.env, float(amount), account.currency_id),
                    reason=reason,
                )
            )
            proposed |= account
        return proposed

    @api.model
    def _cron_propose_extra_deposits(self, today=None):
        """Daily: propose an additional deposit to the active accounts with at
        least the rule's number of bills paid late in its window. One query of
        the late payments per distinct window."""
        today = today or fields.Date.context_today(self)
        rules = self.env["utility.deposit.rule"].search([("extra_late_count", ">", 0)])
        proposed = self.browse()
        for months in set(rules.mapped("extra_window_months")):
            window_rules = rules.filtered(lambda r, m=months: r.extra_window_months == m)
            accounts = self.search(
                [("state", "=", "active"), ("company_id", "in", window_rules.company_id.ids)]
            )
            since = today - relativedelta(months=months)
            late = accounts._get_late_payment_counts(since, today)
            least = min(window_rules.mapped("extra_late_count"))
            flagged = accounts.filtered(
                lambda a, late=late, least=least: late.get(a.id, 0) >= least
            )
            for account in flagged:
                count = late[account.id]
                proposed |= account._propose_extra_deposits(
                    self.env._(
                        "%(count)s bills paid late in %(months)s months", count=count, months=months
                    ),
                    lambda rule, count=count, months=months: (
                        rule.extra_window_months == months and 0 < rule.extra_late_count <= count
                    ),
                )
        return proposed

    def _propose_disconnect_deposits(self):
        """Service disconnected for nonpayment: the rule's additional deposit."""
        return self._propose_extra_deposits(
            self.env._("service disconnected for nonpayment"),
            lambda rule: rule.is_extra_on_disconnect,
        )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_bill_extra_deposit(self):
        """Bill the proposed additional deposit (in the rule's installments) to
        Customer Deposits, a liability."""
        if not self.env.user.has_group(CSR_GROUP):
            raise AccessError(self.env._("Only customer service staff bill a deposit."))
        without = self.filtered(lambda a: not a.amount_deposit_proposed)
        if without:
            raise UserError(
                self.env._(
                    "No additional deposit is proposed on %(accounts)s.",
                    accounts=", ".join(without.mapped("name")),
                )
            )
        today = fields.Date.context_today(self)
        rules = self.env["utility.deposit.rule"].search([("company_id", "in", self.company_id.ids)])
        deposits = self.env["utility.customer.deposit"]
        for account in self:
            rule = rules._pick_rule(account.location_id, account.partner_id)
            deposits |= account._require_deposit(
                Decimal(str(account.amount_deposit_proposed)),
                today,
                installments=rule.installment_count or 1,
            )
        self._clear_deposit_proposal()
        return deposits

    def action_dismiss_extra_deposit(self):
        """A supervisor decides the additional deposit is not asked."""
        if not self.env.user.has_group(SUPERVISOR_GROUP):
            raise AccessError(self.env._("Only a supervisor dismisses a proposed deposit."))
        for account in self.filtered("amount_deposit_proposed"):
            account.message_post(
                body=self.env._(
                    "Additional deposit of %(amount)s dismissed.",
                    amount=format_amount(
                        self.env, account.amount_deposit_proposed, account.currency_id
                    ),
                )
            )
        self._clear_deposit_proposal()
        return True

    def _clear_deposit_proposal(self):
        self._as_action().write({"amount_deposit_proposed": 0.0, "deposit_proposed_reason": False})
