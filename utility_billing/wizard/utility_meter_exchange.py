# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date

from ..lib.consumption import is_plausible_rollover, to_decimal
from ..models.utility_meter import METER_STATES

EXCHANGE_REASONS = [
    ("exchange", "Scheduled Exchange"),
    ("failed", "Failed Meter"),
    ("test", "Bench Test"),
    ("other", "Other"),
]


class UtilityMeterExchange(models.TransientModel):
    """Exchange the meter of a metered service, or install the first one.

    In one transaction: final reading of the old meter, old meter removed,
    new meter installed at the premise and put on the service, initial reading
    of the new meter. Both meters' consumption lands on the service, so the next
    bill counts the old meter up to its final read and the new one from its
    initial read.
    """

    _name = "utility.meter.exchange"
    _description = "Exchange a Meter"
    _check_company_auto = True

    service_id = fields.Many2one(
        "utility.account.service",
        required=True,
        check_company=True,
        domain="[('is_metered', '=', True), ('state', '!=', 'stopped')]",
    )
    company_id = fields.Many2one(related="service_id.company_id")
    location_id = fields.Many2one(related="service_id.location_id", string="Premise")
    old_meter_id = fields.Many2one("utility.meter", compute="_compute_old_meter")
    old_last_value = fields.Float(
        compute="_compute_old_meter", digits=(16, 3), string="Last Reading"
    )
    old_last_date = fields.Date(compute="_compute_old_meter", string="Last Read On")
    is_install = fields.Boolean(
        compute="_compute_old_meter", help="The service has no meter yet: install only."
    )
    date_final = fields.Date(
        string="Final Read Date",
        compute="_compute_date_final",
        store=True,
        precompute=True,
        readonly=False,
    )
    final_value = fields.Float(string="Final Reading", digits=(16, 3))
    new_meter_id = fields.Many2one(
        "utility.meter",
        required=True,
        check_company=True,
        domain="[('state', '=', 'stock')]",
    )
    initial_value = fields.Float(string="Initial Reading", digits=(16, 3))
    date = fields.Date(string="Install Date", required=True, default=fields.Date.context_today)
    reason = fields.Selection(EXCHANGE_REASONS, default="exchange", required=True)
    note = fields.Char()

    @api.depends("service_id")
    def _compute_old_meter(self):
        for wizard in self:
            meter = wizard.service_id.meter_id
            wizard.old_meter_id = meter
            wizard.old_last_value = meter.last_reading_value
            wizard.old_last_date = meter.last_reading_date
            wizard.is_install = not meter

    @api.depends("date")
    def _compute_date_final(self):
        for wizard in self:
            wizard.date_final = wizard.date

    def _get_problems(self):
        """Everything wrong with the exchange, so the clerk fixes it all at once."""
        self.ensure_one()
        problems = []
        service, old, new = self.service_id, self.old_meter_id, self.new_meter_id
        labels = dict(METER_STATES)
        if not service.is_metered:
            problems.append(self.env._("%(s)s is not a metered service.", s=service.display_name))
        if service.state == "stopped":
            problems.append(self.env._("%(s)s is stopped.", s=service.display_name))
        if new and new.state != "stock":
            problems.append(
                self.env._(
                    "The new meter %(meter)s is %(state)s, not in stock.",
                    meter=new.name,
                    state=labels[new.state],
                )
            )
        if new and new == old:
            problems.append(self.env._("The new meter is the meter already on the service."))
        if new.last_reading_date and new.last_reading_date >= self.date:
            problems.append(
                self.env._(
                    "The new meter %(meter)s already has a reading on %(date)s, on or after "
                    "the install date.",
                    meter=new.name,
                    date=format_date(self.env, new.last_reading_date),
                )
            )
        if self.initial_value < 0 or self.final_value < 0:
            problems.append(self.env._("Readings cannot be negative."))
        if old:
            if not self.date_final:
                problems.append(self.env._("Enter the date of the old meter's final read."))
            elif self.date < self.date_final:
                problems.append(
                    self.env._(
                        "The new meter cannot be installed (%(date)s) before the old meter's "
                        "final read (%(final)s).",
                        date=format_date(self.env, self.date),
                        final=format_date(self.env, self.date_final),
                    )
                )
            if self.old_last_date and self.date_final and self.date_final <= self.old_last_date:
                problems.append(
                    self.env._(
                        "The final read date %(date)s must be after the last reading of "
                        "%(meter)s (%(last)s).",
                        date=format_date(self.env, self.date_final),
                        meter=old.name,
                        last=format_date(self.env, self.old_last_date),
                    )
                )
            if (
                self.old_last_date
                and to_decimal(self.final_value) < to_decimal(self.old_last_value)
                and not is_plausible_rollover(
                    self.old_last_value, self.final_value, old.dials, old.multiplier
                )
            ):
                problems.append(
                    self.env._(
                        "The final reading %(final)s is lower than the last reading %(last)s "
                        "of %(meter)s and is not a register rollover.",
                        final=self.final_value,
                        last=self.old_last_value,
                        meter=old.name,
                    )
                )
        return problems

    def action_confirm(self):
        self.ensure_one()
        problems = self._get_problems()
        if problems:
            raise UserError(
                self.env._(
                    "The meter cannot be exchanged:\n%(problems)s",
                    problems="\n".join(f"- {p}" for p in problems),
                )
            )
        service, old, new = self.service_id, self.old_meter_id, self.new_meter_id
        reading_vals = []
        if old:
            reading_vals.append(
                {
                    "meter_id": old.id,
                    "service_id": service.id,
                    "date": self.date_final,
                    "value": self.final_value,
                    "read_type": "final",
                    "source": "exchange",
                    "note": self.note,
                }
            )
            old._remove_from_service(self.date_final, self.final_value, self.reason, service)
        new._install_on_service(
            service, self.date, self.initial_value, reason="exchange" if old else "new"
        )
        service.meter_id = new
        reading_vals.append(
            {
                "meter_id": new.id,
                "service_id": service.id,
                "date": self.date,
                "value": self.initial_value,
                "read_type": "initial",
                "source": "exchange",
                "note": self.note,
            }
        )
        self.env["utility.meter.reading"].create(reading_vals)
        if old:
            body = self.env._(
                "Meter %(old)s (final read %(final)s on %(date_final)s) exchanged for "
                "%(new)s (initial read %(initial)s on %(date)s).",
                old=old.name,
                final=self.final_value,
                date_final=format_date(self.env, self.date_final),
                new=new.name,
                initial=self.initial_value,
                date=format_date(self.env, self.date),
            )
        else:
            body = self.env._(
                "Meter %(new)s installed (initial read %(initial)s on %(date)s).",
                new=new.name,
                initial=self.initial_value,
                date=format_date(self.env, self.date),
            )
        for record in (service, old, new):
            if record:
                record.message_post(body=body)
        return {"type": "ir.actions.act_window_close"}
