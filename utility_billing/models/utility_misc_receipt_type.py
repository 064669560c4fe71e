# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class UtilityMiscReceiptType(models.Model):
    """A kind of money the cashiers take that is not a utility bill: a building
    permit, a sales-tax return, a dog license... Each posts to its own account."""

    _name = "utility.misc.receipt.type"
    _description = "Miscellaneous Receipt Type"
    _order = "sequence, name"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    account_id = fields.Many2one(
        "account.account",
        string="Credit Account",
        required=True,
        check_company=True,
        domain="[('account_type', 'not in', ('asset_receivable', 'liability_payable'))]",
        help="The account the receipt is credited to (revenue, or a liability such as "
        "sales tax collected for the state).",
    )
    note = fields.Text()

    _sql_constraints = [
        ("code_company_uniq", "unique(code, company_id)", "A receipt type code is unique."),
    ]
