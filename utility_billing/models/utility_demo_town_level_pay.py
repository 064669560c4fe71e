# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Level pay in the demo town: the households on level pay have their plans as
they stood before the town's history was converted; on the North Side, billed
this month, the true-up of every other plan is due today; the others are
mid-year, their review due today (SMUD's 4th and 8th months)."""

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models


class UtilityDemoTown(models.AbstractModel):
    _inherit = "utility.demo.town"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _generate_level_pay(self):
        """The households the town flags as level pay get their plan as it stood
        (a history fixture: enrolled before the conversion); the true-up of the
        North Side ones is due today. A flagged account never billed is taken
        off the plan (no history)."""
        accounts = self.env["utility.account"].search(
            [("is_level_pay", "=", True), ("level_pay_amount", "=", 0.0)]
        )
        today = fields.Date.context_today(self)
        north = self.env.ref("utility_billing.billing_cycle_north")
        bills = self.env["account.move"].search(
            [
                ("utility_account_id", "in", accounts.ids),
                ("utility_bill_kind", "=", "cycle"),
                ("state", "=", "posted"),
            ],
            order="invoice_date desc",
        )
        last = {}
        for bill in bills:
            last.setdefault(bill.utility_account_id.id, bill)
        north_plans = 0
        for account in accounts:
            bill = last.get(account.id)
            if not bill:
                account.sudo().write({"is_level_pay": False})
                continue
            # Every other North Side plan is mid-year: its review is due today.
            true_up_today = account.cycle_id == north and not north_plans % 2
            north_plans += account.cycle_id == north
            account.sudo().write(
                {
                    "level_pay_amount": account.currency_id.round(bill.amount_total * 0.85),
                    "level_pay_date_start": bill.invoice_date,
                    "level_pay_date_true_up": today
                    if true_up_today
                    else today + relativedelta(months=6),
                    "level_pay_date_review": False if true_up_today else today,
                }
            )
        return accounts
