# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models.utility_payment_return import COUNTED_REASONS, RETURN_REASONS


class UtilityPaymentReturn(models.TransientModel):
    """Return payments the bank sent back (a bounced check, a disputed debit).

    The money is reversed and the bills owed again; the returned payment fee is
    billed unless unticked; the customer gets the NSF notice.
    """

    _name = "utility.payment.return"
    _description = "Return Payments"

    payment_ids = fields.Many2many(
        "utility.payment",
        string="Payments",
        required=True,
        default=lambda self: self._default_payment_ids(),
    )
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company)
    currency_id = fields.Many2one(related="company_id.currency_id")
    amount_total = fields.Monetary(compute="_compute_amount_total", string="Total Returned")
    reason = fields.Selection(RETURN_REASONS, required=True, default="nsf")
    date_returned = fields.Date(
        string="Returned On", required=True, default=fields.Date.context_today
    )
    is_fee = fields.Boolean(
        string="Bill the Returned Payment Fee",
        compute="_compute_is_fee",
        store=True,
        readonly=False,
        precompute=True,
    )
    amount_fee = fields.Monetary(
        string="Fees", compute="_compute_amount_fee", help="Returned payment fees to bill."
    )
    note = fields.Char(string="Bank's Note")

    @api.model
    def _default_payment_ids(self):
        if self.env.context.get("active_model") == "utility.payment":
            return [fields.Command.set(self.env.context.get("active_ids") or [])]
        return []

    @api.depends("payment_ids.amount")
    def _compute_amount_total(self):
        for wizard in self:
            wizard.amount_total = sum(wizard.payment_ids.mapped("amount"))

    @api.depends("payment_ids", "date_returned", "is_fee")
    def _compute_amount_fee(self):
        for wizard in self:
            total = 0.0
            for payment in wizard.payment_ids if wizard.is_fee else []:
                account = payment._get_return_fee_account()
                if account:
                    total += payment.company_id._get_utility_nsf_fee(
                        account, wizard.date_returned or fields.Date.context_today(wizard)
                    )
            wizard.amount_fee = total

    @api.depends("reason")
    def _compute_is_fee(self):
        for wizard in self:
            wizard.is_fee = wizard.reason in COUNTED_REASONS

    def action_confirm(self):
        self.ensure_one()
        if not self.payment_ids:
            raise UserError(self.env._("Select the payments to return."))
        self.payment_ids._return_payments(
            self.reason,
            date_returned=self.date_returned,
            note=self.note,
            charge_fee=self.is_fee,
        )
        if len(self.payment_ids) == 1:
            return {
                "type": "ir.actions.act_window",
                "res_model": "utility.payment",
                "res_id": self.payment_ids.id,
                "views": [(False, "form")],
            }
        return {"type": "ir.actions.act_window_close"}
