# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from decimal import Decimal

from odoo import api, fields, models


class UtilityPaymentArrangementTier(models.Model):
    """The down payment a payment arrangement asks, by past-due amount and by
    whether the service is already shut off (e.g. Water District 7: under $100,
    50 % down before a disconnect and 100 % after)."""

    _name = "utility.payment.arrangement.tier"
    _description = "Payment Arrangement Down Payment"
    _order = "is_disconnected, amount_from"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    amount_from = fields.Monetary(
        string="Past Due From",
        help="The tier applies from this past-due amount up to the next tier's.",
    )
    is_disconnected = fields.Boolean(
        string="Service Shut Off",
        help="This tier is for accounts whose service is disconnected for non-payment.",
    )
    percent = fields.Float(string="Down Payment (%)", digits=(5, 2), required=True)

    _sql_constraints = [
        ("percent_range", "CHECK(percent >= 0 AND percent <= 100)", "A down payment is 0-100%."),
        ("amount_from_positive", "CHECK(amount_from >= 0)", "A tier starts at 0 or more."),
        (
            "tier_uniq",
            "UNIQUE(company_id, is_disconnected, amount_from)",
            "Two tiers start at the same amount.",
        ),
    ]

    @api.model
    def _get_percent(self, company, amount, is_disconnected):
        """The down payment percent (Decimal) of the tier ``amount`` falls in; 0 without one."""
        tiers = self.search(
            [
                ("company_id", "=", company.id),
                ("is_disconnected", "=", bool(is_disconnected)),
                ("amount_from", "<=", amount),
            ],
            order="amount_from desc",
            limit=1,
        )
        return Decimal(str(tiers.percent)) if tiers else Decimal(0)
