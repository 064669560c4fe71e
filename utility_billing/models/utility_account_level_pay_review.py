# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from decimal import ROUND_HALF_UP, Decimal

from dateutil.relativedelta import relativedelta

from odoo import fields, models
from odoo.tools import format_amount

CENT = Decimal("0.01")


class UtilityAccount(models.Model):
    """Level pay between true-ups: review months and removal triggers.

    A review (SMUD: the 4th and 8th month of the plan year) computes the
    installment again from the last 12 months, plus the deferred balance spread
    over the months left to the true-up so the year ends near zero; it changes
    only when that differs from the installment by more than the company's
    threshold (15 %). An account leaves the plan when an installment is more
    than N days late, after K late fees in 12 months, or when its current due
    exceeds an amount: the deferred balance is then due.
    """

    _inherit = "utility.account"  # pylint: disable=consider-merging-classes-inherited

    level_pay_date_review = fields.Date(string="Next Review", readonly=True, tracking=True)

    # ------------------------------------------------------------------
    # Reviews
    # ------------------------------------------------------------------
    def _set_level_pay_review_date(self, date):
        """The next review: ``date`` + the company's interval, if before the true-up."""
        for account in self:
            months = account.company_id.utility_level_pay_review_interval
            review = date + relativedelta(months=months) if months else False
            if (
                review
                and account.level_pay_date_true_up
                and review >= account.level_pay_date_true_up
            ):
                review = False
            account.sudo().level_pay_date_review = review

    def _level_pay_enroll(self, date):
        result = super()._level_pay_enroll(date)
        self._set_level_pay_review_date(date)
        return result

    def _level_pay_true_up(self, date):
        result = super()._level_pay_true_up(date)
        self.filtered("is_level_pay")._set_level_pay_review_date(date)
        return result

    def _level_pay_remove(self, reason):
        result = super()._level_pay_remove(reason)
        self.filtered(lambda a: not a.is_level_pay).sudo().level_pay_date_review = False
        return result

    def _compute_level_pay_review(self, date):
        """(installment computed again, its difference in % of the current one)."""
        self.ensure_one()
        base = self._compute_level_pay_installment(date, check_history=False)
        months_left = max(
            relativedelta(self.level_pay_date_true_up, date).years * 12
            + relativedelta(self.level_pay_date_true_up, date).months,
            1,
        )
        deferred = Decimal(str(self.amount_deferred))
        amount = (base + deferred / months_left).quantize(CENT, rounding=ROUND_HALF_UP)
        current = Decimal(str(self.level_pay_amount))
        change = abs(amount - current) / current * 100 if current else Decimal(100)
        return amount, change

    def _level_pay_review(self, date):
        """Review the installments due for it; change those off by more than the
        threshold. :return: the accounts whose installment changed"""
        self._check_csr()
        changed = self.browse()
        billed = self._get_bill_totals(date - relativedelta(months=12), date)
        for account in self.filtered("is_level_pay"):
            if not billed.get(account.id):
                # Nothing billed in a year to review on: never an installment of 0.00.
                account._set_level_pay_review_date(date)
                account.message_post(
                    body=self.env._(
                        "Level pay review: no bill in the last 12 months to review the "
                        "installment on; %(old)s kept.",
                        old=format_amount(self.env, account.level_pay_amount, account.currency_id),
                    )
                )
                continue
            amount, change = account._compute_level_pay_review(date)
            threshold = Decimal(str(account.company_id.utility_level_pay_review_percent))
            old = account.level_pay_amount
            if change > threshold:
                account.sudo().write(
                    {
                        "level_pay_amount": float(amount),
                        "level_pay_date_start": date,
                        "level_pay_carry": account.amount_deferred,
                    }
                )
                changed |= account
            account._set_level_pay_review_date(date)
            account.message_post(
                body=self.env._(
                    "Level pay review: %(new)s against %(old)s (%(change)s %%): %(what)s.",
                    new=format_amount(self.env, float(amount), account.currency_id),
                    old=format_amount(self.env, old, account.currency_id),
                    change=f"{change.quantize(Decimal('0.1'))}",
                    what=self.env._("installment changed")
                    if account in changed
                    else self.env._("installment kept"),
                )
            )
        return changed

    # ------------------------------------------------------------------
    # Removal triggers
    # ------------------------------------------------------------------
    def _get_level_pay_removals(self, today):
        """{account: reason} of the plans of ``self`` to end today: an installment
        unpaid N days past due, K late fees in 12 months, or a current due above
        the company's amount. One query per trigger (and company)."""
        removals = {}
        owing = self.filtered(lambda a: a.currency_id.compare_amounts(a.amount_current_due, 0) > 0)
        Move = self.env["account.move"].sudo()
        for company in owing.company_id:
            accounts = owing.filtered(lambda a, c=company: a.company_id == c)
            days = company.utility_level_pay_late_days
            if days:
                # Bills past due N days, beyond what the plan defers: an
                # installment is that late.
                late = Move._read_group(
                    [
                        ("utility_account_id", "in", accounts.ids),
                        ("move_type", "=", "out_invoice"),
                        ("state", "=", "posted"),
                        ("amount_residual", ">", 0),
                        ("invoice_date_due", "<", today - relativedelta(days=days)),
                    ],
                    ["utility_account_id"],
                    ["amount_residual:sum"],
                )
                for account, overdue in late:
                    if account.currency_id.compare_amounts(overdue, account.amount_deferred) > 0:
                        removals.setdefault(
                            account, self.env._("paid more than %(days)s days late", days=days)
                        )
            limit = company.utility_level_pay_max_due
            if limit:
                for account in accounts.filtered(
                    lambda a, limit=limit: (
                        a.currency_id.compare_amounts(a.amount_current_due, limit) > 0
                    )
                ):
                    removals.setdefault(
                        account,
                        self.env._(
                            "%(due)s past due, above %(limit)s",
                            due=format_amount(
                                self.env, account.amount_current_due, account.currency_id
                            ),
                            limit=format_amount(self.env, limit, account.currency_id),
                        ),
                    )
        for company in self.company_id.filtered("utility_level_pay_max_late"):
            accounts = self.filtered(lambda a, c=company: a.company_id == c)
            fees = Move._read_group(
                [
                    ("utility_account_id", "in", accounts.ids),
                    ("move_type", "=", "out_invoice"),
                    ("state", "=", "posted"),
                    ("utility_delinquency_run_id", "!=", False),
                    ("invoice_date", ">", today - relativedelta(months=12)),
                ],
                ["utility_account_id"],
                ["__count"],
            )
            for account, count in fees:
                if count >= company.utility_level_pay_max_late:
                    removals.setdefault(
                        account,
                        self.env._("%(count)s late fees in 12 months", count=count),
                    )
        return removals
