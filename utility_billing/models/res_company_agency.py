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
    # The city's referral rule (Accounts to Refer). Union City, IN, Code § 40.03 (B):
    # accounts 90 days past due may be referred to a collection agency.
    utility_agency_min_days = fields.Integer(
        string="Refer After (days past due)",
        default=90,
        help="An account is proposed to the agency when its oldest unpaid bill was due "
        "at least this many days ago.",
    )
    utility_agency_min_balance = fields.Monetary(
        string="Refer Balances From",
        currency_field="currency_id",
        help="Accounts owing less than this are not proposed to the agency.",
    )
    utility_agency_closed_only = fields.Boolean(
        string="Refer Closed Accounts Only",
        help="Only accounts final-billed or closed are proposed to the agency (an open "
        "account is worked by the shut-off list instead).",
    )
    utility_agency_recall_user_id = fields.Many2one(
        "res.users",
        string="Agency Recalls To",
        check_company=True,
        help="Who gets the to-do to recall an account paid in full while at the agency; "
        "empty: the clerk who referred it.",
    )
