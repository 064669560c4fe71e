# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models

from ..lib import work_orders


class ResCompany(models.Model):
    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

    def _get_utility_field_fee(self, account, fee_code, moment):
        """A low-income account's reconnect fee is capped where the law says so
        (California Health and Safety Code 116914: $50 during business hours,
        $150 after hours; Settings > Shut-offs)."""
        code, amount = super()._get_utility_field_fee(account, fee_code, moment)
        if account.discount_program != "low_income" or not code.startswith(
            work_orders.BUSINESS_HOURS
        ):
            return code, amount
        cap = (
            self.utility_reconnect_cap_low_income
            if code == work_orders.BUSINESS_HOURS
            else self.utility_reconnect_cap_low_income_after_hours
        )
        if cap and self.currency_id.compare_amounts(amount, cap) > 0:
            return code, cap
        return code, amount

    def _get_utility_reconnect_fee(self, account, day):
        """The reconnect fee ``account`` pays up front with its shut-off amount: the
        business-hours fee of ``day`` (capped for a low-income account)."""
        self.ensure_one()
        schedule = self.utility_field_fee_schedule_id
        if not schedule:
            return 0.0
        amount = schedule._fee_amount(
            work_orders.BUSINESS_HOURS, day, customer_class=account.customer_class.code or None
        )
        amount = float(amount or 0.0)
        cap = self.utility_reconnect_cap_low_income
        if account.discount_program == "low_income" and cap:
            amount = min(amount, cap)
        return self.currency_id.round(amount)
