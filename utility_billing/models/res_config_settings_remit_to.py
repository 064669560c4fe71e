# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"  # pylint: disable=consider-merging-classes-inherited

    utility_remit_to_name = fields.Char(related="company_id.utility_remit_to_name", readonly=False)
    utility_remit_to_address = fields.Text(
        related="company_id.utility_remit_to_address", readonly=False
    )
