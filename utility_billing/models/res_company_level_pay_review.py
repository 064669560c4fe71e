# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

    # SMUD: reviewed in the 4th and 8th month, changed when off by more than 15 %.
    utility_level_pay_review_interval = fields.Integer(
        string="Level Pay Review Every (Months)",
        default=4,
        help="Between true-ups the installment is reviewed this many months apart "
        "(0: only at the true-up).",
    )
    utility_level_pay_review_percent = fields.Float(
        string="Level Pay Review Threshold (%)",
        default=15.0,
        help="At a review the installment changes only when the one computed again differs "
        "from it by more than this.",
    )
    utility_level_pay_late_days = fields.Integer(
        string="Level Pay Removal: Days Late",
        default=30,
        help="An account owing an installment this many days past due leaves the plan.",
    )
    utility_level_pay_max_late = fields.Integer(
        string="Level Pay Removal: Late Fees in 12 Months",
        default=0,
        help="An account charged this many late fees in 12 months leaves the plan (0: never).",
    )
    utility_level_pay_max_due = fields.Monetary(
        string="Level Pay Removal: Delinquent Above",
        currency_field="currency_id",
        default=0.0,
        help="An account whose current due exceeds this leaves the plan (0: never).",
    )
