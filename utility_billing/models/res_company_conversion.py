# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

    utility_conversion_account_id = fields.Many2one(
        "account.account",
        string="Conversion Clearing Account",
        check_company=True,
        help="Balance-sheet account the opening balances and deposits brought from the "
        "legacy system are posted against (created on first use). Once the legacy "
        "system's receivable and deposits are closed into it, it is zero.",
    )
    utility_conversion_journal_id = fields.Many2one(
        "account.journal",
        string="Conversion Journal",
        check_company=True,
        domain="[('type', '=', 'sale')]",
        help="Sales journal of the opening balances of converted accounts (created on "
        "first use), so they are numbered apart from the bills.",
    )

    def _get_utility_conversion_account(self):
        """The conversion clearing account: a current asset that nets to zero."""
        self.ensure_one()
        if not self.utility_conversion_account_id:
            Account = self.env["account.account"].sudo().with_company(self)
            self.sudo().utility_conversion_account_id = Account.create(
                {
                    "name": self.env._("Conversion Clearing"),
                    "code": Account._search_new_account_code("199000"),
                    "account_type": "asset_current",
                }
            )
        return self.utility_conversion_account_id

    def _get_utility_conversion_journal(self):
        self.ensure_one()
        if not self.utility_conversion_journal_id:
            Journal = self.env["account.journal"].sudo()
            code = "CONV"
            taken = set(Journal.search([*Journal._check_company_domain(self)]).mapped("code"))
            index = 1
            while code in taken:
                index += 1
                code = f"CNV{index}"
            self.sudo().utility_conversion_journal_id = Journal.create(
                {
                    "name": self.env._("Conversion"),
                    "code": code,
                    "type": "sale",
                    "company_id": self.id,
                }
            )
        return self.utility_conversion_journal_id


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"  # pylint: disable=consider-merging-classes-inherited

    utility_conversion_account_id = fields.Many2one(
        related="company_id.utility_conversion_account_id", readonly=False
    )
    utility_conversion_journal_id = fields.Many2one(
        related="company_id.utility_conversion_journal_id", readonly=False
    )
