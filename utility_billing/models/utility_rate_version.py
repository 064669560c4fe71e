# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models

PRORATIONS = [
    ("days", "Days of service / days of the period"),
    ("days_30", "Days of service / 30"),
    ("divisor", "Days / divisor under a number of days, else in full"),
    ("none", "Not prorated (full charge)"),
]


class UtilityRateVersion(models.Model):
    """The prices of a schedule from ``date_start`` until the next version.

    A version has no end of its own: it ends the day before the next version
    of its schedule starts, so versions can neither overlap nor leave a gap.
    """

    _name = "utility.rate.version"
    _description = "Utility Rate Schedule Version"
    _order = "schedule_id, date_start desc, id desc"
    _check_company_auto = True

    schedule_id = fields.Many2one(
        "utility.rate.schedule",
        string="Rate Schedule",
        required=True,
        ondelete="cascade",
        index=True,
        check_company=True,
    )
    name = fields.Char(
        string="Reference",
        help="Ordinance or resolution that set these rates (printed nowhere on bills).",
    )
    date_start = fields.Date(string="Effective From", required=True, index=True)
    is_proposed = fields.Boolean(
        string="Proposed (What-If Only)",
        index=True,
        copy=False,
        help="A draft of a rate change for a council hearing: the rate what-if prices "
        "last year's bills with it, and no bill ever does (billing runs, special bills, "
        "the rate calculator and adjustments read only the versions not proposed). "
        "Once the council adopts the rates, click Adopt and give the day they take effect.",
    )
    date_end = fields.Date(
        string="Effective To",
        compute="_compute_date_end",
        store=True,
        help="Day before the next version of the schedule starts; empty while this "
        "is the latest version.",
    )
    outside_multiplier = fields.Float(
        string="Outside-City Multiplier",
        digits=(6, 4),
        default=1.0,
        required=True,
        help="Premises outside city limits pay the prices of this version times this "
        "factor (e.g. 1.5) on the lines that apply it.",
    )
    proration = fields.Selection(
        PRORATIONS,
        string="Partial Periods",
        required=True,
        default="days",
        help="How the charges per period (base, minimum, carts, ERUs) of a service "
        "started or stopped inside a period are prorated: by days of service over "
        "the days of the period, over 30, over a divisor when service is under a "
        "number of days, or not at all (a full minimum).",
    )
    proration_divisor = fields.Integer(
        string="Divisor (Days)",
        default=30,
        help="Under the threshold, each day of service pays this fraction of the "
        "charge per period: 30 for 1/30 a day.",
    )
    proration_threshold = fields.Integer(
        string="Under (Days of Service)",
        help="Service under this many days is prorated by the divisor; from this "
        "many days on, the whole charge is billed.",
    )
    prorate_allowance = fields.Boolean(
        string="Prorate Allowance and Blocks",
        default=True,
        help="The usage included in a minimum and the block thresholds shrink with a "
        "prorated charge; off: a partial period keeps the whole allowance.",
    )
    line_ids = fields.One2many("utility.rate.line", "version_id", string="Lines", copy=True)
    line_count = fields.Integer(compute="_compute_line_count")
    company_id = fields.Many2one(
        related="schedule_id.company_id", store=True, precompute=True, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    service_type_id = fields.Many2one(related="schedule_id.service_type_id")
    usage_unit = fields.Selection(related="schedule_id.usage_unit")

    _sql_constraints = [
        (
            "schedule_date_start_uniq",
            "unique(schedule_id, date_start)",
            "Two versions of a rate schedule cannot start on the same day.",
        ),
        (
            "proration_divisor_check",
            "CHECK(proration != 'divisor' OR (proration_divisor > 0 AND proration_threshold > 0))",
            "A partial-period divisor rule needs a divisor and a number of days above 0.",
        ),
        (
            "outside_multiplier_check",
            "CHECK(outside_multiplier > 0)",
            "The outside-city multiplier must be positive (1 for no surcharge).",
        ),
    ]

    @api.depends(
        "date_start", "is_proposed", "schedule_id.version_ids.date_start",
        "schedule_id.version_ids.is_proposed",
    )  # fmt: skip
    def _compute_date_end(self):
        for version in self:
            # A proposed version ends nothing: the version in force stays in force.
            later = [
                other.date_start
                for other in version.schedule_id.version_ids
                if other.date_start
                and version.date_start
                and other.date_start > version.date_start
                and not other.is_proposed
            ]
            version.date_end = min(later) - timedelta(days=1) if later else False

    def _compute_line_count(self):
        counts = dict(
            self.env["utility.rate.line"]._read_group(
                [("version_id", "in", self.ids)], ["version_id"], ["__count"]
            )
        )
        for version in self:
            version.line_count = counts.get(version, 0)

    @api.depends("schedule_id", "date_start", "name", "is_proposed")
    def _compute_display_name(self):
        for version in self:
            start = fields.Date.to_string(version.date_start) if version.date_start else ""
            label = self.env._(
                "%(schedule)s from %(date)s",
                schedule=version.schedule_id.display_name or "",
                date=start,
            )
            if version.name:
                label = f"{label} ({version.name})"
            if version.is_proposed:
                label = self.env._("%(version)s, proposed", version=label)
            version.display_name = label

    def copy_data(self, default=None):
        """A copy is the draft of the next rate change: dated a year after the
        schedule's latest version, so it never collides with an existing one."""
        vals_list = super().copy_data(default=default)
        if default and "date_start" in default:
            return vals_list
        for version, vals in zip(self, vals_list, strict=True):
            latest = max(version.schedule_id.version_ids.mapped("date_start"))
            vals["date_start"] = latest + relativedelta(years=1)
        return vals_list
