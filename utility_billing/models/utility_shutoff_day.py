# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import format_date

DAY_KINDS = [
    ("holiday", "Holiday"),
    ("too_hot", "Too Hot"),
    ("too_cold", "Too Cold"),
    ("forecast", "Weather Forecast"),
    ("moratorium", "Moratorium"),
]
# How many days ahead :meth:`_get_next_shutoff_day` looks for an open day.
SEARCH_DAYS = 90


class UtilityShutoffDay(models.Model):
    """A day (or days) of the city's shut-off calendar.

    Holidays (the company's public holidays count too), days a clerk marks too
    hot or too cold, forecasts entered against the temperatures of the settings,
    and moratoriums (e.g. a winter moratorium) stop shut-offs; the company's
    settings add Fridays, weekends and the day before a holiday. A delinquency
    run refuses a shut-off date the calendar forbids (:meth:`_get_date_problem`).
    """

    _name = "utility.shutoff.day"
    _description = "Utility Shut-off Calendar Day"
    _inherit = ["mail.thread"]
    _order = "date_start desc, id desc"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True, help="e.g. Independence Day, heat advisory")
    kind = fields.Selection(DAY_KINDS, required=True, default="holiday", tracking=True)
    date_start = fields.Date(string="From", required=True, tracking=True, index=True)
    date_end = fields.Date(
        string="To",
        compute="_compute_date_end",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
        tracking=True,
        index=True,
    )
    temperature_high = fields.Float(
        string="Forecast High (°F)", tracking=True, help="For a weather forecast day."
    )
    temperature_low = fields.Float(
        string="Forecast Low (°F)", tracking=True, help="For a weather forecast day."
    )
    is_blocking = fields.Boolean(
        string="Stops Shut-offs",
        compute="_compute_is_blocking",
        store=True,
        help="A forecast stops shut-offs only when it reaches the temperatures of the "
        "settings; every other kind of day always does.",
    )
    note = fields.Text()
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )

    _sql_constraints = [
        (
            "dates_check",
            "CHECK(date_end >= date_start)",
            "A calendar entry ends on or after it starts.",
        ),
    ]

    @api.depends("date_start")
    def _compute_date_end(self):
        for day in self:
            if day.date_start and (not day.date_end or day.date_end < day.date_start):
                day.date_end = day.date_start

    @api.depends(
        "kind",
        "temperature_high",
        "temperature_low",
        "company_id.utility_shutoff_temp_high",
        "company_id.utility_shutoff_temp_low",
    )
    def _compute_is_blocking(self):
        for day in self:
            if day.kind != "forecast":
                day.is_blocking = True
                continue
            company = day.company_id
            day.is_blocking = bool(
                (day.temperature_high and day.temperature_high >= company.utility_shutoff_temp_high)
                or (day.temperature_low and day.temperature_low <= company.utility_shutoff_temp_low)
            )

    @api.model_create_multi
    def create(self, vals_list):
        days = super().create(vals_list)
        days._reschedule_disconnects()
        return days

    def write(self, vals):
        result = super().write(vals)
        self._reschedule_disconnects()
        return result

    def _reschedule_disconnects(self):
        """Disconnect orders already out for a day the calendar now forbids (a
        heat advisory marked the day before, a holiday and its eve) move to the
        next day it allows, with a note on each order (one search)."""
        days = self.filtered("is_blocking")
        if not days:
            return self.env["utility.work.order"]
        orders = (
            self.env["utility.work.order"]
            .sudo()
            .search(
                [
                    ("kind", "=", "disconnect"),
                    ("state", "in", ("open", "hold")),
                    ("company_id", "in", days.company_id.ids),
                    ("date_scheduled", ">=", min(days.mapped("date_start")) - timedelta(days=1)),
                    ("date_scheduled", "<=", max(days.mapped("date_end"))),
                ]
            )
        )
        moved = self.env["utility.work.order"].sudo()
        for (company, day), group in orders.grouped(
            lambda o: (o.company_id, o.date_scheduled)
        ).items():
            problem = self._get_date_problem(company, day)
            following = problem and self._get_next_shutoff_day(company, day)
            if not following:
                continue
            group.with_context(utility_work_order_action=True).write({"date_scheduled": following})
            for order in group:
                order.message_post(
                    body=self.env._(
                        "Moved to %(date)s: %(problem)s",
                        date=format_date(self.env, following),
                        problem=problem,
                    )
                )
            moved |= group
        return moved

    # ------------------------------------------------------------------
    # The rule
    # ------------------------------------------------------------------
    @api.model
    def _get_holidays(self, company, date_from, date_to):
        """Holidays between the two dates: the calendar's and the company's public
        holidays (its working schedule's closed days, which also price reconnects
        and count the notices' lead time)."""
        days = self.search(
            [
                ("company_id", "=", company.id),
                ("kind", "=", "holiday"),
                ("date_start", "<=", date_to),
                ("date_end", ">=", date_from),
            ]
        )
        holidays = set()
        for day in days:
            current = day.date_start
            while current <= day.date_end:
                holidays.add(current)
                current += timedelta(days=1)
        return holidays | company._get_utility_holidays(date_from, date_to)

    @api.model
    def _get_date_problem(self, company, day):
        """Why no shut-off may be done on ``day``, in office words, or False."""
        when = format_date(self.env, day)
        weekday = day.weekday()
        if company.utility_shutoff_no_weekend and weekday >= 5:
            return self.env._("%(date)s is a weekend day: no shut-offs.", date=when)
        if company.utility_shutoff_no_friday and weekday == 4:
            return self.env._("%(date)s is a Friday: no shut-offs on Fridays.", date=when)
        holidays = self._get_holidays(company, day, day + timedelta(days=1))
        if day in holidays:
            return self.env._("%(date)s is a holiday: no shut-offs.", date=when)
        if company.utility_shutoff_no_holiday_eve and day + timedelta(days=1) in holidays:
            return self.env._("%(date)s is the day before a holiday: no shut-offs.", date=when)
        closed = self.search(
            [
                ("company_id", "=", company.id),
                ("kind", "!=", "holiday"),
                ("is_blocking", "=", True),
                ("date_start", "<=", day),
                ("date_end", ">=", day),
            ],
            limit=1,
        )
        if closed:
            return self.env._(
                "%(date)s is on the shut-off calendar (%(kind)s: %(name)s): no shut-offs.",
                date=when,
                kind=dict(DAY_KINDS)[closed.kind].lower(),
                name=closed.name,
            )
        return False

    @api.model
    def _get_next_shutoff_day(self, company, day):
        """The first day on or after ``day`` the calendar allows, or False."""
        for offset in range(SEARCH_DAYS):
            candidate = day + timedelta(days=offset)
            if not self._get_date_problem(company, candidate):
                return candidate
        return False
