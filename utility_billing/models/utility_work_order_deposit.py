# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class UtilityWorkOrder(models.Model):
    _inherit = "utility.work.order"  # pylint: disable=consider-merging-classes-inherited

    def _apply_disconnect(self, moment):
        """Disconnected for nonpayment: the deposit rule may ask an additional deposit."""
        result = super()._apply_disconnect(moment)
        self.account_id.sudo()._propose_disconnect_deposits()
        return result
