# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_amount


class UtilityAccountFinalBill(models.TransientModel):
    """Move-out: the final reading, a last bill prorated to the day, services stopped.

    The bill covers each service from the end of its last billed period to the
    final read date (excluded, like any read date). Charges per period (base,
    minimum, carts, ERUs) are prorated by days: ``days / days of the cycle
    period starting at the end of the last bill`` (17 days from February 3 on a
    monthly cycle: 17/28). The account becomes final-billed, its services stop
    on the final read date, and the service periods are written like the run
    writes them: the period cannot be billed a second time.
    """

    _name = "utility.account.final.bill"
    _inherit = ["utility.bill.special"]
    _description = "Final Bill"

    date_final = fields.Date(
        string="Final Read Date",
        compute="_compute_date_final",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
        help="Day of the final reading: the last day billed is the day before, the "
        "services stop on this day.",
    )
    line_ids = fields.One2many(
        "utility.account.final.bill.line",
        "wizard_id",
        string="Final Readings",
        compute="_compute_line_ids",
        store=True,
        readonly=False,
        precompute=True,
    )
    date_billed_to = fields.Date(
        string="Billed Up To",
        compute="_compute_period",
        help="End of the account's last bill: the final bill starts here.",
    )
    days = fields.Integer(string="Days Billed", compute="_compute_period")
    note = fields.Text(help="Printed on the final bill (e.g. forwarding address, deposit).")

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends("account_id")
    def _compute_date_final(self):
        """An unbilled final reading already entered (by a reader, a work order)
        gives the date; else today."""
        today = fields.Date.context_today(self)
        finals = self.env["utility.meter.reading"].search_fetch(
            [
                ("account_id", "in", self.account_id.ids),
                ("read_type", "=", "final"),
                ("state", "in", ("valid", "exception")),
            ],
            ["account_id", "date"],
            order="date desc",
        )
        latest = {}
        for reading in finals:
            latest.setdefault(reading.account_id.id, reading.date)
        for wizard in self:
            wizard.date_final = latest.get(wizard.account_id.id) or today

    @api.depends("account_id", "date_final")
    def _compute_line_ids(self):
        """One line per metered service still running: the reading of its meter on
        the final date when there is one, else a value to enter."""
        services_by_wizard = {
            wizard: wizard.account_id.service_ids.filtered(
                lambda s: s.is_metered and s.meter_id and s.state != "stopped"
            )
            for wizard in self
        }
        found = self._get_meter_readings(
            {
                (service.meter_id.id, wizard.date_final)
                for wizard, services in services_by_wizard.items()
                if wizard.date_final
                for service in services
            }
        )
        Reading = self.env["utility.meter.reading"]
        for wizard, services in services_by_wizard.items():
            commands = [Command.clear()]
            for service in services if wizard.date_final else ():
                on_day, before = found.get(
                    (service.meter_id.id, wizard.date_final), (Reading, Reading)
                )
                commands.append(
                    Command.create(
                        {
                            "service_id": service.id,
                            "meter_id": service.meter_id.id,
                            "reading_id": on_day.id,
                            "previous_date": before.date,
                            "previous_value": before.value,
                        }
                    )
                )
            wizard.line_ids = commands

    @api.model
    def _get_meter_readings(self, keys):
        """For each (meter_id, date): the meter's live reading of that day and its
        last live reading before, in one query whatever the number of keys.

        :return: dict key -> (reading or empty, reading or empty)
        """
        Reading = self.env["utility.meter.reading"]
        keys = list(keys)
        if not keys:
            return {}
        Reading.flush_model(["meter_id", "date", "state"])
        self.env.cr.execute(
            """
            SELECT k.meter_id, k.day, on_day.id, before.id
              FROM unnest(%s::int[], %s::date[]) AS k(meter_id, day)
              LEFT JOIN utility_meter_reading on_day
                ON on_day.meter_id = k.meter_id AND on_day.date = k.day
               AND on_day.state != 'cancelled'
              LEFT JOIN LATERAL (
                    SELECT r.id FROM utility_meter_reading r
                     WHERE r.meter_id = k.meter_id AND r.date < k.day AND r.state != 'cancelled'
                     ORDER BY r.date DESC, r.id DESC
                     LIMIT 1
                   ) before ON TRUE
            """,
            [[key[0] for key in keys], [key[1] for key in keys]],
        )
        rows = self.env.cr.fetchall()
        readings = Reading.browse({rid for row in rows for rid in row[2:] if rid})
        readings.fetch(["date", "value"])
        return {
            (meter_id, day): (Reading.browse(on_day), Reading.browse(before))
            for meter_id, day, on_day, before in rows
        }

    @api.depends("account_id", "date_final")
    def _compute_period(self):
        services = self.account_id.service_ids.filtered(lambda s: s.state == "active")
        last_billed = self.env["utility.bill.builder"]._get_last_billed_dates(services)
        for wizard in self:
            start = min(
                (
                    last_billed.get(service.id) or service.date_start
                    for service in services
                    if service.account_id == wizard.account_id
                ),
                default=None,
            )
            wizard.date_billed_to = start
            wizard.days = (wizard.date_final - start).days if start and wizard.date_final else 0

    # ------------------------------------------------------------------
    # Action
    # ------------------------------------------------------------------
    def action_confirm(self):
        """Record the final readings, post the final bill, stop the services."""
        self.ensure_one()
        self._check_billing_role()
        account = self.account_id
        services = account.service_ids.filtered(lambda s: s.state == "active")
        self._check_final(services)
        readings = self._get_final_readings()
        held = readings.filtered(lambda r: r.state == "exception")
        if held:
            raise UserError(
                self.env._(
                    "The final reading is held for review, nothing was billed:\n%(readings)s\n"
                    "Enter the final reading in Meters > Readings, release it from the review "
                    "queue, then make the final bill again: it takes that reading.",
                    readings="\n".join(
                        f"- {r.display_name}: {r.exception_summary or r.state}" for r in held
                    ),
                )
            )
        date_from = self._get_unbilled_start(services)
        # The services end on the final read date before rating: the builder
        # prorates each one to its own last day.
        account.service_ids.filtered(
            lambda s: s.state != "stopped" and (not s.date_end or s.date_end > self.date_final)
        ).write({"date_end": self.date_final})
        builder = self.env["utility.bill.builder"]
        bills = builder._build_special_bills(
            account, date_from, self.date_final, services=services, prorate_to_day=True
        )
        extra = {"narration": Markup("<p>%s</p>") % self.note} if self.note else {}
        moves = self._post_bills(bills, "final", **extra)
        account.service_ids.filtered(lambda s: s.state != "stopped").write({"state": "stopped"})
        account.write({"state": "final_billed", "date_end": self.date_final})
        bill = moves.sudo()
        account.message_post(
            body=self.env._(
                "Final bill %(bill)s: %(date_from)s to %(date_to)s, %(amount)s. "
                "Services stopped on %(date_to)s.",
                bill=bill.name,
                date_from=date_from,
                date_to=self.date_final,
                amount=format_amount(self.env, bill.amount_total, bill.currency_id),
            )
        )
        return self._action_open_bill(moves)

    def _check_final(self, services):
        """Raise one error listing every reason the account cannot be final-billed."""
        account = self.account_id
        problems = []
        if account.state == "final_billed":
            finals = account.sudo().move_ids.filtered(
                lambda m: m.utility_bill_kind == "final" and m.state == "posted"
            )
            problems.append(
                self.env._(
                    "%(account)s is already final-billed (%(bills)s): cancel and rebill that "
                    "bill to correct it.",
                    account=account.display_name,
                    bills=", ".join(finals.mapped("name")) or "-",
                )
            )
        elif account.state != "active":
            problems.append(
                self.env._(
                    "Only an active account gets a final bill; %(account)s is %(state)s.",
                    account=account.display_name,
                    state=dict(account._fields["state"]._description_selection(self.env))[
                        account.state
                    ],
                )
            )
        elif not services:
            problems.append(self.env._("The account has no active service to bill."))
        if account.date_start and self.date_final < account.date_start:
            problems.append(
                self.env._(
                    "%(account)s starts on %(date)s: the final read date cannot be earlier.",
                    account=account.display_name,
                    date=account.date_start,
                )
            )
        last_billed = self.env["utility.bill.builder"]._get_last_billed_dates(services)
        for service in services:
            last = last_billed.get(service.id)
            if last and self.date_final <= last:
                problems.append(
                    self.env._(
                        "%(service)s is billed up to %(date)s: the final read date must be later.",
                        service=service.display_name,
                        date=last,
                    )
                )
            elif self.date_final <= service.date_start:
                problems.append(
                    self.env._(
                        "%(service)s starts on %(date)s: the final read date must be later.",
                        service=service.display_name,
                        date=service.date_start,
                    )
                )
        for line in self.line_ids.filtered(lambda line: line.service_id in services):
            if not line.reading_id and not line.value and line.previous_value:
                problems.append(
                    self.env._(
                        "Meter %(meter)s: enter the final reading (the last one was %(value)s "
                        "on %(date)s).",
                        meter=line.meter_id.name,
                        value=line.previous_value,
                        date=line.previous_date,
                    )
                )
            if line.value < 0:
                problems.append(
                    self.env._(
                        "Meter %(meter)s: a register reading cannot be negative.",
                        meter=line.meter_id.name,
                    )
                )
        later = self.env["utility.meter.reading"].search(
            [
                ("service_id", "in", services.ids),
                ("date", ">", self.date_final),
                ("state", "!=", "cancelled"),
            ]
        )
        problems += [
            self.env._(
                "Meter %(meter)s has a reading after the final read date (%(date)s): cancel it "
                "or make the final bill on that date.",
                meter=reading.meter_id.name,
                date=reading.date,
            )
            for reading in later
        ]
        if problems:
            raise UserError(
                self.env._(
                    "No final bill was made:\n%(problems)s",
                    problems="\n".join(f"- {problem}" for problem in problems),
                )
            )

    def _get_final_readings(self):
        """The final reading of each metered service: found on the date, or created."""
        Reading = self.env["utility.meter.reading"]
        lines = self.line_ids.filtered(lambda line: line.service_id.state == "active")
        new = Reading.create(
            [
                {
                    "meter_id": line.meter_id.id,
                    "service_id": line.service_id.id,
                    "date": self.date_final,
                    "value": line.value,
                    "read_type": "final",
                    "note": self.env._("Final reading (move-out)."),
                }
                for line in lines
                if not line.reading_id
            ]
        )
        return lines.reading_id | new


class UtilityAccountFinalBillLine(models.TransientModel):
    _name = "utility.account.final.bill.line"
    _description = "Final Reading of a Final Bill"

    wizard_id = fields.Many2one(
        "utility.account.final.bill", required=True, ondelete="cascade", index=True
    )
    service_id = fields.Many2one("utility.account.service", required=True, readonly=True)
    meter_id = fields.Many2one("utility.meter", required=True, readonly=True)
    unit = fields.Selection(related="meter_id.unit")
    previous_date = fields.Date(string="Last Read Date", readonly=True)
    previous_value = fields.Float(string="Last Reading", digits=(16, 3), readonly=True)
    reading_id = fields.Many2one(
        "utility.meter.reading",
        string="Reading on the Date",
        readonly=True,
        help="The meter's reading on the final read date, used as the final reading.",
    )
    value = fields.Float(
        string="Final Reading",
        digits=(16, 3),
        help="Register value read at move-out; a final reading is recorded with it.",
    )
