# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class UtilityAccountService(models.Model):
    _inherit = "utility.account.service"  # pylint: disable=consider-merging-classes-inherited

    # Shut off for non-payment by a completed disconnect order: not billed (like a
    # suspended service) until a reconnect order turns it back on; usage on it is
    # flagged by the read edits.
    state = fields.Selection(
        selection_add=[("disconnected", "Disconnected"), ("stopped",)],
        ondelete={"disconnected": "set default"},
    )

    def action_new_work_order(self):
        """A work order for this service (carts, a meter), from the service form."""
        self.ensure_one()
        return self.env["utility.work.order"]._get_new_action(
            {
                "default_account_id": self.account_id.id,
                "default_premise_id": self.location_id.id,
                "default_service_id": self.id,
                "default_meter_id": self.meter_id.id,
                "default_cart_count_done": self.cart_count,
                "default_cart_size_done": self.cart_size.id,
            }
        )
