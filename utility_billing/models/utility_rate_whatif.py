# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Rate what-if: last year's bills priced again under proposed rates.

For a council rate hearing a supervisor drafts proposed rate versions
(``utility.rate.version.is_proposed``: no bill is ever priced by one) and
compares, for every bill posted in the window, what was billed with
what the proposed rates would have billed. Nothing is posted.

How it stays fast (100,000 accounts x 12 months): one SQL statement reads the
rating input of every billed service period (usage from its billed readings,
class, meter size, carts, ERUs, units, days...); a second groups the identical
inputs with their counts. Each **distinct** input is rated once with
``lib.rating`` (the billing run's own engine) under the rates that billed it
and under the proposed ones; the sums per service and class, the percentiles
and the accounts most affected are then grouped again in SQL.
"""

import html
import logging
import time
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import psycopg2
from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, format_amount, format_date

from ..lib import rating
from ..lib import whatif as whatif_lib
from ..lib.units import _GALLONS_PER_UNIT, convert

_logger = logging.getLogger(__name__)

# A proposed version is priced "as if in force the whole window": it is
# re-dated to this day, before any bill, and is the plan's only version.
ALWAYS = date(1900, 1, 1)
# Inputs of the typical bills and of the table at chosen usages: a 30-day
# month of a service billed whole.
TYPICAL_FROM = date(2001, 1, 1)
TYPICAL_TO = date(2001, 1, 31)
TOP_ACCOUNTS = 25
MAX_PROBLEMS = 10
# Columns of one rating input, as the grouping query returns them (NULLs
# turned into -1 / '' so that equal inputs compare equal in SQL).
KEY_COLUMNS = (
    "schedule_id",
    "service_type_id",
    "customer_class",
    "date_from",
    "date_to",
    "months",
    "meter_size",
    "discount_program",
    "is_inside_city",
    "cart_count",
    "cart_size",
    "eru_count",
    "dwelling_units",
    "kwh",
    "gallons",
    "water_gallons",
    "demand_kw",
    "winter_average",
    "service_days",
    "period_days",
    "day_prorated",
)


def _key_columns():
    return SQL(", ").join(SQL.identifier(name) for name in KEY_COLUMNS)


class UtilityRateWhatif(models.Model):
    _name = "utility.rate.whatif"
    _description = "Rate What-If"
    _inherit = ["mail.thread", "utility.locked.fields.mixin"]
    _order = "id desc"
    _check_company_auto = True

    # ------------------------------------------------------------------
    # What is compared
    # ------------------------------------------------------------------
    name = fields.Char(required=True, tracking=True, help="e.g. FY2027 water rate proposal")
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    state = fields.Selection(
        [("draft", "Draft"), ("computed", "Computed")],
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
    )
    date_from = fields.Date(
        string="Bills From",
        required=True,
        default=lambda self: self._default_date_to() - relativedelta(years=1) + timedelta(days=1),
        tracking=True,
        help="Bills whose service period ends on or after this day are priced again.",
    )
    date_to = fields.Date(
        string="Bills To",
        required=True,
        default=lambda self: self._default_date_to(),
        tracking=True,
        help="... and on or before this day: the last twelve months by default.",
    )
    version_ids = fields.Many2many(
        "utility.rate.version",
        string="Proposed Rates",
        domain="[('is_proposed', '=', True), ('company_id', 'in', (company_id, False))]",
        check_company=True,
        help="Proposed versions (one per rate schedule) priced as if in force for the "
        "whole window; the other schedules keep the rates that billed them.",
    )
    usage_list = fields.Char(
        string="Usages for the Bill Table",
        default="0, 2, 5, 10, 20, 50",
        help="Usages (in each schedule's unit) at which a month's bill is shown under "
        "the rates in force and the proposed ones.",
    )
    note = fields.Text(help="Printed under the title of the council packet.")

    # ------------------------------------------------------------------
    # Results (written by Compute only)
    # ------------------------------------------------------------------
    revenue_line_ids = fields.One2many(
        "utility.rate.whatif.revenue", "whatif_id", string="Revenue", readonly=True
    )
    bill_line_ids = fields.One2many(
        "utility.rate.whatif.bill", "whatif_id", string="Bill Impact", readonly=True
    )
    account_line_ids = fields.One2many(
        "utility.rate.whatif.account", "whatif_id", string="Most Affected", readonly=True
    )
    bill_count = fields.Integer(string="Bills Priced", readonly=True)
    account_count = fields.Integer(string="Accounts", readonly=True)
    special_bill_count = fields.Integer(
        string="Special Bills Priced",
        readonly=True,
        help="Final bills, bills on demand, back-bills and corrected bills among the bills "
        "priced again: final bills and back-bills (and their corrections) by their days, "
        "as they were billed; bills on demand as a billing run prices them.",
    )
    amount_billed = fields.Monetary(string="Billed", readonly=True, tracking=True)
    amount_rerated = fields.Monetary(
        string="Priced Again at Billed Rates",
        readonly=True,
        help="The same bills priced again by the rating engine at the rates that billed "
        "them: equal to Billed when the what-if reproduces last year's bills.",
    )
    amount_proposed = fields.Monetary(string="Proposed", readonly=True, tracking=True)
    amount_change = fields.Monetary(string="Change", readonly=True)
    change_percent = fields.Float(string="Change %", digits=(16, 1), readonly=True)
    difference_bill_count = fields.Integer(
        string="Bills Not Reproduced",
        readonly=True,
        help="Bills whose price at the billed rates differs from what was billed (a "
        "price corrected since, carts or units changed since, or a bill was adjusted): their "
        "proposed amount is as uncertain as that difference.",
    )
    date_computed = fields.Datetime(string="Computed On", readonly=True)
    computed_by_id = fields.Many2one("res.users", readonly=True)
    duration = fields.Float(digits=(16, 1), readonly=True, help="Seconds the last Compute took.")
    input_count = fields.Integer(
        string="Distinct Inputs",
        readonly=True,
        help="Different rating inputs among the bills: each was priced once.",
    )
    chart_html = fields.Html(
        string="Chart", compute="_compute_chart_html", sanitize=False, readonly=True
    )

    _sql_constraints = [
        (
            "dates_check",
            "CHECK(date_to >= date_from)",
            "The window of bills cannot end before it starts.",
        ),
    ]

    @api.model
    def _default_date_to(self):
        return fields.Date.context_today(self)

    # ------------------------------------------------------------------
    # Guard: results and state are written by Compute and Reset only
    # ------------------------------------------------------------------
    def _get_action_fields(self):
        return {
            "state",
            "bill_count",
            "account_count",
            "special_bill_count",
            "amount_billed",
            "amount_rerated",
            "amount_proposed",
            "amount_change",
            "change_percent",
            "difference_bill_count",
            "date_computed",
            "computed_by_id",
            "duration",
            "input_count",
            "revenue_line_ids",
            "bill_line_ids",
            "account_line_ids",
        }

    def _get_locked_records(self):
        return self.filtered(lambda whatif: whatif.state == "computed")

    def _get_locked_writable_fields(self):
        return {"name", "note"}

    def _get_locked_message(self, names=()):
        return self.env._(
            "This what-if is computed: reset it to draft before changing what it compares."
        )

    # ------------------------------------------------------------------
    # Chart (on the form and in the council packet)
    # ------------------------------------------------------------------
    @api.depends("revenue_line_ids.amount_billed", "revenue_line_ids.amount_proposed")
    def _compute_chart_html(self):
        for whatif in self:
            whatif.chart_html = whatif._render_chart()

    def _render_chart(self):
        """Billed and proposed revenue per service as horizontal bars (plain HTML:
        the web client and wkhtmltopdf both draw it)."""
        totals = defaultdict(lambda: [Decimal(0), Decimal(0)])
        for line in self.revenue_line_ids:
            pair = totals[line.service_type_id.name or ""]
            pair[0] += Decimal(str(line.amount_billed))
            pair[1] += Decimal(str(line.amount_proposed))
        if not totals:
            return False
        top = max(max(pair) for pair in totals.values()) or Decimal(1)
        rows = []
        for name, (billed, proposed) in sorted(totals.items()):
            bars = []
            for label, amount, color in (
                (self.env._("Billed"), billed, "#8c8c8c"),
                (self.env._("Proposed"), proposed, "#1f6fb2"),
            ):
                width = max(int(amount * 100 / top), 1 if amount else 0)
                bars.append(
                    '<div style="display:flex;align-items:center;margin:2px 0;">'
                    f'<span style="width:80px;font-size:11px;">{html.escape(label)}</span>'
                    f'<span style="display:inline-block;height:14px;width:{width * 3}px;'
                    f'background:{color};"></span>'
                    f'<span style="margin-left:6px;font-size:11px;">'
                    f"{html.escape(format_amount(self.env, float(amount), self.currency_id))}"
                    "</span></div>"
                )
            rows.append(
                f'<div style="margin-bottom:8px;"><strong>{html.escape(name)}</strong>'
                f"{''.join(bars)}</div>"
            )
        return "".join(rows)

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_compute(self):
        # Supervisors only, before a year of bills is read for nothing.
        self.check_access("write")
        for whatif in self:
            whatif._compute_whatif()
        return True

    def action_reset_to_draft(self):
        self.check_access("write")
        for whatif in self:
            whatif._as_action().write(
                {
                    "state": "draft",
                    "revenue_line_ids": [Command.clear()],
                    "bill_line_ids": [Command.clear()],
                    "account_line_ids": [Command.clear()],
                }
            )
        return True

    def action_view_chart(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "utility_billing.utility_rate_whatif_revenue_action"
        )
        action["domain"] = [("whatif_id", "=", self.id)]
        action["display_name"] = self.name
        return action

    def action_print_pdf(self):
        self.ensure_one()
        self._check_computed()
        return self.env.ref("utility_billing.utility_rate_whatif_report").report_action(self)

    def action_export_xlsx(self):
        self.ensure_one()
        self._check_computed()
        return self.env.ref("utility_billing.utility_rate_whatif_xlsx").report_action(self)

    def _check_computed(self):
        if self.state != "computed":
            raise UserError(self.env._("Compute the what-if first: it has no figures yet."))

    # ------------------------------------------------------------------
    # Compute
    # ------------------------------------------------------------------
    def _get_input_problems(self):
        """Everything wrong with what the supervisor asked, as sentences."""
        self.ensure_one()
        problems = []
        versions = self.version_ids
        if not versions:
            problems.append(
                self.env._(
                    "Pick at least one proposed rate version: draft one on a rate schedule "
                    "(Versions, tick Proposed) and add it under Proposed Rates."
                )
            )
        problems.extend(
            self.env._(
                "%(version)s is not a proposed version: a what-if compares proposed rates "
                "only (tick Proposed on a copy of it).",
                version=version.display_name,
            )
            for version in versions.filtered(lambda v: not v.is_proposed)
        )
        by_schedule = defaultdict(list)
        for version in versions:
            by_schedule[version.schedule_id].append(version)
        problems.extend(
            self.env._(
                "%(schedule)s has %(count)s proposed versions here: keep one per rate schedule.",
                schedule=schedule.display_name,
                count=len(found),
            )
            for schedule, found in by_schedule.items()
            if len(found) > 1
        )
        if self.date_from and self.date_to and self.date_to < self.date_from:
            problems.append(self.env._("The window of bills ends before it starts."))
        _usages, usage_problems = whatif_lib.parse_usages(self.usage_list)
        problems.extend(
            self.env._("Usages for the bill table: %(problem)s.", problem=problem)
            for problem in usage_problems
        )
        return problems

    def _compute_whatif(self):
        """Price the window's bills under the proposed rates and store the
        comparison. Raises a UserError (changing nothing) on bad input."""
        self.ensure_one()
        problems = self._get_input_problems()
        if problems:
            raise UserError("\n".join(problems))
        started = time.perf_counter()
        keys, rated, plans = self._read_and_rate()
        vals = self._prepare_result_vals(keys, rated, plans)
        vals.update(
            state="computed",
            input_count=len(keys),
            special_bill_count=self._count_special_bills(),
            date_computed=fields.Datetime.now(),
            computed_by_id=self.env.uid,
            duration=time.perf_counter() - started,
        )
        self._as_action().write(
            dict(
                vals,
                revenue_line_ids=[Command.clear()] + vals["revenue_line_ids"],
                bill_line_ids=[Command.clear()] + vals["bill_line_ids"],
                account_line_ids=[Command.clear()] + vals["account_line_ids"],
            )
        )
        self._drop_work_tables()

    def _drop_work_tables(self):
        self.env.cr.execute(
            "DROP TABLE IF EXISTS utility_whatif_period, utility_whatif_keyed, "
            "utility_whatif_key, utility_whatif_rated, utility_whatif_fold"
        )

    def _read_and_rate(self):
        """Read the window's bills into the work tables and rate each distinct
        input. :return: (keys, rated, plans), see :meth:`_read_keys`,
        :meth:`_rate_keys` and :meth:`_get_plans`."""
        cr = self.env.cr
        # Analytic queries over the whole year: compiling them (JIT) costs more
        # than it saves at these sizes; their hash tables (a year of bills
        # grouped by input, by bill, by account) fit in memory instead of
        # spilling to disk. For this transaction only.
        cr.execute("SET LOCAL jit = off")
        # A year of a city's bills grouped by bill and service (3.6 million at
        # 100,000 accounts) needs a few hundred MB in memory; on disk it
        # takes minutes. The work tables' buffers too (taken into account
        # only by a session that has not used a temporary table yet).
        cr.execute("SET LOCAL work_mem = '256MB'")
        try:
            with cr.savepoint(flush=False):
                cr.execute("SET LOCAL temp_buffers = '256MB'")
        except psycopg2.Error:
            # This session's temporary tables already have their buffers.
            _logger.debug("What-if: temporary buffers kept as this session set them")
        with self._hash_plans():
            self._read_periods()
        cr.execute(
            "SELECT schedule_id, date_from, date_to FROM utility_whatif_period GROUP BY 1, 2, 3"
        )
        periods = cr.fetchall()
        if not periods:
            raise UserError(
                self.env._(
                    "No bill was posted for a service period ending between %(start)s "
                    "and %(end)s: there is nothing to compare. Choose a window with bills.",
                    start=format_date(self.env, self.date_from),
                    end=format_date(self.env, self.date_to),
                )
            )
        plans = self._get_plans({schedule_id for schedule_id, _start, _end in periods})
        with self._hash_plans():
            keys = self._read_keys(self._fold_periods(periods, plans))
        return keys, self._rate_keys(keys, plans), plans

    @contextmanager
    def _hash_plans(self):
        """Hash joins and hash aggregates for the statements inside: the work
        tables have no planner statistics yet, and the plans PostgreSQL picks
        without them (sorting millions of rows on every input column, an
        index look-up per bill) are many times slower at a city's size. The
        settings are restored after."""
        cr = self.env.cr
        names = ("enable_sort", "enable_mergejoin", "enable_nestloop")
        cr.execute(
            "SELECT current_setting('enable_sort'), current_setting('enable_mergejoin'),"
            " current_setting('enable_nestloop')"
        )
        saved = cr.fetchone()
        for name in names:
            cr.execute(SQL("SELECT set_config(%s, 'off', true)", name))
        try:
            yield
        finally:
            for name, value in zip(names, saved, strict=True):
                cr.execute(SQL("SELECT set_config(%s, %s, true)", name, value))

    def _read_periods(self):
        """One row per billed service period of the window's posted bills (cycle,
        on demand, final, back-bills and corrected bills), with everything
        ``lib.rating`` needs, in a temporary table.

        Mirrors what ``utility.bill.builder`` reads for a bill: the usage of a
        metered service is the sum of its billed readings in the period
        (gallons, or kWh and the peak demand), the water of a bill is the sum
        over its water meters (sewer on water), a service without a meter of its
        own takes the bill's water meter size, and a service started or stopped
        inside the period is prorated by its days of service over the days of
        the period, or of the standard cycle period when that is longer.
        The customer class, meter size and rate schedule are those the bill was
        priced with (kept on the billed period); the rest of the account and
        service (carts, units, ERUs, program, inside the city) as today.
        """
        # Accounts, services, meters, readings and bills are all read in SQL.
        self.env.flush_all()
        units = list(_GALLONS_PER_UNIT)
        cr = self.env.cr
        self._drop_work_tables()
        cr.execute(
            """
            CREATE TEMP TABLE utility_whatif_period ON COMMIT DROP AS
            WITH period AS (
                SELECT p.id, p.service_id, p.move_id, p.date_from, p.date_to,
                       p.customer_class_id, p.meter_size_id, p.rate_schedule_id,
                       mv.utility_period_start AS bill_from,
                       mv.utility_period_end AS bill_to,
                       mv.utility_bill_kind AS bill_kind
                  FROM utility_service_period p
                  JOIN account_move mv ON mv.id = p.move_id
                 WHERE p.state = 'billed'
                   AND p.company_id = %(company)s
                   AND p.date_to BETWEEN %(date_from)s AND %(date_to)s
                   AND mv.state = 'posted'
                   AND mv.utility_bill_kind IN ('cycle', 'demand', 'final', 'back', 'rebill')
            ),
            -- Set-based, not per period: a hash join of the window's periods
            -- with their readings and invoice lines.
            used AS (
                SELECT pr.id,
                       SUM(r.consumption::numeric) AS quantity,
                       SUM(r.consumption::numeric * g.gallons) AS gallons,
                       MAX(r.demand_kw::numeric) AS demand_kw
                  FROM period pr
                  JOIN utility_meter_reading r
                    ON r.service_id = pr.service_id
                   AND r.date > pr.date_from AND r.date <= pr.date_to
                   AND r.state = 'billed'
                  JOIN utility_meter rm ON rm.id = r.meter_id
                  LEFT JOIN unnest(%(units)s::varchar[], %(factors)s::numeric[])
                       AS g(unit, gallons) ON g.unit = rm.unit
                 GROUP BY pr.id
            ),
            billed AS (
                SELECT l.move_id, l.utility_service_id AS service_id,
                       SUM(l.price_subtotal) AS amount
                  FROM account_move_line l
                  JOIN (SELECT move_id FROM period GROUP BY 1) bill ON bill.move_id = l.move_id
                 WHERE l.display_type = 'product'
                   AND l.utility_service_id IS NOT NULL
                 GROUP BY 1, 2
            ),
            -- The latest winter average before each period (read for the
            -- schedules billed on it).
            winter AS (
                SELECT DISTINCT ON (pr.id) pr.id, w.volume::numeric AS volume
                  FROM period pr
                  JOIN utility_winter_average w
                    ON w.service_id = pr.service_id AND w.date_window_end < pr.date_to
                 ORDER BY pr.id, w.date_window_end DESC, w.id DESC
            )
            SELECT pr.move_id, pr.bill_kind, s.account_id, s.service_type_id,
                   COALESCE(pr.rate_schedule_id, s.rate_schedule_id) AS schedule_id,
                   pr.date_from, pr.date_to,
                   pr.bill_from, pr.bill_to,
                   s.date_start AS service_start, s.date_end AS service_end,
                   COALESCE(cy.frequency_months, 1) AS months,
                   COALESCE(cc.code, '') AS customer_class,
                   COALESCE(a.discount_program, '') AS discount_program,
                   COALESCE(loc.is_inside_city, FALSE) AS is_inside_city,
                   COALESCE(s.cart_count, 0) AS cart_count,
                   COALESCE(ck.code, '') AS cart_size,
                   COALESCE(s.eru_count, 0)::numeric AS eru_count,
                   COALESCE(s.dwelling_unit_count, 0) AS dwelling_units,
                   COALESCE(st.is_metered, FALSE) AS is_metered,
                   COALESCE(ms.code, '') AS meter_size,
                   COALESCE(mt.unit, '') AS meter_unit,
                   sch.volume_basis,
                   CASE WHEN st.is_metered THEN u.quantity END AS quantity,
                   CASE WHEN st.is_metered THEN u.gallons END AS gallons,
                   CASE WHEN st.is_metered THEN u.demand_kw END AS demand_kw,
                   wa.volume AS winter_average,
                   -- Final bills and back-bills (and their corrections) are
                   -- prorated to the day, each service for its own days.
                   (pr.bill_kind IN ('final', 'back') OR pr.move_id = ANY(%(rebills)s))
                       AS day_prorated,
                   COALESCE(b.amount, 0) AS amount_billed
              FROM period pr
              JOIN utility_account_service s ON s.id = pr.service_id
              JOIN utility_service_type st ON st.id = s.service_type_id
              JOIN utility_rate_schedule sch
                ON sch.id = COALESCE(pr.rate_schedule_id, s.rate_schedule_id)
              JOIN utility_account a ON a.id = s.account_id
              JOIN utility_service_location loc ON loc.id = a.location_id
              -- As billed: the class, size and schedule kept on the period
              -- (today's for periods billed before they were kept).
              LEFT JOIN utility_customer_class cc
                ON cc.id = COALESCE(pr.customer_class_id, loc.customer_class)
              LEFT JOIN utility_cart_size ck ON ck.id = s.cart_size
              LEFT JOIN utility_billing_cycle cy ON cy.id = a.cycle_id
              LEFT JOIN utility_meter mt ON mt.id = s.meter_id
              LEFT JOIN utility_meter_size ms ON ms.id = COALESCE(pr.meter_size_id, mt.size)
              LEFT JOIN used u ON u.id = pr.id
              LEFT JOIN billed b ON b.move_id = pr.move_id AND b.service_id = pr.service_id
              LEFT JOIN winter wa ON wa.id = pr.id AND sch.volume_basis = 'winter_average'
            """,
            {
                "units": units,
                "factors": [str(_GALLONS_PER_UNIT[unit]) for unit in units],
                "company": self.company_id.id,
                "date_from": self.date_from,
                "date_to": self.date_to,
                "rebills": self._get_day_prorated_rebills().ids,
            },
        )

    def _get_day_prorated_rebills(self):
        """Corrected bills of the window rebilled to the day (of a final bill or
        back-bill): few, read through the ORM."""
        rebills = self.env["account.move"].search(
            [
                ("company_id", "=", self.company_id.id),
                ("state", "=", "posted"),
                ("utility_bill_kind", "=", "rebill"),
                ("utility_period_end", ">=", self.date_from),
            ]
        )
        return rebills.filtered(lambda move: move._is_utility_prorated_to_day())

    def _fold_periods(self, periods, plans):
        """Each billed period (schedule, first day, last day) with the period it
        is rated on: the first of the same schedule that the plan that billed
        it cuts into the same versions with the same day weights (see
        :meth:`_canonical_dates`): a year of monthly bills then groups into one
        input per usage, in SQL, before Python sees it."""
        representatives = {}
        return [
            (
                schedule_id,
                date_from,
                date_to,
                *self._canonical_dates(plans[schedule_id][0], date_from, date_to, representatives),
            )
            for schedule_id, date_from, date_to in sorted(periods)
        ]

    def _read_keys(self, folded):
        """The distinct rating inputs of the window's bills, with how many bills
        have each and what they were billed (a temporary table, and as dicts).
        ``folded``: (schedule, first day, last day, first day and last day it
        is rated on) of every billed period (:meth:`_fold_periods`)."""
        cr = self.env.cr
        cr.execute(
            """
            CREATE TEMP TABLE utility_whatif_fold ON COMMIT DROP AS
            SELECT * FROM unnest(%s::int[], %s::date[], %s::date[], %s::date[], %s::date[])
                       AS f(schedule_id, date_from, date_to, rated_from, rated_to)
            """,
            [list(column) for column in zip(*folded, strict=True)],
        )
        cr.execute(
            """
            CREATE TEMP TABLE utility_whatif_keyed ON COMMIT DROP AS
            SELECT account_id, periods.schedule_id, service_type_id, customer_class,
                   -- A bill prorated to the day keeps its dates: its factor
                   -- counts the days of its own months.
                   CASE WHEN day_prorated THEN periods.date_from ELSE fold.rated_from END
                       AS date_from,
                   CASE WHEN day_prorated THEN periods.date_to ELSE fold.rated_to END
                       AS date_to,
                   months,
                   discount_program, is_inside_city,
                   cart_count, cart_size, eru_count, dwelling_units,
                   CASE WHEN periods.meter_size <> '' THEN periods.meter_size
                        ELSE COALESCE(bill.bill_meter_size, '') END AS meter_size,
                   CASE WHEN is_metered AND meter_unit = 'kwh'
                        THEN COALESCE(quantity, 0) ELSE -1 END AS kwh,
                   CASE WHEN is_metered AND meter_unit <> 'kwh'
                        THEN COALESCE(gallons, 0) ELSE -1 END AS gallons,
                   -- The bill's water matters to schedules priced on it only:
                   -- without it, equal garbage or water inputs group together.
                   CASE WHEN volume_basis = 'meter' THEN -1
                        ELSE COALESCE(bill.water_gallons, -1) END AS water_gallons,
                   COALESCE(demand_kw, -1) AS demand_kw,
                   COALESCE(winter_average, -1) AS winter_average,
                   CASE WHEN is_partial THEN periods.date_to - periods.date_from
                        ELSE -1 END AS service_days,
                   CASE WHEN is_partial THEN period_days ELSE -1 END AS period_days,
                   day_prorated,
                   amount_billed
              FROM (
                    SELECT *, NOT day_prorated
                              AND (service_start >= bill_from OR service_end <= bill_to)
                              AND date_to - date_from < period_days AS is_partial
                      FROM (
                            SELECT *, GREATEST(
                                       bill_to - bill_from,
                                       (bill_from + make_interval(months => months))::date
                                           - bill_from) AS period_days
                              FROM utility_whatif_period
                           ) with_days
                   ) periods
              -- What the bill's water meters say (a hash aggregate, no sort).
              LEFT JOIN (
                    SELECT move_id AS bill_id,
                           MAX(NULLIF(meter_size, '')) AS bill_meter_size,
                           SUM(gallons) AS water_gallons
                      FROM utility_whatif_period
                     WHERE is_metered AND meter_unit <> 'kwh'
                     GROUP BY move_id
                   ) bill ON bill.bill_id = periods.move_id
              JOIN utility_whatif_fold fold
                ON fold.schedule_id = periods.schedule_id
               AND fold.date_from = periods.date_from AND fold.date_to = periods.date_to
            """
        )
        cr.execute(
            SQL(
                """
                CREATE TEMP TABLE utility_whatif_key ON COMMIT DROP AS
                SELECT row_number() OVER () AS id, %(columns)s,
                       amount_billed AS amount_each,
                       COUNT(*) AS bill_count, SUM(amount_billed) AS amount_billed
                  FROM utility_whatif_keyed
                 -- And by amount billed: the bills an input does not
                 -- reproduce are counted exactly.
                 GROUP BY %(columns)s, amount_billed
                """,
                columns=_key_columns(),
            )
        )
        # Planner statistics of the (small) table of inputs.
        cr.execute("ANALYZE utility_whatif_key")
        cr.execute(
            SQL(
                "SELECT id, %s, bill_count, amount_billed FROM utility_whatif_key",
                _key_columns(),
            )
        )
        names = ["id", *KEY_COLUMNS, "bill_count", "amount_billed"]
        return [dict(zip(names, row, strict=True)) for row in cr.fetchall()]

    def _count_special_bills(self):
        self.env.cr.execute(
            "SELECT COUNT(DISTINCT move_id) FROM utility_whatif_period WHERE bill_kind <> 'cycle'"
        )
        return self.env.cr.fetchone()[0]

    def _get_plans(self, schedule_ids):
        """Per schedule: (plan that billed, plan of the proposed rates or None,
        plan of the rates in force at the end of the window)."""
        schedules = self.env["utility.rate.schedule"].browse(schedule_ids)
        actual = schedules._get_rate_plan()
        proposed_by_schedule = {v.schedule_id.id: v for v in self.version_ids}
        with_proposed = (
            schedules.filtered(lambda s: s.id in proposed_by_schedule)
            .with_context(utility_rate_with_proposed=True)
            ._get_rate_plan()
        )
        plans = {}
        for schedule_id, plan in actual.items():
            proposed = None
            version = proposed_by_schedule.get(schedule_id)
            if version:
                found = next(v for v in with_proposed[schedule_id].versions if v.id == version.id)
                proposed = replace(plan, versions=(replace(found, date_start=ALWAYS),))
            in_force = plan.version_at(self.date_to) or (plan.versions[:1] or [None])[0]
            today = (
                replace(plan, versions=(replace(in_force, date_start=ALWAYS),))
                if in_force
                else plan
            )
            plans[schedule_id] = (plan, proposed, today)
        for schedule_id in proposed_by_schedule.keys() - plans.keys():
            # A proposed schedule no bill of the window used: still priced for
            # the table of bills (its bills at chosen usages).
            schedule = self.env["utility.rate.schedule"].browse(schedule_id)
            plan = schedule._get_rate_plan()[schedule_id]
            found = next(
                v
                for v in schedule.with_context(utility_rate_with_proposed=True)
                ._get_rate_plan()[schedule_id]
                .versions
                if v.id == proposed_by_schedule[schedule_id].id
            )
            proposed = replace(plan, versions=(replace(found, date_start=ALWAYS),))
            in_force = plan.version_at(self.date_to)
            today = (
                replace(plan, versions=(replace(in_force, date_start=ALWAYS),))
                if in_force
                else proposed
            )
            plans[schedule_id] = (plan, proposed, today)
        return plans

    @api.model
    def _prepare_rating_input(self, key, plan):
        """The ``lib.rating`` input of a key, as ``utility.bill.builder`` builds it."""
        unit = plan.usage_unit
        own = Decimal(0)
        if key["kwh"] >= 0:
            own = Decimal(key["kwh"])
        elif key["gallons"] >= 0:
            own = convert(Decimal(key["gallons"]), "gallon", unit) if unit != "kwh" else own
        water = None
        if key["water_gallons"] >= 0 and unit != "kwh":
            water = rating.round_fraction(
                convert(Decimal(key["water_gallons"]), "gallon", unit), rating.QUANTITY_QUANTUM
            )
        partial = key["service_days"] >= 0
        factor = Decimal(key["months"])
        service_days, period_days = key["service_days"], key["period_days"]
        if key["day_prorated"]:
            # As the final bill or back-bill was rated: whole cycle periods,
            # plus the days left over the days of their period.
            factor, days = self.env["utility.bill.builder"]._get_day_prorated_factor(
                key["date_from"], key["date_to"], key["months"]
            )
            partial = bool(days)
            service_days, period_days = days or (None, None)
        return rating.RatingInput(
            date_from=key["date_from"],
            date_to=key["date_to"],
            usage=rating.round_fraction(own, rating.QUANTITY_QUANTUM),
            period_factor=factor,
            meter_size=key["meter_size"] or None,
            customer_class=key["customer_class"] or None,
            is_inside_city=key["is_inside_city"],
            cart_count=key["cart_count"],
            cart_size=key["cart_size"] or None,
            eru_count=Decimal(key["eru_count"]),
            water_usage=water,
            discount_program=key["discount_program"] or None,
            winter_average=None if key["winter_average"] < 0 else Decimal(key["winter_average"]),
            dwelling_units=key["dwelling_units"],
            demand_kw=None if key["demand_kw"] < 0 else Decimal(key["demand_kw"]),
            service_days=service_days if partial else None,
            period_days=period_days if partial else None,
        )

    @staticmethod
    def _undated(rating_input):
        """The same input on a fixed calendar: a plan of one version prices it
        the same whatever the dates (only its days count)."""
        days = rating_input.days
        return replace(
            rating_input, date_from=TYPICAL_FROM, date_to=TYPICAL_FROM + timedelta(days=days)
        )

    @staticmethod
    def _canonical_dates(plan, date_from, date_to, representatives):
        """The first period seen that the plan cuts into the same versions with
        the same day weights as ``[date_from, date_to)``: every input rates the
        same on either (amounts depend on the versions and weights, never on
        the calendar), so a year of monthly inputs rates once per usage."""
        try:
            segments = rating.split_period(plan, date_from, date_to, Decimal(0))
        except ValueError:
            return date_from, date_to  # rating says what is wrong
        signature = (plan.id, tuple((s.version.id, s.weight) for s in segments))
        return representatives.setdefault(signature, (date_from, date_to))

    def _rate_keys(self, keys, plans):
        """Rate every distinct input once: at the billed rates and at the proposed
        ones. :return: dict key id -> (re-rated, proposed or None, billed volume)."""
        rated = {}
        problems = {}
        # Equal inputs on equivalent periods were grouped in SQL (see
        # _fold_periods); an input billed at two amounts is two keys, rated once.
        results = {}
        for key in keys:
            plan, proposed_plan, _today = plans[key["schedule_id"]]
            cache_key = tuple(key[name] for name in KEY_COLUMNS)
            found = results.get(cache_key)
            if found is None:
                try:
                    found = results[cache_key] = self._rate_key(key, plan, proposed_plan)
                except ValueError as error:
                    problems.setdefault(str(error), key)
                    continue
            rated[key["id"]] = found
        if problems:
            lines = list(problems)[:MAX_PROBLEMS]
            if len(problems) > MAX_PROBLEMS:
                lines.append(
                    self.env._("... and %(count)s more.", count=len(problems) - MAX_PROBLEMS)
                )
            raise UserError(
                self.env._(
                    "Some bills cannot be priced; correct the rates and compute again:\n%(list)s",
                    list="\n".join(lines),
                )
            )
        return rated

    def _rate_key(self, key, plan, proposed_plan):
        """(re-rated, proposed or None, billed volume) of one input."""
        rating_input = self._prepare_rating_input(key, plan)
        result = rating.rate(plan, rating_input)
        # None: no proposed rates for this schedule, its bills stay as billed.
        proposed = None
        if proposed_plan:
            proposed = self._rate_total(proposed_plan, self._undated(rating_input), True)
        return result.amount_total, proposed, result.billed_volume

    def _rate_total(self, plan, rating_input, is_proposed):
        """The total of one input under a plan of one re-dated version; its
        problems name the proposed version or the one in force, never the day
        it was re-dated to."""
        try:
            return rating.rate(plan, rating_input).amount_total
        except ValueError as error:
            which = (
                self.env._("the proposed version")
                if is_proposed
                else self.env._("the version in force")
            )
            raise ValueError(
                str(error).replace(f"version of {ALWAYS.isoformat()}", which)
            ) from error

    def _prepare_result_vals(self, keys, rated, plans):
        revenue = self._prepare_revenue_lines(keys, rated)
        totals = {
            name: sum((Decimal(str(line[name])) for line in revenue), Decimal(0))
            for name in ("amount_billed", "amount_rerated", "amount_proposed")
        }
        percent = whatif_lib.change_percent(totals["amount_billed"], totals["amount_proposed"])
        # Hash aggregates (COUNT(DISTINCT) would sort a year of bills).
        self.env.cr.execute(
            "SELECT COUNT(*) FROM (SELECT account_id FROM utility_whatif_keyed GROUP BY 1) a"
        )
        account_count = self.env.cr.fetchone()[0]
        bill_count = sum(key["bill_count"] for key in keys)
        return {
            **totals,
            "amount_change": totals["amount_proposed"] - totals["amount_billed"],
            "change_percent": float(percent or 0),
            "bill_count": bill_count,
            "account_count": account_count,
            "difference_bill_count": sum(line.pop("difference_bills") for line in revenue),
            "revenue_line_ids": [Command.create(line) for line in revenue],
            "bill_line_ids": [
                Command.create(line) for line in self._prepare_bill_lines(keys, rated, plans)
            ],
            "account_line_ids": [
                Command.create(line) for line in self._prepare_account_lines(rated)
            ],
        }

    @api.model
    def _get_classes(self, keys):
        """Customer class id of each class code of ``keys`` (one query)."""
        codes = {key["customer_class"] for key in keys if key["customer_class"]}
        found = self.env["utility.customer.class"]._get_by_code(codes)
        return {code: record.id for code, record in found.items()}

    def _prepare_revenue_lines(self, keys, rated):
        """Per service and class: bills, usage, billed, re-rated and proposed."""
        self.env.cr.execute(
            """
            SELECT service_type_id, customer_class, COUNT(*)
              FROM (SELECT service_type_id, customer_class, account_id
                      FROM utility_whatif_keyed GROUP BY 1, 2, 3) accounts
             GROUP BY 1, 2
            """
        )
        accounts = {(row[0], row[1]): row[2] for row in self.env.cr.fetchall()}
        classes = self._get_classes(keys)
        groups = {}
        for key in keys:
            current, proposed, volume = rated[key["id"]]
            group_key = (key["service_type_id"], key["customer_class"])
            group = groups.setdefault(
                group_key,
                {
                    "service_type_id": key["service_type_id"],
                    "customer_class": classes.get(key["customer_class"], False),
                    "class_code": key["customer_class"],
                    "account_count": accounts.get(group_key, 0),
                    "bill_count": 0,
                    "usage": Decimal(0),
                    "amount_billed": Decimal(0),
                    "amount_rerated": Decimal(0),
                    "amount_proposed": Decimal(0),
                    "difference_bills": 0,
                },
            )
            count = key["bill_count"]
            billed = Decimal(key["amount_billed"]).quantize(rating.CENT)
            group["bill_count"] += count
            group["usage"] += volume * count
            group["amount_billed"] += billed
            group["amount_rerated"] += current * count
            group["amount_proposed"] += billed if proposed is None else proposed * count
            if billed != current * count:
                group["difference_bills"] += count
        lines = []
        for group in sorted(groups.values(), key=lambda g: (g["service_type_id"], g["class_code"])):
            percent = whatif_lib.change_percent(group["amount_billed"], group["amount_proposed"])
            group.pop("class_code")
            lines.append(
                dict(
                    group,
                    usage=float(group["usage"]),
                    amount_billed=float(group["amount_billed"]),
                    amount_rerated=float(group["amount_rerated"]),
                    amount_proposed=float(group["amount_proposed"]),
                    amount_change=float(group["amount_proposed"] - group["amount_billed"]),
                    change_percent=float(percent or 0),
                )
            )
        return lines

    def _prepare_bill_lines(self, keys, rated, plans):
        """Typical bills (10th, 50th, 90th percentile of the billed volume per
        bill of each proposed schedule and class: the most common input at that
        volume) and bills at the chosen usages, at the rates in force at the end
        of the window and at the proposed ones."""
        usages, _problems = whatif_lib.parse_usages(self.usage_list)
        proposed_ids = set(self.version_ids.schedule_id.ids)
        by_group = defaultdict(list)
        for key in keys:
            # Typical customers: a month's bill, never a final bill's few days.
            if key["schedule_id"] in proposed_ids and not key["day_prorated"]:
                by_group[key["schedule_id"], key["customer_class"]].append(key)
        classes = self._get_classes(keys)
        lines = []
        for (schedule_id, customer_class), group in sorted(
            by_group.items(), key=lambda item: (item[0][0], item[0][1] or "")
        ):
            plan, proposed_plan, today = plans[schedule_id]
            common = {
                "schedule_id": schedule_id,
                "service_type_id": group[0]["service_type_id"],
                "customer_class": classes.get(customer_class, False),
                "usage_unit": plan.usage_unit,
            }
            distribution = defaultdict(int)
            for key in group:
                distribution[rated[key["id"]][2]] += key["bill_count"]
            for percentile in whatif_lib.PERCENTILES:
                volume = whatif_lib.weighted_percentile(distribution.items(), percentile)
                at_volume = [key for key in group if rated[key["id"]][2] == volume]
                key = max(at_volume, key=lambda k: (k["bill_count"], -k["id"]))
                rating_input = self._undated(self._prepare_rating_input(key, plan))
                lines.append(
                    self._prepare_bill_line(
                        dict(
                            common,
                            kind="percentile",
                            percentile=percentile,
                            usage=volume,
                            meter_size=key["meter_size"] or False,
                        ),
                        rating_input,
                        (today, proposed_plan),
                    )
                )
            typical = max(group, key=lambda k: (k["bill_count"], -k["id"]))
            base = self._prepare_rating_input(typical, plan)
            for usage in usages:
                rating_input = replace(
                    base,
                    date_from=TYPICAL_FROM,
                    date_to=TYPICAL_TO,
                    usage=usage,
                    water_usage=usage,
                    winter_average=None,
                    period_factor=Decimal(1),
                    service_days=None,
                    period_days=None,
                )
                lines.append(
                    self._prepare_bill_line(
                        dict(
                            common,
                            kind="usage",
                            percentile=0,
                            usage=usage,
                            meter_size=typical["meter_size"] or False,
                        ),
                        rating_input,
                        (today, proposed_plan),
                    )
                )
        return lines

    def _prepare_bill_line(self, line, rating_input, plans):
        """``line`` completed with the bill at the rates in force and at the
        proposed rates (``plans``: both plans)."""
        try:
            current = self._rate_total(plans[0], rating_input, False)
            new = self._rate_total(plans[1], rating_input, True)
        except ValueError as error:
            raise UserError(str(error)) from error
        percent = whatif_lib.change_percent(current, new)
        return dict(
            line,
            usage=float(line["usage"]),
            amount_current=float(current),
            amount_proposed=float(new),
            amount_change=float(new - current),
            change_percent=float(percent or 0),
        )

    def _prepare_account_lines(self, rated):
        """The accounts whose year changes most (in dollars, up or down)."""
        lines = []
        for account_id, bills, billed, _rerated, proposed in self._get_account_totals(
            rated, limit=TOP_ACCOUNTS
        ):
            percent = whatif_lib.change_percent(billed, proposed)
            lines.append(
                {
                    "account_id": account_id,
                    "bill_count": bills,
                    "amount_billed": float(billed),
                    "amount_proposed": float(proposed),
                    "amount_change": float(proposed - billed),
                    "change_percent": float(percent or 0),
                }
            )
        return lines

    def _get_account_totals(self, rated, limit=None, account_ids=None):
        """Per account of the window: (account id, bills, billed, priced again,
        proposed), the largest change first; ``limit`` accounts, or those of
        ``account_ids``. Reads the work tables of :meth:`_read_keys`."""
        cr = self.env.cr
        ids = list(rated)
        cr.execute("DROP TABLE IF EXISTS utility_whatif_rated")
        cr.execute(
            """
            CREATE TEMP TABLE utility_whatif_rated ON COMMIT DROP AS
            SELECT * FROM unnest(%s::int[], %s::numeric[], %s::numeric[])
                       AS r(id, amount_rerated, amount_proposed)
            """,
            [ids, [rated[i][0] for i in ids], [rated[i][1] for i in ids]],
        )
        cr.execute("ANALYZE utility_whatif_rated")
        join = SQL(" AND ").join(
            [
                *(
                    SQL("%s = %s", SQL.identifier("k", name), SQL.identifier("kd", name))
                    for name in KEY_COLUMNS
                ),
                SQL("k.amount_each = kd.amount_billed"),
            ]
        )
        # A merge join would sort both sides on every input column: hash joins.
        with self._hash_plans():
            self._execute_account_totals(join, limit, account_ids)
            return cr.fetchall()

    def _execute_account_totals(self, join, limit, account_ids):
        self.env.cr.execute(
            SQL(
                """
                SELECT kd.account_id, COUNT(*), SUM(kd.amount_billed),
                       SUM(r.amount_rerated),
                       SUM(COALESCE(r.amount_proposed, kd.amount_billed))
                  FROM utility_whatif_keyed kd
                  JOIN utility_whatif_key k ON %s
                  JOIN utility_whatif_rated r ON r.id = k.id
                 WHERE %s
                 GROUP BY kd.account_id
                 ORDER BY ABS(SUM(COALESCE(r.amount_proposed, kd.amount_billed))
                              - SUM(kd.amount_billed)) DESC,
                          kd.account_id
                 LIMIT %s
                """,
                join,
                SQL("TRUE")
                if account_ids is None
                else SQL("kd.account_id = ANY(%s)", list(account_ids)),
                limit,
            )
        )
