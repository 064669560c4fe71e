# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError


class UtilityPaymentVoid(models.TransientModel):
    """Void payments with a reason. In the cashier's own open session the void is
    done at once; once the session is closed it waits for a supervisor other
    than the one who asks."""

    _name = "utility.payment.void"
    _description = "Void a Payment"

    payment_ids = fields.Many2many("utility.payment", string="Payments", required=True)
    currency_id = fields.Many2one(related="payment_ids.currency_id")
    amount_total = fields.Monetary(string="Amount", compute="_compute_needs_approval")
    needs_approval = fields.Boolean(compute="_compute_needs_approval")
    reason = fields.Text(required=True)

    @api.depends("payment_ids")
    def _compute_needs_approval(self):
        for wizard in self:
            wizard.amount_total = sum(wizard.payment_ids.mapped("amount"))
            wizard.needs_approval = any(
                payment._void_needs_approval() for payment in wizard.payment_ids
            )

    @api.constrains("reason")
    def _check_no_card_number(self):
        self.env["utility.card.number.guard"]._check(
            [(self._fields["reason"].string, wizard.reason) for wizard in self]
        )

    def action_confirm(self):
        self.ensure_one()
        # A payment the user may not read is dropped from the many2many when it
        # is read: voiding "nothing" must not look like a success.
        hidden = self.sudo().payment_ids - self.payment_ids.sudo()
        if hidden or not self.payment_ids:
            raise AccessError(self.env._("You cannot void a payment you are not allowed to see."))
        self.payment_ids._request_void(self.reason)
        return {"type": "ir.actions.act_window_close"}
