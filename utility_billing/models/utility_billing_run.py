# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from dateutil.relativedelta import relativedelta
from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_amount, format_date

from odoo.addons.queue_job.utils import must_run_without_delay

from ..lib.units import convert

# The run's companions; models/__init__.py imports them too once the lead adds them.

RUN_STATES = [
    ("draft", "Draft"),
    ("rated", "Review"),
    ("posting", "Posting"),
    ("posted", "Posted"),
    ("cancelled", "Cancelled"),
]


class UtilityBillingRun(models.Model):
    """A billing run: rate every account of a cycle for a read window, review,
    then post all the bills in one action.

    Rating and posting are split into chunks of accounts on OCA ``queue_job``
    (``with_delay`` with an identity key per chunk, so a double click enqueues
    nothing twice). Each chunk ends at :meth:`_commit_chunk`, the only commit
    of the run: a chunk that crashes loses only its own work, and "Resume"
    enqueues what is not done. Nothing is billed twice: a chunk only takes
    lines still to do (locked), and ``utility.service.period`` refuses a second
    bill for a service and period at the database level.
    """

    _name = "utility.billing.run"
    _description = "Utility Billing Run"
    _inherit = ["mail.thread", "utility.chunked.run.mixin"]
    _order = "date_from desc, id desc"
    _check_company_auto = True
    _chunked_line_model = "utility.billing.run.line"
    _chunked_computed_state = "rated"
    _chunked_todo_state = "ok"
    _chunked_period_field = "date_from"

    # ------------------------------------------------------------------
    # What is billed
    # ------------------------------------------------------------------
    date_from = fields.Date(
        string="Read From",
        compute="_compute_dates",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
        tracking=True,
        help="First day of the read window: readings dated in the window are billed.",
    )
    date_to = fields.Date(
        string="Read To",
        compute="_compute_dates",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
        tracking=True,
    )
    date_invoice = fields.Date(
        string="Bill Date",
        compute="_compute_dates",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
        tracking=True,
    )
    date_due = fields.Date(
        string="Due Date",
        compute="_compute_dates",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
        tracking=True,
    )
    date_penalty = fields.Date(
        string="Penalty Date",
        compute="_compute_dates",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
        tracking=True,
    )
    state = fields.Selection(
        RUN_STATES, default="draft", required=True, tracking=True, index=True, copy=False
    )
    chunk_size = fields.Integer(
        string="Accounts per Job",
        help="Rating and posting are split into background jobs of this many accounts each.",
    )

    # ------------------------------------------------------------------
    # Progress and review register
    # ------------------------------------------------------------------
    line_ids = fields.One2many("utility.billing.run.line", "run_id", string="Accounts")
    account_count = fields.Integer(
        string="Accounts to Bill", readonly=True, copy=False, tracking=True
    )
    rated_count = fields.Integer(compute="_compute_progress", string="Rated")
    ok_count = fields.Integer(compute="_compute_progress", string="Ready")
    exception_count = fields.Integer(compute="_compute_progress", string="Exceptions")
    posted_count = fields.Integer(compute="_compute_progress", string="Posted")
    high_change_count = fields.Integer(compute="_compute_progress", string="High Changes")
    progress = fields.Float(compute="_compute_progress", help="Percent of the current phase done.")
    amount_total = fields.Monetary(compute="_compute_progress", string="Amount to Bill")
    amount_posted = fields.Monetary(compute="_compute_progress")
    register_html = fields.Html(compute="_compute_register_html", string="Register", sanitize=False)
    move_ids = fields.One2many("account.move", "utility_billing_run_id", string="Bills")

    _sql_constraints = [
        (
            "dates_check",
            "CHECK(date_to >= date_from)",
            "The read window of a billing run cannot end before it starts.",
        ),
        ("chunk_size_check", "CHECK(chunk_size > 0)", "A job bills at least one account."),
    ]

    def init(self):
        # Two people starting the same run get one run: the Python check gives
        # the message, this index is the guarantee under concurrency.
        self.env.cr.execute(
            """
            CREATE UNIQUE INDEX IF NOT EXISTS utility_billing_run_cycle_period_uniq
                ON utility_billing_run (cycle_id, date_from)
             WHERE state != 'cancelled'
            """
        )

    # ------------------------------------------------------------------
    # Defaults and computes
    # ------------------------------------------------------------------
    @api.model
    def _get_cycle_dates(self, cycle, today):
        """Read window, bill, due and penalty dates of ``cycle``'s run around ``today``.

        The window is the cycle's read days of the month in which today falls
        on or after the window's first day; the bill is dated on the cycle's
        bill day following the window; due and penalty count days from it.
        """

        def day_of(month_first, day):
            # relativedelta(day=31) stops at the month's last day.
            return month_first + relativedelta(day=day)

        month = today.replace(day=1)
        if today.day < cycle.read_day_start:
            month -= relativedelta(months=1)
        date_from = day_of(month, cycle.read_day_start)
        if cycle.read_day_end < cycle.read_day_start:
            month += relativedelta(months=1)
        date_to = day_of(month, cycle.read_day_end)
        if cycle.bill_day < cycle.read_day_end:
            month += relativedelta(months=1)
        date_invoice = day_of(month, cycle.bill_day)
        date_due = date_invoice + relativedelta(days=cycle.due_days)
        return {
            "date_from": date_from,
            "date_to": date_to,
            "date_invoice": date_invoice,
            "date_due": date_due,
            "date_penalty": date_due + relativedelta(days=cycle.penalty_days),
        }

    @api.depends("cycle_id")
    def _compute_dates(self):
        today = fields.Date.context_today(self)
        for run in self:
            if not run.cycle_id:
                continue
            for fname, value in self._get_cycle_dates(run.cycle_id, today).items():
                run[fname] = value

    @api.depends("line_ids.state", "line_ids.amount_total", "line_ids.is_high_change")
    def _compute_progress(self):
        groups = self.env["utility.billing.run.line"]._read_group(
            [("run_id", "in", self.ids)],
            ["run_id", "state", "is_high_change"],
            ["__count", "amount_total:sum"],
        )
        stats = defaultdict(lambda: defaultdict(float))
        for run, state, high, count, amount in groups:
            stats[run.id][state] += count
            stats[run.id][f"amount_{state}"] += amount
            if high and state != "exception":
                stats[run.id]["high"] += count
        for run in self:
            data = stats[run.id]
            run.ok_count = int(data["ok"])
            run.exception_count = int(data["exception"])
            run.posted_count = int(data["posted"])
            run.rated_count = run.ok_count + run.exception_count + run.posted_count
            run.high_change_count = int(data["high"])
            run.amount_total = data["amount_ok"] + data["amount_posted"]
            run.amount_posted = data["amount_posted"]
            if run.state in ("posting", "posted"):
                todo = run.ok_count + run.posted_count
                run.progress = 100.0 * run.posted_count / todo if todo else 100.0
            else:
                run.progress = (
                    100.0 * run.rated_count / run.account_count if run.account_count else 0.0
                )

    def _compute_register_html(self):
        """Totals per service type and per customer class: one grouped query each."""
        Charge = self.env["utility.billing.run.charge"]
        Line = self.env["utility.billing.run.line"]
        by_type = Charge._read_group(
            [("run_id", "in", self.ids), ("line_id.state", "in", ("ok", "posted"))],
            ["run_id", "service_type_id"],
            ["amount:sum", "line_id:count_distinct"],
        )
        by_class = Line._read_group(
            [("run_id", "in", self.ids), ("state", "in", ("ok", "posted"))],
            ["run_id", "customer_class"],
            ["__count", "amount_total:sum", "consumption:sum", "consumption_last:sum"],
        )
        # Taxes are computed by Odoo's tax engine when the bills post: the
        # register shows the charges before tax, then the posted taxes.
        rows_tax = defaultdict(list)
        if self.ids:
            self.env["account.move.line"].flush_model(
                ["move_id", "display_type", "tax_line_id", "balance", "parent_state"]
            )
            self.env["account.move"].flush_model(["utility_billing_run_id"])
            self.env.cr.execute(
                """
                SELECT m.utility_billing_run_id, l.tax_line_id, SUM(l.balance),
                       COUNT(DISTINCT m.id)
                  FROM account_move_line l
                  JOIN account_move m ON m.id = l.move_id
                 WHERE m.utility_billing_run_id = ANY(%s) AND l.display_type = 'tax'
                   AND l.parent_state = 'posted'
                 GROUP BY 1, 2 ORDER BY 2
                """,
                [self.ids],
            )
            tax_names = {}
            for run_id, tax_id, balance, count in self.env.cr.fetchall():
                if tax_id not in tax_names:
                    tax_names[tax_id] = self.env["account.tax"].browse(tax_id).name
                rows_tax[run_id].append((tax_names[tax_id], count, -balance))
        rows_type = defaultdict(list)
        for run, service_type, amount, count in by_type:
            rows_type[run.id].append((service_type.display_name, count, amount))
        rows_class = defaultdict(list)
        for run, customer_class, count, amount, used, used_last in by_class:
            rows_class[run.id].append(
                (
                    customer_class.display_name or self.env._("Undefined"),
                    count,
                    amount,
                    used,
                    used_last,
                )
            )
        for run in self:
            money = lambda value, run=run: format_amount(run.env, value, run.currency_id)  # noqa: E731
            html = Markup("<h5>%s</h5>") % self.env._("Totals per service")
            html += self._html_table(
                [self.env._("Service"), self.env._("Accounts"), self.env._("Amount")],
                [(name, count, money(amount)) for name, count, amount in rows_type[run.id]],
            )
            if rows_tax[run.id]:
                html += Markup("<h5>%s</h5>") % self.env._("Taxes on the posted bills")
                html += self._html_table(
                    [self.env._("Tax"), self.env._("Bills"), self.env._("Amount")],
                    [(name, count, money(amount)) for name, count, amount in rows_tax[run.id]],
                )
            html += Markup("<h5>%s</h5>") % self.env._("Totals per customer class")
            html += self._html_table(
                [
                    self.env._("Class"),
                    self.env._("Accounts"),
                    self.env._("Amount"),
                    self.env._("Consumption"),
                    self.env._("Last Period"),
                ],
                [
                    (name, count, money(amount), f"{used:,.3f}", f"{used_last:,.3f}")
                    for name, count, amount, used, used_last in rows_class[run.id]
                ],
            )
            run.register_html = html

    @staticmethod
    def _html_table(header, rows):
        head = Markup("").join(Markup("<th>%s</th>") % cell for cell in header)
        body = Markup("").join(
            Markup("<tr>%s</tr>") % Markup("").join(Markup("<td>%s</td>") % escape(c) for c in row)
            for row in rows
        )
        return Markup(
            '<table class="table table-sm o_utility_register"><thead><tr>%s</tr></thead>'
            "<tbody>%s</tbody></table>"
        ) % (head, body)

    # ------------------------------------------------------------------
    # Constraints and CRUD
    # ------------------------------------------------------------------
    @api.model
    def _check_one_run_per_period(self, keys, exclude_ids=()):
        """Refuse a second live run of a cycle and read window start.

        Checked before the database sees the row, for a clear message; the
        partial unique index decides between two concurrent transactions.

        :param keys: list of (cycle_id, date_from)
        """
        clashes = self._get_period_clashes(keys, exclude_ids)
        if clashes:
            raise ValidationError(
                self.env._(
                    "A billing run of this cycle and period already exists: %(runs)s. "
                    "Open it instead of starting another one.",
                    runs=", ".join(
                        f"{o.name} ({o.cycle_id.display_name}, {o.date_from})" for o in clashes
                    ),
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        self._set_sequence_names(vals_list)
        today = fields.Date.context_today(self)
        keys = []
        for vals in vals_list:
            if vals.get("state", "draft") == "cancelled" or not vals.get("cycle_id"):
                continue
            day = vals.get("date_from")
            if not day:
                cycle = self.env["utility.billing.cycle"].browse(vals["cycle_id"])
                day = self._get_cycle_dates(cycle, today)["date_from"]
            keys.append((vals["cycle_id"], day))
        self._check_one_run_per_period(keys)
        return super().create(vals_list)

    def write(self, vals):
        if {"cycle_id", "date_from", "state"} & vals.keys():
            live = self if vals.get("state", "draft") != "cancelled" else self.browse()
            self._check_one_run_per_period(
                [
                    (vals.get("cycle_id", run.cycle_id.id), vals.get("date_from", run.date_from))
                    for run in live.filtered(lambda r: r.state != "cancelled" or "state" in vals)
                ],
                exclude_ids=self.ids,
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_posted(self):
        if any(run.state in ("posting", "posted") for run in self):
            raise UserError(self.env._("A run that posted bills cannot be deleted."))

    # ------------------------------------------------------------------
    # States change through actions (utility.locked.fields.mixin)
    # ------------------------------------------------------------------
    def _get_action_fields_message(self, names, creating=False):
        return self.env._(
            "A billing run moves on through its buttons only (Compute, Post Bills, Cancel)."
        )

    def _get_locked_message(self, names=()):
        return self.env._(
            "A run that posted bills cannot be changed, reset or deleted: correct a bill "
            "with Cancel and Rebill."
        )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_compute(self):
        """Rate every active account of the cycle (only those not rated yet).

        On a run in review, the exception lines are rated again (after the
        clerk released a reading, fixed a rate...); ready lines stay.
        """
        self._lock_runs()
        self._check_state(("draft", "rated"), self.env._("Compute"))
        Line = self.env["utility.billing.run.line"]
        for run in self:
            Line.search([("run_id", "=", run.id), ("state", "=", "exception")]).unlink()
            accounts = run._get_accounts()
            done = run._get_rated_account_ids()
            vals = {"account_count": len(accounts)}
            todo = [account_id for account_id in accounts.ids if account_id not in done]
            if todo:
                vals["state"] = "draft"
            run._as_action().write(vals)
            run._enqueue_chunks("_rate_chunk", todo)
            run._update_compute_state()
        return True

    def action_post(self):
        """Post the bills of every ready line (exceptions stay in the register)."""
        self._lock_runs()
        self._check_state(("rated", "posting"), self.env._("Post Bills"))
        for run in self:
            lines = self.env["utility.billing.run.line"].search(
                [("run_id", "=", run.id), ("state", "=", "ok")], order="id"
            )
            if not lines and not run.posted_count:
                raise UserError(self.env._("%(run)s has no bill ready to post.", run=run.name))
            if run.state != "posting":
                run._as_action().state = "posting"
            run._enqueue_chunks("_post_chunk", lines.ids)
            run._update_posting_state()
        return True

    def action_resume(self):
        """Enqueue again what a crashed or stopped chunk left undone."""
        self._check_state(("draft", "posting"), self.env._("Resume"))
        for run in self:
            if run.state == "draft":
                run.action_compute()
            else:
                run.action_post()
        return True

    def action_view_lines(self):
        return self._get_window_action(
            "utility_billing.utility_billing_run_line_action",
            [("run_id", "=", self.id)],
            dict(self.env.context.get("run_line_filters") or {}),
        )

    def action_view_exceptions(self):
        return self.with_context(
            run_line_filters={"search_default_filter_exception": 1}
        ).action_view_lines()

    def action_view_high_changes(self):
        return self.with_context(
            run_line_filters={"search_default_filter_high_change": 1}
        ).action_view_lines()

    def action_view_bills(self):
        return self._get_window_action(
            "account.action_move_out_invoice_type",
            [("utility_billing_run_id", "=", self.id)],
            {"create": False},
        )

    # ------------------------------------------------------------------
    # Chunks
    # ------------------------------------------------------------------
    def _get_accounts(self):
        """Accounts the run bills: the active accounts of the cycle."""
        self.ensure_one()
        return self.env["utility.account"].search(
            [
                ("cycle_id", "=", self.cycle_id.id),
                ("state", "=", "active"),
                ("company_id", "=", self.company_id.id),
            ],
            order="id",
        )

    def _get_chunk_description(self, method, count):
        return self.env._(
            "%(run)s: %(phase)s %(count)s accounts",
            run=self.name,
            phase=self.env._("rate") if method == "_rate_chunk" else self.env._("post"),
            count=count,
        )

    def _get_rated_account_ids(self, account_ids=None):
        """Accounts that already have a line in the run (of ``account_ids``)."""
        self.ensure_one()
        self.env["utility.billing.run.line"].flush_model(["run_id", "account_id"])
        query = "SELECT account_id FROM utility_billing_run_line WHERE run_id = %s"
        params = [self.id]
        if account_ids is not None:
            query += " AND account_id = ANY(%s)"
            params.append(list(account_ids))
        self.env.cr.execute(query, params)
        return {row[0] for row in self.env.cr.fetchall()}

    def _rate_chunk(self, account_ids):
        """Rate one chunk of accounts and store their lines (job)."""
        self.ensure_one()
        if self.state != "draft":
            return
        self._rate_accounts(account_ids)
        self._update_compute_state()
        self._commit_chunk()

    def _rate_accounts(self, account_ids):
        """Rate the accounts of ``account_ids`` that have no line in the run yet
        and store their lines (ready or exception)."""
        self.ensure_one()
        done = self._get_rated_account_ids(account_ids)
        accounts = self.env["utility.account"].browse(
            [account_id for account_id in account_ids if account_id not in done]
        )
        builder = self.env["utility.bill.builder"]
        bills = builder._build_bills(accounts, self.date_from, self.date_to)
        comparisons = self._get_comparisons(bills)
        self._insert_lines([self._prepare_line_vals(bill, comparisons) for bill in bills])

    def _get_comparisons(self, bills):
        """Consumption of the last period and the same period last year, per
        account, in the unit of its bill (one grouped query for the chunk)."""
        builder = self.env["utility.bill.builder"]
        months = self.cycle_id.frequency_months or 1
        windows = {
            "last": (
                self.date_from - relativedelta(months=months),
                self.date_to - relativedelta(months=months),
            ),
            "year": (
                self.date_from - relativedelta(years=1),
                self.date_to - relativedelta(years=1),
            ),
        }
        services = self.env["utility.account.service"].browse(
            {s["service_id"] for bill in bills for s in bill["services"]}
        )
        metered = services.filtered("service_type_id.is_metered")
        history = builder._get_usage_history(metered, windows)
        by_account = defaultdict(list)
        for service in metered:
            by_account[service.account_id.id].append(service.id)
        result = {}
        for bill in bills:
            service_ids = by_account.get(bill["account_id"])
            if not service_ids:
                result[bill["account_id"]] = dict.fromkeys(windows, 0.0)
                continue
            totals = {}
            for key in windows:
                gallons = sum((history.get((sid, key), 0) for sid in service_ids), 0)
                totals[key] = float(convert(gallons, "gallon", bill["unit"])) if gallons else 0.0
            result[bill["account_id"]] = totals
        return result

    def _prepare_line_vals(self, bill, comparisons):
        """Values of the run line of ``bill``, with its charges (``charge_ids``:
        charge dicts) and readings (``reading_ids``: ids) as plain lists, for
        :meth:`_insert_lines`."""
        company = self.company_id
        consumption = float(bill["consumption"])
        last = comparisons.get(bill["account_id"], {}).get("last", 0.0)
        change = (consumption - last) * 100.0 / last if last else 0.0
        high = bool(
            last
            and (
                consumption > last * company.utility_high_usage_percent / 100.0
                or consumption < last * company.utility_low_usage_percent / 100.0
            )
        )
        state, message = bill["state"], bill["message"]
        if state == "ok" and not bill["charges"]:
            state, message = "exception", self.env._("The rates give no charge: nothing to bill.")
        return {
            "run_id": self.id,
            "company_id": company.id,
            "account_id": bill["account_id"],
            "partner_id": bill["partner_id"],
            "location_id": bill["location_id"],
            "customer_class": bill["customer_class"],
            "state": state,
            "message": message or False,
            "date_from": bill["date_from"],
            "date_to": bill["date_to"],
            "amount_total": bill["amount_total"],
            "consumption": bill["consumption"],
            "consumption_unit": bill["unit"],
            "consumption_last": last,
            "consumption_last_year": comparisons.get(bill["account_id"], {}).get("year", 0.0),
            "change_percent": change,
            "is_high_change": high,
            "reading_ids": bill["reading_ids"] if state == "ok" else [],
            "charge_ids": bill["charges"] if state == "ok" else [],
        }

    def _insert_lines(self, vals_list):
        """Store the lines of a chunk with their charges and readings: a few
        COPY statements instead of an ORM create per line and charge.

        The rows get what ``create`` would store (see ``utility.sql.writer._bulk_insert``):
        the stored related fields (company, class, run of a charge) are given
        from the run and the bill, which is where the ORM would read them.
        """
        Line = self.env["utility.billing.run.line"]
        Charge = self.env["utility.billing.run.charge"]
        if not vals_list:
            return Line
        for model in (Line, Charge):
            model.check_access("create")
        line_rows = [
            {k: v for k, v in vals.items() if k not in ("charge_ids", "reading_ids")}
            for vals in vals_list
        ]
        currency = self.company_id.currency_id
        lines = self.env["utility.sql.writer"]._bulk_insert(
            "utility.billing.run.line", line_rows, currency
        )
        charge_rows = []
        reading_rows = []
        for line_id, vals in zip(lines.ids, vals_list, strict=True):
            reading_rows += [(line_id, reading_id) for reading_id in vals["reading_ids"]]
            charge_rows += [
                {
                    "line_id": line_id,
                    "run_id": vals["run_id"],
                    "company_id": vals["company_id"],
                    "service_id": c["service_id"],
                    "service_type_id": c["service_type_id"],
                    "rate_line_id": c["rate_line_id"],
                    "component": c["component"],
                    "name": c["name"],
                    "quantity": c["quantity"],
                    "price_unit": c["price_unit"],
                    "amount": c["amount"],
                    "date_from": c["date_from"],
                    "date_to": c["date_to"],
                    "consumption": c["consumption"] or 0.0,
                    "has_consumption": c["consumption"] is not None,
                    "unit": c["unit"],
                    "reading_id": c["reading_id"],
                }
                for c in vals["charge_ids"]
            ]
        self.env["utility.sql.writer"]._bulk_insert(
            "utility.billing.run.charge", charge_rows, currency
        )
        if reading_rows:
            self.env.cr.execute_values(
                "INSERT INTO utility_billing_run_line_reading_rel (line_id, reading_id) "
                "VALUES %s ON CONFLICT DO NOTHING",
                reading_rows,
                page_size=len(reading_rows),
            )
            lines.modified(["reading_ids"], create=True)
        return lines

    def _post_chunk(self, line_ids):
        """Post the bills of one chunk of ready lines (job).

        The lines are locked and re-read: a line posted meanwhile (second
        click, resumed run) is skipped. A line whose service period is
        already billed, or whose readings changed since rating, is refused
        with its reason and the rest of the chunk is posted.
        """
        self.ensure_one()
        if self.state != "posting":
            return
        lines = self._lock_todo_lines(line_ids)
        if lines:
            self._post_lines(lines)
        self._update_posting_state()
        self._commit_chunk()

    def _post_lines(self, lines):
        """Post the bills of ``lines`` (locked, ready): refuse the lines whose
        period is billed already or whose readings changed, post the rest with
        ``utility.bill.builder._post_bills`` (billed periods and readings, open
        credits), and mark the lines posted."""
        charges_by_line = self._read_charges(lines.ids)
        lines.fetch(["account_id", "partner_id", "location_id", "date_from", "date_to"])
        billed = (
            self.env["utility.service.period"]
            .sudo()
            ._get_billed(
                (c["service_id"], c["date_from"])
                for charges in charges_by_line.values()
                for c in charges
            )
        )
        readings_by_line, stale = self._read_line_readings(lines.ids)
        refused = {}
        for line in lines:
            problems = [
                self.env._(
                    "%(service)s is already billed from %(date)s on %(bill)s.",
                    service=period.service_id.display_name,
                    date=format_date(self.env, period.date_from),
                    bill=period.move_id.name or period.run_id.name or "",
                )
                for period in {
                    billed[(c["service_id"], c["date_from"])]
                    for c in charges_by_line[line.id]
                    if (c["service_id"], c["date_from"]) in billed
                }
            ]
            problems += [
                self.env._(
                    "Reading %(reading)s is no longer valid (%(state)s): compute the run again.",
                    reading=name,
                    state=state,
                )
                for name, state in stale.get(line.id, ())
            ]
            if problems:
                refused[line] = "\n".join(problems)
        refused.update(
            self._get_overlapping_lines(
                lines.filtered(lambda line: line not in refused), charges_by_line
            )
        )
        good = lines.filtered(lambda line: line not in refused)
        builder = self.env["utility.bill.builder"]
        # The bills' fiscal positions (their taxes), found for the chunk at once.
        fiscal_positions = builder._get_fiscal_positions(good.account_id)
        invoice_vals = [
            builder._prepare_invoice_vals(
                dict(
                    self._prepare_invoice_header(line),
                    fiscal_position_id=fiscal_positions[line.account_id.id].id or False,
                ),
                charges_by_line[line.id],
            )
            for line in good
        ]
        # The partial unique index refuses a period billed meanwhile by another
        # transaction: the chunk fails and nothing of it stays.
        moves = builder._post_bills(
            invoice_vals,
            [charges_by_line[line.id] for line in good],
            [readings_by_line.get(line.id, ()) for line in good],
            run=self,
        )
        self._mark_lines_posted(good, moves)
        for line, message in refused.items():
            # The run posts: its own action refuses the line (utility.locked.fields.mixin).
            line._as_action().write({"state": "exception", "message": message})

    def _read_charges(self, line_ids):
        """Charge dicts (see :meth:`_charge_dict`) of the lines, by line, in
        order, with the account, type and company of their service: one query."""
        self.env["utility.billing.run.charge"].flush_model()
        self.env.cr.execute(
            """
            SELECT c.line_id, c.service_id, c.service_type_id, c.rate_line_id, c.component,
                   c.name, c.quantity, c.price_unit, c.amount, c.date_from, c.date_to,
                   c.consumption, c.has_consumption, c.unit, c.reading_id,
                   s.account_id, s.company_id
              FROM utility_billing_run_charge c
              JOIN utility_account_service s ON s.id = c.service_id
             WHERE c.line_id = ANY(%s)
             ORDER BY c.line_id, c.id
            """,
            [list(line_ids)],
        )
        by_line = defaultdict(list)
        for row in self.env.cr.fetchall():
            by_line[row[0]].append(
                {
                    "service_id": row[1],
                    "service_type_id": row[2],
                    "rate_line_id": row[3] or False,
                    "component": row[4],
                    "name": row[5],
                    "quantity": row[6] or 0.0,
                    "price_unit": row[7] or 0.0,
                    "amount": row[8] or 0.0,
                    "date_from": row[9],
                    "date_to": row[10],
                    "consumption": (row[11] or 0.0) if row[12] else None,
                    "unit": row[13],
                    "reading_id": row[14] or False,
                    "account_id": row[15],
                    "service_company_id": row[16],
                }
            )
        return by_line

    def _read_line_readings(self, line_ids):
        """Readings of the lines by line, and (name, state) of those no longer valid."""
        self.env["utility.meter.reading"].flush_model(["state", "name"])
        self.env.cr.execute(
            """
            SELECT rel.line_id, r.id, r.state, r.name
              FROM utility_billing_run_line_reading_rel rel
              JOIN utility_meter_reading r ON r.id = rel.reading_id
             WHERE rel.line_id = ANY(%s)
             ORDER BY rel.line_id, r.id
            """,
            [list(line_ids)],
        )
        readings = defaultdict(list)
        stale = defaultdict(list)
        for line_id, reading_id, state, name in self.env.cr.fetchall():
            readings[line_id].append(reading_id)
            if state != "valid":
                stale[line_id].append((name, state))
        return readings, stale

    def _get_overlapping_lines(self, lines, charges_by_line):
        """Lines whose service periods overlap a period billed since the run was
        rated (a final bill or back-bill starting on another day than the run's
        period, which the unique index does not see).

        One query for the chunk; lines are looked at one by one only when the
        chunk has an overlap.

        :return: dict line -> message
        """
        builder = self.env["utility.bill.builder"]
        keys = {
            line.id: {
                (c["service_id"], c["date_from"], c["date_to"]) for c in charges_by_line[line.id]
            }
            for line in lines
        }
        if not builder._get_billed_overlaps(
            key for line_keys in keys.values() for key in line_keys
        ):
            return {}
        result = {}
        for line in lines:
            problems = builder._get_billed_overlaps(keys[line.id])
            if problems:
                result[line] = "\n".join(problems)
        return result

    def _prepare_invoice_header(self, line):
        return {
            "partner_id": line.partner_id.id,
            "journal_id": self.journal_id.id,
            "invoice_date": self.date_invoice,
            "invoice_date_due": self.date_due,
            "date": self.date_invoice,
            "invoice_origin": self.name,
            "utility_account_id": line.account_id.id,
            "utility_location_id": line.location_id.id,
            "utility_billing_run_id": self.id,
            "utility_period_start": line.date_from,
            "utility_period_end": line.date_to,
            "utility_date_penalty": self.date_penalty,
            "utility_bill_kind": "cycle",
        }

    @staticmethod
    def _charge_dict(charge):
        return {
            "service_id": charge.service_id.id,
            "service_type_id": charge.service_type_id.id,
            "rate_line_id": charge.rate_line_id.id,
            "component": charge.component,
            "name": charge.name,
            "quantity": charge.quantity,
            "price_unit": charge.price_unit,
            "amount": charge.amount,
            "date_from": charge.date_from,
            "date_to": charge.date_to,
            "consumption": charge.consumption if charge.has_consumption else None,
            "unit": charge.unit,
            "reading_id": charge.reading_id.id,
        }

    def _commit_chunk(self):
        """The only commit of a billing run: the end of a chunk.

        What a chunk did is kept even when a later chunk crashes, and the run
        can resume from there. In a job worker the job's own transaction ends
        with the chunk (queue_job forbids commits inside jobs); when the jobs
        run in-process (``queue_job__no_delay``) this commits, unless the caller
        owns the transaction and says so with ``utility_billing_run_commit=False``
        in the context (the demo town, loaded inside the module install): the
        chunk is then only flushed. Tests patch it.
        """
        if must_run_without_delay(self.env) and self.env.context.get(
            "utility_billing_run_commit", True
        ):
            self.env.flush_all()
            self.env.cr.commit()  # pylint: disable=invalid-commit
