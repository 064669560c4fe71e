# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class UtilityPaymentPoster(models.AbstractModel):
    _inherit = "utility.payment.poster"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _post(self, payments):
        """After posting: the notices of an account no longer past due are
        withdrawn (a notice is removed when payment is received)."""
        payments = super()._post(payments)
        self.env["utility.collection.notice"]._on_payments_posted(payments)
        return payments
