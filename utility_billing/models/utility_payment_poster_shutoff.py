# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class UtilityPaymentPoster(models.AbstractModel):
    _inherit = "utility.payment.poster"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _post(self, payments):
        """The shut-off lists waiting for the accounts count the payment (an
        account that paid its shut-off amount drops off), in the payment's
        transaction and before the disconnect orders are looked at, so a line
        whose order the payment cancels still shows what was paid."""
        self.env["utility.shutoff.line"]._on_payments_posted(payments)
        return super()._post(payments)
