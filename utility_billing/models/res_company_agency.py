# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

    utility_agency_partner_id = fields.Many2one(
        "res.partner", string="Collection Agency", check_company=True
    )
    # Big Spring, TX, Code: the contracted agency's collection fee is 30 percent.
    utility_agency_fee_percent = fields.Float(
        string="Agency Fee (%)",
        default=30.0,
        help="The agency's contingency fee on what it collects; its recoveries are "
        "recorded net of it.",
    )
    utility_agency_fee_account_id = fields.Many2one(
        "account.account",
        string="Agency Fee Expense Account",
        check_company=True,
        domain="[('account_type', 'in', ('expense', 'expense_direct_cost'))]",
    )
