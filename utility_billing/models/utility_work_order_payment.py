# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A payment undone (voided, returned by the bank) reopens the disconnect it
cancelled."""

from odoo import Command, api, fields, models
from odoo.tools import format_amount


class UtilityWorkOrder(models.Model):
    _inherit = "utility.work.order"  # pylint: disable=consider-merging-classes-inherited

    payment_ids = fields.Many2many(
        "utility.payment",
        "utility_work_order_payment_rel",
        "order_id",
        "payment_id",
        string="Payments Counted",
        groups="utility_billing.group_utility_cashier",
        readonly=True,
        copy=False,
        help="The payments that counted towards the shut-off amount of this disconnect.",
    )
    is_cancelled_by_payment = fields.Boolean(
        string="Cancelled by Payment",
        readonly=True,
        copy=False,
        help="The account paid the shut-off amount: a void or a return of the payment "
        "sends the order out again.",
    )

    @api.model
    def _on_payments_undone(self, payments, how):
        """The payments no longer count: take them off the disconnects they were
        counted on; a disconnect they cancelled goes back on the crew's list when
        the shut-off amount is no longer paid.

        The order is not reopened when the account is no longer active (moved out,
        closed) or already has another disconnect out: the office decides then.

        :param how: what happened to the payments, for the chatter ("voided",
            "returned by the bank")
        :return: the orders reopened
        """
        orders = self.sudo().search(
            [("payment_ids", "in", payments.ids), ("kind", "=", "disconnect")]
        )
        if not orders:
            return self.browse()
        # Lock them: a payment posting now waits, then counts on the new amount.
        self.env.cr.execute(
            "SELECT id FROM utility_work_order WHERE id = ANY(%s) FOR UPDATE", [orders.ids]
        )
        orders.invalidate_recordset(["state", "amount_paid", "payment_ids"])
        others = self.sudo().search(
            [
                ("account_id", "in", orders.account_id.ids),
                ("kind", "=", "disconnect"),
                ("state", "in", ("open", "hold")),
                ("id", "not in", orders.ids),
            ]
        )
        today = fields.Date.context_today(self)
        reopened = self.browse()
        for order in orders:
            undone = payments & order.payment_ids
            lines = undone.line_ids.filtered(lambda line, o=order: line.account_id == o.account_id)
            currency = order.currency_id
            paid = currency.round(max(order.amount_paid - sum(lines.mapped("amount")), 0.0))
            order.with_context(utility_work_order_action=True).write(
                {"amount_paid": paid, "payment_ids": [Command.unlink(p.id) for p in undone]}
            )
            if (
                order.state == "cancelled"
                and order.is_cancelled_by_payment
                and currency.compare_amounts(paid, order.amount_due) < 0
                and order.account_id.state == "active"
                and order.account_id not in others.account_id
            ):
                order._set_state(
                    "open",
                    cancel_reason=False,
                    is_cancelled_by_payment=False,
                    date_scheduled=max(order.date_scheduled or today, today),
                )
                reopened |= order
                body = self.env._(
                    "%(order)s is back on the crew's list: payment %(payment)s was %(how)s and "
                    "the shut-off amount %(due)s is no longer paid (%(paid)s paid).",
                    order=order.name,
                    payment=", ".join(undone.mapped("display_name")),
                    how=how,
                    due=format_amount(self.env, order.amount_due, currency),
                    paid=format_amount(self.env, paid, currency),
                )
                order.message_post(body=body)
                order.account_id.message_post(body=body)
        return reopened.with_env(self.env)
