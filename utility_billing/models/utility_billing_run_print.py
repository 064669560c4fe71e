# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class UtilityBillingRun(models.Model):
    _inherit = "utility.billing.run"  # pylint: disable=consider-merging-classes-inherited

    def action_print_bills(self):
        """Print every bill of the run: the batch print of the bills (mail pile,
        special handling, print vendor file, paperless e-mails)."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "utility_billing.utility_bill_print_action"
        )
        action["context"] = {
            "active_model": self._name,
            "active_id": self.id,
            "active_ids": self.ids,
        }
        return action
