# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The bank deposit a closed cashier session went to."""

from odoo import fields, models


class UtilityCashierSession(models.Model):
    _inherit = "utility.cashier.session"  # pylint: disable=consider-merging-classes-inherited

    deposit_id = fields.Many2one(
        "utility.deposit",
        string="Bank Deposit",
        readonly=True,
        copy=False,
        index="btree_not_null",
        check_company=True,
        tracking=True,
    )
