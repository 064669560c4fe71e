# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError

SHUTOFF_LINE_STATES = [
    ("listed", "To Shut Off"),
    ("held", "Exempt"),
    ("skipped", "Left Off"),
    ("paid", "Paid Since Listed"),
    ("released", "Order Sent"),
]


class UtilityShutoffLine(models.Model):
    """One account of a delinquency run's shut-off list.

    The list is worked by amount due, days past due, date of last payment,
    landlord input and broken arrangements (its default order, and every one of
    them a column to sort, filter and group on). Exempt accounts stay on it with
    the reason (``utility.account._get_collection_holds``), so the clerk sees
    why they are not shut off. Releasing the run's list creates one disconnect
    order per account still to shut off, once.
    """

    _name = "utility.shutoff.line"
    _description = "Utility Shut-off List Account"
    _inherit = ["mail.thread", "utility.locked.fields.mixin"]
    _order = "amount_due desc, days_past_due desc, date_last_payment asc nulls first, id"
    _check_company_auto = True
    _rec_name = "account_id"

    run_id = fields.Many2one(
        "utility.delinquency.run", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one("res.company", required=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    account_id = fields.Many2one("utility.account", required=True, index=True, check_company=True)
    partner_id = fields.Many2one(related="account_id.partner_id", string="Customer")
    location_id = fields.Many2one(
        related="account_id.location_id", string="Service Location", store=True
    )
    route_id = fields.Many2one(related="location_id.route_id", string="Route", store=True)
    customer_class = fields.Many2one(related="account_id.customer_class", store=True)
    state = fields.Selection(
        SHUTOFF_LINE_STATES, required=True, default="listed", index=True, tracking=True
    )
    amount_due = fields.Monetary(
        string="Shut-off Amount",
        aggregator="sum",
        tracking=True,
        help="Past due on the shut-off date: paying it keeps the water on.",
    )
    days_past_due = fields.Integer(aggregator="max", help="On the shut-off date.")
    date_oldest_due = fields.Date(string="Oldest Unpaid Due Date")
    date_last_payment = fields.Date(string="Last Payment")
    landlord_input = fields.Selection(
        related="account_id.landlord_input", store=True, readonly=False
    )
    landlord_input_note = fields.Char(related="account_id.landlord_input_note", readonly=False)
    broken_arrangement_count = fields.Integer(string="Broken Arrangements", aggregator="sum")
    hold_reason = fields.Char(string="Why Exempt", tracking=True)
    skip_reason = fields.Char(string="Why Left Off", tracking=True)
    amount_paid = fields.Monetary(
        string="Paid Since Listed", default=0.0, aggregator="sum", readonly=True, tracking=True
    )
    work_order_id = fields.Many2one(
        "utility.work.order", string="Disconnect Order", readonly=True, index="btree_not_null"
    )
    work_order_state = fields.Selection(related="work_order_id.state", string="Order Status")

    _sql_constraints = [
        (
            "account_run_uniq",
            "UNIQUE(run_id, account_id)",
            "An account is once on a shut-off list.",
        ),
        (
            "work_order_uniq",
            "UNIQUE(work_order_id)",
            "A disconnect order belongs to one line of a shut-off list.",
        ),
    ]

    def _get_action_fields(self):
        return super()._get_action_fields() | {
            "state",
            "amount_due",
            "amount_paid",
            "hold_reason",
            "work_order_id",
            "run_id",
            "account_id",
        }

    def _get_action_fields_message(self, names, creating=False):
        return self.env._(
            "The shut-off list is made by the delinquency run: a clerk leaves an account off "
            "or puts it back with the buttons, and releases the list from the run."
        )

    def _get_locked_records(self):
        return super()._get_locked_records() | self.filtered(lambda line: line.state == "released")

    def _get_locked_writable_fields(self):
        return super()._get_locked_writable_fields() | {"landlord_input", "landlord_input_note"}

    # ------------------------------------------------------------------
    # Review actions
    # ------------------------------------------------------------------
    def _check_reviewing(self):
        self.check_access("write")
        if not self.env.user.has_group("utility_billing.group_utility_billing"):
            raise UserError(self.env._("Billing specialists review the shut-off list."))
        closed = self.run_id.filtered(lambda r: r.shutoff_state != "review")
        if closed:
            raise UserError(
                self.env._(
                    "The shut-off list of %(runs)s is not in review any more.",
                    runs=", ".join(closed.mapped("name")),
                )
            )

    def action_skip(self):
        """Leave accounts off the list (the clerk's call: the landlord pays, a
        dispute...); the reason is the skip reason the clerk typed."""
        self._check_reviewing()
        wrong = self.filtered(lambda line: line.state != "listed")
        if wrong:
            raise UserError(
                self.env._(
                    "Only accounts to shut off can be left off: %(accounts)s",
                    accounts=", ".join(wrong.account_id.mapped("name")),
                )
            )
        missing = self.filtered(lambda line: not (line.skip_reason or "").strip())
        if missing:
            raise UserError(
                self.env._(
                    "Type why the account is left off first: %(accounts)s",
                    accounts=", ".join(missing.account_id.mapped("name")),
                )
            )
        self._as_action().write({"state": "skipped"})
        return True

    def action_put_back(self):
        """Put accounts left off back on the list."""
        self._check_reviewing()
        self.filtered(lambda line: line.state == "skipped")._as_action().write(
            {"state": "listed", "skip_reason": False}
        )
        return True

    # ------------------------------------------------------------------
    # Payments
    # ------------------------------------------------------------------
    @api.model
    def _on_payments_posted(self, payments):
        """Count ``payments`` on the lists waiting for their accounts: an account
        that paid its shut-off amount drops off the list (*Paid Since Listed*).

        One UPDATE, in the payment's transaction. It is also what makes a payment
        and a release of the list serialize: both write the line, so whichever
        commits second is retried and sees the other (the release then leaves
        the paid account off; the payment then finds the order and cancels it).
        """
        amounts = defaultdict(float)
        for line in payments.line_ids.filtered("account_id"):
            amounts[line.account_id.id] += line.amount
        if not amounts:
            return
        self.flush_model()
        self.env.cr.execute_values(
            """
            UPDATE utility_shutoff_line l
               SET amount_paid = l.amount_paid + v.amount,
                   state = CASE WHEN l.state = 'listed'
                                 AND l.amount_paid + v.amount >= l.amount_due
                                THEN 'paid' ELSE l.state END,
                   write_date = now() at time zone 'UTC'
              FROM (VALUES %s) AS v(account_id, amount)
             WHERE l.account_id = v.account_id
               AND (l.state = 'listed'
                    OR (l.state = 'released' AND EXISTS (
                            SELECT 1 FROM utility_work_order o
                             WHERE o.id = l.work_order_id AND o.state IN ('open', 'hold'))))
            """,
            [(account_id, round(amount, 2)) for account_id, amount in amounts.items()],
            template="(%s, %s::numeric)",
        )
        self.invalidate_model(["amount_paid", "state"])
