# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"  # pylint: disable=consider-merging-classes-inherited

    utility_arrangement_limit_csr = fields.Integer(
        related="company_id.utility_arrangement_limit_csr", readonly=False
    )
    utility_arrangement_limit_billing = fields.Integer(
        related="company_id.utility_arrangement_limit_billing", readonly=False
    )
    utility_arrangement_limit_supervisor = fields.Integer(
        related="company_id.utility_arrangement_limit_supervisor", readonly=False
    )
    utility_arrangement_period = fields.Selection(
        related="company_id.utility_arrangement_period", readonly=False
    )
    utility_arrangement_grace_days = fields.Integer(
        related="company_id.utility_arrangement_grace_days", readonly=False
    )
    utility_arrangement_refuse_disconnected = fields.Boolean(
        related="company_id.utility_arrangement_refuse_disconnected", readonly=False
    )
    utility_arrangement_hold_late_fees = fields.Boolean(
        related="company_id.utility_arrangement_hold_late_fees", readonly=False
    )
    utility_arrangement_broken_action = fields.Selection(
        related="company_id.utility_arrangement_broken_action", readonly=False
    )
