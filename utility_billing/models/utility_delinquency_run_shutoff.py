# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date

SHUTOFF_STATES = [
    ("none", "Not Started"),
    ("review", "In Review"),
    ("released", "Released"),
]


class UtilityDelinquencyRun(models.Model):
    """The shut-off list: the run's step after its final notices.

    *Shut-off List* lists every account of the run past due on the shut-off date
    with what the clerk works it by, the exempt ones with their reason
    (``utility.account._get_collection_holds``, step ``shutoff``). The clerk
    reviews it (leaves accounts off, notes the landlord's word), then *Release
    Shut-offs* creates one disconnect order per account still to shut off, for
    the shut-off date, once: the lines are locked and each takes one order (a
    unique index), so a second release creates nothing.
    """

    _inherit = "utility.delinquency.run"  # pylint: disable=consider-merging-classes-inherited

    date_shutoff = fields.Date(
        string="Shut-off Date",
        tracking=True,
        help="The day the crews go out. The shut-off calendar refuses Fridays, weekends, "
        "holidays, the day before one and the days it marks.",
    )
    shutoff_state = fields.Selection(
        SHUTOFF_STATES, string="Shut-off List Status", default="none", required=True, tracking=True
    )
    shutoff_line_ids = fields.One2many("utility.shutoff.line", "run_id", string="Shut-off List")
    shutoff_count = fields.Integer(compute="_compute_shutoff_counts", string="To Shut Off")
    shutoff_held_count = fields.Integer(compute="_compute_shutoff_counts", string="Exempt")
    shutoff_order_count = fields.Integer(
        compute="_compute_shutoff_counts", string="Disconnect Orders"
    )
    amount_shutoff = fields.Monetary(compute="_compute_shutoff_counts", string="Shut-off Amount")

    def _compute_shutoff_counts(self):
        groups = self.env["utility.shutoff.line"]._read_group(
            [("run_id", "in", self.ids)], ["run_id", "state"], ["__count", "amount_due:sum"]
        )
        stats = defaultdict(lambda: defaultdict(float))
        for run, state, count, amount in groups:
            stats[run.id][state] += count
            if state in ("listed", "released"):
                stats[run.id]["amount"] += amount
        for run in self:
            data = stats[run.id]
            run.shutoff_count = int(data["listed"] + data["released"])
            run.shutoff_held_count = int(data["held"])
            run.shutoff_order_count = int(data["released"])
            run.amount_shutoff = data["amount"]

    def _get_action_fields(self):
        return super()._get_action_fields() | {"shutoff_state"}

    def _get_locked_writable_fields(self):
        # A posted run (its late fees released) still plans its shut-offs.
        return super()._get_locked_writable_fields() | {"date_shutoff"}

    # ------------------------------------------------------------------
    # Checks
    # ------------------------------------------------------------------
    def _get_shutoff_problems(self):
        """Why the run's shut-off list cannot be made or released now: each
        problem in office words (the notices add theirs: the notice's lead time)."""
        self.ensure_one()
        problems = []
        if self.state != "posted":
            problems.append(self.env._("Release the late fees of %(run)s first.", run=self.name))
        finals = self.notice_ids.filtered(lambda n: n.kind == "final" and n.addressee == "customer")
        waiting = finals.filtered(lambda n: n.state == "to_send")
        if waiting:
            problems.append(
                self.env._(
                    "%(count)s final notices of %(run)s still wait to be sent: send them first.",
                    count=len(waiting),
                    run=self.name,
                )
            )
        elif not finals.filtered(lambda n: n.state in ("sent", "withdrawn")):
            problems.append(
                self.env._(
                    "Send the final (shut-off) notices of %(run)s before the shut-off list.",
                    run=self.name,
                )
            )
        if not self.date_shutoff:
            problems.append(self.env._("Enter the shut-off date of %(run)s.", run=self.name))
        elif self.date_shutoff < fields.Date.context_today(self):
            problems.append(
                self.env._(
                    "The shut-off date %(date)s is in the past.",
                    date=format_date(self.env, self.date_shutoff),
                )
            )
        else:
            problem = self.env["utility.shutoff.day"]._get_date_problem(
                self.company_id, self.date_shutoff
            )
            if problem:
                following = self.env["utility.shutoff.day"]._get_next_shutoff_day(
                    self.company_id, self.date_shutoff
                )
                if following:
                    problem = self.env._(
                        "%(problem)s The next day shut-offs are allowed is %(date)s.",
                        problem=problem,
                        date=format_date(self.env, following),
                    )
                problems.append(problem)
        return problems

    def _check_shutoff(self):
        problems = [problem for run in self for problem in run._get_shutoff_problems()]
        if problems:
            raise UserError("\n".join(problems))

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_compute_shutoff_list(self):
        """Make (or make again, while in review) the shut-off list of the run, in
        chunks of jobs: the list is in review once every account is looked at."""
        self.check_access("write")
        released = self.filtered(lambda r: r.shutoff_state == "released")
        if released:
            raise UserError(
                self.env._(
                    "The shut-off list of %(runs)s is released: its orders are out.",
                    runs=", ".join(released.mapped("name")),
                )
            )
        for run in self:
            run._check_no_other_step("shutoff_list")
        for run in self.filtered(lambda r: not r.date_shutoff):
            run.date_shutoff = run._get_default_shutoff_date()
        self._check_shutoff()
        for run in self:
            if run.step != "shutoff_list":
                run.shutoff_line_ids.unlink()
                run._add_step_accounts(
                    run.line_ids.filtered(
                        lambda line, r=run: (
                            r.currency_id.compare_amounts(line.amount_past_due, 0) > 0
                        )
                    ).account_id
                )
            run._start_step("shutoff_list", run._get_step_todo_ids("shutoff_list"))
        return self.action_view_shutoff_list() if len(self) == 1 else True

    def _shutoff_list_chunk(self, account_ids):
        """List one chunk of accounts on the shut-off list (job)."""
        self.ensure_one()
        if self.step != "shutoff_list":
            return
        accounts = self._take_step_accounts(account_ids)
        if accounts:
            self.env["utility.shutoff.line"].with_context(
                mail_create_nolog=True, tracking_disable=True
            )._as_action().create(self._prepare_shutoff_line_vals_list(accounts))
        self._end_step_chunk()

    def _get_final_notice_dates(self, accounts=None):
        """{account id: the shut-off date its sent final notices allow (the
        latest of the customer's and the landlord's copy)}, of ``accounts``
        (default: every account of the run)."""
        domain = [
            ("run_id", "=", self.id),
            ("kind", "=", "final"),
            ("state", "=", "sent"),
            ("date_shutoff", "!=", False),
        ]
        if accounts is not None:
            domain.append(("account_id", "in", accounts.ids))
        dates = {}
        for notice in self.env["utility.collection.notice"].search(domain):
            account_id = notice.account_id.id
            dates[account_id] = max(notice.date_shutoff, dates.get(account_id, notice.date_shutoff))
        return dates

    def _get_default_shutoff_date(self):
        """The first day the calendar allows once every final notice's lead time
        has run, or False before the final notices."""
        dates = self._get_final_notice_dates()
        if not dates:
            return False
        start = max(*dates.values(), fields.Date.context_today(self))
        return self.env["utility.shutoff.day"]._get_next_shutoff_day(self.company_id, start)

    def _prepare_shutoff_line_vals_list(self, accounts):
        """One line per account of ``accounts`` (of the run) past due on the
        shut-off date.

        An account is shut off only after its final notice: one held at a notice
        step, or whose notice gives a later shut-off date, is exempt with why.
        """
        self.ensure_one()
        day = self.date_shutoff
        notice_dates = self._get_final_notice_dates(accounts)
        facts = accounts._get_shutoff_facts(day)
        accounts = accounts.filtered(
            lambda a: self.currency_id.compare_amounts(facts[a.id]["amount_due"], 0) > 0
        )
        # The ledger now: a payment posted in this transaction shows.
        accounts.invalidate_recordset(["amount_balance", "amount_current_due"])
        holds = accounts._get_collection_holds(day, "shutoff")
        broken = accounts._get_broken_arrangement_counts()
        vals_list = []
        for account in accounts:
            fact = facts[account.id]
            oldest = fact["date_oldest_due"]
            hold = (
                holds.get(account.id)
                or self._get_notice_reason(notice_dates.get(account.id))
                or self._get_no_service_reason(account)
            )
            vals_list.append(
                {
                    "run_id": self.id,
                    "company_id": self.company_id.id,
                    "account_id": account.id,
                    "amount_due": fact["amount_due"],
                    "days_past_due": (day - oldest).days if oldest else 0,
                    "date_oldest_due": oldest,
                    "date_last_payment": fact["date_last_payment"],
                    "broken_arrangement_count": broken.get(account.id, 0),
                    "state": "held" if hold else "listed",
                    "hold_reason": hold or False,
                }
            )
        return vals_list

    def _get_notice_reason(self, date_allowed):
        """Why the final notice does not allow the shut-off on the run's date, or False."""
        if not date_allowed:
            return self.env._("no final notice sent")
        if date_allowed > self.date_shutoff:
            return self.env._(
                "the final notice gives until %(date)s",
                date=format_date(self.env, date_allowed),
            )
        return False

    def _get_no_service_reason(self, account):
        """A crew shuts off a metered service: an account without one is left off."""
        if account.service_ids.filtered(lambda s: s.is_metered and s.state == "active"):
            return False
        return self.env._("no water service on to shut off")

    def action_release_shutoffs(self):
        """Create the disconnect orders of the accounts still to shut off, for the
        shut-off date, in chunks of jobs; a second release creates nothing.

        What changed since review is looked at again: an account paid up, put on
        an arrangement or given a medical certificate since is left off.

        :return: the orders made, when the step was done in this request
        """
        self.check_access("write")
        not_reviewed = self.filtered(lambda r: r.shutoff_state == "none")
        if not_reviewed:
            raise UserError(
                self.env._(
                    "Make and review the shut-off list of %(runs)s before releasing it.",
                    runs=", ".join(not_reviewed.mapped("name")),
                )
            )
        runs = self.filtered(lambda r: r.shutoff_state == "review")
        for run in runs:
            run._check_no_other_step("release_shutoffs")
        runs._check_shutoff()
        before = runs.shutoff_line_ids.work_order_id
        for run in runs:
            run._start_step("release_shutoffs", run._get_step_todo_ids("release_shutoffs"))
        return runs.shutoff_line_ids.work_order_id - before

    def _release_shutoffs_chunk(self, line_ids):
        """Release one chunk of the shut-off list (job)."""
        self.ensure_one()
        if self.step != "release_shutoffs":
            return
        self._release_shutoff_lines(line_ids)
        self._end_step_chunk()

    def _release_shutoff_lines(self, line_ids):
        """The disconnect orders of the lines of ``line_ids`` still listed."""
        self.ensure_one()
        Line = self.env["utility.shutoff.line"]
        Line.flush_model()
        # Locked: a payment counted on a line meanwhile makes this transaction
        # retry (see utility.shutoff.line._on_payments_posted), and a second
        # release waits, then finds the lines sent.
        self.env.cr.execute(
            """
            SELECT id FROM utility_shutoff_line
             WHERE run_id = %s AND id = ANY(%s) AND state = 'listed'
               AND work_order_id IS NULL
             ORDER BY id
               FOR UPDATE
            """,
            [self.id, list(line_ids)],
        )
        lines = Line.browse([row[0] for row in self.env.cr.fetchall()])
        lines.invalidate_recordset()
        lines.account_id.invalidate_recordset(["amount_balance", "amount_current_due"])
        holds = lines.account_id._get_collection_holds(self.date_shutoff, "shutoff")
        held = lines.filtered(lambda line: line.account_id.id in holds)
        for line in held:
            line._as_action().write({"state": "held", "hold_reason": holds[line.account_id.id]})
        lines -= held
        if not lines:
            return self.env["utility.work.order"]
        orders = self.env["utility.work.order"]._create_for(
            "disconnect",
            lines.account_id,
            values_list=[
                {"amount_due": line.amount_due, "amount_paid": line.amount_paid} for line in lines
            ],
            date_scheduled=self.date_shutoff,
            description=self.env._("Shut-off list of %(run)s", run=self.name),
        )
        for line, order in zip(lines, orders, strict=True):
            line._as_action().write({"state": "released", "work_order_id": order.id})
        return orders

    def action_view_shutoff_list(self):
        self.ensure_one()
        return self._get_window_action(
            "utility_billing.utility_shutoff_line_action",
            [("run_id", "=", self.id)],
            {"search_default_filter_listed": 1, "default_run_id": self.id},
        )

    def action_view_shutoff_orders(self):
        self.ensure_one()
        return self.env["utility.work.order"]._get_list_action(
            [("id", "in", self.shutoff_line_ids.work_order_id.ids)], {"create": False}
        )
