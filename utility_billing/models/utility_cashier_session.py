# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A cashier's drawer, from the opening float to the blind count (SPEC 2.5).

A cashier works in their own open session: every counter payment belongs to
one. At close the cashier counts the drawer by denomination without seeing
what the system expects; the difference (over / short) is posted to the
company's Cash Over and Short account. A difference beyond the company's
tolerance waits for a supervisor, who approves it or sends the drawer back to
be recounted. A closed session takes no more payments.
"""

from collections import defaultdict
from decimal import Decimal

from markupsafe import Markup, escape

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import format_amount

from ..lib import cashiering

SESSION_STATES = [
    ("open", "Open"),
    ("to_approve", "Count to Approve"),
    ("closed", "Closed"),
]
COUNTER_TENDERS = [
    ("cash", "Cash"),
    ("check", "Check"),
    ("card", "Card"),
    ("money_order", "Money Order"),
]
SUPERVISOR = "utility_billing.group_utility_supervisor"

# Written by the session's own actions only (after their checks, see
# utility.locked.fields.mixin): nobody edits the count, its result, who counted
# and approved it or the state by hand.
PROTECTED_FIELDS = {
    "state",
    "user_counted_id",
    "deposit_id",
    "date_close",
    "date_count",
    "count_line_ids",
    "amount_expected_cash",
    "amount_expected_check",
    "amount_expected_card",
    "amount_expected_money_order",
    "amount_over_short",
    "approved_by_id",
    "date_approved",
    "over_short_move_id",
}


class UtilityCashierSession(models.Model):
    _name = "utility.cashier.session"
    _description = "Cashier Session"
    _inherit = ["mail.thread", "utility.locked.fields.mixin"]
    _order = "date_open desc, id desc"
    _check_company_auto = True

    # ------------------------------------------------------------------
    # The drawer
    # ------------------------------------------------------------------
    name = fields.Char(readonly=True, default="/", copy=False, index="trigram")
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    user_id = fields.Many2one(
        "res.users",
        string="Cashier",
        required=True,
        default=lambda self: self.env.user,
        index=True,
        tracking=True,
    )
    date_open = fields.Datetime(
        string="Opened", default=fields.Datetime.now, readonly=True, required=True
    )
    date_close = fields.Datetime(string="Closed", readonly=True, copy=False, tracking=True)
    state = fields.Selection(
        SESSION_STATES,
        default="open",
        required=True,
        readonly=True,
        copy=False,
        index=True,
        tracking=True,
    )
    amount_opening = fields.Monetary(
        string="Opening Float",
        tracking=True,
        help="Cash in the drawer when it is opened (change fund): it is counted back at "
        "close and is not part of the deposit.",
    )
    payment_ids = fields.One2many("utility.payment", "session_id", string="Payments")
    payment_count = fields.Integer(compute="_compute_taken")
    void_count = fields.Integer(string="Voids", compute="_compute_taken")

    # ------------------------------------------------------------------
    # Taken so far (live, posted payments): supervisors only while open
    # ------------------------------------------------------------------
    amount_taken_cash = fields.Monetary(string="Cash Taken", compute="_compute_taken")
    amount_taken_check = fields.Monetary(string="Checks Taken", compute="_compute_taken")
    amount_taken_card = fields.Monetary(string="Cards Taken", compute="_compute_taken")
    amount_taken_money_order = fields.Monetary(
        string="Money Orders Taken", compute="_compute_taken"
    )
    amount_taken_total = fields.Monetary(string="Total Taken", compute="_compute_taken")

    # ------------------------------------------------------------------
    # Blind count: what the cashier counted, what the drawer should hold
    # ------------------------------------------------------------------
    count_line_ids = fields.One2many(
        "utility.cash.count", "session_id", string="Count", readonly=True, copy=False
    )
    date_count = fields.Datetime(string="Counted", readonly=True, copy=False)
    user_counted_id = fields.Many2one(
        "res.users",
        string="Counted By",
        readonly=True,
        copy=False,
        tracking=True,
        help="Who entered the count: neither they nor the drawer's cashier approve it.",
    )
    amount_counted_cash = fields.Monetary(
        string="Cash Counted", compute="_compute_counted", store=True
    )
    amount_counted_check = fields.Monetary(
        string="Checks Counted", compute="_compute_counted", store=True
    )
    amount_counted_card = fields.Monetary(
        string="Cards Counted", compute="_compute_counted", store=True
    )
    amount_counted_money_order = fields.Monetary(
        string="Money Orders Counted", compute="_compute_counted", store=True
    )
    amount_counted_total = fields.Monetary(
        string="Total Counted", compute="_compute_counted", store=True
    )
    amount_expected_cash = fields.Monetary(
        string="Cash Expected",
        readonly=True,
        copy=False,
        help="Opening float plus the cash payments, when the drawer was counted.",
    )
    amount_expected_check = fields.Monetary(string="Checks Expected", readonly=True, copy=False)
    amount_expected_card = fields.Monetary(string="Cards Expected", readonly=True, copy=False)
    amount_expected_money_order = fields.Monetary(
        string="Money Orders Expected", readonly=True, copy=False
    )
    amount_expected_total = fields.Monetary(
        string="Total Expected", compute="_compute_expected_total", store=True
    )
    amount_over_short = fields.Monetary(
        string="Over / Short",
        readonly=True,
        copy=False,
        tracking=True,
        help="Counted minus expected: positive when the drawer is over, negative when short.",
    )
    amount_deposit = fields.Monetary(
        string="To Deposit",
        compute="_compute_amount_deposit",
        store=True,
        help="What was counted, less the opening float that stays in the drawer.",
    )
    approved_by_id = fields.Many2one(
        "res.users", string="Count Approved By", readonly=True, copy=False, tracking=True
    )
    date_approved = fields.Datetime(readonly=True, copy=False)
    over_short_move_id = fields.Many2one(
        "account.move",
        string="Over / Short Entry",
        readonly=True,
        copy=False,
        index="btree_not_null",
    )

    @api.constrains("amount_opening")
    def _check_amount_opening(self):
        if any(
            session.currency_id.compare_amounts(session.amount_opening, 0) < 0 for session in self
        ):
            raise ValidationError(self.env._("The opening float cannot be negative."))

    def init(self):
        # A cashier works one drawer at a time (per company): two open
        # sessions would split the count.
        self.env.cr.execute(
            """
            CREATE UNIQUE INDEX IF NOT EXISTS utility_cashier_session_one_open
                ON utility_cashier_session (company_id, user_id)
             WHERE state = 'open'
            """
        )

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends("payment_ids.state", "payment_ids.amount", "payment_ids.tender")
    @api.depends_context("uid")
    def _compute_taken(self):
        taken = defaultdict(lambda: defaultdict(float))
        counts = defaultdict(lambda: defaultdict(int))
        if self.ids:
            for session, tender, state, total, count in self.env["utility.payment"]._read_group(
                [("session_id", "in", self.ids), ("state", "in", ("posted", "void"))],
                ["session_id", "tender", "state"],
                ["amount:sum", "__count"],
            ):
                counts[session.id][state] += count
                if state == "posted":
                    taken[session.id][tender] += total
        # Blind count: the drawer's own cashier sees no total before counting it
        # (a supervisor always does; a CSR reads other drawers, not their own).
        blind = self.browse()
        if not (self.env.su or self.env.user.has_group(SUPERVISOR)):
            blind = self.filtered(lambda s: s.state == "open" and s.user_id == self.env.user)
        for session in self:
            amounts = taken[session.id] if session not in blind else {}
            session.amount_taken_cash = amounts.get("cash", 0.0)
            session.amount_taken_check = amounts.get("check", 0.0)
            session.amount_taken_card = amounts.get("card", 0.0)
            session.amount_taken_money_order = amounts.get("money_order", 0.0)
            session.amount_taken_total = sum(amounts.values())
            session.payment_count = counts[session.id]["posted"] + counts[session.id]["void"]
            session.void_count = counts[session.id]["void"]

    @api.depends("count_line_ids.amount", "count_line_ids.tender")
    def _compute_counted(self):
        for session in self:
            counted = defaultdict(float)
            for line in session.count_line_ids:
                counted[line.tender] += line.amount
            session.amount_counted_cash = counted["cash"]
            session.amount_counted_check = counted["check"]
            session.amount_counted_card = counted["card"]
            session.amount_counted_money_order = counted["money_order"]
            session.amount_counted_total = sum(counted.values())

    @api.depends(
        "amount_expected_cash",
        "amount_expected_check",
        "amount_expected_card",
        "amount_expected_money_order",
    )
    def _compute_expected_total(self):
        for session in self:
            session.amount_expected_total = (
                session.amount_expected_cash
                + session.amount_expected_check
                + session.amount_expected_card
                + session.amount_expected_money_order
            )

    @api.depends("amount_counted_total", "amount_opening", "state")
    def _compute_amount_deposit(self):
        for session in self:
            session.amount_deposit = (
                session.amount_counted_total - session.amount_opening
                if session.state == "closed"
                else 0.0
            )

    # ------------------------------------------------------------------
    # CRUD and guards
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        pairs = [
            (vals.get("user_id") or self.env.uid, vals.get("company_id") or self.env.company.id)
            for vals in vals_list
            if vals.get("state", "open") == "open"
        ]
        if len(set(pairs)) < len(pairs):
            raise ValidationError(self.env._("A cashier works one open session at a time."))
        self._check_no_open_session(pairs)
        sessions = super().create(vals_list)
        for company in sessions.company_id:
            todo = sessions.filtered(lambda s, c=company: s.company_id == c and s.name == "/")
            names = (
                self.env["ir.sequence"]
                .with_company(company)
                ._utility_next_numbers("utility.cashier.session", len(todo))
            )
            for session, name in zip(todo, names, strict=True):
                session.name = name or "/"
        return sessions

    # ------------------------------------------------------------------
    # States change through actions (utility.locked.fields.mixin)
    # ------------------------------------------------------------------
    def _get_action_fields(self):
        return super()._get_action_fields() | PROTECTED_FIELDS

    def _get_locked_records(self):
        return super()._get_locked_records() | self.filtered(lambda s: s.state != "open")

    def _get_action_fields_message(self, names, creating=False):
        if creating:
            return self.env._("A cashier session is created open, with its float only.")
        return self.env._(
            "The state and the count of a cashier session change through its actions "
            "(Close Session, Approve Count, Recount, a deposit) only."
        )

    def _get_locked_message(self, names=()):
        if "amount_opening" in names:
            return self.env._("The opening float of a counted drawer cannot change.")
        return self.env._("A counted drawer cannot be changed or deleted.")

    def write(self, vals):
        if not self._is_action():
            self._check_write_own_drawer(vals)
        return super().write(vals)

    def _check_write_own_drawer(self, vals):
        """A drawer is its cashier's: another clerk (a CSR, a billing specialist)
        reads it but changes nothing; the cashier never hands it to someone else;
        the float is what the drawer opened with once it took a payment."""
        if "user_id" in vals:
            raise AccessError(self.env._("A cashier session stays with the cashier who opened it."))
        if not self.env.user.has_group(SUPERVISOR):
            others = self.filtered(lambda s: s.user_id != self.env.user)
            if others:
                raise AccessError(
                    self.env._(
                        "Only the cashier of session %(sessions)s (or a supervisor) changes it.",
                        sessions=", ".join(others.mapped("name")),
                    )
                )
        if "amount_opening" in vals:
            used = self.sudo().filtered("payment_ids")
            if used:
                raise UserError(
                    self.env._(
                        "Session %(sessions)s already took payments: its opening float "
                        "cannot change.",
                        sessions=", ".join(used.mapped("name")),
                    )
                )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_used(self):
        if any(session.state != "open" or session.payment_ids for session in self):
            raise UserError(
                self.env._("A session that took payments or was counted is never deleted.")
            )

    @api.model
    def _check_no_open_session(self, pairs):
        """Refuse a second open drawer for a cashier: ``pairs`` of (user id, company id)."""
        pairs = set(pairs)
        if not pairs:
            return
        users = {user_id for user_id, _company_id in pairs}
        taken = (
            self.sudo()
            .search([("user_id", "in", list(users)), ("state", "=", "open")])
            .filtered(lambda s: (s.user_id.id, s.company_id.id) in pairs)
        )
        if taken:
            raise ValidationError(
                self.env._(
                    "A cashier works one open session at a time: %(sessions)s is still open. "
                    "Close it first.",
                    sessions=", ".join(taken.mapped("display_name")),
                )
            )

    @api.depends("name", "user_id")
    def _compute_display_name(self):
        for session in self:
            session.display_name = (
                f"{session.name} ({session.user_id.name})" if session.user_id else session.name
            )

    # ------------------------------------------------------------------
    # Opening and taking payments
    # ------------------------------------------------------------------
    @api.model
    def _get_open_session(self, user=None):
        """The open session of ``user`` (default: the current user) in the current company."""
        user = user or self.env.user
        return self.search(
            [
                ("user_id", "=", user.id),
                ("company_id", "=", self.env.company.id),
                ("state", "=", "open"),
            ],
            limit=1,
        )

    @api.model
    def action_my_session(self):
        """Menu "My Session": the cashier's open drawer, or a new one to open."""
        session = self._get_open_session()
        action = {
            "type": "ir.actions.act_window",
            "res_model": "utility.cashier.session",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }
        if session:
            return dict(action, name=session.display_name, res_id=session.id)
        return dict(action, name=self.env._("Open a Session"))

    def action_take_payment(self):
        self.ensure_one()
        self._check_open()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "utility_billing.utility_payment_receive_action"
        )
        action["context"] = {"default_session_id": self.id}
        return action

    def action_view_payments(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "utility_billing.utility_payment_action"
        )
        action["domain"] = [("session_id", "=", self.id)]
        action["context"] = {"create": False}
        return action

    def _check_open(self):
        closed = self.filtered(lambda s: s.state != "open")
        if closed:
            raise UserError(
                self.env._(
                    "Session %(sessions)s is closed: it takes no more payments. Open your "
                    "own session from Cashiering > My Session.",
                    sessions=", ".join(closed.mapped("name")),
                )
            )

    def _check_cashier_or_supervisor(self):
        """Only the session's own cashier (or a supervisor) counts its drawer."""
        if self.env.su or self.env.user.has_group(SUPERVISOR):
            return
        others = self.filtered(lambda s: s.user_id != self.env.user)
        if others:
            raise AccessError(
                self.env._(
                    "Only the cashier of session %(sessions)s can count and close it.",
                    sessions=", ".join(others.mapped("name")),
                )
            )

    # ------------------------------------------------------------------
    # Closing: blind count, approval, over / short
    # ------------------------------------------------------------------
    def action_close(self):
        """Open the blind count of the drawer."""
        self.ensure_one()
        self._check_open()
        self._check_cashier_or_supervisor()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "utility_billing.utility_cashier_session_close_action"
        )
        action["context"] = {"default_session_id": self.id}
        return action

    def _count(self, count_vals, note=None):
        """Record the blind count of the drawer and close it, or hold it for a
        supervisor when it is off by more than the company's tolerance.

        :param count_vals: values of the ``utility.cash.count`` lines (tender,
            denomination, kind, quantity, amount), as counted
        :param note: the cashier's comment on the count
        :return: the ``lib.cashiering.DrawerCount`` of the session
        """
        self.ensure_one()
        self.check_access("write")
        self._check_open()
        self._check_cashier_or_supervisor()
        drafts = self.payment_ids.filtered(lambda p: p.state == "draft")
        if drafts:
            raise UserError(
                self.env._(
                    "Post or delete the draft payments of the session before counting: "
                    "%(payments)s",
                    payments=", ".join(str(payment.id) for payment in drafts),
                )
            )
        currency = self.currency_id
        taken = {
            tender: Decimal(str(currency.round(total)))
            for tender, total in self.env["utility.payment"]._read_group(
                [("session_id", "=", self.id), ("state", "=", "posted")],
                ["tender"],
                ["amount:sum"],
            )
        }
        count_vals = [dict(vals) for vals in count_vals]
        counted = defaultdict(Decimal)
        for vals in count_vals:
            if vals.get("tender", "cash") == "cash" and vals.get("denomination"):
                # Bills and coins are worth what they say, whatever the caller added up.
                vals["amount"] = float(
                    cashiering.cash_total(
                        [
                            (
                                Decimal(str(currency.round(vals["denomination"]))),
                                vals.get("quantity") or 0,
                            )
                        ]
                    )
                )
            counted[vals.get("tender", "cash")] += Decimal(
                str(currency.round(vals.get("amount") or 0.0))
            )
        result = cashiering.count_drawer(
            Decimal(str(currency.round(self.amount_opening))),
            taken,
            counted,
            Decimal(str(currency.round(self.company_id.utility_over_short_tolerance))),
        )
        session = self.sudo()._as_action()
        session.write(
            {
                "count_line_ids": [Command.create(vals) for vals in count_vals],
                "date_count": fields.Datetime.now(),
                "user_counted_id": self.env.uid,
                "amount_expected_cash": float(result.expected.get("cash", 0)),
                "amount_expected_check": float(result.expected.get("check", 0)),
                "amount_expected_card": float(result.expected.get("card", 0)),
                "amount_expected_money_order": float(result.expected.get("money_order", 0)),
                "amount_over_short": float(result.over_short),
            }
        )
        body = self._count_message(result, note)
        if result.needs_approval:
            session.write({"state": "to_approve"})
            body += Markup("<p>%s</p>") % self.env._(
                "Off by more than the tolerance of %(tolerance)s: a supervisor approves the "
                "count or sends the drawer back to be recounted.",
                tolerance=format_amount(
                    self.env, self.company_id.utility_over_short_tolerance, currency
                ),
            )
            self._message_post_by_user(body=body)
        else:
            self._message_post_by_user(body=body)
            session._close()
        return result

    def _count_message(self, result, note):
        currency = self.currency_id
        rows = Markup("").join(
            Markup("<li>%s: %s</li>")
            % (
                dict(COUNTER_TENDERS).get(tender, tender),
                self.env._(
                    "counted %(counted)s, expected %(expected)s",
                    counted=format_amount(self.env, float(result.counted[tender]), currency),
                    expected=format_amount(self.env, float(result.expected[tender]), currency),
                ),
            )
            for tender in result.expected
            if result.counted[tender] or result.expected[tender]
        )
        body = Markup("<p>%s</p><ul>%s</ul>") % (
            self.env._(
                "Drawer counted by %(user)s: over / short %(amount)s.",
                user=self.env.user.name,
                amount=format_amount(self.env, float(result.over_short), currency),
            ),
            rows,
        )
        if note:
            body += Markup("<p>%s</p>") % escape(note)
        return body

    def action_approve_count(self):
        """A supervisor accepts an over / short beyond the tolerance and closes the drawer."""
        self._check_supervisor()
        not_waiting = self.filtered(lambda s: s.state != "to_approve")
        if not_waiting:
            raise UserError(
                self.env._(
                    "Only a count waiting for approval can be approved: %(sessions)s",
                    sessions=", ".join(not_waiting.mapped("name")),
                )
            )
        own = self.filtered(lambda s: self.env.user in (s.user_id | s.user_counted_id))
        if own:
            raise UserError(
                self.env._(
                    "Nobody approves their own drawer or a count they entered: another "
                    "supervisor approves %(sessions)s.",
                    sessions=", ".join(own.mapped("name")),
                )
            )
        sessions = self.sudo()._as_action()
        sessions.write({"approved_by_id": self.env.uid, "date_approved": fields.Datetime.now()})
        for session in self:
            session._message_post_by_user(
                body=self.env._(
                    "Over / short of %(amount)s approved by %(user)s.",
                    amount=format_amount(self.env, session.amount_over_short, session.currency_id),
                    user=self.env.user.name,
                )
            )
        sessions._close()
        return True

    def action_recount(self):
        """A supervisor sends a count waiting for approval back: the drawer is open again
        (taking no payment in between is the cashier's business) and is counted anew."""
        self._check_supervisor()
        not_waiting = self.filtered(lambda s: s.state != "to_approve")
        if not_waiting:
            raise UserError(
                self.env._(
                    "Only a count waiting for approval can be sent back: %(sessions)s",
                    sessions=", ".join(not_waiting.mapped("name")),
                )
            )
        self._check_no_open_session((s.user_id.id, s.company_id.id) for s in self)
        self.sudo()._as_action().write(
            {
                "state": "open",
                "count_line_ids": [Command.clear()],
                "date_count": False,
                "user_counted_id": False,
                "amount_expected_cash": 0.0,
                "amount_expected_check": 0.0,
                "amount_expected_card": 0.0,
                "amount_expected_money_order": 0.0,
                "amount_over_short": 0.0,
            }
        )
        for session in self:
            session._message_post_by_user(
                body=self.env._("Count sent back to be recounted by %(user)s.",
                                user=self.env.user.name)
            )  # fmt: skip
        return True

    def _check_supervisor(self):
        if not (self.env.su or self.env.user.has_group(SUPERVISOR)):
            raise AccessError(self.env._("Only a utility supervisor can do this."))

    def _close(self):
        """Close counted sessions and post their over / short (one entry each, one create)."""
        vals_list = []
        to_post = self.filtered(lambda s: not s.currency_id.is_zero(s.amount_over_short))
        for session in to_post:
            vals_list.append(session._prepare_over_short_move_vals())
        moves = self.env["account.move"].sudo().create(vals_list)
        moves._post(soft=False)
        for session, move in zip(to_post, moves, strict=True):
            session.sudo().over_short_move_id = move
        self.sudo().write({"state": "closed", "date_close": fields.Datetime.now()})

    def _prepare_over_short_move_vals(self):
        """Short: the missing money leaves Undeposited Funds for the Cash Over and
        Short expense. Over: the extra money enters Undeposited Funds against it."""
        self.ensure_one()
        company = self.company_id
        amount = self.currency_id.round(self.amount_over_short)
        undeposited = company._get_utility_undeposited_account()
        over_short = company._get_utility_cash_over_short_account()
        label = self.env._(
            "Cash %(kind)s %(session)s (%(cashier)s)",
            kind=self.env._("over") if amount > 0 else self.env._("short"),
            session=self.name,
            cashier=self.user_id.name,
        )
        return {
            "move_type": "entry",
            "journal_id": company._get_utility_receipt_journal().id,
            "date": fields.Date.context_today(self),
            "ref": label,
            "company_id": company.id,
            "line_ids": [
                Command.create(
                    {
                        "name": label,
                        "account_id": undeposited.id,
                        "debit": max(amount, 0.0),
                        "credit": max(-amount, 0.0),
                    }
                ),
                Command.create(
                    {
                        "name": label,
                        "account_id": over_short.id,
                        "debit": max(-amount, 0.0),
                        "credit": max(amount, 0.0),
                    }
                ),
            ],
        }

    # ------------------------------------------------------------------
    # Reports
    # ------------------------------------------------------------------
    def action_print_report(self):
        return self.env.ref("utility_billing.action_report_utility_cashier_session").report_action(
            self
        )

    def _check_report_allowed(self):
        """The cashier's report shows what the drawer should hold: a cashier sees
        it once the count is in (blind count); a supervisor at any time."""
        if self.env.su or self.env.user.has_group(SUPERVISOR):
            return
        still_open = self.filtered(lambda s: s.state == "open")
        if still_open:
            raise UserError(
                self.env._(
                    "The cashier's report of %(sessions)s is printed after the count: "
                    "close the session first.",
                    sessions=", ".join(still_open.mapped("name")),
                )
            )

    def _get_cashier_report_data(self):
        """What the cashier's report prints for this session: totals by tender
        (payments, voids, expected, counted, difference), the payments and the voids."""
        self.ensure_one()
        self._check_report_allowed()
        payments = self.payment_ids.filtered(lambda p: p.state != "draft").sorted(
            lambda p: (p.name or "", p.id)
        )
        tenders = []
        labels = dict(COUNTER_TENDERS)
        counted = self.state != "open"
        for tender, label in labels.items():
            posted = payments.filtered(lambda p, t=tender: p.tender == t and p.state == "posted")
            voided = payments.filtered(lambda p, t=tender: p.tender == t and p.state == "void")
            expected = self[f"amount_expected_{tender}"] if counted else None
            counted_amount = self[f"amount_counted_{tender}"] if counted else None
            tenders.append(
                {
                    "tender": tender,
                    "label": label,
                    "count": len(posted),
                    "amount": sum(posted.mapped("amount")),
                    "void_count": len(voided),
                    "void_amount": sum(voided.mapped("amount")),
                    "expected": expected,
                    "counted": counted_amount,
                    "difference": (counted_amount - expected) if counted else None,
                }
            )
        posted = payments.filtered(lambda p: p.state == "posted")
        return {
            "tenders": tenders,
            "payments": payments,
            "voids": payments.filtered(lambda p: p.state == "void" or p.is_void_requested),
            "total_count": len(posted),
            "total_amount": sum(posted.mapped("amount")),
            "counted": counted,
            "cash_lines": self.count_line_ids.filtered(lambda c: c.tender == "cash"),
        }

    def _get_daily_receipts_data(self):
        """The daily receipts summary of these sessions: one block per day, one
        row per session, one column per tender, and the day's voids."""
        self._check_report_allowed()
        payments = self.env["utility.payment"].search(
            [("session_id", "in", self.ids), ("state", "in", ("posted", "void"))],
            order="date, session_id, name",
        )
        tenders = [tender for tender, _label in COUNTER_TENDERS]
        days = {}
        for payment in payments:
            day = days.setdefault(
                payment.date,
                {
                    "date": payment.date,
                    "rows": {},
                    "totals": dict.fromkeys(tenders, 0.0),
                    "total": 0.0,
                    "count": 0,
                    "void_count": 0,
                    "void_amount": 0.0,
                },
            )
            row = day["rows"].setdefault(
                payment.session_id,
                {
                    "session": payment.session_id,
                    "amounts": dict.fromkeys(tenders, 0.0),
                    "total": 0.0,
                    "count": 0,
                    "void_count": 0,
                },
            )
            if payment.state == "void":
                row["void_count"] += 1
                day["void_count"] += 1
                day["void_amount"] += payment.amount
                continue
            row["amounts"][payment.tender] = row["amounts"].get(payment.tender, 0.0) + (
                payment.amount
            )
            row["total"] += payment.amount
            row["count"] += 1
            day["totals"][payment.tender] = day["totals"].get(payment.tender, 0.0) + (
                payment.amount
            )
            day["total"] += payment.amount
            day["count"] += 1
        result = []
        for day in sorted(days.values(), key=lambda d: d["date"]):
            day["rows"] = list(day["rows"].values())
            result.append(day)
        return {
            "days": result,
            "tenders": [(tender, dict(COUNTER_TENDERS)[tender]) for tender in tenders],
            "grand_total": sum(day["total"] for day in result),
            "grand_totals": {
                tender: sum(day["totals"][tender] for day in result) for tender in tenders
            },
        }
