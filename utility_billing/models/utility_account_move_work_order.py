# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Move-out and move-in with a crew: the orders they send."""

from datetime import timedelta

from odoo import models
from odoo.exceptions import AccessError, UserError
from odoo.tools import format_date

from .utility_account_lifecycle import BILLING_GROUP


class UtilityAccount(models.Model):
    _inherit = "utility.account"  # pylint: disable=consider-merging-classes-inherited

    def _order_final_read(
        self,
        date_end,
        *,
        forwarding=None,
        settlement="keep",
        transfer_account=None,
        revert_to_owner=False,
        refund_journal=None,
    ):
        """Send a crew for the final read instead of typing it: a final-read order
        on ``date_end`` for the account's meter, keeping the move-out's choices.
        Completing it calls :meth:`_move_out` with the crew's reading.

        Takes ``_move_out``'s arguments, checked now so the crew does not go out
        for a move-out that cannot be made.

        :return: the final-read order (utility.work.order)
        """
        self.ensure_one()
        if not self.env.user.has_group(BILLING_GROUP):
            raise AccessError(
                self.env._(
                    "Only billing specialists stop service: the final bill is a special bill."
                )
            )
        self._check_move_out(date_end, settlement, transfer_account, revert_to_owner)
        meters = self.service_ids.filtered(lambda s: s.meter_id and s.state == "active").meter_id
        problems = []
        if len(meters) != 1:
            problems.append(
                self.env._(
                    "A crew reads one meter per order and %(account)s has %(count)s: enter "
                    "the final readings now instead.",
                    account=self.name,
                    count=len(meters),
                )
            )
        Order = self.env["utility.work.order"]
        waiting = Order.search(
            [("account_id", "=", self.id), ("is_move_out", "=", True), ("state", "=", "open")]
        )
        if waiting:
            problems.append(
                self.env._(
                    "A crew is already going out for the final read: %(order)s.",
                    order=waiting[0].name,
                )
            )
        if problems:
            raise UserError(
                self.env._(
                    "No final read was ordered:\n%(problems)s",
                    problems="\n".join(f"- {problem}" for problem in problems),
                )
            )
        forwarding = forwarding or {}
        order = Order.sudo()._create_for(
            "final_read",
            self,
            date_scheduled=date_end,
            is_move_out=True,
            move_out_user_id=self.env.uid,
            move_out_street=forwarding.get("street"),
            move_out_street2=forwarding.get("street2"),
            move_out_city=forwarding.get("city"),
            move_out_state_id=forwarding.get("state_id"),
            move_out_zip=forwarding.get("zip"),
            move_out_settlement=settlement,
            move_out_transfer_account_id=transfer_account.id if transfer_account else False,
            move_out_refund_journal_id=refund_journal.id if refund_journal else False,
            is_move_out_revert=revert_to_owner,
        )
        self.message_post(
            body=self.env._(
                "Final read %(order)s ordered for %(date)s: the customer is moved out when the "
                "crew completes it.",
                order=order.name,
                date=format_date(self.env, date_end),
            )
        )
        return order.with_env(self.env)

    def _move_out(self, date_end, final_reads=None, **kwargs):
        """A customer who moved out needs no more trips: the account's open orders
        (a disconnect, a reconnect waiting for payment, a check read, a final read
        still waiting for its crew) are cancelled, and the account's chatter says
        which. The final-read order whose completion runs this move-out is not."""
        bill = super()._move_out(date_end, final_reads=final_reads, **kwargs)
        Order = self.env["utility.work.order"].sudo()
        orders = Order.search(
            [
                ("account_id", "=", self.id),
                ("state", "in", ("open", "hold")),
                ("id", "!=", self.env.context.get("utility_work_order_completing") or 0),
            ]
        )
        if orders:
            reason = self.env._(
                "The customer moved out on %(date)s.", date=format_date(self.env, date_end)
            )
            orders.with_context(utility_moved_out=True)._cancel(reason)
            self.sudo().message_post(
                body=self.env._(
                    "Moved out on %(date)s: open work orders cancelled: %(orders)s.",
                    date=format_date(self.env, date_end),
                    orders=", ".join(f"{o.name} ({o.type.name})" for o in orders),
                )
            )
        return bill

    def _order_opening_check(self, date_start):
        """A crew checks the opening readings of a move-in: one opening-read order
        per metered service, scheduled the day after the start date (a meter is read
        once a day, and the start date has the opening reading). The crew's reading
        is a check read; it changes nobody's account.

        :return: the orders (utility.work.order)
        """
        self.ensure_one()
        services = self.service_ids.filtered(lambda s: s.meter_id and s.state == "active")
        if not services:
            raise UserError(
                self.env._(
                    "%(account)s has no meter to check the opening reading of.", account=self.name
                )
            )
        orders = (
            self.env["utility.work.order"]
            .sudo()
            ._create_for(
                "opening_read",
                services,
                date_scheduled=date_start + timedelta(days=1),
                is_opening_check=True,
            )
        )
        return orders.with_env(self.env)
