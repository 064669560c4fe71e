# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import format_datetime, split_every

from ..lib import leak_detection, units

CSR_GROUP = "utility_billing.group_utility_csr"
# Volume units: a kWh meter has no leak.
WATER_UNITS = frozenset({"gallon", "kgal", "cubic_foot", "ccf"})
ALERT_TEMPLATE = "utility_billing.mail_template_utility_leak_alert"
# Meters checked per pair of queries: bounds the interval rows held at once
# (2,000 meters x 72 hourly reads).
CHECK_CHUNK = 2000

ALERT_STATES = [
    ("new", "New"),
    ("notified", "Customer Told"),
    ("resolved", "Resolved"),
    ("dismissed", "Dismissed"),
]
ALERT_KINDS = [
    (leak_detection.FLOW, "Continuous Flow"),
    (leak_detection.JUMP, "Usage Jump"),
]


class UtilityLeakAlert(models.Model):
    """A possible leak seen in a meter's interval reads, told to the customer
    before the bill shows it.

    Created by the leak check (daily, or the "Check for Leaks" button) once
    per episode: while the same run of flowing water, or the same jump, goes
    on, the alert's "last seen" moves on and the customer is not told again
    (:func:`..lib.leak_detection.is_same_episode`). The customer is e-mailed
    when they have an address; otherwise a "call the customer" activity goes
    to the clerk the settings name. A clerk resolves the alert (the leak is
    fixed) or dismisses it (not a leak: a pool fill, a business that runs all
    night). Every field but the note is written by the check and the buttons
    only.
    """

    _name = "utility.leak.alert"
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "utility.locked.fields.mixin",
        "utility.letter.mixin",
    ]
    _description = "Leak Alert"
    _order = "date_detected desc, id desc"
    _check_company_auto = True

    # ------------------------------------------------------------------
    # What was seen
    # ------------------------------------------------------------------
    meter_id = fields.Many2one(
        "utility.meter", required=True, readonly=True, index=True, check_company=True
    )
    account_id = fields.Many2one(
        "utility.account",
        readonly=True,
        index=True,
        check_company=True,
        help="The account the meter served when the leak was seen.",
    )
    partner_id = fields.Many2one(related="account_id.partner_id", string="Customer")
    location_id = fields.Many2one(related="meter_id.location_id", string="Premise")
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, default=lambda self: self.env.company
    )
    kind = fields.Selection(ALERT_KINDS, required=True, readonly=True)
    file_id = fields.Many2one(
        "utility.interval.file",
        string="Found In File",
        readonly=True,
        check_company=True,
        ondelete="set null",
    )
    date_detected = fields.Datetime(
        string="Detected On", required=True, readonly=True, default=fields.Datetime.now
    )
    date_start = fields.Datetime(string="Since", required=True, readonly=True)
    date_end = fields.Datetime(
        string="Last Seen",
        required=True,
        readonly=True,
        tracking=True,
        help="End of the last interval read that still showed the leak.",
    )
    hours = fields.Float(readonly=True, digits=(16, 1))
    usage_gallons = fields.Float(
        string="Gallons", readonly=True, digits=(16, 1), help="Used during the run or the window."
    )
    min_per_hour = fields.Float(
        string="Least Gallons in an Hour",
        readonly=True,
        digits=(16, 2),
        help="Continuous flow: the meter never used less than this in an hour of the run.",
    )
    per_day = fields.Float(string="Gallons a Day", readonly=True, digits=(16, 1))
    baseline_per_day = fields.Float(
        string="Usual Gallons a Day",
        readonly=True,
        digits=(16, 1),
        help="Usage jump: the meter's average a day before the jump.",
    )
    is_season_baseline = fields.Boolean(
        string="Against Last Year",
        readonly=True,
        help="Usage jump of a seasonal account: its usual use is the same season last year's.",
    )
    summary = fields.Text(string="What Was Seen", compute="_compute_summary")

    # ------------------------------------------------------------------
    # What was done
    # ------------------------------------------------------------------
    state = fields.Selection(
        ALERT_STATES, required=True, readonly=True, default="new", tracking=True, index=True
    )
    notice_method = fields.Selection(
        [("email", "E-mailed"), ("call", "Call the Customer")],
        string="Customer Notice",
        readonly=True,
        tracking=True,
    )
    date_notified = fields.Datetime(string="Customer Told On", readonly=True, tracking=True)
    notified_by_id = fields.Many2one("res.users", string="Told By", readonly=True)
    date_closed = fields.Datetime(string="Closed On", readonly=True, tracking=True)
    closed_by_id = fields.Many2one("res.users", readonly=True, tracking=True)
    note = fields.Text(help="What the customer said, what was found, what was fixed.")

    _sql_constraints = [
        (
            "episode_uniq",
            "unique(meter_id, kind, date_start)",
            "A leak episode of a meter has one alert.",
        ),
    ]

    # ------------------------------------------------------------------
    # Guard
    # ------------------------------------------------------------------
    def _get_action_fields(self):
        return set(self._fields) - {"note"} - set(models.MAGIC_COLUMNS) - {"display_name"}

    def _get_action_fields_message(self, names, creating=False):
        return self.env._(
            "Leak alerts are made by the leak check and changed through their buttons "
            "(Customer Told, Resolve, Dismiss); only the note is written by hand."
        )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_not_new(self):
        if self.filtered(lambda alert: alert.state != "new"):
            raise UserError(
                self.env._(
                    "A leak alert the customer was told about, or that was closed, is kept: "
                    "dismiss it instead of deleting it."
                )
            )

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends("kind", "meter_id", "date_start")
    def _compute_display_name(self):
        kinds = dict(ALERT_KINDS)
        for alert in self:
            alert.display_name = self.env._(
                "%(kind)s on meter %(meter)s",
                kind=kinds.get(alert.kind, ""),
                meter=alert.meter_id.name or "",
            )

    @api.depends(
        "kind",
        "meter_id",
        "date_start",
        "date_end",
        "hours",
        "usage_gallons",
        "per_day",
        "is_season_baseline",
    )
    def _compute_summary(self):
        for alert in self:
            if not alert.kind or not alert.date_start:
                alert.summary = False
            elif alert.kind == leak_detection.FLOW:
                alert.summary = self.env._(
                    "Water flowed through meter %(meter)s without stopping for %(hours)s hours, "
                    "from %(start)s to %(end)s: %(gallons)s gallons, never less than "
                    "%(least)s gallons in an hour.",
                    meter=alert.meter_id.name,
                    hours=f"{alert.hours:,.0f}",
                    start=format_datetime(self.env, alert.date_start, dt_format="short"),
                    end=format_datetime(self.env, alert.date_end, dt_format="short"),
                    gallons=f"{alert.usage_gallons:,.0f}",
                    least=f"{alert.min_per_hour:,.1f}",
                )
            else:
                ratio = alert.per_day / alert.baseline_per_day if alert.baseline_per_day else 0
                usual = (
                    self.env._("its usual %(usual)s gallons a day at this time last year")
                    if alert.is_season_baseline
                    else self.env._("its usual %(usual)s gallons a day")
                )
                alert.summary = self.env._(
                    "Meter %(meter)s used %(per_day)s gallons a day from %(start)s to "
                    "%(end)s, %(ratio)s times %(usual)s.",
                    meter=alert.meter_id.name,
                    per_day=f"{alert.per_day:,.0f}",
                    start=format_datetime(self.env, alert.date_start, dt_format="short"),
                    end=format_datetime(self.env, alert.date_end, dt_format="short"),
                    ratio=f"{ratio:,.1f}",
                    usual=usual % {"usual": f"{alert.baseline_per_day:,.0f}"},
                )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def _check_csr(self, message):
        if not self.env.user.has_group(CSR_GROUP):
            raise AccessError(message)
        self.check_access("write")

    def _check_open(self):
        closed = self.filtered(lambda alert: alert.state in ("resolved", "dismissed"))
        if closed:
            raise UserError(
                self.env._(
                    "These leak alerts are already closed:\n%(alerts)s",
                    alerts="\n".join(f"- {name}" for name in closed.mapped("display_name")),
                )
            )

    def action_mark_notified(self):
        """The clerk called the customer (the alerts without an e-mail address)."""
        self._check_csr(self.env._("Only customer service staff record a call to a customer."))
        self._check_open()
        told = self.filtered(lambda alert: alert.state == "new")
        self._as_action_write(
            told,
            {
                "state": "notified",
                "date_notified": fields.Datetime.now(),
                "notified_by_id": self.env.user.id,
            },
        )
        told._get_call_activities().action_feedback(
            feedback=self.env._("The customer was told by phone.")
        )
        return True

    def action_resolve(self):
        """The leak is fixed (or the customer will fix it): close the alert."""
        self._check_csr(self.env._("Only customer service staff resolve leak alerts."))
        return self._close("resolved")

    def action_dismiss(self):
        """Not a leak (a pool fill, a business open all night): close the alert."""
        self._check_csr(self.env._("Only customer service staff dismiss leak alerts."))
        return self._close("dismissed")

    def _close(self, state):
        self._check_open()
        self._as_action_write(
            self,
            {
                "state": state,
                "date_closed": fields.Datetime.now(),
                "closed_by_id": self.env.user.id,
            },
        )
        self._get_call_activities().unlink()
        return True

    def _get_call_activities(self):
        call = self.env.ref("mail.mail_activity_data_call")
        return self.activity_ids.filtered(lambda activity: activity.activity_type_id == call)

    @api.model
    def _as_action_write(self, alerts, vals):
        # Posting the tracking messages needs no more than the write the action checked.
        return alerts._as_action().write(vals)

    @api.model
    def _check_access_leak_check(self):
        if not self.env.user.has_group(CSR_GROUP):
            raise AccessError(self.env._("Only customer service staff check meters for leaks."))

    @api.model
    def action_check_new_reads(self):
        """ "Check for Leaks" on the alerts list: the meters of the interval files of
        the user's companies not checked yet."""
        self._check_access_leak_check()
        files = self.env["utility.interval.file"].search(
            [("date_leak_checked", "=", False), ("company_id", "in", self.env.companies.ids)]
        )
        alerts = files._check_leaks()
        if not files:
            message = self.env._("No interval file is waiting for the leak check.")
        else:
            message = self.env._(
                "%(files)s interval files checked: %(alerts)s leak alerts open for their meters.",
                files=len(files),
                alerts=len(alerts.filtered(lambda a: a.state in ("new", "notified"))),
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "message": message,
                "type": "info",
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    @api.model
    def _cron_check_leaks(self):
        """Daily: check the meters of every interval file not checked yet."""
        files = self.env["utility.interval.file"].search([("date_leak_checked", "=", False)])
        files._check_leaks()

    # ------------------------------------------------------------------
    # The check
    # ------------------------------------------------------------------
    @api.model
    def _check_meters(self, meters, file_of_meter=None):
        """Run the leak rules on ``meters``, create one alert per new episode,
        move the "last seen" of the episodes going on, tell the customers of
        the new alerts.

        Two queries per chunk of meters (their recent intervals, their usual
        use), whatever the number of meters.

        :param file_of_meter: dict meter id -> interval file id, recorded on the alerts
        :return: the alerts created or moved on
        """
        file_of_meter = file_of_meter or {}
        alerts = self.browse()
        by_company = defaultdict(list)
        for meter in meters:
            if meter.unit in WATER_UNITS:
                by_company[meter.company_id].append(meter.id)
        for company, meter_ids in by_company.items():
            rules = company._get_utility_leak_rules()
            for chunk in split_every(CHECK_CHUNK, meter_ids):
                findings = self._detect(self.env["utility.meter"].browse(chunk), rules)
                alerts |= self.with_company(company)._record_findings(
                    findings, company, file_of_meter
                )
        alerts.filtered(lambda alert: alert.state == "new" and not alert.notice_method)._notify()
        return alerts

    @api.model
    def _detect(self, meters, rules):
        """:return: dict meter -> list of leak_detection.Finding"""
        recent, baseline = self._read_intervals(meters.ids, rules)
        findings = {}
        for meter in meters:
            factor = float(units.convert(1, meter.unit, "gallon"))
            intervals = [
                (start, minutes, usage * factor) for start, minutes, usage in recent[meter.id]
            ]
            prior, last_year = baseline.get(meter.id, ((0.0, 0), (0.0, 0)))
            (usage, minutes), is_season = leak_detection.usual_use(
                prior, last_year, meter.account_id.is_seasonal_usage
            )
            found = leak_detection.detect(intervals, usage * factor, minutes, rules, is_season)
            if found:
                findings[meter] = found
        return findings

    @api.model
    def _read_intervals(self, meter_ids, rules):
        """The meters' intervals of the rules' lookback before their last read, and
        their usage and minutes read over the baseline before the jump window.

        :return: (dict meter id -> [(start, minutes, usage)] by start,
            dict meter id -> ((usage, minutes) of the baseline days before the window,
            (usage, minutes) of the window's dates a year earlier, a margin either side))
        """
        last_end = """
            WITH last AS (
                SELECT meter_id, max(date_start + interval_minutes * interval '1 minute') AS stop
                  FROM utility_meter_interval
                 WHERE meter_id = ANY(%(meters)s)
              GROUP BY meter_id
            )
        """
        self.env["utility.meter.interval"].flush_model()
        cr = self.env.cr
        cr.execute(
            last_end
            + """
            SELECT i.meter_id, i.date_start, i.interval_minutes, i.usage
              FROM utility_meter_interval i JOIN last ON last.meter_id = i.meter_id
             WHERE i.date_start >= last.stop - %(lookback)s
          ORDER BY i.meter_id, i.date_start
            """,
            {"meters": list(meter_ids), "lookback": rules.lookback},
        )
        recent = defaultdict(list)
        for meter_id, start, minutes, usage in cr.fetchall():
            recent[meter_id].append((start, minutes, usage))
        window = timedelta(days=rules.jump_days)
        # The baseline days before the window, and the window's dates a year earlier with
        # a margin either side (the same season), in one pass over the meters' reads.
        cr.execute(
            last_end
            + """
            SELECT i.meter_id,
                   coalesce(sum(i.usage) FILTER (WHERE prior), 0),
                   coalesce(sum(i.interval_minutes) FILTER (WHERE prior), 0),
                   coalesce(sum(i.usage) FILTER (WHERE season), 0),
                   coalesce(sum(i.interval_minutes) FILTER (WHERE season), 0)
              FROM (
                SELECT i.meter_id, i.usage, i.interval_minutes,
                       i.date_start >= last.stop - %(window)s - %(baseline)s
                       AND i.date_start < last.stop - %(window)s AS prior,
                       i.date_start >= last.stop - %(year)s - %(window)s - %(margin)s
                       AND i.date_start < last.stop - %(year)s + %(margin)s AS season
                  FROM utility_meter_interval i JOIN last ON last.meter_id = i.meter_id
                 WHERE (i.date_start >= last.stop - %(window)s - %(baseline)s
                        AND i.date_start < last.stop - %(window)s)
                    OR (i.date_start >= last.stop - %(year)s - %(window)s - %(margin)s
                        AND i.date_start < last.stop - %(year)s + %(margin)s)
              ) i
          GROUP BY i.meter_id
            """,
            {
                "meters": list(meter_ids),
                "window": window,
                "baseline": timedelta(days=rules.baseline_days),
                "year": leak_detection.YEAR,
                "margin": timedelta(days=leak_detection.SEASON_MARGIN_DAYS),
            },
        )
        baseline = {
            meter_id: ((usage, minutes), (season_usage, season_minutes))
            for meter_id, usage, minutes, season_usage, season_minutes in cr.fetchall()
        }
        return recent, baseline

    @api.model
    def _record_findings(self, findings, company, file_of_meter):
        """One alert per new episode; an episode going on moves its alert's end.

        :param findings: dict meter -> list of leak_detection.Finding
        :return: the alerts created or moved on
        """
        if not findings:
            return self.browse()
        meters = self.env["utility.meter"].union(*findings)
        latest = {}
        for alert in self.search([("meter_id", "in", meters.ids)], order="date_end desc, id desc"):
            latest.setdefault((alert.meter_id.id, alert.kind), alert)
        moved = self.browse()
        vals_list = []
        for meter, found in findings.items():
            for finding in found:
                previous = latest.get((meter.id, finding.kind))
                if previous and leak_detection.is_same_episode(finding, previous.date_end):
                    if finding.date_end > previous.date_end:
                        self._as_action_write(previous, self._prepare_figures(finding, previous))
                    moved |= previous
                    continue
                vals_list.append(
                    dict(
                        self._prepare_figures(finding),
                        meter_id=meter.id,
                        account_id=meter.account_id.id,
                        company_id=company.id,
                        kind=finding.kind,
                        date_start=finding.date_start,
                        file_id=file_of_meter.get(meter.id, False),
                    )
                )
        created = self._as_action().with_context(mail_create_nolog=True).create(vals_list)
        return moved | created.with_env(self.env)

    @api.model
    def _prepare_figures(self, finding, previous=None):
        """What the alert shows of ``finding``; an episode going on keeps its start
        and its worst figures."""
        vals = {
            "date_end": finding.date_end,
            "usage_gallons": finding.usage,
            "min_per_hour": finding.min_per_hour,
            "per_day": finding.per_day,
            "baseline_per_day": finding.baseline_per_day,
            "is_season_baseline": finding.is_season,
        }
        if previous:
            vals["hours"] = (finding.date_end - previous.date_start) / timedelta(hours=1)
            vals["usage_gallons"] = max(finding.usage, previous.usage_gallons)
            vals["per_day"] = max(finding.per_day, previous.per_day)
        else:
            vals["hours"] = finding.hours
        return vals

    # ------------------------------------------------------------------
    # Telling the customer
    # ------------------------------------------------------------------
    def _notify(self):
        """E-mail the customers with an address (once: the alert is then
        "Customer Told"); the others get a "call the customer" activity."""
        if not self:
            return
        emailed = self.filtered(lambda alert: alert._get_letter_partner().email)
        to_call = self - emailed
        if emailed:
            emailed._send_letter(ALERT_TEMPLATE)
            self._as_action_write(
                emailed,
                {
                    "state": "notified",
                    "notice_method": "email",
                    "date_notified": fields.Datetime.now(),
                },
            )
        if to_call:
            self._as_action_write(to_call, {"notice_method": "call"})
            self._schedule_calls(to_call)

    @api.model
    def _schedule_calls(self, alerts):
        call = self.env.ref("mail.mail_activity_data_call")
        today = fields.Date.context_today(self)
        self.env["mail.activity"].sudo().create(
            [
                {
                    "res_model_id": self.env["ir.model"]._get_id(self._name),
                    "res_id": alert.id,
                    "activity_type_id": call.id,
                    "summary": self.env._("Call the customer about a possible leak"),
                    "note": alert.summary,
                    "date_deadline": today,
                    "user_id": (alert.company_id.utility_leak_call_user_id or self.env.user).id,
                }
                for alert in alerts
            ]
        )

    def _get_letter_partner(self):
        self.ensure_one()
        return self.account_id.letter_partner_id
