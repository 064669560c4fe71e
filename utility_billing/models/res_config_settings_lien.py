# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"  # pylint: disable=consider-merging-classes-inherited

    utility_lien_min_age_days = fields.Integer(
        related="company_id.utility_lien_min_age_days", readonly=False
    )
    utility_lien_notice_days = fields.Integer(
        related="company_id.utility_lien_notice_days", readonly=False
    )
    utility_lien_propose_days = fields.Integer(
        related="company_id.utility_lien_propose_days", readonly=False
    )
    utility_lien_propose_min_balance = fields.Monetary(
        related="company_id.utility_lien_propose_min_balance", readonly=False
    )
