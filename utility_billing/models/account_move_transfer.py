# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class AccountMove(models.Model):
    _inherit = "account.move"  # pylint: disable=consider-merging-classes-inherited

    utility_transfer_account_id = fields.Many2one(
        "utility.account",
        string="Balance Transferred From",
        index="btree_not_null",
        copy=False,
        readonly=True,
        help="The utility account whose balance this entry moved to another account.",
    )
