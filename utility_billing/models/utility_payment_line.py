# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class UtilityPaymentLine(models.Model):
    """What one payment pays: a utility account, or a miscellaneous receipt
    (permit, sales-tax return, other city fee) posted to its own account."""

    _name = "utility.payment.line"
    _inherit = ["utility.locked.fields.mixin"]
    _description = "Utility Payment Line"
    _order = "payment_id, sequence, id"
    _check_company_auto = True

    payment_id = fields.Many2one("utility.payment", required=True, ondelete="cascade", index=True)
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(
        related="payment_id.company_id", store=True, precompute=True, index=True
    )
    currency_id = fields.Many2one(related="payment_id.currency_id")
    account_id = fields.Many2one(
        "utility.account", string="Utility Account", index="btree_not_null", check_company=True
    )
    misc_type_id = fields.Many2one(
        "utility.misc.receipt.type", string="Receipt Type", check_company=True
    )
    name = fields.Char(string="Description")
    amount = fields.Monetary(required=True)
    amount_credit = fields.Monetary(
        string="Left as Credit",
        readonly=True,
        help="Part of the amount no open charge took: it stays on the account as a credit.",
    )

    @api.constrains("account_id", "misc_type_id", "amount")
    def _check_target(self):
        for line in self:
            if bool(line.account_id) == bool(line.misc_type_id):
                raise ValidationError(
                    self.env._(
                        "A payment line pays either a utility account or a miscellaneous "
                        "receipt type, not both and not neither."
                    )
                )
            if line.currency_id.compare_amounts(line.amount, 0) <= 0:
                raise ValidationError(
                    self.env._(
                        "A payment line must be a positive amount (%(amount)s).", amount=line.amount
                    )
                )

    # ------------------------------------------------------------------
    # Posted means posted (utility.locked.fields.mixin)
    # ------------------------------------------------------------------
    def _get_action_fields(self):
        return super()._get_action_fields() | {"amount_credit"}

    def _get_locked_records(self):
        return super()._get_locked_records() | self.filtered(
            lambda line: line.payment_id.state != "draft"
        )

    def _get_action_fields_message(self, names, creating=False):
        return self.env._("What a payment left as credit is written when it posts.")

    def _get_locked_message(self, names=()):
        return self.env._(
            "The lines of a posted payment cannot be changed or deleted: void the payment "
            "or return it instead."
        )
