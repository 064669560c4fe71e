# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class UtilityAccountService(models.Model):
    _inherit = "utility.account.service"  # pylint: disable=consider-merging-classes-inherited

    suspension_ids = fields.One2many(
        "utility.service.suspension", "service_id", string="Suspensions"
    )
