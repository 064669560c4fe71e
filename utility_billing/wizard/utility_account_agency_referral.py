# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class UtilityAccountAgencyReferral(models.TransientModel):
    """Refer one account to the collection agency by hand, with the reason (a
    skip, a customer who refused every arrangement...). It only gathers the
    reason: ``utility.agency.referral._refer`` checks and refers."""

    _name = "utility.account.agency.referral"
    _description = "Refer an Account to the Collection Agency"
    _check_company_auto = True

    account_id = fields.Many2one(
        "utility.account", required=True, check_company=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="account_id.company_id")
    currency_id = fields.Many2one(related="account_id.currency_id")
    amount_balance = fields.Monetary(related="account_id.amount_balance", string="Amount")
    reason = fields.Char(required=True)

    def action_refer(self):
        self.ensure_one()
        referral = self.env["utility.agency.referral"]._refer(
            self.account_id,
            fields.Date.context_today(self),
            origin="manual",
            reason=self.reason,
        )
        return self.account_id.action_view_agency_referrals() if referral else True
