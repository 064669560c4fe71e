# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class UtilityPaymentPoster(models.AbstractModel):
    _inherit = "utility.payment.poster"

    @api.model
    def _post(self, payments):
        """After posting: a paid shut-off amount cancels the account's disconnect
        order, and a paid-up account's reconnect order goes out."""
        payments = super()._post(payments)
        self.env["utility.work.order"]._on_payments_posted(payments)
        return payments
