# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Estates in the demo town: each account flagged as an estate gets its date
of death and an executor with an address, so its letters and payoff quote go
to "Estate of <name>, c/o <executor>"; one estate is still being settled (held
from collections), the other was settled last month.
"""

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models

DEMO_EXECUTORS = (
    ("Margaret Ellison", "220 W Washington St", "Suite 4"),
    ("Thomas Okonkwo", "1418 N Grand Ave", False),
)


class UtilityDemoTown(models.AbstractModel):
    _inherit = "utility.demo.town"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _generate_estates(self):
        """Dates of death and executors of the estate accounts."""
        today = fields.Date.context_today(self)
        estates = self.env["utility.account"].search(
            [("is_estate", "=", True), ("date_of_death", "=", False)], order="name"
        )
        estates = estates[: len(DEMO_EXECUTORS)]
        if not estates:
            return False
        city = self.env.company.partner_id
        executors = self.env["res.partner"].create(
            [
                {
                    "name": name,
                    "street": street,
                    "street2": street2,
                    "city": city.city,
                    "state_id": city.state_id.id,
                    "zip": city.zip,
                    "country_id": city.country_id.id,
                }
                for name, street, street2 in DEMO_EXECUTORS[: len(estates)]
            ]
        )
        for index, (account, executor) in enumerate(zip(estates, executors, strict=True)):
            account.write(
                {
                    "date_of_death": today - relativedelta(days=150 + 30 * index),
                    "executor_partner_id": executor.id,
                    "date_estate_settled": today - relativedelta(days=30) if index else False,
                }
            )
        return estates
