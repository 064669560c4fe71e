# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Orders in error: a completion refused by a check, a reading held by the read
edits, an order on an account that is closed."""

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError


class UtilityWorkOrder(models.Model):
    _inherit = "utility.work.order"  # pylint: disable=consider-merging-classes-inherited

    error_note = fields.Text(
        string="Why It Was Refused",
        readonly=True,
        copy=False,
        tracking=True,
        help="What refused the last try to complete the order, until it is completed or cancelled.",
    )
    date_error = fields.Datetime(string="Refused On", readonly=True, copy=False)
    is_in_error = fields.Boolean(
        string="In Error",
        compute="_compute_is_in_error",
        store=True,
        index=True,
        help="The order could not be completed (see why), or it was completed but the "
        "reading it entered is held by the read edits.",
    )
    error_summary = fields.Text(string="Error", compute="_compute_error_summary")

    def _is_reading_held(self):
        return self.state == "done" and self.reading_id.state == "exception"

    @api.depends("state", "error_note", "reading_id.state")
    def _compute_is_in_error(self):
        for order in self:
            refused = order.state in ("open", "hold") and bool(order.error_note)
            order.is_in_error = refused or order._is_reading_held()

    @api.depends("state", "error_note", "reading_id.state")
    def _compute_error_summary(self):
        for order in self:
            if order._is_reading_held():
                order.error_summary = self.env._(
                    "The reading %(value)s is held by the read edits: %(why)s.",
                    value=order.reading_id.value,
                    why=order.reading_id.sudo().exception_summary or self.env._("review it"),
                )
            elif order.state in ("open", "hold"):
                order.error_summary = order.error_note or False
            else:
                order.error_summary = False

    # ------------------------------------------------------------------
    # Checks
    # ------------------------------------------------------------------
    def _get_rule_problems(self):
        """An order on a closed or final-billed account is not done any more (the
        final read of a move-out checks its own account)."""
        problems = super()._get_rule_problems()
        account = self.account_id
        if (
            account
            and account.state in ("final_billed", "closed")
            and not self.is_move_out
            and self.kind != "final_read"
        ):
            problems.append(
                self.env._(
                    "%(account)s is %(state)s: cancel this order.",
                    account=account.name,
                    state=dict(account._fields["state"].selection)[account.state].lower(),
                )
            )
        return problems

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_try_complete(self):
        """The Complete button: complete the orders that pass every check; the
        others keep what the crew entered, are marked *In Error* with why, and
        the crew is told at once (the office finds them in Orders in Error)."""
        self.check_access("write")
        if not self.env.user.has_group("utility_billing.group_utility_field"):
            raise AccessError(self.env._("Only field crews and the office complete orders."))
        refused = {}
        for order in self:
            problems = order._get_completion_problems()
            if problems and order.state in ("open", "hold"):
                refused[order] = problems
        # Each order on its own: one refused while applying (the exchange, the carts)
        # is rolled back alone and marked, the others are completed.
        for order in self.filtered(lambda o: o not in refused):
            try:
                with self.env.cr.savepoint():
                    order.action_complete()
            except UserError as error:
                if order.state not in ("open", "hold"):
                    raise
                refused[order] = [str(error.args[0])]
        now = fields.Datetime.now()
        for order, problems in refused.items():
            order.sudo().with_context(utility_work_order_action=True).write(
                {"error_note": "\n".join(problems), "date_error": now}
            )
        if not refused:
            return True
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Not completed"),
                "message": "\n".join(
                    f"{order.name}: {' '.join(problems)}" for order, problems in refused.items()
                ),
                "type": "warning",
                "sticky": True,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def action_complete(self):
        res = super().action_complete()
        self.sudo().with_context(utility_work_order_action=True).write(
            {"error_note": False, "date_error": False}
        )
        return res

    def _cancel(self, reason):
        res = super()._cancel(reason)
        self.sudo().with_context(utility_work_order_action=True).write(
            {"error_note": False, "date_error": False}
        )
        return res
