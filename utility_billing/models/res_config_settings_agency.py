# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"  # pylint: disable=consider-merging-classes-inherited

    utility_agency_min_days = fields.Integer(
        related="company_id.utility_agency_min_days", readonly=False
    )
    utility_agency_min_balance = fields.Monetary(
        related="company_id.utility_agency_min_balance", readonly=False
    )
    utility_agency_closed_only = fields.Boolean(
        related="company_id.utility_agency_closed_only", readonly=False
    )
    utility_agency_recall_user_id = fields.Many2one(
        related="company_id.utility_agency_recall_user_id", readonly=False
    )
