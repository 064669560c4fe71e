# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------
    # Customer deposits
    # ------------------------------------------------------------------
    utility_deposit_account_id = fields.Many2one(
        "account.account",
        string="Customer Deposits Account",
        check_company=True,
        help="Liability account holding customer deposits (created on first use).",
    )
    utility_deposit_interest_account_id = fields.Many2one(
        "account.account",
        string="Deposit Interest Expense Account",
        check_company=True,
        help="Expense account of the interest paid on deposits (created on first use).",
    )
    utility_deposit_refund_months = fields.Integer(
        string="Deposit Refund After (Months)",
        default=12,
        help="Months of service with a good payment history after which a deposit is "
        "proposed for refund.",
    )
    utility_deposit_max_late = fields.Integer(
        string="Late Payments Allowed",
        default=1,
        help="Bills paid after their due date tolerated in that period; any returned "
        "payment disqualifies.",
    )
    utility_deposit_min_refund = fields.Monetary(
        string="Minimum Refund Check",
        currency_field="currency_id",
        default=1.0,
        help="Below this amount, a credit left after the deposit is applied stays on "
        "the account instead of being refunded.",
    )

    def _get_utility_deposit_account(self):
        """Customer Deposits of the company: a current liability, never revenue."""
        self.ensure_one()
        if not self.utility_deposit_account_id:
            Account = self.env["account.account"].sudo().with_company(self)
            self.sudo().utility_deposit_account_id = Account.create(
                {
                    "name": self.env._("Customer Deposits"),
                    "code": Account._search_new_account_code("215000"),
                    "account_type": "liability_current",
                    "reconcile": True,
                }
            )
        return self.utility_deposit_account_id

    def _get_utility_deposit_interest_account(self):
        self.ensure_one()
        if not self.utility_deposit_interest_account_id:
            Account = self.env["account.account"].sudo().with_company(self)
            self.sudo().utility_deposit_interest_account_id = Account.create(
                {
                    "name": self.env._("Interest on Customer Deposits"),
                    "code": Account._search_new_account_code("661500"),
                    "account_type": "expense",
                }
            )
        return self.utility_deposit_interest_account_id
