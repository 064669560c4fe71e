# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class UtilityAccount(models.Model):
    _inherit = "utility.account"  # pylint: disable=consider-merging-classes-inherited

    deposit_ids = fields.One2many(
        "utility.customer.deposit", "account_id", string="Deposits", readonly=True
    )
    amount_deposit = fields.Monetary(
        compute="_compute_amount_deposit",
        store=True,
        readonly=True,
        help="Customer deposits held for this account (a liability of the city): billed "
        "and not yet applied or refunded.",
    )

    @api.depends("deposit_ids.state", "deposit_ids.amount")
    def _compute_amount_deposit(self):
        for account in self:
            account.amount_deposit = sum(
                account.deposit_ids.filtered(lambda d: d.state == "billed").mapped("amount")
            )

    def _require_deposit(self, amount, date, installments=1, waiver_reason=None, note=""):
        """The deposit the city's rule asks of this account: billed, or waived with
        its reason."""
        self.ensure_one()
        Deposit = self.env["utility.customer.deposit"]
        if not amount:
            return Deposit
        if waiver_reason:
            return Deposit._waive(self, amount, waiver_reason, note)
        return Deposit._bill(self, amount, date, installments)

    def _apply_move_out_credits(self, date_end):
        """Held deposits are applied (with their interest) to the final bill."""
        held = self.deposit_ids.filtered(lambda d: d.state == "billed")
        if held:
            held._apply(date_end)
        return held.release_move_id

    def _get_late_payment_counts(self, date_from, date_to):
        """Bills due in [date_from, date_to) paid after their due date or still open
        past it, per account, in one query."""
        self.env["account.move"].flush_model()
        self.env["account.partial.reconcile"].flush_model()
        self.env.cr.execute(
            """
            SELECT m.utility_account_id, COUNT(*)
              FROM account_move m
             WHERE m.utility_account_id = ANY(%s)
               AND m.move_type = 'out_invoice'
               AND m.state = 'posted'
               AND m.invoice_date_due >= %s AND m.invoice_date_due < %s
               AND (m.amount_residual > 0 OR EXISTS (
                    SELECT 1 FROM account_move_line l
                      JOIN account_partial_reconcile p ON p.debit_move_id = l.id
                     WHERE l.move_id = m.id AND p.max_date > m.invoice_date_due))
             GROUP BY m.utility_account_id
            """,
            [self.ids, date_from, date_to],
        )
        return dict(self.env.cr.fetchall())

    def _get_returned_payment_accounts(self, date_from):
        """Ids of the accounts with a payment returned since ``date_from``."""
        groups = (
            self.env["utility.payment.line"]
            .sudo()
            ._read_group(
                [
                    ("account_id", "in", self.ids),
                    ("payment_id.state", "=", "returned"),
                    ("payment_id.date_returned", ">=", date_from),
                ],
                ["account_id"],
                ["__count"],
            )
        )
        return {account.id for account, _count in groups}
