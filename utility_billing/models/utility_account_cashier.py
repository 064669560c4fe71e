# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class UtilityAccount(models.Model):
    _inherit = "utility.account"  # pylint: disable=consider-merging-classes-inherited

    def action_take_payment(self):
        """Open the counter on these accounts, each with its balance due."""
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "utility_billing.utility_payment_receive_action"
        )
        action["context"] = {"active_model": "utility.account", "active_ids": self.ids}
        return action
