# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"  # pylint: disable=consider-merging-classes-inherited

    utility_leak_flow_hours = fields.Integer(
        related="company_id.utility_leak_flow_hours", readonly=False
    )
    utility_leak_flow_min_per_hour = fields.Float(
        related="company_id.utility_leak_flow_min_per_hour", readonly=False
    )
    utility_leak_jump_days = fields.Integer(
        related="company_id.utility_leak_jump_days", readonly=False
    )
    utility_leak_jump_factor = fields.Float(
        related="company_id.utility_leak_jump_factor", readonly=False
    )
    utility_leak_jump_min_gallons = fields.Float(
        related="company_id.utility_leak_jump_min_gallons", readonly=False
    )
    utility_leak_baseline_days = fields.Integer(
        related="company_id.utility_leak_baseline_days", readonly=False
    )
    utility_leak_call_user_id = fields.Many2one(
        related="company_id.utility_leak_call_user_id", readonly=False
    )
