# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The company's suspense account of the payment files."""

from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

    utility_suspense_account_id = fields.Many2one(
        "account.account",
        string="Unapplied Payments Account",
        check_company=True,
        help="Money of payment-file items no account could be matched to waits on this "
        "account (a liability) until a clerk posts it to an account or returns it. "
        "Created at the first import when empty.",
    )

    def _get_utility_suspense_account(self):
        """Unapplied Payments of the company, created when the city has not chosen one."""
        self.ensure_one()
        if self.utility_suspense_account_id:
            return self.utility_suspense_account_id
        Account = self.env["account.account"].sudo().with_company(self)
        account = Account.create(
            {
                "name": self.env._("Unapplied Payments"),
                "code": Account._search_new_account_code("209900"),
                "account_type": "liability_current",
                "reconcile": True,
            }
        )
        self.sudo().utility_suspense_account_id = account
        return account


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"  # pylint: disable=consider-merging-classes-inherited

    utility_suspense_account_id = fields.Many2one(
        related="company_id.utility_suspense_account_id", readonly=False
    )
