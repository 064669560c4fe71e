# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class AccountMove(models.Model):
    _inherit = "account.move"  # pylint: disable=consider-merging-classes-inherited

    utility_bill_kind = fields.Selection(
        selection_add=[("deposit", "Deposit")], ondelete={"deposit": "set null"}
    )
    utility_deposit_id = fields.Many2one(
        "utility.customer.deposit",
        string="Customer Deposit",
        index="btree_not_null",
        copy=False,
        readonly=True,
        help="The customer deposit this charge bills or this entry applies.",
    )
