# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models
from odoo.exceptions import UserError
from odoo.tools import format_amount, format_date

ENROLLMENT_TEMPLATE = "utility_billing.mail_template_utility_level_pay_enrollment"
TRUE_UP_TEMPLATE = "utility_billing.mail_template_utility_level_pay_true_up"


class UtilityAccount(models.Model):
    """Level-pay letters: the enrollment (the installment, how it was computed,
    the true-up date) and the true-up (the new installment, the deferred balance
    settled or spread). Pasco, WA 3.65.170: the customer is told the budget amount
    and must adjust an autopay to it."""

    _inherit = "utility.account"  # pylint: disable=consider-merging-classes-inherited

    def _get_level_pay_letter_values(self):
        """:return: {account id: dict} of what the level-pay letters say, formatted."""
        self.check_access("read")
        methods = dict(
            self.env["res.company"]
            ._fields["utility_level_pay_method"]
            ._description_selection(self.env)
        )
        values = {}
        for account in self.sudo():
            currency = account.currency_id
            company = account.company_id
            spread = company.utility_level_pay_true_up == "spread"
            values[account.id] = {
                "account": account,
                "company": company,
                "date": format_date(self.env, account.level_pay_date_start),
                "installment": format_amount(self.env, account.level_pay_amount, currency),
                "method": methods.get(company.utility_level_pay_method, ""),
                "true_up": format_date(self.env, account.level_pay_date_true_up),
                "review": format_date(self.env, account.level_pay_date_review),
                "deferred": format_amount(self.env, account.amount_deferred, currency),
                "carry": format_amount(self.env, account.level_pay_carry, currency),
                "is_spread": spread,
            }
        return values

    def _send_level_pay_letter(self, template_xmlid):
        self._check_letter_sender(self.env._("Only customer service staff send level pay letters."))
        off = self.filtered(lambda a: not a.is_level_pay)
        if off:
            raise UserError(
                self.env._(
                    "Level pay letters are for accounts on level pay:\n%(accounts)s",
                    accounts="\n".join(f"- {name}" for name in off.mapped("display_name")),
                )
            )
        return self._send_letter(template_xmlid)

    def action_send_level_pay_enrollment_letter(self):
        return self._send_level_pay_letter(ENROLLMENT_TEMPLATE)

    def action_send_level_pay_true_up_letter(self):
        return self._send_level_pay_letter(TRUE_UP_TEMPLATE)
