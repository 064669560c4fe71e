# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from decimal import Decimal

from odoo import api, fields, models

from .utility_cashier_session import COUNTER_TENDERS


class UtilityCashCount(models.Model):
    """One line of a drawer's blind count: so many bills or coins of one
    denomination, or the total of the checks, card slips or money orders."""

    _name = "utility.cash.count"
    _description = "Cash Drawer Count Line"
    _order = "session_id, sequence, id"

    session_id = fields.Many2one(
        "utility.cashier.session", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(
        related="session_id.company_id", store=True, precompute=True, index=True
    )
    currency_id = fields.Many2one(related="session_id.currency_id")
    sequence = fields.Integer(default=10)
    tender = fields.Selection(COUNTER_TENDERS, required=True, default="cash")
    kind = fields.Selection([("bill", "Bill"), ("coin", "Coin")])
    denomination = fields.Monetary(help="Face value of the bill or coin (cash lines).")
    quantity = fields.Integer(help="How many bills or coins, or how many checks, slips...")
    amount = fields.Monetary(
        compute="_compute_amount",
        store=True,
        readonly=False,
        precompute=True,
        help="Denomination times quantity for cash; the total counted for the other tenders.",
    )

    _sql_constraints = [
        ("quantity_positive", "CHECK(quantity >= 0)", "A count cannot be negative."),
        ("amount_positive", "CHECK(amount >= 0)", "A count cannot be negative."),
    ]

    @api.depends("tender", "denomination", "quantity")
    def _compute_amount(self):
        for line in self:
            if line.tender == "cash" and line.denomination:
                # Exact: 7 x 0.10 is 0.70, not 0.7000000000000001.
                line.amount = float(
                    Decimal(str(line.currency_id.round(line.denomination))) * line.quantity
                )

    @api.depends("tender", "kind", "denomination", "quantity")
    def _compute_display_name(self):
        tenders = dict(COUNTER_TENDERS)
        kinds = dict(self._fields["kind"].selection)
        for line in self:
            if line.tender == "cash" and line.denomination:
                line.display_name = (
                    f"{line.denomination:.2f} {kinds.get(line.kind, '')} x {line.quantity}"
                )
            else:
                line.display_name = tenders.get(line.tender, line.tender or "")
