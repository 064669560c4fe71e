# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class UtilityWorkOrder(models.Model):
    _inherit = "utility.work.order"  # pylint: disable=consider-merging-classes-inherited

    def _get_door_hanger_notices(self):
        return (
            self.env["utility.collection.notice"]
            .sudo()
            .search([("work_order_id", "in", self.ids), ("kind", "=", "door_hanger")])
        )

    def _apply_door_hanger(self, moment):
        """A door hanger of a delinquency run bears the run's door-hanger fee
        (charged once, by the run's rule); a door hanger ordered by hand bills
        the fee schedule's fee on completion as before."""
        if self._get_door_hanger_notices():
            return
        super()._apply_door_hanger(moment)

    def _apply_disconnect(self, moment):
        """Where the city charges the door-hanger fee only when a shut-off
        follows, the shut-off charges the fee of the account's door hangers."""
        super()._apply_disconnect(moment)
        if self.company_id.utility_door_hanger_fee_always or not self.account_id:
            return
        hangers = (
            self.env["utility.collection.notice"]
            .sudo()
            .search(
                [
                    ("account_id", "=", self.account_id.id),
                    ("kind", "=", "door_hanger"),
                    ("state", "=", "sent"),
                    ("fee_move_id", "=", False),
                ]
            )
        )
        hangers._post_door_hanger_fees()
