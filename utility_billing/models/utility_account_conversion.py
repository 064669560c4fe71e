# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class UtilityAccount(models.Model):
    _inherit = "utility.account"  # pylint: disable=consider-merging-classes-inherited

    conversion_batch_id = fields.Many2one(
        "utility.conversion.batch",
        string="Converted By",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The conversion that brought this account from the legacy system.",
    )
