# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..lib.rating import UNIT_LABELS

COMPONENTS = [
    ("fixed", "Base Charge"),
    ("minimum", "Minimum Charge (with Allowance)"),
    ("block", "Blocks"),
    ("unit", "Flat per Unit"),
    ("cart", "Per Cart"),
    ("passthrough", "Per 1,000 Gallons (Pass-Through)"),
    ("dwelling", "Per Dwelling Unit"),
    ("eru", "Per ERU"),
    ("demand", "Demand (per kW)"),
    ("discount", "Discount"),
    ("fee", "Fee"),
]
DISCOUNT_PROGRAMS = [("senior", "Senior"), ("low_income", "Low Income")]
ROUNDINGS = [
    ("block", "Each block to cents"),
    ("line", "Line total to cents"),
]
# Prices whose changes are posted on the schedule's chatter.
PRICE_FIELDS = ("amount", "price_unit", "percent", "allowance")
# What the outside-city multiplier leaves alone by default.
NO_MULTIPLIER_COMPONENTS = ("discount", "fee")


class UtilityRateLine(models.Model):
    """One component of a rate version: what it charges and to whom.

    Lines are applied in sequence; the filters (customer class, meter size,
    cart size, discount program) restrict a line to the accounts matching all
    of those set. Fees are never part of a periodic bill: other workflows (late
    fees, returned payments, reconnects, door hangers, deposits) look them up.
    """

    _name = "utility.rate.line"
    _description = "Utility Rate Line"
    _order = "version_id, sequence, id"
    _check_company_auto = True

    version_id = fields.Many2one(
        "utility.rate.version",
        required=True,
        ondelete="cascade",
        index=True,
        check_company=True,
    )
    schedule_id = fields.Many2one(
        related="version_id.schedule_id", store=True, precompute=True, index=True
    )
    company_id = fields.Many2one(
        related="version_id.company_id", store=True, precompute=True, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    usage_unit = fields.Selection(related="version_id.schedule_id.usage_unit")
    sequence = fields.Integer(default=10)
    name = fields.Char(string="Label", required=True, help="Label printed on the bill.")
    component = fields.Selection(COMPONENTS, required=True, default="fixed")

    # ------------------------------------------------------------------
    # Prices
    # ------------------------------------------------------------------
    amount = fields.Monetary(
        help="Base and minimum charge per standard period; fee amount (for a percent "
        "fee: the minimum fee).",
    )
    price_unit = fields.Float(
        string="Unit Price",
        digits=(16, 6),
        help="Price per unit of usage (flat per unit), per cart or per ERU, per "
        "standard period for carts and ERUs.",
    )
    percent = fields.Float(
        digits=(16, 4),
        help="Discount off the charges above it, or fee as a percent of its base "
        "(late fee: of the past-due amount).",
    )
    allowance = fields.Float(
        digits=(16, 6),
        help="Units included in the minimum charge per standard period; usage above "
        "it is priced by the usage lines that follow.",
    )
    block_ids = fields.One2many("utility.rate.block", "line_id", string="Blocks", copy=True)
    rounding = fields.Selection(
        ROUNDINGS,
        required=True,
        default="block",
        help="Blocks: round each block's amount to cents (half-up), one bill line per "
        "block. Line: add the exact amounts of the blocks and round the total once.",
    )
    apply_outside_multiplier = fields.Boolean(
        string="Outside-City Multiplier",
        compute="_compute_apply_outside_multiplier",
        store=True,
        readonly=False,
        precompute=True,
        help="Premises outside city limits pay this line times the version's multiplier.",
    )
    tax_ids = fields.Many2many(
        "account.tax",
        string="Taxes",
        check_company=True,
        domain="[('type_tax_use', '=', 'sale')]",
        help="Taxes put on the invoice line of this charge.",
    )

    # ------------------------------------------------------------------
    # Filters and codes
    # ------------------------------------------------------------------
    customer_class = fields.Many2one(
        "utility.customer.class",
        ondelete="restrict",
        check_company=True,
        help="Empty: every class.",
    )
    meter_size = fields.Many2one(
        "utility.meter.size",
        ondelete="restrict",
        check_company=True,
        help="Empty: every size. One base charge per meter size.",
    )
    cart_size = fields.Many2one(
        "utility.cart.size",
        ondelete="restrict",
        check_company=True,
        help="Empty: every cart size.",
    )
    discount_program = fields.Selection(
        DISCOUNT_PROGRAMS, help="Only accounts in this discount program get this line."
    )
    fee_code = fields.Selection(
        selection="_selection_fee_code", help="Fee codes: Configuration > Fee Codes."
    )
    has_additional_price = fields.Boolean(
        string="Additional Ones Apart",
        help="Carts and dwelling units: the first at the unit price, each additional "
        "one at its own price.",
    )
    additional_price_unit = fields.Float(
        string="Each Additional",
        digits=(16, 6),
        help="Price of each cart or dwelling unit after the first, per period.",
    )
    replaces_normal = fields.Boolean(
        string="Program Rate",
        help="For accounts in the discount program of this line, this line replaces "
        "the lines of the same component without a program (e.g. a senior "
        "sanitation rate instead of the normal rate).",
    )
    gallons_per_cubic_foot = fields.Float(
        digits=(16, 6),
        default=7.48,
        help="Pass-through per 1,000 gallons of a schedule in cubic feet: the gallons "
        "per cubic foot the city states (7.48 for most).",
    )
    price_summary = fields.Char(string="Price", compute="_compute_price_summary")

    _sql_constraints = [
        (
            "amounts_check",
            "CHECK(COALESCE(amount, 0) >= 0 AND COALESCE(price_unit, 0) >= 0 "
            "AND COALESCE(allowance, 0) >= 0)",
            "Rate amounts, unit prices and allowances cannot be negative.",
        ),
        (
            "percent_check",
            "CHECK(COALESCE(percent, 0) >= 0 AND COALESCE(percent, 0) <= 100)",
            "A percent must be between 0 and 100.",
        ),
        (
            "fee_code_check",
            "CHECK(component != 'fee' OR fee_code IS NOT NULL)",
            "A fee line needs its fee code.",
        ),
        (
            "additional_price_check",
            "CHECK(COALESCE(additional_price_unit, 0) >= 0 AND "
            "COALESCE(gallons_per_cubic_foot, 1) > 0)",
            "An additional price cannot be negative; gallons per cubic foot must be positive.",
        ),
        (
            "program_rate_check",
            "CHECK(NOT COALESCE(replaces_normal, FALSE) OR discount_program IS NOT NULL)",
            "A program rate needs its program.",
        ),
        (
            "discount_check",
            "CHECK(component != 'discount' OR (discount_program IS NOT NULL AND percent > 0))",
            "A discount line needs its program and a percent above 0.",
        ),
    ]

    @api.model
    def _selection_fee_code(self):
        return self.env["utility.fee.code"]._get_selection()

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends("component")
    def _compute_apply_outside_multiplier(self):
        for line in self:
            line.apply_outside_multiplier = line.component not in NO_MULTIPLIER_COMPONENTS

    @api.depends(
        "component", "amount", "price_unit", "percent", "allowance", "block_ids.price_unit"
    )
    def _compute_price_summary(self):
        for line in self:
            unit = UNIT_LABELS.get(line.usage_unit, "")
            money = line.currency_id.format if line.currency_id else str
            if line.component in ("fixed", "minimum"):
                summary = money(line.amount)
                if line.component == "minimum" and line.allowance:
                    summary = self.env._(
                        "%(amount)s incl. %(allowance)s %(unit)s",
                        amount=summary,
                        allowance=f"{line.allowance:g}",
                        unit=unit,
                    )
            elif line.component in ("unit", "cart", "eru"):
                summary = f"{line.price_unit:g}"
            elif line.component == "block":
                summary = " / ".join(f"{block.price_unit:g}" for block in line.block_ids)
            elif line.component == "discount":
                summary = f"{line.percent:g} %"
            elif line.percent:
                summary = self.env._(
                    "%(percent)s %% (min. %(amount)s)",
                    percent=f"{line.percent:g}",
                    amount=money(line.amount),
                )
            else:
                summary = money(line.amount)
            line.price_summary = summary

    # ------------------------------------------------------------------
    # Trail: a price change is posted on the schedule's chatter
    # ------------------------------------------------------------------
    def write(self, vals):
        tracked = [name for name in PRICE_FIELDS if name in vals]
        before = {line: {name: line[name] for name in tracked} for line in self}
        result = super().write(vals)
        if tracked:
            self._post_price_changes(
                [
                    (line, line._fields[name].string, old, line[name])
                    for line, values in before.items()
                    for name, old in values.items()
                    if old != line[name]
                ]
            )
        return result

    def _post_price_changes(self, changes):
        """Post ``(line, what, old, new)`` changes on their schedules, one note each."""
        by_schedule = defaultdict(list)
        for line, what, old, new in changes:
            by_schedule[line.schedule_id].append(
                self.env._(
                    "%(version)s, %(line)s: %(what)s %(old)s → %(new)s",
                    version=line.version_id.display_name,
                    line=line.name,
                    what=what,
                    old=f"{old:g}",
                    new=f"{new:g}",
                )
            )
        for schedule, notes in by_schedule.items():
            schedule.message_post(body=Markup("<br/>").join(notes))

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------
    @api.constrains("component", "block_ids")
    def _check_blocks(self):
        """Block lines have blocks starting at 0 with distinct thresholds; other
        lines have none. Every problem of the whole recordset is reported at once."""
        problems = []
        for line in self:
            if line.component != "block":
                if line.block_ids:
                    problems.append(
                        self.env._(
                            "%(line)s: only block lines have blocks; remove them or make "
                            "it a block line.",
                            line=line.name,
                        )
                    )
                continue
            problems.extend(line.block_ids._get_block_problems(line))
        if problems:
            raise ValidationError("\n".join(problems))

    @api.constrains("fee_code")
    def _check_fee_code_exists(self):
        known = {code for code, _name in self._selection_fee_code()}
        unknown = {line.fee_code for line in self if line.fee_code and line.fee_code not in known}
        if unknown:
            raise ValidationError(
                self.env._(
                    "Unknown fee code: %(codes)s. Add it in Configuration > Fee Codes first.",
                    codes=", ".join(sorted(unknown)),
                )
            )

    @api.constrains("component", "fee_code", "customer_class", "version_id")
    def _check_fee_code_unique(self):
        fees = self.filtered(lambda line: line.component == "fee")
        if not fees:
            return
        groups = self._read_group(
            [("version_id", "in", fees.version_id.ids), ("component", "=", "fee")],
            ["version_id", "fee_code", "customer_class"],
            ["__count"],
            having=[("__count", ">", 1)],
        )
        if groups:
            fee_labels = dict(self._selection_fee_code())
            raise ValidationError(
                self.env._(
                    "A version can define each fee once per customer class: %(fees)s",
                    fees=", ".join(
                        f"{version.display_name}: {fee_labels.get(code, code)}"
                        for version, code, _class, _count in groups
                    ),
                )
            )
