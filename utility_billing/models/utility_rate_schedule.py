# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import calendar
from collections import defaultdict

from odoo import api, fields, models

from ..lib import rating
from ..lib.units import UNITS

VOLUME_BASES = [
    ("meter", "Own metered consumption"),
    ("water", "Water consumption of the account"),
    ("winter_average", "Winter-average water use"),
]
# Months of the period the city states its prices for (lib.rating period_months).
WINTER_MONTHS = [(str(number), calendar.month_name[number]) for number in range(1, 13)]
WINTER_MISSING_RULES = [
    ("default", "The default volume"),
    ("current", "The current use"),
    ("partial", "The average of the bills found"),
]
PRICE_PERIODS = [("1", "Month"), ("2", "Two Months"), ("3", "Quarter")]


class UtilityRateSchedule(models.Model):
    """A rate schedule: how one service is priced, as dated versions.

    The schedule holds what does not change with a rate ordinance (service,
    usage unit, volume basis); every price lives on a version so a rate change
    is a new version, and a period straddling it is prorated by days (see
    ``lib/rating.py``, the only place a charge is computed).
    """

    _name = "utility.rate.schedule"
    _description = "Utility Rate Schedule"
    _inherit = ["mail.thread"]
    _order = "service_type_id, code, id"
    _check_company_auto = True

    # ------------------------------------------------------------------
    # Identity
    # ------------------------------------------------------------------
    name = fields.Char(required=True, tracking=True)
    code = fields.Char(required=True, tracking=True, help="Short code printed on bills and files.")
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    service_type_id = fields.Many2one(
        "utility.service.type",
        required=True,
        tracking=True,
        check_company=True,
        index=True,
    )
    is_fee_schedule = fields.Boolean(
        string="Fees Only",
        tracking=True,
        help="Holds only the fees other workflows charge (late fee, NSF, reconnect, "
        "door hanger, deposit); never the schedule of a service on an account.",
    )
    note = fields.Html()

    # ------------------------------------------------------------------
    # Volume
    # ------------------------------------------------------------------
    usage_unit = fields.Selection(
        UNITS,
        required=True,
        default="kgal",
        tracking=True,
        help="Unit of the block thresholds, allowances and prices per unit.",
    )
    volume_basis = fields.Selection(
        VOLUME_BASES,
        required=True,
        default="meter",
        tracking=True,
        help="Volume the usage lines price: the service's own meter, the account's "
        "water consumption (sewer on water), or its winter-average water use "
        "(never more than the water actually used).",
    )
    volume_percent = fields.Float(
        string="Volume %",
        digits=(5, 2),
        default=100.0,
        tracking=True,
        help="Part of the basis volume billed, e.g. 90 % of water billed as sewer.",
    )
    volume_cap = fields.Float(
        digits=(16, 6),
        tracking=True,
        help="Most volume billed per standard period (in the usage unit), multiplied "
        "by the period factor of a longer or shorter bill. 0: no cap.",
    )
    winter_month_start = fields.Selection(
        WINTER_MONTHS,
        string="Winter Window From",
        default="12",
        tracking=True,
        help="Winter average: first month of the window; the bills read in it and the "
        "months after are averaged once the window has closed.",
    )
    winter_month_count = fields.Integer(
        string="Window Months",
        default=3,
        tracking=True,
        help="Months of the window: December and 3 months is December to February.",
    )
    winter_bill_count = fields.Integer(
        string="Bills Needed",
        default=3,
        tracking=True,
        help="Bills in the window that make a full winter average.",
    )
    winter_missing_rule = fields.Selection(
        WINTER_MISSING_RULES,
        string="Without a Full Window",
        default="default",
        tracking=True,
        help="What an account with fewer bills in the window (a new customer) is "
        "billed on. Without any bill and without a default volume, the account is "
        "held in the billing run's exceptions until a clerk enters an average.",
    )
    winter_default_volume = fields.Float(
        string="Default Volume per Month",
        digits=(16, 6),
        tracking=True,
        help="Volume per month billed to accounts without a full window, in the usage "
        "unit (e.g. the class's average).",
    )
    winter_lesser_of_current = fields.Boolean(
        string="Lesser of Average and Current Use",
        tracking=True,
        help="Bill the lesser of the winter average and the water used in the period. "
        "Off: the winter average, whatever the current use.",
    )
    price_period = fields.Selection(
        PRICE_PERIODS,
        string="Prices Stated Per",
        required=True,
        default="1",
        tracking=True,
        help="The period the city publishes these prices for: base charges, minimums, "
        "carts, ERUs, caps, allowances and block thresholds are per month, per two "
        "months or per quarter. A quarterly base charge of $85.55 bills $85.55 on a "
        "quarterly bill and a third of it on a monthly one.",
    )
    scale_blocks_with_period = fields.Boolean(
        default=True,
        tracking=True,
        help="Block thresholds and allowances are per standard period and grow with "
        "the length of the bill: a 60-day bill on a monthly schedule gets twice "
        "the monthly blocks.",
    )

    # ------------------------------------------------------------------
    # Versions
    # ------------------------------------------------------------------
    version_ids = fields.One2many("utility.rate.version", "schedule_id", string="Versions")
    version_count = fields.Integer(compute="_compute_version_count")
    current_version_id = fields.Many2one(
        "utility.rate.version",
        compute="_compute_current_version_id",
        string="Version in Force",
        help="Version in force today.",
    )

    rate_problems = fields.Text(
        compute="_compute_rate_problems",
        help="What would stop this schedule from rating a bill.",
    )

    _sql_constraints = [
        (
            "code_company_uniq",
            "unique(code, company_id)",
            "A rate schedule code must be unique per company.",
        ),
        (
            "volume_percent_check",
            "CHECK(volume_percent >= 0 AND volume_percent <= 100)",
            "The volume percent must be between 0 and 100.",
        ),
        (
            "volume_cap_check",
            "CHECK(volume_cap IS NULL OR volume_cap >= 0)",
            "The volume cap cannot be negative.",
        ),
    ]

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    def _compute_version_count(self):
        counts = dict(
            self.env["utility.rate.version"]._read_group(
                [("schedule_id", "in", self.ids)], ["schedule_id"], ["__count"]
            )
        )
        for schedule in self:
            schedule.version_count = counts.get(schedule, 0)

    @api.depends("version_ids.date_start", "version_ids.is_proposed")
    def _compute_current_version_id(self):
        today = fields.Date.context_today(self)
        for schedule in self:
            in_force = schedule.version_ids.filtered(
                lambda v: v.date_start <= today and not v.is_proposed
            )
            schedule.current_version_id = in_force.sorted("date_start")[-1:]

    def _compute_rate_problems(self):
        plans = self.filtered("id")._get_rate_plan()
        for schedule in self:
            plan = plans.get(schedule.id)
            schedule.rate_problems = "\n".join(plan.problems) if plan else False

    @api.depends("code", "name")
    def _compute_display_name(self):
        for schedule in self:
            schedule.display_name = (
                f"[{schedule.code}] {schedule.name}" if schedule.code else schedule.name
            )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_view_versions(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "utility_billing.utility_rate_version_action"
        )
        action["domain"] = [("schedule_id", "=", self.id)]
        action["context"] = {"default_schedule_id": self.id}
        return action

    # ------------------------------------------------------------------
    # Rating bridge
    # ------------------------------------------------------------------
    def _get_rate_plan(self):
        """Build the pure-Python rate plans of these schedules, in bulk.

        Reads schedules, versions, lines (with their taxes) and blocks with one
        query each whatever the number of schedules, so a billing run calls it
        once per batch and then ``lib.rating.rate()`` per account without
        touching the ORM again.

        Proposed versions (``is_proposed``, drafts for the rate what-if) are
        left out, so no bill is ever priced by one; only the rate what-if
        asks for them, with the context key ``utility_rate_with_proposed``.

        :return: dict {schedule id: lib.rating.RatePlan}
        """
        if not self:
            return {}
        dec = rating.to_decimal
        schedules = self.with_context(active_test=False)
        schedules.fetch(
            [
                "name",
                "code",
                "usage_unit",
                "volume_basis",
                "volume_percent",
                "volume_cap",
                "scale_blocks_with_period",
                "price_period",
                "winter_lesser_of_current",
            ]
        )
        version_domain = [("schedule_id", "in", schedules.ids)]
        if not self.env.context.get("utility_rate_with_proposed"):
            version_domain.append(("is_proposed", "=", False))
        versions = self.env["utility.rate.version"].search_fetch(
            version_domain,
            [
                "schedule_id",
                "date_start",
                "outside_multiplier",
                "proration",
                "proration_divisor",
                "proration_threshold",
                "prorate_allowance",
            ],
            order="date_start, id",
        )
        lines = self.env["utility.rate.line"].search_fetch(
            [("version_id", "in", versions.ids)],
            [
                "version_id",
                "sequence",
                "name",
                "component",
                "amount",
                "price_unit",
                "percent",
                "allowance",
                "customer_class",
                "meter_size",
                "cart_size",
                "discount_program",
                "fee_code",
                "rounding",
                "apply_outside_multiplier",
                "tax_ids",
                "has_additional_price",
                "additional_price_unit",
                "replaces_normal",
                "gallons_per_cubic_foot",
            ],
            order="sequence, id",
        )
        blocks = self.env["utility.rate.block"].search_fetch(
            [("line_id", "in", lines.ids)],
            ["line_id", "quantity_from", "price_unit"],
            order="quantity_from, id",
        )
        blocks_by_line = defaultdict(list)
        for block in blocks:
            blocks_by_line[block.line_id.id].append(
                rating.Block(dec(block.quantity_from), dec(block.price_unit))
            )
        lines_by_version = defaultdict(list)
        for line in lines:
            lines_by_version[line.version_id.id].append(
                rating.RateLine(
                    component=line.component,
                    name=line.name,
                    id=line.id,
                    sequence=line.sequence,
                    amount=dec(line.amount),
                    price_unit=dec(line.price_unit),
                    percent=dec(line.percent),
                    allowance=dec(line.allowance),
                    blocks=tuple(blocks_by_line[line.id]),
                    customer_class=line.customer_class.code or None,
                    meter_size=line.meter_size.code or None,
                    cart_size=line.cart_size.code or None,
                    discount_program=line.discount_program or None,
                    fee_code=line.fee_code or None,
                    rounding=line.rounding,
                    apply_outside_multiplier=line.apply_outside_multiplier,
                    tax_ids=tuple(line.tax_ids.ids),
                    additional_price_unit=dec(line.additional_price_unit)
                    if line.has_additional_price
                    else None,
                    replaces_normal=line.replaces_normal,
                    gallons_per_cubic_foot=dec(line.gallons_per_cubic_foot or 7.48),
                )
            )
        versions_by_schedule = defaultdict(list)
        for version in versions:
            versions_by_schedule[version.schedule_id.id].append(
                rating.RateVersion(
                    date_start=version.date_start,
                    lines=tuple(lines_by_version[version.id]),
                    id=version.id,
                    outside_multiplier=dec(version.outside_multiplier),
                    proration=version.proration,
                    proration_divisor=version.proration_divisor,
                    proration_threshold=version.proration_threshold,
                    prorate_allowance=version.prorate_allowance,
                )
            )
        return {
            schedule.id: rating.RatePlan(
                name=schedule.name,
                versions=tuple(versions_by_schedule[schedule.id]),
                id=schedule.id,
                code=schedule.code,
                usage_unit=schedule.usage_unit,
                volume_basis=schedule.volume_basis,
                volume_percent=dec(schedule.volume_percent),
                volume_cap=dec(schedule.volume_cap),
                scale_blocks_with_period=schedule.scale_blocks_with_period,
                period_months=int(schedule.price_period),
                winter_lesser_of_current=schedule.winter_lesser_of_current,
            )
            for schedule in schedules
        }

    def _rate(self, rating_input):
        """Rate one period under this schedule (convenience for one-offs).

        :param rating_input: lib.rating.RatingInput
        :return: lib.rating.RatingResult
        :raises ValueError: bad configuration or input (see lib.rating.rate)
        """
        self.ensure_one()
        return rating.rate(self._get_rate_plan()[self.id], rating_input)

    def _fee_amount(self, fee_code, on_date, base_amount=None, customer_class=None):
        """Fee ``fee_code`` of this schedule on ``on_date`` (None if undefined)."""
        self.ensure_one()
        return rating.fee_amount(
            self._get_rate_plan()[self.id], fee_code, on_date, base_amount, customer_class
        )
