# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Vacation garbage in the demo town: three snowbirds suspended
their garbage for six weeks from the day after their last bill; the next bills
charge the days the carts were collected."""

from datetime import timedelta

from odoo import api, models

SUSPENSION_DAYS = 45


class UtilityDemoTown(models.AbstractModel):
    _inherit = "utility.demo.town"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _generate_suspensions(self):
        garbage = self.env.ref("utility_billing.service_type_garbage")
        services = self.env["utility.account.service"].search(
            [
                ("service_type_id", "=", garbage.id),
                ("state", "=", "active"),
                ("account_id.state", "=", "active"),
                ("account_id.move_ids", "!=", False),
            ],
            order="id desc",
            limit=3,
        )
        if not services:
            return self.env["utility.service.suspension"]
        last_billed = dict(
            self.env["utility.service.period"]._read_group(
                [("service_id", "in", services.ids), ("state", "=", "billed")],
                ["service_id"],
                ["date_to:max"],
            )
        )
        return (
            self.env["utility.service.suspension"]
            .with_user(self._demo_csr_user())
            .create(
                [
                    {
                        "service_id": service.id,
                        "date_from": last_billed[service] + timedelta(days=1),
                        "date_to": last_billed[service] + timedelta(days=1 + SUSPENSION_DAYS),
                        "reason": "Snowbird: away for the winter, carts stored in the garage.",
                    }
                    for service in services
                    if service in last_billed
                ]
            )
        )
