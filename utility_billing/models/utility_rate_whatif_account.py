# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class UtilityRateWhatifAccount(models.Model):
    """One of the accounts whose year changes most under the proposed rates."""

    _name = "utility.rate.whatif.account"
    _description = "Rate What-If Account"
    _inherit = ["utility.rate.whatif.line.mixin"]
    _order = "whatif_id, id"

    account_id = fields.Many2one("utility.account", readonly=True, index=True)
    partner_id = fields.Many2one(related="account_id.partner_id", string="Customer")
    customer_class = fields.Many2one(related="account_id.customer_class")
    bill_count = fields.Integer(string="Bills", readonly=True)
    amount_billed = fields.Monetary(string="Billed", readonly=True)
