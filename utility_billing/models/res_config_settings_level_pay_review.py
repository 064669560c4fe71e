# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"  # pylint: disable=consider-merging-classes-inherited

    utility_level_pay_review_interval = fields.Integer(
        related="company_id.utility_level_pay_review_interval", readonly=False
    )
    utility_level_pay_review_percent = fields.Float(
        related="company_id.utility_level_pay_review_percent", readonly=False
    )
    utility_level_pay_late_days = fields.Integer(
        related="company_id.utility_level_pay_late_days", readonly=False
    )
    utility_level_pay_max_late = fields.Integer(
        related="company_id.utility_level_pay_max_late", readonly=False
    )
    utility_level_pay_max_due = fields.Monetary(
        related="company_id.utility_level_pay_max_due", readonly=False
    )
