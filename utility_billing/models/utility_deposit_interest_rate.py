# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class UtilityDepositInterestRate(models.Model):
    """Yearly rate of interest on customer deposits, where state law asks for it
    (e.g. Arkansas Code 23-4-206: simple interest at a rate set each year)."""

    _name = "utility.deposit.interest.rate"
    _description = "Deposit Interest Rate"
    _order = "year desc"

    year = fields.Integer(required=True)
    rate = fields.Float(string="Yearly Rate (%)", digits=(6, 3), required=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )

    _sql_constraints = [
        ("year_company_uniq", "unique(year, company_id)", "One deposit interest rate a year."),
    ]
