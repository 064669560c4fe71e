# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Final-read and opening-read orders sent by a move-out or a move-in."""

from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date

from .utility_account_lifecycle import SETTLEMENTS

# What the move-out wizard keeps on the order; written only when the order is made.
MOVE_OUT_FIELDS = {
    "is_move_out",
    "move_out_user_id",
    "move_out_street",
    "move_out_street2",
    "move_out_city",
    "move_out_state_id",
    "move_out_zip",
    "move_out_settlement",
    "move_out_transfer_account_id",
    "move_out_refund_journal_id",
    "is_move_out_revert",
    "is_opening_check",
    "final_bill_id",
}


class UtilityWorkOrder(models.Model):
    _inherit = "utility.work.order"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------
    # Move-out waiting for the crew's final reading
    # ------------------------------------------------------------------
    is_move_out = fields.Boolean(
        string="Move-Out",
        readonly=True,
        copy=False,
        help="Completing this final read moves the customer out on the scheduled date "
        "with the crew's reading, as the move-out clerk chose.",
    )
    move_out_user_id = fields.Many2one(
        "res.users",
        string="Move-Out Ordered By",
        readonly=True,
        copy=False,
        help="The billing specialist who ordered the move-out: the final bill is made "
        "in their name when the crew completes the order.",
    )
    move_out_street = fields.Char(string="Forwarding Street", readonly=True, copy=False)
    move_out_street2 = fields.Char(string="Forwarding Unit", readonly=True, copy=False)
    move_out_city = fields.Char(string="Forwarding City", readonly=True, copy=False)
    move_out_state_id = fields.Many2one(
        "res.country.state", string="Forwarding State", readonly=True, copy=False
    )
    move_out_zip = fields.Char(string="Forwarding ZIP", readonly=True, copy=False)
    move_out_settlement = fields.Selection(
        SETTLEMENTS, string="Credit or Balance Left", readonly=True, copy=False
    )
    move_out_transfer_account_id = fields.Many2one(
        "utility.account", string="Transfer To", readonly=True, copy=False, check_company=True
    )
    move_out_refund_journal_id = fields.Many2one(
        "account.journal", string="Refund From", readonly=True, copy=False, check_company=True
    )
    is_move_out_revert = fields.Boolean(
        string="Revert Service to the Owner", readonly=True, copy=False
    )
    final_bill_id = fields.Many2one("account.move", readonly=True, copy=False, tracking=True)
    # ------------------------------------------------------------------
    # Move-in: the crew checks the opening reading
    # ------------------------------------------------------------------
    is_opening_check = fields.Boolean(
        string="Checks the Opening Reading",
        readonly=True,
        copy=False,
        help="The crew's reading is entered as a check read of the move-in's opening "
        "reading; the account billed does not change.",
    )

    def init(self):
        res = super().init()
        # Exactly once: one move-out waiting for a crew per account.
        self.env.cr.execute(
            """
            CREATE UNIQUE INDEX IF NOT EXISTS utility_work_order_move_out_open_uniq
                ON utility_work_order (account_id)
             WHERE is_move_out AND state IN ('open', 'hold')
            """
        )
        return res

    def write(self, vals):
        if MOVE_OUT_FIELDS & set(vals) and not self.env.context.get("utility_work_order_action"):
            raise UserError(
                self.env._(
                    "The move-out choices on a work order are kept as the clerk made them: "
                    "cancel the order and move the customer out again to change them."
                )
            )
        return super().write(vals)

    # ------------------------------------------------------------------
    # Completion
    # ------------------------------------------------------------------
    def _get_rule_problems(self):
        problems = super()._get_rule_problems()
        if not self.is_move_out:
            return problems
        if self.account_id.state != "active":
            problems.append(
                self.env._(
                    "%(account)s is no longer active: cancel this order.",
                    account=self.account_id.name,
                )
            )
        if self.date_scheduled and fields.Date.context_today(self) < self.date_scheduled:
            problems.append(
                self.env._(
                    "The customer moves out on %(date)s: read the meter on or after that day.",
                    date=format_date(self.env, self.date_scheduled),
                )
            )
        return problems

    def _apply_final_read(self, moment):
        if not self.is_move_out:
            return super()._apply_final_read(moment)
        return self._apply_move_out(moment)

    def _apply_move_out(self, moment):
        """The move-out the clerk ordered, with the crew's reading: the reading is
        entered for the move-out date (source work order), then ``_move_out`` does
        the rest exactly as when the clerk types the reading (it uses the reading
        already on that day). It runs in the name of the billing specialist who
        ordered it: a crew member cannot make a final bill, but completes the trip
        that triggers it."""
        date_end = self.date_scheduled
        self._enter_reading(moment, "final", date=date_end)
        forwarding = None
        if self.move_out_street:
            forwarding = {
                "street": self.move_out_street,
                "street2": self.move_out_street2,
                "city": self.move_out_city,
                "state_id": self.move_out_state_id.id,
                "zip": self.move_out_zip,
            }
        # The account's other open orders are cancelled by the move-out; not this one.
        account = self.account_id.with_user(self.move_out_user_id).with_context(
            utility_work_order_completing=self.id
        )
        bill = account._move_out(
            date_end,
            final_reads={self.meter_id.id: self.reading_value},
            forwarding=forwarding,
            settlement=self.move_out_settlement or "keep",
            transfer_account=self.move_out_transfer_account_id,
            revert_to_owner=self.is_move_out_revert,
            refund_journal=self.move_out_refund_journal_id,
        )
        self.with_context(utility_work_order_action=True).final_bill_id = bill
        return bill

    def _apply_opening_read(self, moment):
        if not self.is_opening_check:
            return super()._apply_opening_read(moment)
        return self._enter_reading(moment, "check")

    # ------------------------------------------------------------------
    # Cancellation
    # ------------------------------------------------------------------
    def _cancel(self, reason):
        res = super()._cancel(reason)
        if self.env.context.get("utility_moved_out"):
            return res
        for order in self.filtered(lambda o: o.is_move_out and o.account_id):
            order.account_id.sudo().message_post(
                body=self.env._(
                    "Final read %(order)s was cancelled: the customer was not moved out and "
                    "the account stays active.",
                    order=order.name,
                )
            )
        return res
