# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

# Policies that compute a credit from each bill's own usage or days: they may
# cover several bills. The others credit one amount (a pool's volume, a sum).
MULTI_BILL_POLICIES = ("leak", "over_registration", "vacation")
POLICIES = [
    ("leak", "Leak: share of the usage above average, re-rated"),
    ("pool_fill", "Pool fill: sewer on the pool's volume"),
    ("vacation", "Vacation / seasonal: days of a suspended service"),
    ("over_registration", "Meter over-registration: the bench test's error"),
    ("billing_error", "Billing error: amount entered"),
    ("courtesy", "Courtesy: amount entered"),
]


class UtilityAdjustmentKind(models.Model):
    """A kind of bill adjustment and the policy that computes its amount.

    The city's own kinds are more records with one of the policies and their
    own window, threshold, share, cap and frequency.
    """

    _name = "utility.adjustment.kind"
    _description = "Adjustment Kind"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    # Empty: a kind every company of the database uses.
    company_id = fields.Many2one("res.company")
    currency_id = fields.Many2one(
        "res.currency",
        compute="_compute_currency_id",
        default=lambda self: self.env.company.currency_id,
    )

    def _compute_currency_id(self):
        for kind in self:
            kind.currency_id = kind.company_id.currency_id or self.env.company.currency_id

    policy = fields.Selection(POLICIES, required=True, default="courtesy")
    service_type_ids = fields.Many2many(
        "utility.service.type",
        string="Services Credited",
        help="The services whose charges the policy re-rates (leak: water, and sewer "
        "when the leak did not reach the sewer; pool fill: sewer).",
    )
    share_percent = fields.Float(
        string="Share Credited (%)",
        default=50.0,
        help="Leak: the share of the usage above the average that is credited.",
    )
    average_bills = fields.Integer(
        string="Averaging Window (Bills)",
        default=3,
        help="Leak: the average usage of this many bills of the service before the one adjusted.",
    )
    threshold_percent = fields.Float(
        string="Threshold (%)",
        default=0.0,
        help="Leak: the usage must exceed the average by this much to qualify.",
    )
    amount_cap = fields.Monetary(string="Cap", help="Largest credit of one adjustment (0: no cap).")
    frequency_months = fields.Integer(
        string="Once Every (Months)",
        default=0,
        help="One posted adjustment of this kind per premise (or account) in this many "
        "months (0: no limit).",
    )
    frequency_scope = fields.Selection(
        [("location", "Premise"), ("account", "Account")], default="location", required=True
    )
    is_evidence_required = fields.Boolean(
        string="Evidence Required",
        help="A document (a plumber's invoice, a pool permit) must be attached first.",
    )
    usage_rounding = fields.Selection(
        [
            ("down", "Down to a whole unit"),
            ("half_up", "To the nearest unit"),
            ("none", "Not rounded"),
        ],
        default="down",
        required=True,
        help="Rounding of the usage credited before it is re-rated.",
    )
    meter_fast_percent = fields.Float(
        string="Meter Fast By More Than (%)",
        default=2.0,
        help="Meter over-registration: a failed bench test proposes the refund only when "
        "the meter registers more than this fast (Gridley, CA: 2 %).",
    )
    window_months = fields.Integer(
        string="Refund Window (Months)",
        default=6,
        help="Meter over-registration: the bills refunded go back this many months before "
        "the test, or to the meter's last passed test if it is more recent (Gridley, CA: "
        "six months).",
    )
    bills_covered = fields.Integer(
        string="Bills It May Cover",
        default=1,
        help="How many bills one adjustment may credit: a leak that ran over two bills "
        "(leak, meter over-registration and vacation policies only).",
    )

    _sql_constraints = [
        (
            "bills_covered_positive",
            "CHECK(bills_covered >= 1)",
            "An adjustment covers at least one bill.",
        ),
    ]

    @api.constrains("bills_covered", "policy")
    def _check_bills_covered(self):
        bad = self.filtered(lambda k: k.bills_covered > 1 and k.policy not in MULTI_BILL_POLICIES)
        if bad:
            raise ValidationError(
                self.env._(
                    "Only leak, meter over-registration and vacation kinds cover more than "
                    "one bill: %(kinds)s.",
                    kinds=", ".join(bad.mapped("name")),
                )
            )
