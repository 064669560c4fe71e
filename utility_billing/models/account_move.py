# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    utility_account_id = fields.Many2one(
        "utility.account",
        index="btree_not_null",
        copy=False,
        readonly=True,
        check_company=True,
        help="Customer account of the utility this bill, payment or adjustment belongs to.",
    )


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    # Stored so an account's balance is one grouped query on the ledger.
    utility_account_id = fields.Many2one(
        related="move_id.utility_account_id",
        store=True,
        index="btree_not_null",
        precompute=True,
    )
