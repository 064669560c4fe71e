# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import format_amount, format_date

from ..lib import arrangements
from .utility_shutoff_day import SEARCH_DAYS

CSR_GROUP = "utility_billing.group_utility_csr"
BILLING_GROUP = "utility_billing.group_utility_billing"
SUPERVISOR_GROUP = "utility_billing.group_utility_supervisor"
SCHEDULE_TEMPLATE = "utility_billing.mail_template_utility_arrangement_schedule"
BROKEN_TEMPLATE = "utility_billing.mail_template_utility_arrangement_broken"
STATES = [
    ("draft", "Draft"),
    ("to_approve", "Waiting for Approval"),
    ("active", "Active"),
    ("kept", "Kept"),
    ("broken", "Broken"),
    ("cancelled", "Cancelled"),
]
# Written only by the action methods (utility.locked.fields.mixin), never by a user.
PROTECTED_FIELDS = {
    "state",
    "amount_covered",
    "down_payment_percent",
    "amount_down",
    "is_disconnected",
    "covered_move_ids",
    "requested_by_id",
    "approver_id",
    "date_approved",
    "date_closed",
    "close_reason",
    "approval_reason",
}
# States whose arrangement counts against "one per 12 months".
COUNTED_STATES = ("to_approve", "active", "kept", "broken")


def _money(value):
    return Decimal(str(value or 0))


