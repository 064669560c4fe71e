# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

    utility_level_pay_method = fields.Selection(
        [
            ("div12", "Last 12 months / 12"),
            ("div11", "Last 12 months / 11"),
            ("plus", "Last 12 months / 12 + a percentage"),
        ],
        string="Level Pay Installment",
        default="div12",
        required=True,
    )
    utility_level_pay_percent = fields.Float(
        string="Level Pay Margin (%)", default=5.0, help="Added to the average (Brentwood, TN: 5%)."
    )
    utility_level_pay_min_bills = fields.Integer(
        string="Level Pay History (Bills)",
        default=12,
        help="Bills of the account at its premise needed to enroll.",
    )
    utility_level_pay_true_up = fields.Selection(
        [
            ("settle", "Settle: the deferred balance becomes due"),
            ("spread", "Spread over the next year's installments"),
        ],
        string="Level Pay True-Up",
        default="settle",
        required=True,
    )
