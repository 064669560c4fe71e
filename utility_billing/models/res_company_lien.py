# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

    # Newton Falls, OH, Codified Ord. 929.085: $150.00 on every certification.
    utility_lien_fee = fields.Monetary(
        string="Lien Certification Fee", currency_field="currency_id", default=150.0
    )
    utility_lien_fee_account_id = fields.Many2one(
        "account.account",
        string="Lien Fee Income Account",
        check_company=True,
        domain="[('account_type', 'in', ('income', 'income_other'))]",
    )
    # Newton Falls, OH, Codified Ord. 929.085: a charge "not paid prior to
    # thirty-one (31) days after the date upon which it is due" may be certified.
    utility_lien_min_age_days = fields.Integer(
        string="Certify Charges Past Due At Least (Days)",
        default=31,
        help="Only the charges unpaid at least this many days after their due date are "
        "certified; younger charges stay on the account's bills.",
    )
    # Lockland, OH, § 1040.05 (d): written notice of the impending certification
    # "at least 30 days prior to the certification".
    utility_lien_notice_days = fields.Integer(
        string="Days Between Notice of Intent and Certification",
        default=30,
        help="A lien is certified no sooner than this many days after its Notice of "
        "Intent was printed or e-mailed to the owner.",
    )
    # Which accounts Propose Liens lists.
    utility_lien_propose_days = fields.Integer(
        string="Propose Liens on Open Accounts Past Due At Least (Days)",
        default=60,
        help="An open account is proposed for a lien when its oldest unpaid charge is "
        "past due at least this many days (Lockland, OH, § 1040.05 (d): 60 days); a "
        "closed account owing a balance is always proposed.",
    )
    utility_lien_propose_min_balance = fields.Monetary(
        string="Propose Liens Over (Balance)",
        currency_field="currency_id",
        default=100.0,
        help="Accounts owing this much or less are not proposed for a lien.",
    )
