# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class UtilityAccountPayoffQuote(models.TransientModel):
    """A trustee's payoff quote shows the balance billed split at the petition
    date, an executor's at the date of death; both splits come from
    ``utility.account._get_open_balance_split``, as on the status letter."""

    _inherit = "utility.account.payoff.quote"  # pylint: disable=consider-merging-classes-inherited

    date_petition = fields.Date(related="account_id.date_petition")
    is_estate = fields.Boolean(related="account_id.is_estate")
    date_of_death = fields.Date(related="account_id.date_of_death")
    amount_pre_petition = fields.Monetary(
        string="Of Which Pre-petition", compute="_compute_petition_split"
    )
    amount_post_petition = fields.Monetary(
        string="Of Which Post-petition", compute="_compute_petition_split"
    )
    amount_before_death = fields.Monetary(
        string="Of Which Billed Before Death", compute="_compute_petition_split"
    )
    amount_after_death = fields.Monetary(
        string="Of Which Billed After Death", compute="_compute_petition_split"
    )

    @api.depends("account_id")
    def _compute_petition_split(self):
        for wizard in self:
            account = wizard.account_id.sudo()
            wizard.amount_pre_petition = account.amount_pre_petition
            wizard.amount_post_petition = account.amount_post_petition
            wizard.amount_before_death = account.amount_before_death
            wizard.amount_after_death = account.amount_after_death

    def _get_report_values(self):
        values = super()._get_report_values()
        account = self.account_id
        values["split"] = account._get_balance_split_values()[account.id]
        values["addressee"] = account._get_letter_addressee()
        if account.sudo().is_estate and not values["requested_by"]:
            values["requested_by"] = values["addressee"]["name"]
        return values
