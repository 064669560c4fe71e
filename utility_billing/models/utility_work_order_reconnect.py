# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from odoo import api, fields, models


class UtilityWorkOrder(models.Model):
    """Reconnect after a shut-off: the shut-off amount, then the water back on.

    The shut-off is the account's last completed disconnect not followed by a
    completed reconnect; its *Shut-off Amount* and *Paid Since Ordered* say
    what the account still owes of it. A reconnect waits (and is refused) while
    any of it is owed; a payment that brings what was paid since the disconnect
    to the shut-off amount plus the reconnect fee orders the reconnect by
    itself. Without such a shut-off (services turned off by hand), the account
    must owe nothing, as before.
    """

    _inherit = "utility.work.order"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _get_shutoffs(self, accounts):
        """{account: its last completed disconnect not yet followed by a completed
        reconnect} for ``accounts`` (two searches)."""
        if not accounts:
            return {}
        done = self.sudo().search(
            [
                ("account_id", "in", accounts.ids),
                ("kind", "in", ("disconnect", "reconnect")),
                ("state", "=", "done"),
                ("result", "=", "completed"),
            ],
            order="date_done desc, id desc",
        )
        shutoffs = {}
        seen = set()
        for order in done:
            account = order.account_id
            if account in seen:
                continue
            seen.add(account)
            if order.kind == "disconnect":
                shutoffs[account.with_env(self.env)] = order
        return shutoffs

    def _amount_owed(self):
        """What a reconnect still waits for: the rest of the shut-off amount, or
        the balance when the account was not shut off by an order."""
        self.ensure_one()
        shutoff = self._get_shutoffs(self.account_id).get(self.account_id)
        if not shutoff:
            return super()._amount_owed()
        return self.currency_id.round(max(shutoff.amount_due - shutoff.amount_paid, 0.0))

    @api.model
    def _on_payments_posted(self, payments):
        """Count the payments on the accounts' shut-offs first (so a waiting
        reconnect sees them), then the base rules, then order the reconnect of the
        accounts that paid the shut-off amount plus the reconnect fee."""
        amounts = defaultdict(float)
        for line in payments.line_ids.filtered("account_id"):
            amounts[line.account_id] += line.amount
        shutoffs = self._get_shutoffs(self.env["utility.account"].union(*amounts))
        if shutoffs:
            orders = self.browse([order.id for order in shutoffs.values()])
            self.env.cr.execute(
                "SELECT id FROM utility_work_order WHERE id = ANY(%s) FOR UPDATE", [orders.ids]
            )
            orders.invalidate_recordset(["amount_paid"])
            for account, order in shutoffs.items():
                order.sudo().with_context(
                    utility_work_order_action=True
                ).amount_paid = order.currency_id.round(order.amount_paid + amounts[account])
        changed = super()._on_payments_posted(payments)
        return changed | self._order_paid_reconnects(shutoffs)

    @api.model
    def _order_paid_reconnects(self, shutoffs):
        """Reconnects of the shut-offs paid with the reconnect fee, for accounts
        with no reconnect ordered yet."""
        if not shutoffs:
            return self.browse()
        accounts = self.env["utility.account"].union(*shutoffs)
        waiting = self.sudo().search(
            [
                ("account_id", "in", accounts.ids),
                ("kind", "=", "reconnect"),
                ("state", "in", ("open", "hold")),
            ]
        )
        today = fields.Date.context_today(self)
        to_order = []
        for account, shutoff in shutoffs.items():
            if account in waiting.account_id:
                continue
            company = account.company_id
            fee = company._get_utility_reconnect_fee(account, today)
            if (
                company.currency_id.compare_amounts(shutoff.amount_paid, shutoff.amount_due + fee)
                >= 0
            ):
                to_order.append((account, fee))
        if not to_order:
            return self.browse()
        accounts = self.env["utility.account"].union(*(account for account, _fee in to_order))
        orders = self.sudo()._create_for(
            "reconnect",
            accounts,
            values_list=[{"team_id": shutoffs[account].team_id.id} for account, _fee in to_order],
            description=self.env._("Shut-off amount and reconnect fee paid."),
        )
        for order in orders:
            order.account_id.sudo().message_post(
                body=self.env._(
                    "Reconnect %(order)s ordered: the shut-off amount and the reconnect fee "
                    "are paid.",
                    order=order.name,
                )
            )
        return orders.with_env(self.env)
