# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class UtilityCustomerDeposit(models.Model):
    _inherit = "utility.customer.deposit"  # pylint: disable=consider-merging-classes-inherited

    conversion_batch_id = fields.Many2one(
        "utility.conversion.batch",
        string="Converted By",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="A deposit the customer paid in the legacy system: held here without new "
        "cash (the conversion's entry credits Customer Deposits).",
    )

    def _compute_amount_paid(self):
        # A converted deposit was paid in the legacy system: there is no
        # deposit charge here to read the payment from.
        converted = self.filtered(lambda d: d.conversion_batch_id and not d.move_ids)
        for deposit in converted:
            deposit.amount_paid = deposit.amount
        return super(UtilityCustomerDeposit, self - converted)._compute_amount_paid()
