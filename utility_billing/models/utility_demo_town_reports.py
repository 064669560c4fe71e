# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Reports in the demo town: today's aged receivables by service, computed, so
Reporting > Aged Receivables by Service opens on the town's open bills."""

from odoo import api, fields, models


class UtilityDemoTown(models.AbstractModel):
    _inherit = "utility.demo.town"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _generate_reports(self):
        """Compute today's aging (after the bills, payments and fees are posted)."""
        if not self.env["account.move"].search_count(
            [("state", "=", "posted"), ("utility_account_id", "!=", False)], limit=1
        ):
            return False
        aging = self.env["utility.receivable.aging"].create(
            {"date_aging": fields.Date.context_today(self)}
        )
        aging.action_compute()
        return aging
