# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"  # pylint: disable=consider-merging-classes-inherited

    utility_level_pay_method = fields.Selection(
        related="company_id.utility_level_pay_method", readonly=False
    )
    utility_level_pay_percent = fields.Float(
        related="company_id.utility_level_pay_percent", readonly=False
    )
    utility_level_pay_min_bills = fields.Integer(
        related="company_id.utility_level_pay_min_bills", readonly=False
    )
    utility_level_pay_true_up = fields.Selection(
        related="company_id.utility_level_pay_true_up", readonly=False
    )
