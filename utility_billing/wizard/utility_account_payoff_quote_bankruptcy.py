# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import format_amount, format_date


class UtilityAccountPayoffQuote(models.TransientModel):
    """A trustee's payoff quote shows the balance billed split at the petition
    date (``utility.account`` amount_pre_petition / amount_post_petition)."""

    _inherit = "utility.account.payoff.quote"  # pylint: disable=consider-merging-classes-inherited

    date_petition = fields.Date(related="account_id.date_petition")
    amount_pre_petition = fields.Monetary(
        string="Of Which Pre-petition", compute="_compute_petition_split"
    )
    amount_post_petition = fields.Monetary(
        string="Of Which Post-petition", compute="_compute_petition_split"
    )

    @api.depends("account_id")
    def _compute_petition_split(self):
        for wizard in self:
            account = wizard.account_id.sudo()
            wizard.amount_pre_petition = account.amount_pre_petition
            wizard.amount_post_petition = account.amount_post_petition

    def _get_report_values(self):
        values = super()._get_report_values()
        account = self.account_id.sudo()
        if account.date_petition:
            currency = account.currency_id
            values.update(
                {
                    "date_petition": format_date(self.env, account.date_petition),
                    "pre_petition": format_amount(self.env, account.amount_pre_petition, currency),
                    "post_petition": format_amount(
                        self.env, account.amount_post_petition, currency
                    ),
                }
            )
        return values
