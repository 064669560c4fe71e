# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Additional deposits in the demo town: renters with three bills paid late in
a year, or disconnected for nonpayment, owe the renters' deposit they never
paid (Riverton, IL); the daily check has proposed it on their accounts."""

from odoo import api, models


class UtilityDemoTown(models.AbstractModel):
    _inherit = "utility.demo.town"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _generate_extra_deposits(self):
        Rule = self.env["utility.deposit.rule"]
        rules = Rule.search(Rule._check_company_domain(self.env.company))
        rules.write({"extra_late_count": 3, "extra_window_months": 12})
        rules.filtered(lambda r: r.method == "flat").is_extra_on_disconnect = True
        return self.env["utility.account"]._cron_propose_extra_deposits()