class UtilityPaymentArrangement(models.Model):
    """A payment arrangement (or an extension: one installment, pay by a date)
    over the past-due balance of an account.

    The arrangement is a schedule, never a second ledger: it records which
    bills it covers and their past-due amount at the start; what was paid is
    read from those bills' residual in the ledger and spread over the
    installments in date order (``lib.arrangements``). A daily scheduled action
    breaks it when the customer falls behind (a missed installment or a
    current bill left unpaid, after the grace days) and closes it as kept once
    the covered bills are paid. While active, it holds the account from
    notices, door hangers and shut-off (and late fees, by a setting).
    """

    _name = "utility.payment.arrangement"
    _description = "Payment Arrangement"
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "utility.locked.fields.mixin",
        "utility.letter.mixin",
    ]
    _order = "date_start desc, id desc"
    _check_company_auto = True

    name = fields.Char(readonly=True, copy=False, default="/")
    kind = fields.Selection(
        [("plan", "Payment Plan"), ("extension", "Extension")],
        default="plan",
        required=True,
        tracking=True,
        help="An extension is a one-installment arrangement: pay the past-due balance by a date.",
    )
    account_id = fields.Many2one(
        "utility.account",
        required=True,
        index=True,
        check_company=True,
        tracking=True,
        domain="[('state', '=', 'active')]",
    )
    partner_id = fields.Many2one(related="account_id.partner_id", string="Customer")
    company_id = fields.Many2one(
        related="account_id.company_id", store=True, precompute=True, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    state = fields.Selection(
        STATES, default="draft", required=True, readonly=True, tracking=True, index=True
    )
    date_start = fields.Date(
        string="Start", required=True, default=fields.Date.context_today, tracking=True
    )
    installment_count = fields.Integer(string="Installments", default=3, tracking=True)
    frequency = fields.Selection(
        [("weekly", "Weekly"), ("biweekly", "Every Two Weeks"), ("monthly", "Monthly")],
        default="monthly",
        required=True,
        tracking=True,
    )
    date_first = fields.Date(
        string="First Installment / Pay By",
        compute="_compute_date_first",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
        help="An extension's pay-by date.",
    )
    note = fields.Text(string="Reason", help="Why the customer asks, what they promised.")

    # Set by the actions from the ledger and the city's rules.
    amount_covered = fields.Monetary(
        string="Past Due Covered",
        readonly=True,
        tracking=True,
        help="The past-due balance on the start date: the bills the arrangement spreads.",
    )
    is_disconnected = fields.Boolean(string="Service Shut Off", readonly=True)
    down_payment_percent = fields.Float(string="Down Payment (%)", readonly=True, digits=(5, 2))
    amount_down = fields.Monetary(string="Down Payment", readonly=True, tracking=True)
    covered_move_ids = fields.Many2many(
        "account.move",
        "utility_payment_arrangement_move_rel",
        "arrangement_id",
        "move_id",
        string="Bills Covered",
        readonly=True,
    )
    line_ids = fields.One2many(
        "utility.payment.arrangement.line", "arrangement_id", string="Schedule", readonly=True
    )
    requested_by_id = fields.Many2one("res.users", string="Set Up By", readonly=True)
    approval_reason = fields.Char(string="Needs Approval Because", readonly=True)
    approver_id = fields.Many2one("res.users", string="Approved By", readonly=True, tracking=True)
    date_approved = fields.Date(readonly=True)
    date_closed = fields.Date(string="Closed On", readonly=True, tracking=True)
    close_reason = fields.Char(string="Outcome", readonly=True, tracking=True)

    # From the ledger, now.
    amount_paid = fields.Monetary(compute="_compute_progress", string="Paid on the Arrangement")
    amount_remaining = fields.Monetary(compute="_compute_progress", string="Remaining")
    date_next_due = fields.Date(compute="_compute_progress", string="Next Installment Due")
    amount_next_due = fields.Monetary(compute="_compute_progress", string="Next Installment")

    def init(self):
        # One live arrangement per account, whatever two clerks confirm at once:
        # the rules' check reads, this index decides.
        self.env.cr.execute(
            """
            CREATE UNIQUE INDEX IF NOT EXISTS utility_payment_arrangement_account_live_uniq
                ON utility_payment_arrangement (account_id)
             WHERE state IN ('to_approve', 'active')
            """
        )

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends("date_start", "frequency", "kind")
    def _compute_date_first(self):
        for arrangement in self:
            if arrangement.date_start:
                step = (
                    relativedelta(months=1)
                    if arrangement.frequency == "monthly" or arrangement.kind == "extension"
                    else relativedelta(days=7 if arrangement.frequency == "weekly" else 14)
                )
                arrangement.date_first = arrangement.date_start + step

    def _get_covered_residuals(self):
        """What the covered bills still owe, per arrangement, from the ledger (one query).

        :return: {arrangement id: Decimal}
        """
        moves = self.sudo().covered_move_ids
        if not moves:
            return {}
        groups = (
            self.env["account.move.line"]
            .sudo()
            ._read_group(
                [
                    ("move_id", "in", moves.ids),
                    ("account_id.account_type", "=", "asset_receivable"),
                    ("parent_state", "=", "posted"),
                ],
                ["move_id"],
                ["amount_residual:sum"],
            )
        )
        residual = {move.id: _money(amount) for move, amount in groups}
        return {
            arrangement.id: sum(
                (
                    residual.get(move_id, Decimal(0))
                    for move_id in arrangement.sudo().covered_move_ids.ids
                ),
                Decimal(0),
            )
            for arrangement in self
        }

    def _get_paid_amounts(self):
        """Paid toward each arrangement: the amount covered less what its bills still
        owe (never below 0 nor above the amount covered).

        :return: {arrangement id: Decimal}
        """
        residuals = self._get_covered_residuals()
        paid = {}
        for arrangement in self:
            covered = _money(arrangement.amount_covered)
            left = residuals.get(arrangement.id, covered)
            paid[arrangement.id] = min(max(covered - left, Decimal(0)), covered)
        return paid

    @api.depends("line_ids.amount", "amount_covered", "state")
    def _compute_progress(self):
        paid = self._get_paid_amounts()
        for arrangement in self:
            amount = paid.get(arrangement.id, Decimal(0))
            lines = arrangement.line_ids.sorted(lambda ln: (ln.date_due, ln.sequence))
            shares = arrangements.allocate(amount, [_money(line.amount) for line in lines])
            arrangement.amount_paid = float(amount)
            arrangement.amount_remaining = float(_money(arrangement.amount_covered) - amount)
            next_line = next(
                (
                    (line, share)
                    for line, share in zip(lines, shares, strict=True)
                    if share < _money(line.amount)
                ),
                None,
            )
            if next_line and arrangement.state in ("draft", "to_approve", "active"):
                line, share = next_line
                arrangement.date_next_due = line.date_due
                arrangement.amount_next_due = float(_money(line.amount) - share)
            else:
                arrangement.date_next_due = False
                arrangement.amount_next_due = 0.0

    # ------------------------------------------------------------------
    # Protection: states, amounts and approvers change only through actions
    # ------------------------------------------------------------------
    def _get_action_fields(self):
        return set(PROTECTED_FIELDS)

    def _get_locked_records(self):
        return self.filtered(lambda a: a.state != "draft")

    def _get_action_fields_message(self, names, creating=False):
        return self.env._(
            "A payment arrangement moves on through its buttons only (Confirm, Approve, "
            "Cancel); its amounts come from the account's ledger."
        )

    def _get_locked_message(self, names=()):
        return self.env._(
            "A confirmed payment arrangement cannot be changed or deleted: cancel it and "
            "set up a new one if the rules allow."
        )

    # ------------------------------------------------------------------
    # Rules
    # ------------------------------------------------------------------
    @api.model
    def _get_user_limit(self, user):
        """Most installments (and months to the last one) ``user`` sets up alone."""
        company = self.env.company
        for group, limit in (
            (SUPERVISOR_GROUP, company.utility_arrangement_limit_supervisor),
            (BILLING_GROUP, company.utility_arrangement_limit_billing),
            (CSR_GROUP, company.utility_arrangement_limit_csr),
        ):
            if user.has_group(group):
                return limit
        return 0

    def _get_last_due_date(self):
        self.ensure_one()
        return max(self.line_ids.mapped("date_due"), default=self.date_start)

    def _exceeds(self, limit):
        """Why the schedule goes beyond ``limit`` (installments, months), or False."""
        self.ensure_one()
        installments = len(self.line_ids.filtered(lambda ln: not ln.is_down_payment))
        if installments > limit:
            return self.env._(
                "%(count)s installments, more than %(limit)s", count=installments, limit=limit
            )
        if self._get_last_due_date() > self.date_start + relativedelta(months=limit):
            return self.env._(
                "the last installment is more than %(limit)s months after the start",
                limit=limit,
            )
        return False

    def _read_past_due(self):
        """The account's open bills past due on the start date (one query).

        :return: (moves, Decimal total of their open amounts)
        """
        self.ensure_one()
        lines = (
            self.env["account.move.line"]
            .sudo()
            .search_fetch(
                [
                    ("utility_account_id", "=", self.account_id.id),
                    ("account_id.account_type", "=", "asset_receivable"),
                    ("parent_state", "=", "posted"),
                    ("amount_residual", ">", 0),
                    ("date_maturity", "<", self.date_start),
                ],
                ["move_id", "amount_residual"],
            )
        )
        total = sum((_money(line.amount_residual) for line in lines), Decimal(0))
        return lines.move_id, total

    def _get_earlier_arrangements(self):
        """Other arrangements of the account inside the city's window (one per 12
        months, or one per calendar year)."""
        self.ensure_one()
        if self.company_id.utility_arrangement_period == "calendar_year":
            window_start = self.date_start.replace(month=1, day=1)
        else:
            window_start = self.date_start - relativedelta(months=12)
        return self.sudo().search(
            [
                ("account_id", "=", self.account_id.id),
                ("id", "!=", self.id),
                ("state", "in", COUNTED_STATES),
                ("date_start", ">", window_start)
                if self.company_id.utility_arrangement_period == "12_months"
                else ("date_start", ">=", window_start),
            ]
        )

    def _get_problems(self):
        """Everything that stops this arrangement, in plain words (all at once)."""
        self.ensure_one()
        company = self.company_id
        problems = []
        if self.account_id.state != "active":
            problems.append(self.env._("Only an active account gets a payment arrangement."))
        if self.kind == "plan" and self.installment_count < 1:
            problems.append(self.env._("A plan has at least one installment."))
        if not self.date_first or self.date_first < self.date_start:
            problems.append(self.env._("The first installment is due on or after the start date."))
        if self.currency_id.compare_amounts(self.amount_covered, 0) <= 0:
            problems.append(
                self.env._(
                    "%(account)s has nothing past due on %(date)s: no arrangement is needed.",
                    account=self.account_id.name,
                    date=format_date(self.env, self.date_start),
                )
            )
        if self.is_disconnected and company.utility_arrangement_refuse_disconnected:
            problems.append(
                self.env._(
                    "The service of %(account)s is shut off: the city makes no arrangement "
                    "after a disconnect; the balance is paid in full.",
                    account=self.account_id.name,
                )
            )
        earlier = self._get_earlier_arrangements()
        if earlier:
            problems.append(
                self.env._(
                    "%(account)s already had an arrangement (%(names)s, from %(date)s): "
                    "the city allows %(rule)s.",
                    account=self.account_id.name,
                    names=", ".join(earlier.mapped("name")),
                    date=format_date(self.env, earlier[0].date_start),
                    rule=self.env._("one per calendar year")
                    if company.utility_arrangement_period == "calendar_year"
                    else self.env._("one in any 12 months"),
                )
            )
        supervisor_limit = company.utility_arrangement_limit_supervisor
        too_long = self.line_ids and self._exceeds(supervisor_limit)
        if too_long:
            problems.append(
                self.env._(
                    "The schedule is longer than anyone may approve (%(why)s).", why=too_long
                )
            )
        return problems

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("kind") == "extension":
                vals["installment_count"] = 1
        arrangements_ = super().create(vals_list)
        for arrangement in arrangements_:
            arrangement._as_action().name = self.env["ir.sequence"].with_context(
                ir_sequence_date=arrangement.date_start
            ).next_by_code("utility.payment.arrangement") or self.env._("Arrangement")
        return arrangements_

    def write(self, vals):
        if vals.get("kind") == "extension":
            vals = dict(vals, installment_count=1)
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_confirmed(self):
        if any(arrangement.state != "draft" for arrangement in self):
            raise UserError(self._get_locked_message())

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def _check_csr(self):
        if not self.env.user.has_group(CSR_GROUP):
            raise AccessError(
                self.env._("Only customer service staff set up payment arrangements.")
            )

    def action_compute_schedule(self):
        """Read the past-due balance from the ledger and lay out the schedule (draft)."""
        self._check_csr()
        self.check_access("write")
        for arrangement in self:
            if arrangement.state != "draft":
                raise UserError(self.env._("Only a draft arrangement is computed again."))
            arrangement._compute_schedule()
        return True

    def _compute_schedule(self):
        self.ensure_one()
        moves, covered = self._read_past_due()
        account = self.account_id.sudo()
        is_disconnected = any(s.state == "disconnected" for s in account.service_ids)
        percent = (
            self.env["utility.payment.arrangement.tier"]
            .sudo()
            ._get_percent(self.company_id, float(covered), is_disconnected)
        )
        count = 1 if self.kind == "extension" else max(self.installment_count, 1)
        schedule = arrangements.build_schedule(
            covered,
            percent,
            count,
            date_start=self.date_start,
            date_first=self.date_first or self.date_start,
            frequency="monthly" if self.kind == "extension" else self.frequency,
        )
        self._as_action().write(
            {
                "amount_covered": float(covered),
                "is_disconnected": is_disconnected,
                "down_payment_percent": float(percent),
                "amount_down": float(sum((i.amount for i in schedule if i.is_down_payment), 0)),
                "covered_move_ids": [Command.set(moves.ids)],
                "line_ids": [Command.clear()]
                + [
                    Command.create(
                        {
                            "sequence": item.sequence,
                            "date_due": item.date_due,
                            "amount": float(item.amount),
                            "is_down_payment": item.is_down_payment,
                        }
                    )
                    for item in schedule
                ],
            }
        )

    def action_confirm(self):
        """Check the city's rules; within the clerk's limit the arrangement is active
        at once, above it it waits for a supervisor."""
        self._check_csr()
        self.check_access("write")
        limit = self._get_user_limit(self.env.user)
        for arrangement in self:
            if arrangement.state != "draft":
                raise UserError(self.env._("Only a draft arrangement is confirmed."))
            arrangement._compute_schedule()
            problems = arrangement._get_problems()
            if problems:
                raise UserError(
                    self.env._(
                        "The arrangement was not confirmed:\n%(problems)s",
                        problems="\n".join(f"- {p}" for p in problems),
                    )
                )
            over = arrangement._exceeds(limit)
            arrangement._as_action().write(
                {
                    "requested_by_id": self.env.uid,
                    "approval_reason": over or False,
                    "state": "to_approve",
                }
            )
            if over:
                arrangement._message_post_by_user(
                    body=self.env._(
                        "Waits for a supervisor: %(why)s (your limit is %(limit)s).",
                        why=over,
                        limit=limit,
                    )
                )
            else:
                arrangement._activate()
        return True

    def _check_approver(self):
        if not self.env.user.has_group(SUPERVISOR_GROUP):
            raise AccessError(self.env._("Only a supervisor approves or rejects arrangements."))
        for arrangement in self:
            if arrangement.state != "to_approve":
                raise UserError(
                    self.env._("Only an arrangement waiting for approval can be decided.")
                )
            if arrangement.requested_by_id == self.env.user:
                raise UserError(self.env._("Nobody approves or rejects their own arrangement."))

    def action_approve(self):
        self._check_approver()
        limit = self._get_user_limit(self.env.user)
        for arrangement in self:
            over = arrangement._exceeds(limit)
            if over:
                raise UserError(
                    self.env._("This schedule is above your approval limit: %(why)s.", why=over)
                )
            arrangement._as_action().write(
                {"approver_id": self.env.uid, "date_approved": fields.Date.context_today(self)}
            )
            arrangement._activate()
        return True

    def action_reject(self):
        self._check_approver()
        self._close("cancelled", self.env._("Not approved by %(user)s", user=self.env.user.name))
        return True

    def action_cancel(self):
        """Cancel (the customer changed their mind, or paid in full otherwise)."""
        self._check_csr()
        self.check_access("write")
        wrong = self.filtered(lambda a: a.state not in ("draft", "to_approve", "active"))
        if wrong:
            raise UserError(
                self.env._(
                    "Only a draft, waiting or active arrangement is cancelled: %(names)s",
                    names=", ".join(wrong.mapped("name")),
                )
            )
        self._close("cancelled", self.env._("Cancelled by %(user)s", user=self.env.user.name))
        return True

    def _activate(self):
        """The arrangement holds the account from now: a disconnect not yet done
        is cancelled, and the schedule letter goes to the customer to sign."""
        for arrangement in self:
            arrangement._as_action().write({"state": "active"})
            orders = self.env["utility.work.order"]._cancel_disconnects(
                arrangement.account_id,
                self.env._("Payment arrangement %(name)s made.", name=arrangement.name),
            )
            body = self.env._(
                "Payment arrangement %(name)s from %(date)s: %(covered)s past due, "
                "%(down)s down, %(count)s installments.",
                name=arrangement.name,
                date=format_date(self.env, arrangement.date_start),
                covered=format_amount(
                    self.env, arrangement.amount_covered, arrangement.currency_id
                ),
                down=format_amount(self.env, arrangement.amount_down, arrangement.currency_id),
                count=len(arrangement.line_ids.filtered(lambda ln: not ln.is_down_payment)),
            )
            if orders:
                body += " " + self.env._(
                    "Disconnect order %(orders)s cancelled.",
                    orders=", ".join(orders.mapped("name")),
                )
            arrangement.account_id._message_post_by_user(body=body)
            arrangement._send_letter(SCHEDULE_TEMPLATE)

    def _close(self, state, reason, day=None):
        self._as_action().write(
            {
                "state": state,
                "date_closed": day or fields.Date.context_today(self),
                "close_reason": reason,
            }
        )
        for arrangement in self:
            arrangement.account_id._message_post_by_user(
                body=self.env._(
                    "Payment arrangement %(name)s %(state)s: %(reason)s.",
                    name=arrangement.name,
                    state=dict(STATES)[state].lower(),
                    reason=reason,
                )
            )

    def _get_letter_values(self):
        """What the arrangement letter says of each arrangement, formatted.

        Read as superuser once the caller's read access is checked: a cashier
        prints it at the counter without rights on the ledger.

        :return: {arrangement id: dict}
        """
        self.check_access("read")
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        today = fields.Date.context_today(self)
        values = {}
        for arrangement in self.sudo():
            currency = arrangement.currency_id

            def money(amount, currency=currency):
                return format_amount(self.env, amount, currency)

            values[arrangement.id] = {
                "account": arrangement.account_id,
                "company": arrangement.company_id,
                "date_printed": format_date(self.env, today),
                "name": arrangement.name,
                "kind": kinds.get(arrangement.kind, ""),
                "state": arrangement.state,
                "date_start": format_date(self.env, arrangement.date_start),
                "date_closed": format_date(self.env, arrangement.date_closed),
                "covered": money(arrangement.amount_covered),
                "paid": money(arrangement.amount_paid),
                "lines": [
                    {
                        "label": self.env._("Down payment")
                        if line.is_down_payment
                        else self.env._("Installment %(number)s", number=line.sequence),
                        "date": format_date(self.env, line.date_due),
                        "amount": money(line.amount),
                        "paid": money(line.amount_paid),
                    }
                    for line in arrangement.line_ids
                ],
            }
        return values

    def action_send_schedule_letter(self):
        self._check_csr()
        self.check_access("read")
        if self.filtered(lambda a: a.state == "draft"):
            raise UserError(self.env._("Confirm the arrangement before sending its letter."))
        self._send_letter(SCHEDULE_TEMPLATE)
        return True

    # ------------------------------------------------------------------
    # Monitoring (daily)
    # ------------------------------------------------------------------
    def _get_overdue(self, day):
        """Everything past due on ``day`` on each arrangement's account, from the
        ledger (one grouped query).

        :return: {account id: Decimal}
        """
        groups = (
            self.env["account.move.line"]
            .sudo()
            ._read_group(
                [
                    ("utility_account_id", "in", self.account_id.ids),
                    ("account_id.account_type", "=", "asset_receivable"),
                    ("parent_state", "=", "posted"),
                    ("date_maturity", "<=", day),
                ],
                ["utility_account_id"],
                ["amount_residual:sum"],
            )
        )
        return {account.id: _money(amount) for account, amount in groups}

    def _get_lib_schedule(self):
        self.ensure_one()
        return [
            arrangements.Installment(
                line.sequence, line.date_due, _money(line.amount), line.is_down_payment
            )
            for line in self.line_ids.sorted(lambda ln: (ln.date_due, ln.sequence))
        ]

    def _monitor(self, today):
        """Close the active arrangements of ``self`` kept in full; break those behind
        after the grace days. Returns (kept, broken)."""
        active = self.filtered(lambda a: a.state == "active")
        if not active:
            return self.browse(), self.browse()
        paid = active._get_paid_amounts()
        by_cutoff = defaultdict(self.browse)
        for arrangement in active:
            # An installment due on the 20th with 5 grace days is missed on the 26th.
            grace = max(arrangement.company_id.utility_arrangement_grace_days, 0)
            by_cutoff[today - relativedelta(days=grace + 1)] |= arrangement
        overdue = {}
        for cutoff, group in by_cutoff.items():
            for account_id, amount in group._get_overdue(cutoff).items():
                overdue[(cutoff, account_id)] = amount
        kept = broken = self.browse()
        for cutoff, group in by_cutoff.items():
            for arrangement in group:
                covered = _money(arrangement.amount_covered)
                if paid[arrangement.id] >= covered:
                    kept |= arrangement
                elif arrangements.is_behind(
                    covered,
                    arrangement._get_lib_schedule(),
                    overdue.get((cutoff, arrangement.account_id.id), Decimal(0)),
                    cutoff,
                ):
                    broken |= arrangement
        if kept:
            kept._close("kept", self.env._("paid as agreed"), today)
        if broken:
            broken._break(today)
        return kept, broken

    def _break(self, today):
        """A missed installment: the arrangement is broken, the customer gets the
        letter, the account goes back to collections (a disconnect order at once
        where the city's policy says so)."""
        self._close("broken", self.env._("an installment or a current bill was not paid"), today)
        self._send_letter(BROKEN_TEMPLATE)
        immediate = self.filtered(
            lambda a: a.company_id.utility_arrangement_broken_action == "shutoff"
        )
        if immediate:
            immediate._order_disconnects(today)

    def _order_disconnects(self, today):
        """Disconnect orders for the broken arrangements' accounts, scheduled on
        the first day the shut-off calendar allows from ``today`` (a Friday, a
        holiday or its eve, a weather day move it), except the accounts a hold
        keeps from shut-off on that day or with a disconnect already open."""
        Order = self.env["utility.work.order"].sudo()
        open_orders = Order.search(
            [
                ("account_id", "in", self.account_id.ids),
                ("kind", "=", "disconnect"),
                ("state", "in", ("open", "hold")),
            ]
        )
        overdue = self._get_overdue(today)
        orders = Order
        for company, group in self.grouped("company_id").items():
            day = self.env["utility.shutoff.day"]._get_next_shutoff_day(company, today)
            if not day:
                for arrangement in group:
                    arrangement.message_post(
                        body=self.env._(
                            "No disconnect order: the shut-off calendar allows no day "
                            "in the next %(days)s days. Put the account on the next "
                            "shut-off list.",
                            days=SEARCH_DAYS,
                        )
                    )
                continue
            accounts = group.account_id
            holds = accounts._get_collection_holds(day, "shutoff")
            todo = accounts.filtered(
                lambda a, holds=holds: a.id not in holds and a not in open_orders.account_id
            )
            if not todo:
                continue
            orders |= Order._create_for(
                "disconnect",
                todo,
                [{"amount_due": float(overdue.get(a.id, Decimal(0)))} for a in todo],
                date_scheduled=day,
                description=self.env._("Broken payment arrangement."),
            )
        return orders

    @api.model
    def _cron_monitor(self, today=None):
        """Daily: break the arrangements behind after the grace days, close the ones
        paid in full as kept."""
        today = today or fields.Date.context_today(self)
        active = self.sudo().search([("state", "=", "active"), ("date_start", "<=", today)])
        return active._monitor(today)
