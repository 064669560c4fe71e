# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from dataclasses import replace

from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from ..lib import rating, units
from ..lib.units import UNITS
from ..models.utility_rate_line import COMPONENTS, DISCOUNT_PROGRAMS

# Services billed on billing runs; suspended and stopped ones are not.
BILLED_SERVICE_STATES = ("pending", "active")


class UtilityRateCalculator(models.TransientModel):
    """What would this bill be? A clerk enters usage and sees it line by line.

    Everything defaults from an account when one is given (class, inside or
    outside, meter size, carts, ERUs, discount program and its services'
    schedules) and stays editable, so the clerk can also answer "what if" for a
    prospective customer. Charges come from ``lib.rating``, as on a real bill.
    """

    _name = "utility.rate.calculator"
    _description = "Rate Calculator"

    account_id = fields.Many2one(
        "utility.account",
        help="Optional: fills in everything below from the account and its services.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    schedule_ids = fields.Many2many(
        "utility.rate.schedule",
        string="Rate Schedules",
        domain="[('company_id', 'in', (company_id, False)), ('is_fee_schedule', '=', False)]",
    )

    # ------------------------------------------------------------------
    # The customer
    # ------------------------------------------------------------------
    customer_class = fields.Many2one(
        "utility.customer.class",
        default=lambda self: self.env["utility.customer.class"]._default_code("residential"),
        required=True,
    )
    is_inside_city = fields.Boolean(string="Inside City Limits", default=True)
    meter_size = fields.Many2one(
        "utility.meter.size",
        default=lambda self: self.env["utility.meter.size"]._default_code("5/8"),
    )
    cart_count = fields.Integer(string="Carts")
    cart_size = fields.Many2one("utility.cart.size")
    eru_count = fields.Float(string="ERUs", digits=(12, 2))
    dwelling_units = fields.Integer(default=1)
    demand_kw = fields.Float(string="Demand (kW)", digits=(16, 3))
    energy_usage = fields.Float(
        string="Energy (kWh)",
        digits=(16, 3),
        help="Electric schedules price this energy when the usage above is water.",
    )
    discount_program = fields.Selection(DISCOUNT_PROGRAMS)

    # ------------------------------------------------------------------
    # The period and its usage
    # ------------------------------------------------------------------
    date_from = fields.Date(
        string="From (Previous Read)",
        required=True,
        default=lambda self: fields.Date.context_today(self) - relativedelta(months=1),
    )
    date_to = fields.Date(
        string="To (Current Read)",
        required=True,
        default=fields.Date.context_today,
        help="The period runs from the previous read date up to this read date: its "
        "days are the difference of the two dates.",
    )
    days = fields.Integer(compute="_compute_days")
    period_factor = fields.Float(
        digits=(12, 4),
        default=1.0,
        required=True,
        help="Standard periods this bill covers: 1 for an ordinary monthly bill "
        "whatever the month length, 2 for a 60-day bill on monthly rates, the "
        "share of a month for a partial (final) bill.",
    )
    service_days = fields.Integer(
        string="Days of Service",
        help="A service started or stopped inside the period: the days it was "
        "delivered, prorated by the rate version's partial-period rule. 0: the "
        "whole period.",
    )
    usage = fields.Float(
        string="Water Usage",
        digits=(16, 4),
        help="Metered usage of the period; sewer on water uses it as the water usage.",
    )
    usage_unit = fields.Selection(
        UNITS,
        compute="_compute_usage_unit",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
    )
    winter_average = fields.Float(
        digits=(16, 4),
        help="Winter-average water use per month, for sewer schedules billed on it. "
        "0: the water usage above.",
    )

    # ------------------------------------------------------------------
    # The result
    # ------------------------------------------------------------------
    line_ids = fields.One2many("utility.rate.calculator.line", "calculator_id", string="Charges")
    amount_total = fields.Monetary(string="Total", compute="_compute_amount_total")

    # ------------------------------------------------------------------
    # From the account
    # ------------------------------------------------------------------
    # Plain fields filled from the account rather than computes: their defaults
    # serve a "what if" without an account, and a default given at create would
    # stop a compute from ever filling them from the account.
    @api.model
    def _prepare_account_values(self, account):
        """What the calculator takes from ``account`` and its billed services."""
        services = account.service_ids.filtered(lambda s: s.state in BILLED_SERVICE_STATES)
        carts = services.filtered(lambda s: s.billing_basis == "carts")[:1]
        meter = services.filtered("is_metered").meter_id[:1]
        values = {
            "schedule_ids": [Command.set(services.rate_schedule_id.ids)],
            "is_inside_city": account.is_inside_city,
            "cart_count": carts.cart_count,
            "cart_size": carts.cart_size.id,
            "eru_count": sum(
                services.filtered(lambda s: s.billing_basis == "eru").mapped("eru_count")
            ),
            "discount_program": account.discount_program,
            "dwelling_units": max(services.mapped("dwelling_unit_count") or [1]),
            "winter_average": services.winter_average_id[:1].volume,
        }
        if account.customer_class:
            values["customer_class"] = account.customer_class.id
        if meter.size:
            values["meter_size"] = meter.size.id
        return values

    @api.model_create_multi
    def create(self, vals_list):
        accounts = self.env["utility.account"]
        for vals in vals_list:
            if vals.get("account_id"):
                account_values = self._prepare_account_values(accounts.browse(vals["account_id"]))
                for name, value in account_values.items():
                    vals.setdefault(name, value)
        return super().create(vals_list)

    @api.onchange("account_id")
    def _onchange_account_id(self):
        if self.account_id:
            self.update(self._prepare_account_values(self.account_id))

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends("schedule_ids")
    def _compute_usage_unit(self):
        for calc in self:
            metered = calc.schedule_ids.filtered(
                lambda s: s.volume_basis == "meter" and s.service_type_id.is_metered
            )
            calc.usage_unit = metered[:1].usage_unit or calc.usage_unit or "kgal"

    @api.depends("date_from", "date_to")
    def _compute_days(self):
        for calc in self:
            calc.days = (
                (calc.date_to - calc.date_from).days if calc.date_from and calc.date_to else 0
            )

    @api.depends("line_ids.amount")
    def _compute_amount_total(self):
        for calc in self:
            calc.amount_total = sum(calc.line_ids.mapped("amount"))

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_compute(self):
        """Rate every schedule and show the bill line by line; stay open."""
        self.ensure_one()
        vals_list = []
        for schedule, result in self._rate_schedules():
            vals_list.extend(
                self._prepare_line_vals(schedule, charge, len(vals_list) + index)
                for index, charge in enumerate(result.lines)
            )
        self.line_ids.unlink()
        self.env["utility.rate.calculator.line"].create(vals_list)
        return self._action_reopen()

    def _rate_schedules(self, period_factor=None):
        """Rate every schedule through ``lib.rating``.

        :param period_factor: an exact factor (Decimal or Fraction) overriding the
            form's rounded one, for charges prorated to the day
        :return: list of (schedule, ``rating.RatingResult``), schedules in bill order
        :raises UserError: listing every problem
        """
        self.ensure_one()
        problems = []
        if not self.schedule_ids:
            problems.append(self.env._("Pick at least one rate schedule (or an account)."))
        plans = self.schedule_ids._get_rate_plan()
        schedules = self.schedule_ids.sorted(
            lambda s: (s.service_type_id.sequence, s.code or "", s.id)
        )
        results = []
        for schedule in schedules:
            rating_input = self._prepare_rating_input(schedule)
            if period_factor is not None:
                rating_input = replace(rating_input, period_factor=period_factor)
            try:
                results.append((schedule, rating.rate(plans[schedule.id], rating_input)))
            except ValueError as error:
                problems.append(str(error))
        if problems:
            raise UserError("\n\n".join(problems))
        return results

    def _action_reopen(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Rate Calculator"),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {**self.env.context, "dialog_size": "extra-large"},
        }

    def _convert_usage(self, quantity, schedule):
        try:
            return units.convert(rating.to_decimal(quantity), self.usage_unit, schedule.usage_unit)
        except ValueError as error:
            raise UserError(
                self.env._(
                    "The usage is in %(unit)s but %(schedule)s prices %(other)s.",
                    unit=dict(UNITS)[self.usage_unit],
                    schedule=schedule.display_name,
                    other=dict(UNITS)[schedule.usage_unit],
                )
            ) from error

    def _prepare_rating_input(self, schedule):
        """The rating input of ``schedule``: the usage entered is the water usage
        of the period, converted to the schedule's unit."""
        self.ensure_one()
        if schedule.usage_unit == "kwh" and self.usage_unit != "kwh":
            usage = rating.to_decimal(self.energy_usage)
        else:
            usage = self._convert_usage(self.usage, schedule)
        return rating.RatingInput(
            date_from=self.date_from,
            date_to=self.date_to,
            usage=usage,
            period_factor=rating.to_decimal(self.period_factor),
            meter_size=self.meter_size.code or None,
            customer_class=self.customer_class.code or None,
            is_inside_city=self.is_inside_city,
            cart_count=self.cart_count,
            cart_size=self.cart_size.code or None,
            eru_count=rating.to_decimal(self.eru_count),
            water_usage=usage,
            winter_average=(
                self._convert_usage(self.winter_average, schedule)
                if self.winter_average > 0
                else None
            ),
            discount_program=self.discount_program or None,
            dwelling_units=self.dwelling_units,
            demand_kw=rating.to_decimal(self.demand_kw) if self.demand_kw else None,
            service_days=self.service_days or None,
            period_days=self.days if self.service_days else None,
        )

    def _prepare_line_vals(self, schedule, charge, sequence):
        return {
            "calculator_id": self.id,
            "sequence": sequence,
            "schedule_id": schedule.id,
            "name": charge.name,
            "component": charge.component,
            "quantity": float(charge.quantity),
            "price_unit": float(charge.price_unit),
            "amount": float(charge.amount),
        }


class UtilityRateCalculatorLine(models.TransientModel):
    _name = "utility.rate.calculator.line"
    _description = "Rate Calculator: Charge Line"
    _order = "calculator_id, sequence, id"

    calculator_id = fields.Many2one(
        "utility.rate.calculator", required=True, ondelete="cascade", index=True
    )
    sequence = fields.Integer()
    schedule_id = fields.Many2one("utility.rate.schedule", string="Rate Schedule")
    service_type_id = fields.Many2one(related="schedule_id.service_type_id", string="Service")
    name = fields.Char(string="Charge")
    component = fields.Selection(COMPONENTS)
    quantity = fields.Float(digits=(16, 6))
    price_unit = fields.Float(string="Unit Price", digits=(16, 6))
    currency_id = fields.Many2one(related="calculator_id.currency_id")
    amount = fields.Monetary()
