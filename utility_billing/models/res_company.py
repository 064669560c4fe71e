# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from ..lib import allocation


class ResCompany(models.Model):
    _inherit = "res.company"

    # ------------------------------------------------------------------
    # Read edits: thresholds of the checks run on every reading
    # ------------------------------------------------------------------
    utility_high_usage_percent = fields.Float(
        string="High Usage Threshold (%)",
        default=200.0,
        help="A reading whose consumption exceeds this percentage of the account's "
        "average consumption is held for review.",
    )
    utility_low_usage_percent = fields.Float(
        string="Low Usage Threshold (%)",
        default=25.0,
        help="A reading whose consumption is under this percentage of the account's "
        "average consumption is held for review.",
    )
    utility_usage_history_periods = fields.Integer(
        string="History Periods",
        default=12,
        help="How many previous readings make the average the high / low edits compare with.",
    )
    utility_usage_min_average = fields.Float(
        string="Minimum Average for High / Low",
        default=1.0,
        help="High / low edits are skipped while the average is below this consumption, "
        "so tiny users are not flagged on every read.",
    )
    utility_same_reading_periods = fields.Integer(
        string="Same Reading Periods",
        default=3,
        help="Flag a meter whose reading has not moved for this many periods in a row "
        "while its service is active (stuck meter).",
    )
    utility_max_consecutive_estimates = fields.Integer(
        string="Consecutive Estimates Allowed",
        default=2,
        help="An estimate beyond this many estimates in a row is held for review.",
    )

    # ------------------------------------------------------------------
    # Payments
    # ------------------------------------------------------------------
    utility_payment_allocation = fields.Selection(
        [
            (allocation.OLDEST, "Oldest Charges First"),
            (allocation.PRIORITY, "By Service Priority"),
        ],
        string="Payment Allocation",
        default=allocation.OLDEST,
        required=True,
        help="How a payment is spread over an account's open charges: the oldest bill "
        "first, or each service in the order of its payment priority (on the service "
        "type) across all open bills.",
    )
    utility_undeposited_account_id = fields.Many2one(
        "account.account",
        string="Undeposited Funds Account",
        check_company=True,
        help="Counter payments wait on this account until the bank deposit moves them "
        "to the bank. Created at the first payment when empty.",
    )
    utility_receipt_journal_id = fields.Many2one(
        "account.journal",
        string="Utility Receipts Journal",
        check_company=True,
        help="Journal of the counter payments. Created at the first payment when empty.",
    )

    def _get_utility_undeposited_account(self):
        """Undeposited Funds of the company, created with the next free code of
        the bank prefix when the city has not chosen one."""
        self.ensure_one()
        if self.utility_undeposited_account_id:
            return self.utility_undeposited_account_id
        Account = self.env["account.account"].sudo().with_company(self)
        prefix = self.bank_account_code_prefix or "101"
        account = Account.create(
            {
                "name": self.env._("Undeposited Funds"),
                "code": Account._search_new_account_code(prefix.ljust(6, "0")[:-1] + "9"),
                "account_type": "asset_current",
                "reconcile": True,
            }
        )
        self.sudo().utility_undeposited_account_id = account
        return account

    def _get_utility_receipt_journal(self):
        """Journal of the counter payments, created when the city has not chosen one."""
        self.ensure_one()
        if self.utility_receipt_journal_id:
            return self.utility_receipt_journal_id
        Journal = self.env["account.journal"].sudo().with_company(self)
        journal = Journal.search(
            [*Journal._check_company_domain(self), ("code", "=", "URCPT")], limit=1
        ) or Journal.create(
            {
                "name": self.env._("Utility Receipts"),
                "code": "URCPT",
                "type": "general",
                "company_id": self.id,
            }
        )
        self.sudo().utility_receipt_journal_id = journal
        return journal
