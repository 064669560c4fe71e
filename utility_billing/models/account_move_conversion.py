# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class AccountMove(models.Model):
    _inherit = "account.move"  # pylint: disable=consider-merging-classes-inherited

    utility_bill_kind = fields.Selection(
        selection_add=[("conversion", "Opening Balance")],
        ondelete={"conversion": "set null"},
    )
    utility_conversion_batch_id = fields.Many2one(
        "utility.conversion.batch",
        string="Conversion Batch",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The conversion that brought this opening balance or these deposits from "
        "the legacy system.",
    )
