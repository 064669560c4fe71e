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
