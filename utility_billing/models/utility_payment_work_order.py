# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class UtilityPayment(models.Model):
    _inherit = "utility.payment"  # pylint: disable=consider-merging-classes-inherited

    def _void(self, approver=None):
        """A voided payment no longer pays a shut-off amount: the disconnect it
        cancelled goes out again."""
        res = super()._void(approver=approver)
        self.env["utility.work.order"]._on_payments_undone(self, self.env._("voided"))
        return res

    def _return_payments(self, reason, *args, **kwargs):
        """A payment the bank returned no longer pays a shut-off amount either."""
        res = super()._return_payments(reason, *args, **kwargs)
        self.env["utility.work.order"]._on_payments_undone(self, self.env._("returned by the bank"))
        return res
