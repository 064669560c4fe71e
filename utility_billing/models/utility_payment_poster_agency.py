# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class UtilityPaymentPoster(models.AbstractModel):
    _inherit = "utility.payment.poster"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _post(self, payments):
        """After posting: an account at the agency paid in full at the office has
        its referral flagged for the clerk to recall."""
        payments = super()._post(payments)
        accounts = payments.line_ids.account_id
        if accounts:
            self.env["utility.agency.referral"]._flag_paid_in_full(
                accounts, max(payments.mapped("date"))
            )
        return payments
