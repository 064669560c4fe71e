# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict
from datetime import date

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..lib import rating
from ..lib.units import convert

# What a clerk cannot change on an average once it is set: a new one (an
# override with its reason) replaces it, so the history stays whole.
FROZEN_FIELDS = (
    "service_id",
    "schedule_id",
    "date_window_start",
    "date_window_end",
    "volume",
    "origin",
    "bill_count",
    "reading_ids",
    "move_ids",
    "reason",
)
ORIGINS = [
    ("average", "Average of the window"),
    ("partial", "Average of the bills found"),
    ("default", "Default volume of the schedule"),
    ("override", "Set by a clerk"),
]


class UtilityWinterAverage(models.Model):
    """The winter average of a service billed on it, with how it was set.

    Computed from the account's billed water readings at its premise whose read
    dates fall in the schedule's window (e.g. December to February), once the
    window has closed; or set by a clerk with a reason. The one in force for a
    bill is the latest of the last closed window, an override first. Records
    are never edited: a new one replaces the last, so who set which average
    from which bills stays on record.
    """

    _name = "utility.winter.average"
    _description = "Winter Average"
    _inherit = ["mail.thread"]
    _order = "date_window_end desc, is_override desc, id desc"
    _check_company_auto = True

    service_id = fields.Many2one(
        "utility.account.service",
        required=True,
        ondelete="cascade",
        index=True,
        check_company=True,
    )
    account_id = fields.Many2one(related="service_id.account_id", store=True, index=True)
    location_id = fields.Many2one(related="service_id.location_id", store=True)
    company_id = fields.Many2one(
        related="service_id.company_id", store=True, precompute=True, index=True
    )
    schedule_id = fields.Many2one(
        "utility.rate.schedule", string="Rate Schedule", required=True, check_company=True
    )
    usage_unit = fields.Selection(related="schedule_id.usage_unit")
    date_window_start = fields.Date(string="Window From", required=True)
    date_window_end = fields.Date(
        string="Window To", required=True, help="First day after the window."
    )
    volume = fields.Float(
        string="Average per Month",
        digits=(16, 6),
        required=True,
        tracking=True,
        help="Use per month billed on this average, in the schedule's usage unit.",
    )
    origin = fields.Selection(ORIGINS, string="Set From", required=True, tracking=True)
    is_override = fields.Boolean(compute="_compute_is_override", store=True)
    bill_count = fields.Integer(string="Bills Averaged")
    reading_ids = fields.Many2many("utility.meter.reading", string="Readings Averaged")
    move_ids = fields.Many2many("account.move", string="Bills", check_company=True)
    reason = fields.Text(tracking=True)

    _sql_constraints = [
        ("volume_check", "CHECK(volume >= 0)", "A winter average cannot be negative."),
        (
            "override_reason_check",
            "CHECK(origin != 'override' OR COALESCE(reason, '') != '')",
            "Say why the winter average is overridden.",
        ),
    ]

    @api.depends("origin")
    def _compute_is_override(self):
        for average in self:
            average.is_override = average.origin == "override"

    @api.depends("service_id", "volume", "usage_unit", "date_window_start")
    def _compute_display_name(self):
        for average in self:
            average.display_name = self.env._(
                "%(service)s: %(volume)s %(unit)s a month (winter %(start)s)",
                service=average.service_id.display_name or "",
                volume=f"{average.volume:g}",
                unit=rating.UNIT_LABELS.get(average.usage_unit, ""),
                start=average.date_window_start.strftime("%B %Y")
                if average.date_window_start
                else "",
            )

    @api.model_create_multi
    def create(self, vals_list):
        averages = super().create(vals_list)
        for average in averages:
            average.service_id.message_post(
                body=self.env._(
                    "Winter average %(volume)s %(unit)s a month (%(origin)s)%(reason)s.",
                    volume=f"{average.volume:g}",
                    unit=rating.UNIT_LABELS.get(average.usage_unit, ""),
                    origin=dict(ORIGINS)[average.origin].lower(),
                    reason=f": {average.reason}" if average.reason else "",
                )
            )
        return averages

    def write(self, vals):
        if set(vals) & set(FROZEN_FIELDS) and not self.env.su:
            raise UserError(
                self.env._(
                    "A winter average is never changed: override it with a new one and "
                    "its reason, so the history stays on record."
                )
            )
        return super().write(vals)

    @api.model
    def _create_override(self, services, volume, reason, on_date=None):
        """Set the winter average of ``services`` for the last closed window.

        :raise UserError: a negative volume, no reason, or a service not billed
            on a winter average; nothing is stored
        """
        problems = []
        if volume < 0:
            problems.append(self.env._("A winter average cannot be negative."))
        if not (reason or "").strip():
            problems.append(self.env._("Say why the winter average is overridden."))
        others = services.filtered(lambda s: s.rate_schedule_id.volume_basis != "winter_average")
        if others:
            problems.append(
                self.env._(
                    "Not billed on a winter average: %(services)s.",
                    services=", ".join(others.mapped("display_name")),
                )
            )
        if problems:
            raise UserError("\n".join(problems))
        on_date = on_date or fields.Date.context_today(self)
        vals_list = []
        for service in services:
            start, end = self._get_window(service.rate_schedule_id, on_date)
            vals_list.append(
                {
                    "service_id": service.id,
                    "schedule_id": service.rate_schedule_id.id,
                    "date_window_start": start,
                    "date_window_end": end,
                    "volume": volume,
                    "origin": "override",
                    "reason": reason.strip(),
                }
            )
        return self.create(vals_list)

    # ------------------------------------------------------------------
    # Windows and history
    # ------------------------------------------------------------------
    @api.model
    def _get_window(self, schedule, on_date):
        """The last window of ``schedule`` closed on ``on_date``: (start, end),
        the end excluded. December + 3 months on April 3, 2025 is December 1,
        2024 to March 1, 2025."""
        month = int(schedule.winter_month_start)
        count = schedule.winter_month_count or 1
        start = date(on_date.year, month, 1)
        while start + relativedelta(months=count) > on_date:
            start -= relativedelta(years=1)
        return start, start + relativedelta(months=count)

    @api.model
    def _get_for_services(self, services, on_date):
        """Winter average in force on ``on_date`` of each service billed on one.

        An average of the last closed window is used as stored; a missing one is
        computed from the billed history in one query for all services and
        stored, following the schedule's rule for a window without enough
        bills.

        :return: dict service id -> (volume in the schedule's unit as Decimal,
            or None to bill the current use; problem sentence or None)
        """
        services = services.filtered(lambda s: s.rate_schedule_id.volume_basis == "winter_average")
        if not services:
            return {}
        windows = {s.id: self._get_window(s.rate_schedule_id, on_date) for s in services}
        found = {}
        for average in self.sudo().search(
            [
                ("service_id", "in", services.ids),
                ("date_window_end", "in", list({end for _start, end in windows.values()})),
            ]
        ):
            service_id = average.service_id.id
            if average.date_window_end == windows[service_id][1] and service_id not in found:
                found[service_id] = average
        missing = services.filtered(lambda s: s.id not in found)
        history = self._get_window_history(missing, windows)
        result = {}
        vals_list = []
        for service in missing:
            volume, vals, problem = self._prepare_average(
                service, windows[service.id], history.get(service.id)
            )
            result[service.id] = (volume, problem)
            if vals:
                vals_list.append(vals)
        created = self.sudo().create(vals_list)
        found.update({average.service_id.id: average for average in created})
        for service_id, average in found.items():
            result[service_id] = (rating.to_decimal(average.volume), None)
        return result

    def _prepare_average(self, service, window, history):
        """(volume, vals of the record to store or None, problem or None)."""
        schedule = service.rate_schedule_id
        months = service.account_id.cycle_id.frequency_months or 1
        bills = history["bills"] if history else 0
        vals = {
            "service_id": service.id,
            "schedule_id": schedule.id,
            "date_window_start": window[0],
            "date_window_end": window[1],
            "bill_count": bills,
        }
        if bills and (
            bills >= schedule.winter_bill_count or schedule.winter_missing_rule == "partial"
        ):
            total = convert(history["gallons"], "gallon", schedule.usage_unit)
            volume = rating.winter_average(total, bills, months)
            vals.update(
                volume=float(volume),
                origin="average" if bills >= schedule.winter_bill_count else "partial",
                reading_ids=[fields.Command.set(history["reading_ids"])],
                move_ids=[fields.Command.set(history["move_ids"])],
            )
            return volume, vals, None
        if schedule.winter_missing_rule == "current":
            return None, None, None
        if schedule.winter_missing_rule == "default" and schedule.winter_default_volume:
            volume = rating.to_decimal(schedule.winter_default_volume)
            vals.update(volume=float(volume), origin="default")
            return volume, vals, None
        last_day = window[1] - relativedelta(days=1)
        return (
            None,
            None,
            self.env._(
                "%(service)s: no winter average for %(start)s to %(end)s (%(found)s of "
                "%(needed)s bills found) and the rate schedule has no rule to bill without "
                "one: enter the average on the service (Override Winter Average).",
                service=service.service_type_id.name,
                start=window[0].strftime("%B %Y"),
                end=last_day.strftime("%B %Y"),
                found=bills,
                needed=schedule.winter_bill_count,
            ),
        )

    @api.model
    def _get_window_history(self, services, windows):
        """Billed water readings of each service's account at its premise in the
        service's window: one query.

        :return: dict service id -> {"gallons", "bills", "reading_ids", "move_ids"}
        """
        if not services:
            return {}
        self.env["utility.meter.reading"].flush_model()
        self.env["utility.account.service"].flush_model(["account_id", "location_id"])
        self.env["account.move.line"].flush_model(["utility_reading_id", "move_id"])
        ids = services.ids
        self.env.cr.execute(
            """
            SELECT w.service_id, r.id, r.date, r.consumption, m.unit,
                   (SELECT MIN(aml.move_id) FROM account_move_line aml
                     WHERE aml.utility_reading_id = r.id)
              FROM unnest(%s::int[], %s::date[], %s::date[]) AS w(service_id, date_from, date_to)
              JOIN utility_account_service s ON s.id = w.service_id
              JOIN utility_meter_reading r
                ON r.account_id = s.account_id AND r.location_id = s.location_id
              JOIN utility_meter m ON m.id = r.meter_id
             WHERE r.state = 'billed' AND m.unit != 'kwh' AND r.read_type != 'initial'
               AND r.date >= w.date_from AND r.date < w.date_to
             ORDER BY r.date, r.id
            """,
            [ids, [windows[i][0] for i in ids], [windows[i][1] for i in ids]],
        )
        history = defaultdict(
            lambda: {"gallons": 0, "dates": set(), "reading_ids": [], "move_ids": set()}
        )
        for service_id, reading_id, read_date, used, unit, move_id in self.env.cr.fetchall():
            found = history[service_id]
            found["gallons"] += convert(rating.to_decimal(used or 0.0), unit, "gallon")
            found["dates"].add(read_date)
            found["reading_ids"].append(reading_id)
            if move_id:
                found["move_ids"].add(move_id)
        return {
            service_id: dict(found, bills=len(found["dates"]), move_ids=sorted(found["move_ids"]))
            for service_id, found in history.items()
        }
