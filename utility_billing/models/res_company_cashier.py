# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited
    # ------------------------------------------------------------------
    # Cashiering: drawer count and voids
    # ------------------------------------------------------------------
    utility_cash_over_short_account_id = fields.Many2one(
        "account.account",
        string="Cash Over and Short Account",
        check_company=True,
        help="Where the difference between a drawer's count and what it should hold is "
        "posted. Created at the first over / short when empty.",
    )
    utility_over_short_tolerance = fields.Monetary(
        string="Over / Short Tolerance",
        currency_field="currency_id",
        default=5.0,
        help="A drawer off by more than this (in total or in one tender) is closed only "
        "once a supervisor approves its count.",
    )
    utility_void_approval = fields.Selection(
        [
            ("closed", "Once the session is closed"),
            ("always", "Always"),
        ],
        string="Voids Need a Supervisor",
        default="closed",
        required=True,
        help="A cashier voids a payment of their own open session alone, unless every "
        "void needs a supervisor. A payment whose session is closed is always voided "
        "by a supervisor other than the one who asks.",
    )

    def _get_utility_cash_over_short_account(self):
        """Cash Over and Short of the company, created as an expense account when the
        city has not chosen one (an overage is a credit on the same account)."""
        self.ensure_one()
        if self.utility_cash_over_short_account_id:
            return self.utility_cash_over_short_account_id
        Account = self.env["account.account"].sudo().with_company(self)
        account = Account.create(
            {
                "name": self.env._("Cash Over and Short"),
                "code": Account._search_new_account_code("699900"),
                "account_type": "expense",
            }
        )
        self.sudo().utility_cash_over_short_account_id = account
        return account

    utility_receipt_paper = fields.Selection(
        [
            ("half_letter", "Half letter (5.5 x 8.5 in)"),
            ("roll_80", "80 mm receipt roll"),
        ],
        string="Receipt Paper",
        default="half_letter",
        required=True,
        help="Paper the counter's receipts print on: an office printer's half sheet, or a "
        "thermal receipt printer's 80 mm roll.",
    )
