# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_amount, format_date

from ..lib import late_fees

RUN_STATES = [
    ("draft", "Draft"),
    ("review", "Review"),
    ("posting", "Posting"),
    ("posted", "Posted"),
    ("cancelled", "Cancelled"),
]


# The line fields a register line may be made without (no rule, no bill, no fee).
LINE_DEFAULTS = {
    "rule_id": False,
    "bill_move_id": False,
    "message": False,
    "amount_base": 0.0,
    "amount_fee": 0.0,
}


def _money(value):
    return Decimal(str(value or 0))


class UtilityDelinquencyRun(models.Model):
    """A delinquency run: age every account of a cycle after the penalty date
    of a billing period, compute its late fee by the city's rule, review, then
    post the fees as fee invoices in one action.

    Computing and releasing are split into chunks of accounts on OCA
    ``queue_job`` with an identity key per chunk, as the billing run does.
    Nothing is charged twice: a chunk only takes lines still to post
    (locked), and a partial unique index lets a bill be the subject of one
    posted late fee only, whatever the run.
    """

    _name = "utility.delinquency.run"
    _description = "Utility Delinquency Run"
    _inherit = ["mail.thread", "utility.chunked.run.mixin"]
    _order = "date_penalty desc, id desc"
    _check_company_auto = True
    _chunked_line_model = "utility.delinquency.run.line"
    _chunked_computed_state = "review"
    _chunked_todo_state = "fee"
    _chunked_period_field = "date_penalty"

    billing_run_id = fields.Many2one(
        "utility.billing.run",
        check_company=True,
        tracking=True,
        domain="[('cycle_id', '=', cycle_id), ('state', '=', 'posted')]",
        help="The billing run whose bills are past their penalty date.",
    )
    date_due = fields.Date(
        string="Bills Due On",
        compute="_compute_dates",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
        tracking=True,
        help="The bills of the period are those due on this day or in the cycle's "
        "period before it.",
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
    date_fee = fields.Date(
        string="Fee Date",
        required=True,
        default=fields.Date.context_today,
        tracking=True,
        help="Date of the aging and of the late fee invoices: after the penalty date.",
    )
    state = fields.Selection(
        RUN_STATES, default="draft", required=True, tracking=True, index=True, copy=False
    )
    chunk_size = fields.Integer(
        string="Accounts per Job", help="Accounts aged in each background job."
    )
    account_count = fields.Integer(string="Accounts Aged", readonly=True, copy=False)

    line_ids = fields.One2many("utility.delinquency.run.line", "run_id", string="Accounts")
    fee_count = fields.Integer(compute="_compute_totals", string="Late Fees")
    posted_count = fields.Integer(compute="_compute_totals", string="Posted Fees")
    amount_fee = fields.Monetary(compute="_compute_totals", string="Late Fees to Post")
    amount_posted = fields.Monetary(compute="_compute_totals", string="Late Fees Posted")
    amount_past_due = fields.Monetary(compute="_compute_totals", string="Past Due")
    move_ids = fields.One2many("account.move", "utility_delinquency_run_id", string="Fee Invoices")

    _sql_constraints = [
        ("chunk_size_check", "CHECK(chunk_size > 0)", "A job ages at least one account."),
    ]

    def init(self):
        # One live run per cycle and penalty date: the guarantee under concurrency.
        self.env.cr.execute(
            """
            CREATE UNIQUE INDEX IF NOT EXISTS utility_delinquency_run_cycle_period_uniq
                ON utility_delinquency_run (cycle_id, date_penalty)
             WHERE state != 'cancelled'
            """
        )

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends("cycle_id", "billing_run_id")
    def _compute_dates(self):
        Run = self.env["utility.billing.run"]
        for run in self:
            billing = run.billing_run_id
            if not billing and run.cycle_id:
                billing = Run.search(
                    [("cycle_id", "=", run.cycle_id.id), ("state", "=", "posted")],
                    order="date_penalty desc",
                    limit=1,
                )
            if billing:
                run.date_due = billing.date_due
                run.date_penalty = billing.date_penalty
            elif run.cycle_id and not run.date_penalty:
                dates = Run._get_cycle_dates(run.cycle_id, fields.Date.context_today(run))
                run.date_due = dates["date_due"]
                run.date_penalty = dates["date_penalty"]

    @api.depends("line_ids.state", "line_ids.amount_fee")
    def _compute_totals(self):
        groups = self.env["utility.delinquency.run.line"]._read_group(
            [("run_id", "in", self.ids)],
            ["run_id", "state"],
            ["__count", "amount_fee:sum", "amount_past_due:sum"],
        )
        stats = defaultdict(lambda: defaultdict(float))
        for run, state, count, amount, past_due in groups:
            stats[run.id][state] += count
            stats[run.id][f"amount_{state}"] += amount
            stats[run.id]["past_due"] += past_due
        for run in self:
            data = stats[run.id]
            run.fee_count = int(data["fee"] + data["posted"])
            run.posted_count = int(data["posted"])
            run.amount_fee = data["amount_fee"]
            run.amount_posted = data["amount_posted"]
            run.amount_past_due = data["past_due"]

    # ------------------------------------------------------------------
    # CRUD and guards
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        self._set_sequence_names(vals_list)
        self._check_one_run_per_period(
            [
                (vals["cycle_id"], fields.Date.to_date(vals["date_penalty"]))
                for vals in vals_list
                if vals.get("cycle_id") and vals.get("date_penalty")
            ]
        )
        runs = super().create(vals_list)
        runs._check_one_run_per_period(
            [(run.cycle_id.id, run.date_penalty) for run in runs], exclude_ids=runs.ids
        )
        return runs

    @api.model
    def _check_one_run_per_period(self, keys, exclude_ids=()):
        """A clear message before the unique index refuses a second live run.

        :param keys: list of (cycle id, penalty date)
        """
        clashes = self._get_period_clashes(keys, exclude_ids)
        if clashes:
            raise ValidationError(
                self.env._(
                    "A delinquency run of this cycle and penalty date already exists: "
                    "%(runs)s. Open it instead of starting another one.",
                    runs=", ".join(clashes.mapped("name")),
                )
            )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_posted(self):
        if any(run.state in ("posting", "posted") for run in self):
            raise UserError(self.env._("A run that posted late fees cannot be deleted."))

    def _get_action_fields(self):
        return super()._get_action_fields() | {"account_count"}

    def _get_action_fields_message(self, names, creating=False):
        return self.env._(
            "A delinquency run moves on through its buttons only (Compute, Release, Cancel)."
        )

    def _get_locked_message(self, names=()):
        return self.env._(
            "A run that posted late fees cannot be changed or deleted: reverse a fee "
            "with a credit note."
        )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_compute(self):
        """Age every account of the cycle and compute its late fee (review).

        Computing again on a run in review starts the register over: a
        payment received since shows.
        """
        self._lock_runs()
        self._check_state(("draft", "review"), self.env._("Compute"))
        early = self.filtered(lambda r: r.date_fee <= r.date_penalty)
        if early:
            raise UserError(
                "\n".join(
                    self.env._(
                        "%(run)s: late fees can be charged only after the penalty date "
                        "(%(penalty)s); the fee date is %(date)s.",
                        run=run.name,
                        penalty=format_date(self.env, run.date_penalty),
                        date=format_date(self.env, run.date_fee),
                    )
                    for run in early
                )
            )
        for run in self:
            run.line_ids.unlink()
            accounts = run._get_accounts()
            run._as_action().write({"account_count": len(accounts), "state": "draft"})
            run._enqueue_chunks("_compute_chunk", accounts.ids)
            run._update_compute_state()
        return True

    def action_release(self):
        """Post the late fee of every line to charge, as fee invoices: the step
        *Release Late Fees* of the run's chunk machinery (its progress on the
        form; *Resume* queues what a stopped release has left).

        A released run released again posts nothing: its lines are posted.
        """
        self._lock_runs()
        self._check_state(("review", "posting", "posted"), self.env._("Release"))
        for run in self:
            lines = self.env["utility.delinquency.run.line"].search(
                [("run_id", "=", run.id), ("state", "=", "fee")], order="id"
            )
            if not lines:
                if run.state != "posted":
                    run._as_action().state = "posted"
                continue
            if run.state != "posting":
                run._as_action().state = "posting"
            run._start_step("release_fees", lines.ids)
            run._update_posting_state()
        return True

    def action_view_lines(self):
        return self._get_window_action(
            "utility_billing.utility_delinquency_run_line_action", [("run_id", "=", self.id)]
        )

    def action_view_fees(self):
        return self._get_window_action(
            "account.action_move_out_invoice_type",
            [("utility_delinquency_run_id", "=", self.id)],
            {"create": False},
        )

    # ------------------------------------------------------------------
    # Chunks
    # ------------------------------------------------------------------
    def _get_accounts(self):
        """Accounts the run ages: the cycle's accounts with an open receivable on
        the fee date or a bill of the period (one query)."""
        self.ensure_one()
        self.env.flush_all()
        months = self.cycle_id.frequency_months or 1
        self.env.cr.execute(
            """
            SELECT a.id
              FROM utility_account a
             WHERE a.cycle_id = %(cycle)s AND a.company_id = %(company)s
               AND (EXISTS (SELECT 1 FROM account_move_line l
                             WHERE l.utility_account_id = a.id AND l.parent_state = 'posted'
                               AND l.amount_residual != 0 AND l.date <= %(day)s
                               AND l.account_id IN (SELECT id FROM account_account
                                                     WHERE account_type = 'asset_receivable'))
                    OR EXISTS (SELECT 1 FROM account_move m
                                WHERE m.utility_account_id = a.id AND m.state = 'posted'
                                  AND m.move_type = 'out_invoice'
                                  AND m.invoice_date_due <= %(due)s
                                  AND m.invoice_date_due > %(due_from)s))
             ORDER BY a.id
            """,
            {
                "cycle": self.cycle_id.id,
                "company": self.company_id.id,
                "day": self.date_fee,
                "due": self.date_due,
                "due_from": self.date_due - relativedelta(months=months),
            },
        )
        return self.env["utility.account"].browse([row[0] for row in self.env.cr.fetchall()])

    def _commit_chunk(self):
        """The only commit of a delinquency run: see ``utility.billing.run._commit_chunk``."""
        self.env["utility.billing.run"]._commit_chunk()

    def _compute_chunk(self, account_ids):
        """Age one chunk of accounts and compute their late fees (job)."""
        self.ensure_one()
        if self.state != "draft":
            return
        self.env["utility.delinquency.run.line"].flush_model()
        self.env.cr.execute(
            "SELECT account_id FROM utility_delinquency_run_line WHERE run_id = %s "
            "AND account_id = ANY(%s)",
            [self.id, list(account_ids)],
        )
        done = {row[0] for row in self.env.cr.fetchall()}
        accounts = self.env["utility.account"].browse(
            [account_id for account_id in account_ids if account_id not in done]
        )
        self._insert_lines(self._prepare_line_vals_list(accounts))
        self._update_compute_state()
        self._commit_chunk()

    def _insert_lines(self, vals_list):
        """Store the register lines of a chunk: one COPY instead of an ORM
        create per line (see ``utility.sql.writer._bulk_insert``), as the billing
        run stores its own. The stored related and computed fields are given
        from what the line was made of (the account's class, the aging's
        sums), where the ORM would read them; the invoices each fee is on go
        to the relation table in one statement.
        """
        Line = self.env["utility.delinquency.run.line"]
        if not vals_list:
            return Line
        Line.check_access("create")
        accounts = self.env["utility.account"].browse([vals["account_id"] for vals in vals_list])
        classes = {account.id: account.customer_class.id for account in accounts}
        buckets = [f"amount_{bucket}" for bucket in late_fees.AGING_BUCKETS]
        rows = []
        for vals in vals_list:
            past_due = sum(_money(vals[name]) for name in buckets[1:])
            rows.append(
                {
                    **LINE_DEFAULTS,
                    **{k: v for k, v in vals.items() if k != "base_move_ids"},
                    "customer_class": classes[vals["account_id"]],
                    "amount_past_due": float(past_due),
                    "amount_due": float(past_due + _money(vals["amount_current"])),
                }
            )
        lines = self.env["utility.sql.writer"]._bulk_insert(
            "utility.delinquency.run.line", rows, self.currency_id
        )
        base_rows = [
            (line_id, move_id)
            for line_id, vals in zip(lines.ids, vals_list, strict=True)
            for command in vals.get("base_move_ids", ())
            for move_id in command[2]
        ]
        if base_rows:
            self.env.cr.execute_values(
                "INSERT INTO utility_delinquency_run_line_base_rel (line_id, move_id) VALUES %s",
                base_rows,
                page_size=len(base_rows),
            )
            lines.modified(["base_move_ids"], create=True)
        return lines

    def _read_open_items(self, accounts):
        """Open receivable items of ``accounts`` on the fee date, one query.

        :return: {account id: [dict(move_id, date, date_maturity, residual,
                 is_late_fee, kind)]}
        """
        self.env.flush_all()
        self.env.cr.execute(
            """
            SELECT l.utility_account_id, m.id, COALESCE(m.invoice_date, m.date),
                   COALESCE(l.date_maturity, m.invoice_date_due, l.date),
                   SUM(l.amount_residual), m.utility_delinquency_run_id IS NOT NULL,
                   m.move_type
              FROM account_move_line l
              JOIN account_account a
                ON a.id = l.account_id AND a.account_type = 'asset_receivable'
              JOIN account_move m ON m.id = l.move_id
             WHERE l.utility_account_id = ANY(%s) AND l.parent_state = 'posted'
               AND l.date <= %s AND l.amount_residual != 0
             GROUP BY 1, 2, 3, 4, 6, 7
             ORDER BY 1, 3, 2
            """,
            [accounts.ids, self.date_fee],
        )
        result = defaultdict(list)
        for (
            account_id,
            move_id,
            day,
            maturity,
            residual,
            is_fee,
            move_type,
        ) in self.env.cr.fetchall():
            result[account_id].append(
                {
                    "move_id": move_id,
                    "date": day,
                    "date_maturity": maturity,
                    "residual": _money(residual),
                    "is_late_fee": is_fee,
                    "is_invoice": move_type == "out_invoice",
                }
            )
        return result

    def _read_period_bills(self, accounts):
        """The bill of the run's period of each account: its latest posted utility
        invoice due in the cycle's period ending on the run's due date (not a fee).

        :return: {account id: (move id, invoice date, residual)}
        """
        months = self.cycle_id.frequency_months or 1
        self.env.cr.execute(
            """
            SELECT DISTINCT ON (m.utility_account_id)
                   m.utility_account_id, m.id, m.invoice_date, m.amount_residual
              FROM account_move m
             WHERE m.utility_account_id = ANY(%s) AND m.move_type = 'out_invoice'
               AND m.state = 'posted' AND m.invoice_date_due <= %s
               AND m.invoice_date_due > %s
               AND m.utility_bill_kind IS DISTINCT FROM 'fee'
             ORDER BY m.utility_account_id, m.invoice_date_due DESC, m.id DESC
            """,
            [accounts.ids, self.date_due, self.date_due - relativedelta(months=months)],
        )
        return {row[0]: (row[1], row[2], _money(row[3])) for row in self.env.cr.fetchall()}

    def _read_charged_moves(self, move_ids):
        """Invoices already in the base of a posted late fee."""
        if not move_ids:
            return set()
        self.env.cr.execute(
            """
            SELECT DISTINCT rel.move_id
              FROM utility_delinquency_run_line_base_rel rel
              JOIN utility_delinquency_run_line l ON l.id = rel.line_id
             WHERE l.state = 'posted' AND rel.move_id = ANY(%s)
            """,
            [list(move_ids)],
        )
        return {row[0] for row in self.env.cr.fetchall()}

    def _prepare_line_vals_list(self, accounts):
        """Register lines of ``accounts``: aging buckets, rule, base and fee."""
        items = self._read_open_items(accounts)
        bills = self._read_period_bills(accounts)
        charged = self._read_charged_moves(
            {item["move_id"] for rows in items.values() for item in rows}
            | {bill[0] for bill in bills.values()}
        )
        rules = self.env["utility.late.fee.rule"]._get_rules(accounts, self.cycle_id)
        dates_charged = {
            rule: rule._get_date_charged(self.date_penalty)
            for rule in {rule for rule, _exempt in rules.values() if rule}
        }
        holds = accounts._get_collection_holds(self.date_fee, "late_fee")
        currency = self.currency_id
        vals_list = []
        for account in accounts:
            rows = items.get(account.id, [])
            buckets = defaultdict(Decimal)
            for item in rows:
                buckets[late_fees.aging_bucket(item["date_maturity"], self.date_fee)] += item[
                    "residual"
                ]
            bill = bills.get(account.id)
            rule, exempt = rules[account.id]
            vals = {
                "run_id": self.id,
                "company_id": self.company_id.id,
                "account_id": account.id,
                "partner_id": account.partner_id.id,
                "rule_id": rule.id,
                "bill_move_id": bill[0] if bill else False,
                "state": "none",
                **{f"amount_{b}": float(buckets[b]) for b in late_fees.AGING_BUCKETS},
            }
            vals["message"] = self._get_no_fee_reason(
                account,
                (rule, exempt),
                bill,
                charged,
                holds.get(account.id),
                date_charged=dates_charged.get(rule),
            )
            base_items = [] if vals["message"] else self._get_fee_base(rule, bill, rows, charged)
            if not vals["message"] and not base_items:
                vals["message"] = (
                    self.env._("Paid: no fee.")
                    if currency.is_zero(float(bill[2]))
                    else self.env._("Nothing past due the rule charges.")
                )
            if base_items:
                base = sum((item["residual"] for item in base_items), Decimal(0))
                fee = late_fees.late_fee(rule._get_lib_rule(), base)
                vals.update(
                    amount_base=float(base),
                    amount_fee=float(fee),
                    base_move_ids=[Command.set([item["move_id"] for item in base_items])],
                )
                if currency.is_zero(float(fee)):
                    vals["message"] = self.env._(
                        "Below the threshold of %(amount)s: no fee.",
                        amount=format_amount(self.env, rule.amount_threshold, currency),
                    )
                else:
                    vals["state"] = "fee"
            vals_list.append(vals)
        return vals_list

    def _get_no_fee_reason(
        self, account, rule_exempt, bill, charged, hold=False, *, date_charged=None
    ):
        """Why the account gets no late fee before its base is looked at, or False.

        :param rule_exempt: (rule, is_exempt) of ``utility.late.fee.rule._get_rules``
        :param hold: the account's collection hold, if any
                     (``utility.account._get_collection_holds``)
        :param date_charged: the rule's first day of charging
                             (``utility.late.fee.rule._get_date_charged``), read once per run
        """
        rule, exempt = rule_exempt
        reason = False
        if not bill:
            reason = self.env._("No bill of this period.")
        elif not rule:
            reason = self.env._("No late fee rule applies.")
        elif hold:
            reason = self.env._("Exempt: %(hold)s.", hold=hold)
        elif exempt:
            reason = self.env._("Exempt under %(rule)s.", rule=rule.name)
        elif self.date_fee < (
            date_charged := date_charged or rule._get_date_charged(self.date_penalty)
        ):
            reason = self.env._(
                "In its grace period: no fee before %(date)s.",
                date=format_date(self.env, date_charged),
            )
        elif bill[0] in charged:
            reason = self.env._("The bill of this period already bears a late fee.")
        return reason

    def _get_fee_base(self, rule, bill, rows, charged):
        """The open items the account's fee is on, by the rule's base and
        compounding (see ``lib.late_fees.is_charged``).

        :param bill: (move id, invoice date, residual) of the period's bill
        :param rows: the account's open items (:meth:`_read_open_items`)
        :param charged: ids of invoices already in a posted fee's base
        """
        bill_move_id, bill_date, _residual = bill
        if rule.base == "current":
            candidates = [
                item for item in rows if item["move_id"] == bill_move_id and item["residual"] > 0
            ]
        else:
            candidates = [
                item
                for item in rows
                if item["is_invoice"]
                and item["residual"] > 0
                and item["date_maturity"] < self.date_fee
                and (rule.base == "past_due" or item["date"] <= bill_date)
            ]
        return [
            item
            for item in candidates
            if item["move_id"] == bill_move_id
            or late_fees.is_charged(
                rule.compounding, item["is_late_fee"], item["move_id"] in charged
            )
        ]

    def _release_chunk(self, line_ids):
        """Post the late fees of one chunk of lines (job), as fee invoices.

        The lines are locked and re-read: a line posted meanwhile is skipped.
        A line whose base was paid since review gets no fee.
        """
        self.ensure_one()
        if self.state != "posting":
            return
        lines = self._lock_todo_lines(line_ids)
        # A billing specialist reads no journal entries: the run checked the
        # role (write on the run), the ledger is read as superuser.
        self.check_access("write")
        ledger = lines.sudo()
        paid = lines.filtered(
            lambda line: self.currency_id.is_zero(
                sum(ledger.browse(line.id).base_move_ids.mapped("amount_residual"))
            )
        )
        if paid:
            paid.write({"state": "none", "message": self.env._("Paid since review: no fee.")})
        lines -= paid
        if lines:
            self._post_fee_lines(lines)
        self._update_posting_state()
        self._end_step_chunk()

    def _post_fee_lines(self, lines):
        """Post the fee invoices of ``lines`` through the bills' posting path."""
        builder = self.env["utility.bill.builder"]
        vals_list = [self._prepare_fee_invoice_vals(line) for line in lines]
        moves = builder._post_bills(vals_list, [[] for _line in lines], [[] for _line in lines])
        # The partial unique index refuses a bill charged meanwhile by another run.
        self._mark_lines_posted(lines, moves)
        return moves

    def _prepare_fee_invoice_vals(self, line):
        line = line.sudo()
        rule = line.rule_id
        account = line.account_id
        label = self.env._(
            "Late fee on %(bill)s: %(base)s unpaid after %(date)s",
            bill=line.bill_move_id.name,
            base=format_amount(self.env, line.amount_base, self.currency_id),
            date=format_date(self.env, self.date_penalty),
        )
        vals = self._prepare_account_fee_vals(
            account, label, rule.income_account_id, line.amount_fee
        )
        vals["utility_delinquency_run_id"] = self.id
        return vals

    def _prepare_account_fee_vals(self, account, label, income_account, amount, day=None):
        """A fee invoice (bill kind *Fee*) of the run on ``account``, dated
        ``day`` (default: the fee date), for ``utility.bill.builder._post_bills``:
        the late fees and the door-hanger fees are posted alike."""
        day = day or self.date_fee
        return {
            "partner_id": account.partner_id.id,
            "journal_id": self.journal_id.id,
            "invoice_date": day,
            "invoice_date_due": day,
            "date": day,
            "invoice_origin": self.name,
            "utility_account_id": account.id,
            "utility_location_id": account.location_id.id,
            "utility_bill_kind": "fee",
            "lines": [
                {
                    "name": label,
                    "account_id": income_account.id,
                    "quantity": 1.0,
                    "price_unit": amount,
                    "tax_ids": [],
                }
            ],
        }
