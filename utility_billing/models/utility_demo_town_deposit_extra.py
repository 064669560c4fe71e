# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Additional deposits in the demo town: renters with three bills paid late in
a year, or disconnected for nonpayment (the house the collections demo shut
off), owe the deposit of their rule less what they hold (Riverton, IL); owners
with two late bills in a year owe the monthly average, at least $100 (their own
rule). The daily check and the disconnect proposed them on their accounts."""

from odoo import api, models


class UtilityDemoTown(models.AbstractModel):
    _inherit = "utility.demo.town"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _generate_extra_deposits(self):
        Rule = self.env["utility.deposit.rule"]
        rules = Rule.search(Rule._check_company_domain(self.env.company))
        rules.write({"extra_late_count": 3, "extra_window_months": 12})
        rules.is_extra_on_disconnect = True
        renters = rules.filtered(lambda r: r.method == "flat")[:1]
        if not renters:
            return self.env["utility.account"]._cron_propose_extra_deposits()
        # Owners: the monthly average, at least $100 (Riverton), asked again
        # after two late bills in a year.
        owners = Rule.create(
            {
                "name": "Residential owners, delinquent",
                "tenancy": "owner",
                "method": "average_bill",
                "multiplier": 1.0,
                "amount": 100.0,
                "extra_late_count": 2,
                "extra_window_months": 12,
            }
        )
        owners.customer_class = renters.customer_class
        # The house shut off for nonpayment (the collections demo) is asked one too.
        disconnected = (
            self.env["utility.account.service"].search([("state", "=", "disconnected")]).account_id
        )
        return (
            disconnected._propose_disconnect_deposits()
            | self.env["utility.account"]._cron_propose_extra_deposits()
        )
