# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"  # pylint: disable=consider-merging-classes-inherited

    utility_deposit_account_id = fields.Many2one(
        related="company_id.utility_deposit_account_id", readonly=False
    )
    utility_deposit_interest_account_id = fields.Many2one(
        related="company_id.utility_deposit_interest_account_id", readonly=False
    )
    utility_deposit_refund_months = fields.Integer(
        related="company_id.utility_deposit_refund_months", readonly=False
    )
    utility_deposit_max_late = fields.Integer(
        related="company_id.utility_deposit_max_late", readonly=False
    )
    utility_deposit_min_refund = fields.Monetary(
        related="company_id.utility_deposit_min_refund", readonly=False
    )
