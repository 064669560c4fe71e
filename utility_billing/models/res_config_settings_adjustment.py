# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"  # pylint: disable=consider-merging-classes-inherited

    utility_adjust_limit_csr = fields.Monetary(
        related="company_id.utility_adjust_limit_csr", readonly=False
    )
    utility_adjust_limit_billing = fields.Monetary(
        related="company_id.utility_adjust_limit_billing", readonly=False
    )
    utility_adjust_limit_supervisor = fields.Monetary(
        related="company_id.utility_adjust_limit_supervisor", readonly=False
    )
    utility_adjust_limit_second = fields.Monetary(
        related="company_id.utility_adjust_limit_second", readonly=False
    )
