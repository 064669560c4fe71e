# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class UtilityPayment(models.Model):
    _inherit = "utility.payment"  # pylint: disable=consider-merging-classes-inherited

    deposit_id = fields.Many2one(
        "utility.deposit",
        string="Bank Deposit",
        readonly=True,
        copy=False,
        index="btree_not_null",
        check_company=True,
        help="The bank deposit that took this payment's cash or check to the bank.",
    )

    def _get_action_fields(self):
        # Written by the deposit's actions only (Add Closed Sessions, Cancel).
        return super()._get_action_fields() | {"deposit_id"}
