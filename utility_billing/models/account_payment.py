# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class AccountPayment(models.Model):
    _inherit = "account.payment"

    utility_account_id = fields.Many2one(
        "utility.account",
        index="btree_not_null",
        copy=False,
        readonly=True,
        check_company=True,
        help="The utility account this refund pays a credit of back.",
    )
