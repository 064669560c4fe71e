# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command, fields, models


class ResCompany(models.Model):
    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

    utility_bad_debt_account_id = fields.Many2one(
        "account.account",
        string="Bad Debt Expense Account",
        check_company=True,
        domain="[('account_type', 'in', ('expense', 'expense_direct_cost'))]",
        help="Write-offs of uncollectible utility accounts are charged to this account; "
        "recoveries after a write-off are credited back to it.",
    )
    utility_write_off_journal_id = fields.Many2one(
        "account.journal",
        string="Write-off Journal",
        check_company=True,
        domain="[('type', '=', 'general')]",
        help="Journal of the write-off and recovery entries (default: the first "
        "miscellaneous journal).",
    )
    # Union City, IN, Code § 40.03 (A): more than 90 days past due is eligible.
    utility_write_off_days = fields.Integer(
        string="Write-off After (days past due)",
        default=90,
        help="An open account is eligible for write-off when its oldest unpaid bill is "
        "past due more than this many days; a closed or final-billed account always is.",
    )

    def _get_utility_write_off_journal(self):
        """The journal of the write-off and recovery entries of this company."""
        self.ensure_one()
        return self.utility_write_off_journal_id or self.env["account.journal"].search(
            [("company_id", "=", self.id), ("type", "=", "general")], limit=1
        )

    def _get_utility_owing_balances(self):
        """Every utility account of this company owing something, with its open
        balance, in one grouped query over the ledger (write-offs' eligible
        accounts, the agency's Accounts to Refer).

        :return: {utility.account: open balance > 0}
        """
        self.ensure_one()
        owing = (
            self.env["account.move.line"]
            .sudo()
            ._read_group(
                [
                    ("company_id", "=", self.id),
                    ("utility_account_id", "!=", False),
                    ("account_id.account_type", "=", "asset_receivable"),
                    ("parent_state", "=", "posted"),
                    ("reconciled", "=", False),
                ],
                ["utility_account_id"],
                ["amount_residual:sum"],
            )
        )
        return {
            account: amount
            for account, amount in owing
            if self.currency_id.compare_amounts(amount, 0) > 0
        }

    def _post_utility_bad_debt_entry(self, day, label, line_vals):
        """Post one entry of the write-off journal dated ``day``: ``line_vals``
        (receivable lines of the accounts) balanced by bad-debt expense. The one
        place write-offs and recoveries are booked.

        :return: the posted account.move
        """
        self.ensure_one()
        balance = sum(vals.get("debit", 0.0) - vals.get("credit", 0.0) for vals in line_vals)
        expenses = []
        # An agency collection without a write-off balances itself (fee expense
        # against the receivable): no bad-debt line then.
        if not self.currency_id.is_zero(balance):
            expense = {"name": label, "account_id": self.utility_bad_debt_account_id.id}
            expense["credit" if balance > 0 else "debit"] = self.currency_id.round(abs(balance))
            expenses.append(expense)
        move = (
            self.env["account.move"]
            .sudo()
            .create(
                {
                    "move_type": "entry",
                    "journal_id": self._get_utility_write_off_journal().id,
                    "date": day,
                    "ref": label,
                    "company_id": self.id,
                    "line_ids": [Command.create(vals) for vals in [*line_vals, *expenses]],
                }
            )
        )
        move.action_post()
        return move
