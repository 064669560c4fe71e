# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare

from ..lib import read_edits, reading_files
from ..lib.consumption import reading_consumption, register_after, to_decimal

READ_TYPES = [
    ("actual", "Actual"),
    ("estimated", "Estimated"),
    ("customer", "Customer Read"),
    ("check", "Check Read"),
    ("final", "Final"),
    ("initial", "Initial"),
]
READING_STATES = [
    ("valid", "Valid"),
    ("exception", "Held for Review"),
    ("billed", "Billed"),
    ("cancelled", "Cancelled"),
]
READING_SOURCES = [
    ("manual", "Manual Entry"),
    ("import", "File Import"),
    ("work_order", "Work Order"),
    ("exchange", "Meter Exchange"),
]

# What a billed reading must keep: the bill was computed from it.
BILLED_LOCKED_FIELDS = {
    "meter_id",
    "service_id",
    "date",
    "value",
    "read_type",
    "consumption",
    "is_rollover",
    "previous_reading_id",
    "days",
    "company_id",
}
# Changing one of these moves the reading in its meter's register run: the
# reading after it (and the reading itself) must be recomputed and re-edited.
POSITION_FIELDS = {"meter_id", "date", "value", "read_type"}


class UtilityMeterReading(models.Model):
    """A register reading of a meter.

    Readings are created in batches (a whole route or AMI file in one ``create``
    call): the previous reading, consumption and read edits of the batch cost a
    fixed number of queries whatever its size. A reading is billable only in
    state ``valid``: any open read exception holds it (state ``exception``) until
    a person accepts, corrects or estimates it.
    """

    _name = "utility.meter.reading"
    _description = "Utility Meter Reading"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

    # ------------------------------------------------------------------
    # What was read
    # ------------------------------------------------------------------
    name = fields.Char(compute="_compute_name", store=True)
    meter_id = fields.Many2one(
        "utility.meter",
        required=True,
        index=True,
        check_company=True,
        tracking=True,
        ondelete="restrict",
    )
    date = fields.Date(
        string="Read Date",
        required=True,
        index=True,
        tracking=True,
        default=fields.Date.context_today,
    )
    value = fields.Float(
        string="Reading",
        digits=(16, 3),
        required=True,
        tracking=True,
        aggregator=None,
        help="Register value.",
    )
    read_type = fields.Selection(READ_TYPES, default="actual", required=True, tracking=True)
    unit = fields.Selection(related="meter_id.unit")
    source = fields.Selection(READING_SOURCES, default="manual", required=True)
    file_id = fields.Many2one(
        "utility.reading.file",
        string="Reading File",
        index="btree_not_null",
        ondelete="restrict",
        check_company=True,
        readonly=True,
    )
    note = fields.Text()

    # ------------------------------------------------------------------
    # Whose reading it is
    # ------------------------------------------------------------------
    service_id = fields.Many2one(
        "utility.account.service",
        index="btree_not_null",
        check_company=True,
        tracking=True,
        domain="[('is_metered', '=', True)]",
        help="Found from the meter at the read date when left empty.",
    )
    account_id = fields.Many2one(
        related="service_id.account_id", store=True, precompute=True, index="btree_not_null"
    )
    partner_id = fields.Many2one(related="account_id.partner_id", string="Customer")
    cycle_id = fields.Many2one(related="account_id.cycle_id", store=True, string="Billing Cycle")
    location_id = fields.Many2one(
        "utility.service.location",
        string="Premise",
        compute="_compute_location_id",
        store=True,
        precompute=True,
        readonly=False,
        index="btree_not_null",
    )
    company_id = fields.Many2one(
        related="meter_id.company_id", store=True, precompute=True, index=True
    )

    # ------------------------------------------------------------------
    # Consumption
    # ------------------------------------------------------------------
    previous_reading_id = fields.Many2one(
        "utility.meter.reading",
        compute="_compute_previous_reading_id",
        store=True,
        index="btree_not_null",
        help="Previous live reading of the same meter.",
    )
    previous_value = fields.Float(related="previous_reading_id.value", string="Previous Value")
    previous_date = fields.Date(related="previous_reading_id.date", string="Previous Read Date")
    days = fields.Integer(
        compute="_compute_consumption", store=True, help="Days since the previous reading."
    )
    consumption = fields.Float(
        compute="_compute_consumption",
        store=True,
        digits=(16, 3),
        aggregator="sum",
        help="(Reading - previous reading) x meter multiplier; across a register "
        "rollover, (10^dials - previous + reading) x multiplier. 0 for an initial read.",
    )
    is_rollover = fields.Boolean(compute="_compute_consumption", store=True, string="Rollover")

    # ------------------------------------------------------------------
    # Review
    # ------------------------------------------------------------------
    state = fields.Selection(
        READING_STATES, default="valid", required=True, tracking=True, index=True, copy=False
    )
    exception_ids = fields.One2many(
        "utility.reading.exception", "reading_id", string="Read Exceptions"
    )
    open_exception_count = fields.Integer(compute="_compute_exception_summary")
    exception_summary = fields.Char(compute="_compute_exception_summary", string="Open Exceptions")
    replaced_reading_id = fields.Many2one(
        "utility.meter.reading",
        string="Replaces",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The reading this one corrects or estimates; it is cancelled.",
    )
    replacement_ids = fields.One2many(
        "utility.meter.reading", "replaced_reading_id", string="Replaced By"
    )

    _sql_constraints = [
        ("value_check", "CHECK(value >= 0)", "A register reading cannot be negative."),
    ]

    def init(self):
        # At most one live reading a meter a day. A partial index, so a cancelled
        # reading can sit beside its correction; it also serves the "previous
        # reading of this meter" lookups.
        self.env.cr.execute(
            """
            CREATE UNIQUE INDEX IF NOT EXISTS utility_meter_reading_meter_date_uniq
                ON utility_meter_reading (meter_id, date)
             WHERE state != 'cancelled'
            """
        )
        # History of a service for the read edits.
        self.env.cr.execute(
            """
            CREATE INDEX IF NOT EXISTS utility_meter_reading_service_date_idx
                ON utility_meter_reading (service_id, date)
             WHERE state != 'cancelled'
            """
        )

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends("meter_id.name", "date")
    def _compute_name(self):
        for reading in self:
            reading.name = f"{reading.meter_id.name or ''} {reading.date or ''}".strip()

    @api.depends("service_id", "meter_id")
    def _compute_location_id(self):
        for reading in self:
            reading.location_id = reading.service_id.location_id or reading.meter_id.location_id

    @api.depends("meter_id", "date")
    def _compute_previous_reading_id(self):
        keyed = [r for r in self if r.meter_id and r.date]
        found = self._neighbour_ids([(r.meter_id.id, r.date) for r in keyed], before=True)
        for reading in self:
            reading.previous_reading_id = False
        for index, reading in enumerate(keyed):
            reading.previous_reading_id = self.browse(found.get(index))

    @api.depends("previous_reading_id", "value", "read_type", "meter_id", "date")
    def _compute_consumption(self):
        for reading in self:
            previous = reading.previous_reading_id
            used, rolled = reading_consumption(
                to_decimal(previous.value) if previous else None,
                to_decimal(reading.value),
                reading.meter_id.dials or 6,
                to_decimal(reading.meter_id.multiplier or 1.0),
                reading.read_type,
            )
            reading.consumption = float(used)
            reading.is_rollover = rolled
            reading.days = (reading.date - previous.date).days if previous and reading.date else 0

    def _compute_exception_summary(self):
        exceptions = self.env["utility.reading.exception"].search(
            [("reading_id", "in", self.ids), ("state", "=", "open")]
        )
        labels = dict(exceptions._fields["code"]._description_selection(self.env))
        by_reading = defaultdict(list)
        for exception in exceptions:
            by_reading[exception.reading_id.id].append(labels[exception.code])
        for reading in self:
            codes = by_reading.get(reading.id, [])
            reading.open_exception_count = len(codes)
            reading.exception_summary = ", ".join(codes)

    # ------------------------------------------------------------------
    # Batch lookups (one query each, whatever the number of readings)
    # ------------------------------------------------------------------
    def _neighbour_ids(self, keys, before=True):
        """Id of the live reading just before (or after) each (meter, date) key.

        :param keys: list of (meter_id, date)
        :return: dict key index -> reading id
        """
        if not keys:
            return {}
        self.flush_model(["meter_id", "date", "state"])
        # Both fragments are literals of this method, never user input.
        comparison, order = ("<", "DESC") if before else (">", "ASC")
        self.env.cr.execute(
            f"""
            SELECT k.idx, n.id
              FROM unnest(%s::int[], %s::date[]) WITH ORDINALITY AS k(meter_id, date, idx)
              CROSS JOIN LATERAL (
                    SELECT r.id
                      FROM utility_meter_reading r
                     WHERE r.meter_id = k.meter_id
                       AND r.state != 'cancelled'
                       AND r.date {comparison} k.date
                     ORDER BY r.date {order}, r.id {order}
                     LIMIT 1
              ) n
            """,
            [[meter for meter, _date in keys], [day for _meter, day in keys]],
        )
        return {idx - 1: reading_id for idx, reading_id in self.env.cr.fetchall()}

    def _get_next_readings(self):
        """Live, unbilled readings right after these ones on their meters.

        Their previous reading and consumption depend on these readings.
        """
        live = self.filtered(lambda r: r.state != "cancelled" and r.meter_id and r.date)
        found = self._neighbour_ids([(r.meter_id.id, r.date) for r in live], before=False)
        nexts = self.browse(set(found.values()))
        return nexts.filtered(lambda r: r.state in ("valid", "exception"))

    def _fetch_history(self, keys, depth):
        """Past readings of each key's service (its meter when it has no service).

        One query for the whole batch, each key getting at most ``depth`` live
        readings dated before its date, newest first.

        :param keys: list of (service_id or None, meter_id, date)
        :return: list (aligned with keys) of lists of :class:`read_edits.Read`
        """
        histories = [[] for _key in keys]
        if not keys:
            return histories
        self.flush_model()
        self.env.cr.execute(
            """
            WITH k AS (
                SELECT * FROM unnest(%s::int[], %s::int[], %s::date[])
                       WITH ORDINALITY AS k(service_id, meter_id, date, idx)
            )
            SELECT k.idx, h.meter_id, h.date, h.value, h.consumption, h.days,
                   h.read_type, h.state, h.id
              FROM k
              CROSS JOIN LATERAL (
                    SELECT r.* FROM utility_meter_reading r
                     WHERE r.service_id = k.service_id AND r.state != 'cancelled'
                       AND r.date < k.date
                     ORDER BY r.date DESC, r.id DESC LIMIT %s
              ) h
             WHERE k.service_id IS NOT NULL
            UNION ALL
            SELECT k.idx, h.meter_id, h.date, h.value, h.consumption, h.days,
                   h.read_type, h.state, h.id
              FROM k
              CROSS JOIN LATERAL (
                    SELECT r.* FROM utility_meter_reading r
                     WHERE r.meter_id = k.meter_id AND r.state != 'cancelled'
                       AND r.date < k.date
                     ORDER BY r.date DESC, r.id DESC LIMIT %s
              ) h
             WHERE k.service_id IS NULL
             ORDER BY 1, 3 DESC, 9 DESC
            """,
            [
                [service for service, _meter, _date in keys],
                [meter for _service, meter, _date in keys],
                [day for _service, _meter, day in keys],
                depth,
                depth,
            ],
        )
        for idx, meter, day, value, used, days, read_type, state, _id in self.env.cr.fetchall():
            histories[idx - 1].append(
                read_edits.Read(
                    date=day,
                    meter=meter,
                    value=to_decimal(value),
                    consumption=to_decimal(used),
                    days=days or 0,
                    read_type=read_type,
                    state=state,
                )
            )
        return histories

    @api.model
    def _find_services(self, keys):
        """Service each (meter, date) key belongs to, for readings entered without one.

        The meter's active or suspended metered service at the read date first,
        then the install history (a meter since moved on), then any service of
        the meter covering the date. Two queries for the whole batch.

        :return: dict key -> service id
        """
        meter_ids = list({meter for meter, _date in keys})
        services = self.env["utility.account.service"].search(
            [("meter_id", "in", meter_ids)], order="date_start desc, id desc"
        )
        installs = self.env["utility.meter.install"].search(
            [("meter_id", "in", meter_ids), ("service_id", "!=", False)],
            order="date_install desc, id desc",
        )
        by_meter = defaultdict(list)
        for service in services:
            by_meter[service.meter_id.id].append(service)
        installs_by_meter = defaultdict(list)
        for install in installs:
            installs_by_meter[install.meter_id.id].append(install)

        def covers(start, end, day):
            return (not start or start <= day) and (not end or day <= end)

        found = {}
        for meter, day in keys:
            candidates = [s for s in by_meter[meter] if covers(s.date_start, s.date_end, day)]
            service = next(
                (s for s in candidates if s.state in ("active", "suspended", "disconnected")),
                None,
            )
            if not service:
                install = next(
                    (
                        i
                        for i in installs_by_meter[meter]
                        if covers(i.date_install, i.date_remove, day)
                    ),
                    None,
                )
                service = install.service_id if install else next(iter(candidates), None)
            if service:
                found[meter, day] = service.id
        return found

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        # Rights first: a cashier gets an access error, not a validation message.
        self.check_access("create")
        vals_list = [dict(vals) for vals in vals_list]
        self._prepare_create_vals(vals_list)
        # Readings arrive by the thousand: no creation message, no follower, no
        # tracking of initial values; the read exceptions tell what matters.
        quiet = self.with_context(
            mail_create_nolog=True, mail_create_nosubscribe=True, mail_notrack=True
        )
        readings = super(UtilityMeterReading, quiet).create(vals_list).with_env(self.env)
        followers = readings._get_next_readings() - readings
        readings._invalidate_position(followers)
        live = readings.filtered(lambda r: r.state in ("valid", "exception"))
        live._process_check_reads()
        (live | followers)._run_read_edits()
        live._resolve_no_read_exceptions()
        return readings

    def _prepare_create_vals(self, vals_list):
        """Fill the service of readings entered without one; refuse bad batches whole."""
        self._check_register_values(
            [(vals.get("meter_id"), vals["value"]) for vals in vals_list if "value" in vals]
        )
        missing = []
        for vals in vals_list:
            if vals.get("meter_id") and vals.get("date") and not vals.get("service_id"):
                missing.append((vals["meter_id"], fields.Date.to_date(vals["date"])))
        if missing:
            found = self._find_services(missing)
            for vals in vals_list:
                if vals.get("meter_id") and vals.get("date") and not vals.get("service_id"):
                    key = (vals["meter_id"], fields.Date.to_date(vals["date"]))
                    vals["service_id"] = found.get(key, False)
        keys = [
            (vals["meter_id"], fields.Date.to_date(vals["date"]))
            for vals in vals_list
            if vals.get("meter_id") and vals.get("date") and vals.get("state") != "cancelled"
        ]
        self._check_new_positions(keys)

    def _check_register_values(self, pairs):
        """Refuse readings the meter's register cannot show, before anything is stored.

        Odoo rounds a float field to its digits without a word: a reading of
        1234.5678 would be kept as 1234.568, and 1e20 would wrap every
        consumption. Refused instead, for every reading of the batch at once:
        more digits than the meter's dials, more decimals than the reading
        holds, a negative number, not a number.

        :param pairs: list of (meter id, value as given: float, int, str or Decimal)
        :raise UserError: one line per refused reading
        """
        meters = self.env["utility.meter"].browse({m for m, _v in pairs if m})
        dials = {meter.id: meter.dials for meter in meters}
        problems = []
        for meter_id, value in pairs:
            try:
                number = to_decimal(value)
            except (ArithmeticError, TypeError, ValueError):
                number = None
            problem = (
                reading_files.reading_value_problem(number, dials.get(meter_id))
                if number is not None
                else "is not a number"
            )
            if problem:
                meter = meters.browse(meter_id) if meter_id else meters.browse()
                problems.append(
                    self.env._(
                        "Reading %(value)s of meter %(meter)s %(problem)s.",
                        value=value,
                        meter=meter.name or "",
                        problem=problem,
                    )
                )
        if problems:
            raise UserError("\n".join(problems))

    def _check_new_positions(self, keys, exclude_ids=()):
        """One error for every reading that cannot take its place in its meter's run.

        :param keys: list of (meter_id, date) of the readings to be
        :raise UserError: listing every problem of :meth:`_get_position_problems`
        """
        problems = self._get_position_problems(keys, exclude_ids)
        if problems:
            raise UserError(
                self.env._(
                    "A meter is read at most once a day, after its last billed reading. "
                    "These readings cannot be recorded:\n%(problems)s",
                    problems="\n".join(f"- {message}" for _key, message in problems),
                )
            )

    @api.model
    def _get_position_problems(self, keys, exclude_ids=()):
        """Readings that cannot take their place in their meter's run, for a whole batch.

        - a meter is read at most once a day (live readings);
        - nothing is dated on or before the last billed reading of its meter:
          that period is billed, correct it by cancel-and-rebill.

        Importers call this to report the problems row by row before creating.
        Two queries whatever the number of keys.

        :param keys: list of (meter_id, date)
        :return: list of ((meter_id, date), message)
        """
        if not keys:
            return []
        problems = []
        counts = defaultdict(int)
        for key in keys:
            counts[key] += 1
        meters = self.env["utility.meter"].browse({meter for meter, _date in keys})
        names = {meter.id: meter.name for meter in meters}
        for (meter, day), count in counts.items():
            if count > 1:
                problems.append(
                    (
                        (meter, day),
                        self.env._(
                            "Meter %(meter)s on %(date)s: %(count)s readings in this batch",
                            meter=names[meter],
                            date=day,
                            count=count,
                        ),
                    )
                )
        self.flush_model(["meter_id", "date", "state"])
        self.env.cr.execute(
            """
            SELECT r.meter_id, r.date, r.state
              FROM utility_meter_reading r
              JOIN unnest(%s::int[], %s::date[]) AS k(meter_id, date)
                ON r.meter_id = k.meter_id AND r.date = k.date
             WHERE r.state != 'cancelled' AND r.id != ALL(%s)
             ORDER BY r.meter_id, r.date
            """,
            [
                [meter for meter, _day in counts],
                [day for _meter, day in counts],
                list(exclude_ids),
            ],
        )
        states = dict(self._fields["state"]._description_selection(self.env))
        for meter, day, state in self.env.cr.fetchall():
            problems.append(
                (
                    (meter, day),
                    self.env._(
                        "Meter %(meter)s on %(date)s: already read that day (%(state)s reading)",
                        meter=names[meter],
                        date=day,
                        state=states[state],
                    ),
                )
            )
        last_billed = dict(
            self._read_group(
                [("meter_id", "in", meters.ids), ("state", "=", "billed")],
                ["meter_id"],
                ["date:max"],
            )
        )
        for meter, day in sorted(counts, key=lambda key: (names[key[0]], key[1])):
            billed = last_billed.get(meters.browse(meter))
            if billed and day <= billed:
                problems.append(
                    (
                        (meter, day),
                        self.env._(
                            "Meter %(meter)s on %(date)s: the meter is billed up to %(billed)s",
                            meter=names[meter],
                            date=day,
                            billed=billed,
                        ),
                    )
                )
        return problems

    def write(self, vals):
        self._check_write_allowed(vals)
        if {"value", "meter_id"} & vals.keys():
            self._check_register_values(
                [(vals.get("meter_id", r.meter_id.id), vals.get("value", r.value)) for r in self]
            )
        moved = bool(POSITION_FIELDS & vals.keys()) or vals.get("state") == "cancelled"
        if {"meter_id", "date"} & vals.keys():
            self._check_new_positions(
                [
                    (
                        vals.get("meter_id", r.meter_id.id),
                        fields.Date.to_date(vals.get("date", r.date)),
                    )
                    for r in self
                    if r.state != "cancelled"
                ],
                exclude_ids=self.ids,
            )
        followers_before = self._get_next_readings() - self if moved else self.browse()
        result = super().write(vals)
        if moved:
            followers = (followers_before | self._get_next_readings()) - self
            self._invalidate_position(followers)
            to_edit = followers
            if POSITION_FIELDS & vals.keys():
                self._invalidate_position(self.filtered(lambda r: r.state != "cancelled"))
                to_edit |= self
            to_edit._run_read_edits()
        return result

    def _check_write_allowed(self, vals):
        """Billed readings are final; cancelled ones are history; billing takes valid ones."""
        billed = self.filtered(lambda r: r.state == "billed")
        if billed and BILLED_LOCKED_FIELDS & vals.keys():
            raise UserError(
                self.env._(
                    "These readings have been billed and cannot be changed; correct the "
                    "bill by cancel-and-rebill instead:\n%(readings)s",
                    readings="\n".join(f"- {r.display_name}" for r in billed),
                )
            )
        if "state" not in vals and not (POSITION_FIELDS & vals.keys()):
            return
        new_state = vals.get("state")
        if (
            billed
            and new_state not in (None, "billed")
            and not self.env.context.get("utility_reading_unbill")
        ):
            raise UserError(
                self.env._(
                    "Billed readings leave the billed state only through cancel-and-rebill: "
                    "%(readings)s",
                    readings=", ".join(billed.mapped("display_name")),
                )
            )
        cancelled = self.filtered(lambda r: r.state == "cancelled")
        if cancelled and (
            (new_state and new_state != "cancelled") or POSITION_FIELDS & vals.keys()
        ):
            raise UserError(
                self.env._(
                    "Cancelled readings are history and cannot be changed or restored; "
                    "enter a new reading instead: %(readings)s",
                    readings=", ".join(cancelled.mapped("display_name")),
                )
            )
        if new_state == "billed":
            held = self.filtered(lambda r: r.state not in ("valid", "billed"))
            if held:
                raise UserError(
                    self.env._(
                        "Only valid readings can be billed; these are held or cancelled:\n"
                        "%(readings)s",
                        readings="\n".join(
                            f"- {r.display_name}: {r.exception_summary or r.state}" for r in held
                        ),
                    )
                )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_billed(self):
        billed = self.filtered(lambda r: r.state == "billed")
        if billed:
            raise UserError(
                self.env._(
                    "Billed readings cannot be deleted: %(readings)s",
                    readings=", ".join(billed.mapped("display_name")),
                )
            )

    def unlink(self):
        followers = self._get_next_readings() - self
        result = super().unlink()
        if followers:
            self._invalidate_position(followers)
            followers._run_read_edits()
        return result

    def _invalidate_position(self, readings):
        """Recompute previous reading and consumption of ``readings`` (a batch)."""
        readings = readings.filtered(lambda r: r.state in ("valid", "exception"))
        if readings:
            self.env.add_to_compute(self._fields["previous_reading_id"], readings)
            for fname in ("consumption", "is_rollover", "days"):
                self.env.add_to_compute(self._fields[fname], readings)

    # ------------------------------------------------------------------
    # Read edits
    # ------------------------------------------------------------------
    @api.model
    def _get_edit_thresholds(self, company):
        return read_edits.Thresholds(
            high_usage_percent=to_decimal(company.utility_high_usage_percent),
            low_usage_percent=to_decimal(company.utility_low_usage_percent),
            history_periods=company.utility_usage_history_periods,
            min_average=to_decimal(company.utility_usage_min_average),
            same_reading_periods=company.utility_same_reading_periods,
            max_consecutive_estimates=company.utility_max_consecutive_estimates,
        )

    def _edit_read(self):
        self.ensure_one()
        previous = self.previous_reading_id
        return read_edits.Read(
            date=self.date,
            meter=self.meter_id.id,
            value=to_decimal(self.value),
            consumption=to_decimal(self.consumption),
            days=self.days,
            read_type=self.read_type,
            state=self.state,
            previous_value=to_decimal(previous.value) if previous else None,
            previous_date=previous.date if previous else None,
        )

    def _edit_service(self, reinstalled=False):
        self.ensure_one()
        service = self.service_id
        return read_edits.Service(
            state=service.state or None,
            date_end=service.date_end or None,
            dials=self.meter_id.dials,
            multiplier=to_decimal(self.meter_id.multiplier),
            unit=self.meter_id.unit,
            meter_reinstalled=reinstalled,
            seasonal=service.account_id.is_seasonal_usage,
        )

    def _get_reinstalled_ids(self):
        """Readings whose meter was (re)installed since their previous reading."""
        with_previous = self.filtered("previous_reading_id")
        if not with_previous:
            return set()
        installs = self.env["utility.meter.install"].search(
            [
                ("meter_id", "in", with_previous.meter_id.ids),
                ("date_install", ">", min(with_previous.previous_reading_id.mapped("date"))),
                ("date_install", "<=", max(with_previous.mapped("date"))),
            ]
        )
        dates = defaultdict(list)
        for install in installs:
            dates[install.meter_id.id].append(install.date_install)
        return {
            r.id
            for r in with_previous
            if any(r.previous_reading_id.date < d <= r.date for d in dates[r.meter_id.id])
        }

    def _run_read_edits(self):
        """Run the read edits on a batch and hold what they flag.

        Fixed cost per batch: the history of every reading comes in one query,
        the existing exceptions in one search, the new exceptions in one create.
        A finding a person already accepted on this reading (same code, same
        message) is not raised again. Readings with an open exception are held
        (state ``exception``), the others are ``valid``.
        """
        readings = self.filtered(lambda r: r.state in ("valid", "exception"))
        if not readings:
            return
        readings.flush_recordset()
        thresholds = {
            company: self._get_edit_thresholds(company) for company in readings.company_id
        }
        depth = max(t.depth for t in thresholds.values())
        histories = self._fetch_history(
            [(r.service_id.id or None, r.meter_id.id, r.date) for r in readings], depth
        )
        reinstalled = readings._get_reinstalled_ids()
        results = {}
        for reading, history in zip(readings, histories, strict=True):
            results[reading] = read_edits.run_edits(
                reading._edit_read(),
                history,
                reading._edit_service(reading.id in reinstalled),
                thresholds[reading.company_id],
            )
        quiet = readings.with_context(mail_notrack=True)
        for reading, result in results.items():
            consumption = float(result.consumption)
            if (
                float_compare(consumption, reading.consumption, precision_digits=3)
                or result.is_rollover != reading.is_rollover
            ):
                # The edits know the history: they settle rollover against misread.
                quiet.browse(reading.id).write(
                    {"consumption": consumption, "is_rollover": result.is_rollover}
                )
        held_ids = readings._sync_exceptions(results)
        held = quiet.browse(held_ids)
        held.filtered(lambda r: r.state != "exception").write({"state": "exception"})
        (quiet - held).filtered(lambda r: r.state != "valid").write({"state": "valid"})

    def _sync_exceptions(self, results):
        """Make the open exceptions of the readings match the edit results.

        :return: ids of the readings left with an open exception
        """
        ReadException = (
            self.env["utility.reading.exception"]
            .sudo()
            .with_context(mail_create_nolog=True, mail_create_nosubscribe=True)
        )
        existing = ReadException.search([("reading_id", "in", self.ids)])
        open_by_reading = defaultdict(dict)
        accepted = set()
        for exception in existing:
            if exception.state == "open":
                open_by_reading[exception.reading_id.id][exception.code] = exception
            elif exception.resolution == "accepted":
                accepted.add((exception.reading_id.id, exception.code, exception.message))
        to_unlink = ReadException
        to_create = []
        held_ids = set()
        for reading, result in results.items():
            current = open_by_reading.get(reading.id, {})
            wanted = {
                flag.code: flag
                for flag in result.flags
                if (reading.id, flag.code, flag.message) not in accepted
            }
            for code, exception in current.items():
                if code not in wanted:
                    to_unlink |= exception
                elif exception.message != wanted[code].message:
                    exception.message = wanted[code].message
            to_create += [
                {"reading_id": reading.id, "code": code, "message": flag.message}
                for code, flag in wanted.items()
                if code not in current
            ]
            if wanted:
                held_ids.add(reading.id)
        to_unlink.unlink()
        ReadException.create(to_create)
        return held_ids

    def _update_state_from_exceptions(self):
        """Release readings with no open exception left; hold the others."""
        readings = self.filtered(lambda r: r.state in ("valid", "exception"))
        if not readings:
            return
        open_counts = dict(
            self.env["utility.reading.exception"]
            .sudo()
            ._read_group(
                [("reading_id", "in", readings.ids), ("state", "=", "open")],
                ["reading_id"],
                ["__count"],
            )
        )
        held = readings.filtered(lambda r: open_counts.get(r.sudo()))
        held.filtered(lambda r: r.state != "exception").write({"state": "exception"})
        (readings - held).filtered(lambda r: r.state != "valid").write({"state": "valid"})

    def _process_check_reads(self):
        """A check read answers the held readings waiting for it.

        The check read confirms a held reading when the register shows at least
        the held value (the meter really got there): the held reading is released.
        A lower check value proves the held reading wrong: it is cancelled, and the
        check read takes over its consumption from the reading before.
        """
        checks = self.filtered(lambda r: r.read_type == "check")
        if not checks:
            return
        pending = (
            self.env["utility.reading.exception"]
            .sudo()
            .search(
                [
                    ("meter_id", "in", checks.meter_id.ids),
                    ("state", "=", "open"),
                    ("resolution", "=", "check_read"),
                    ("reading_id", "!=", False),
                ]
            )
        )
        confirmed = self.browse()
        refuted = self.browse()
        answered = pending.browse()
        for check in checks:
            waiting = pending.filtered(
                lambda e, c=check: (
                    e.meter_id == c.meter_id
                    and e.reading_id.date < c.date
                    and e.reading_id.state == "exception"
                )
            )
            for held in waiting.reading_id:
                if to_decimal(check.value) >= to_decimal(held.value):
                    confirmed |= held
                else:
                    refuted |= held
                    if not check.replaced_reading_id:
                        check.sudo().replaced_reading_id = held
            answered |= waiting
        if not answered:
            return
        answered._resolve("check_read")
        for held in confirmed | refuted:
            held.message_post(
                body=self.env._(
                    "Check read %(check)s %(verdict)s this reading.",
                    check=checks.filtered(lambda c, h=held: c.meter_id == h.meter_id)[:1].name,
                    verdict=self.env._("confirmed")
                    if held in confirmed
                    else self.env._("disproved"),
                )
            )
        refuted.write({"state": "cancelled"})
        confirmed._update_state_from_exceptions()

    def _resolve_no_read_exceptions(self):
        """The missing reading arrived: its no-read exception is settled."""
        services = self.service_id
        if not services:
            return
        missing = (
            self.env["utility.reading.exception"]
            .sudo()
            .search(
                [
                    ("code", "=", "no_read"),
                    ("state", "=", "open"),
                    ("service_id", "in", services.ids),
                ]
            )
        )
        settled = defaultdict(missing.browse)
        by_service = defaultdict(list)
        for reading in self.sorted("date"):
            by_service[reading.service_id.id].append(reading)
        for exception in missing:
            reading = next(
                (
                    r
                    for r in by_service[exception.service_id.id]
                    if not exception.date_from or r.date >= exception.date_from
                ),
                None,
            )
            if reading:
                exception.reading_id = reading
                settled[exception.resolution or "corrected"] |= exception
        for resolution, exceptions in settled.items():
            exceptions._resolve(resolution)

    # ------------------------------------------------------------------
    # Corrections and estimates
    # ------------------------------------------------------------------
    def _replace_by(self, vals_list, resolution, reason=""):
        """Cancel these readings and create their replacements, re-edited.

        :param vals_list: values of each replacement, aligned with ``self``
        :param resolution: how the open exceptions of the old readings are resolved
        :return: the new readings
        """
        locked = self.filtered(lambda r: r.state in ("billed", "cancelled"))
        if locked:
            raise UserError(
                self.env._(
                    "Billed or cancelled readings cannot be replaced: %(readings)s",
                    readings=", ".join(locked.mapped("display_name")),
                )
            )
        self.exception_ids.filtered(lambda e: e.state == "open")._resolve(resolution, reason)
        self.write({"state": "cancelled"})
        new_vals = [
            {
                "meter_id": old.meter_id.id,
                "service_id": old.service_id.id,
                "date": old.date,
                "read_type": old.read_type,
                "source": old.source,
                "file_id": old.file_id.id,
                "note": reason or old.note,
                "replaced_reading_id": old.id,
                **vals,
            }
            for old, vals in zip(self, vals_list, strict=True)
        ]
        new = self.create(new_vals)
        for old, replacement in zip(self, new, strict=True):
            old.message_post(
                body=Markup("%s<br/>%s")
                % (
                    self.env._(
                        "Replaced by %(reading)s: %(value)s (%(type)s).",
                        reading=replacement.display_name,
                        value=replacement.value,
                        type=dict(READ_TYPES)[replacement.read_type],
                    ),
                    reason or "",
                )
            )
        return new

    @api.model
    def _estimate_vals(self, targets):
        """Estimated readings from the account's average daily usage x days.

        :param targets: list of dicts with ``service`` (record or empty), ``meter``
            (record), ``date`` and ``previous`` (the reading the estimate counts
            from; found in the history when empty)
        :return: tuple (list of reading values aligned with targets, list of problems)
        """
        company_periods = {}
        keys = [(t["service"].id or None, t["meter"].id, t["date"]) for t in targets]
        depth = max(
            [self._get_edit_thresholds(t["meter"].company_id).depth for t in targets] or [1]
        )
        histories = self._fetch_history(keys, depth)
        vals_list, problems = [], []
        for target, history in zip(targets, histories, strict=True):
            meter = target["meter"]
            label = f"{meter.name} {target['date']}"
            previous = target.get("previous")
            if previous:
                previous_value, previous_date = to_decimal(previous.value), previous.date
            else:
                same_meter = next((h for h in history if h.meter == meter.id), None)
                if not same_meter:
                    problems.append(
                        self.env._("- %(reading)s: no earlier reading to count from", reading=label)
                    )
                    continue
                previous_value, previous_date = same_meter.value, same_meter.date
            company = meter.company_id
            if company not in company_periods:
                company_periods[company] = company.utility_usage_history_periods
            days = (target["date"] - previous_date).days
            estimate = read_edits.estimate_consumption(history, days, company_periods[company])
            if estimate is None:
                problems.append(
                    self.env._("- %(reading)s: no usage history to estimate from", reading=label)
                )
                continue
            value = register_after(previous_value, estimate, meter.dials, meter.multiplier)
            vals_list.append(
                {
                    "meter_id": meter.id,
                    "service_id": target["service"].id,
                    "date": target["date"],
                    "value": float(value),
                    "read_type": "estimated",
                }
            )
        return vals_list, problems

    # ------------------------------------------------------------------
    # For billing
    # ------------------------------------------------------------------
    @api.model
    def _get_billable_domain(self):
        """Readings billing may use: valid ones (no open exception)."""
        return [("state", "=", "valid")]

    @api.model
    def _get_consumption_by_service(self, services, date_from, date_to, states=("valid",)):
        """Consumption of each service over its readings dated in [date_from, date_to].

        Both meters of an exchange count: the old meter's final reading and the
        new meter's readings all carry the service.

        :return: dict service record -> float consumption
        """
        return dict(
            self._read_group(
                [
                    ("service_id", "in", services.ids),
                    ("date", ">=", date_from),
                    ("date", "<=", date_to),
                    ("state", "in", list(states)),
                ],
                ["service_id"],
                ["consumption:sum"],
            )
        )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_accept_exceptions(self):
        return self.exception_ids.filtered(lambda e: e.state == "open").action_accept()

    def action_estimate_exceptions(self):
        return self.exception_ids.filtered(lambda e: e.state == "open").action_estimate()

    def action_order_check_read(self):
        return self.exception_ids.filtered(lambda e: e.state == "open").action_check_read()

    def action_open_correct(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "utility_billing.utility_meter_reading_correct_action"
        )
        action["context"] = {"default_reading_id": self.id}
        return action

    def action_view_exceptions(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "utility_billing.utility_reading_exception_action"
        )
        action["domain"] = [("reading_id", "=", self.id)]
        action["context"] = {}
        return action
