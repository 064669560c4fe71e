# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"  # pylint: disable=consider-merging-classes-inherited
    utility_cash_over_short_account_id = fields.Many2one(
        related="company_id.utility_cash_over_short_account_id", readonly=False
    )
    utility_over_short_tolerance = fields.Monetary(
        related="company_id.utility_over_short_tolerance", readonly=False
    )
    utility_void_approval = fields.Selection(
        related="company_id.utility_void_approval", readonly=False
    )
    utility_receipt_paper = fields.Selection(
        related="company_id.utility_receipt_paper", readonly=False
    )
