# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Bad debt in the demo town: two North Side households that moved away owing
a bill of last winter, written off by council resolution, and one of them
paying part of it since (a recovery after write-off)."""

from datetime import timedelta

from odoo import Command, api, fields, models


class UtilityDemoTown(models.AbstractModel):
    _inherit = "utility.demo.town"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _generate_liens(self):
        """The bad-debt expense account, a posted write-off, one recovery, the
        accounts referred to the collection agency, and a lien certified."""
        billing, accounts = self._demo_plain_north_accounts(
            3, [("arrangement_ids", "=", False)], order="name"
        )
        if len(accounts) < 3:
            return False  # nothing billed (no chart of accounts)
        company = billing.company_id
        self._demo_bad_debt_account(company)
        today = fields.Date.context_today(self)
        self._demo_old_balances(
            billing.journal_id,
            {accounts[0]: 187.40, accounts[1]: 96.15, accounts[2]: 264.80},
            today,
        )
        self._demo_lien(accounts[2])
        return self._demo_write_off(accounts[:2], today)

    def _demo_bad_debt_account(self, company):
        if company.utility_bad_debt_account_id:
            return company.utility_bad_debt_account_id
        account = (
            self.env["account.account"]
            .with_company(company)
            .create(
                {"name": "Utility Bad Debt Expense", "code": "615100", "account_type": "expense"}
            )
        )
        company.utility_bad_debt_account_id = account
        return account

    def _demo_lien(self, account):
        """A lien certified on the third household's property, with its fee."""
        company = account.company_id
        if not company.utility_lien_fee_account_id:
            company.utility_lien_fee_account_id = (
                self.env["account.account"]
                .with_company(company)
                .create(
                    {"name": "Lien Certification Fees", "code": "400310", "account_type": "income"}
                )
            )
        preparer = (
            self.env["res.users"].search([("login", "=", "demo_billing")], limit=1) or self.env.user
        )
        lien = self.env["utility.lien"].with_user(preparer).create({"account_id": account.id})
        # The owner was sent the Notice of Intent five weeks ago: the wait is over.
        lien._record_notice(fields.Date.context_today(self) - timedelta(days=35))
        lien.action_certify()
        return lien

    def _demo_write_off(self, accounts, today):
        """Prepared by the billing specialist, approved by the supervisor; the
        first household then mailed a 50.00 check, recorded as a recovery."""
        Users = self.env["res.users"]
        preparer = Users.search([("login", "=", "demo_billing")], limit=1) or self.env.user
        approver = Users.search([("login", "=", "demo_supervisor")], limit=1)
        write_off = (
            self.env["utility.write.off"]
            .with_user(preparer)
            .create(
                {
                    "date": today,
                    "approval_reference": "Council Resolution 2025-14",
                    "reason": "Moved away owing the winter bill; letters returned unclaimed.",
                    "line_ids": [Command.create({"account_id": a.id}) for a in accounts],
                }
            )
        )
        write_off.action_submit()
        if not approver or approver == preparer:
            return write_off
        write_off.with_user(approver).action_approve()
        payment = self.env["utility.payment"].create(
            {
                "date": today,
                "partner_id": accounts[0].partner_id.id,
                "line_ids": [Command.create({"account_id": accounts[0].id, "amount": 50.0})],
            }
        )
        payment.action_post()
        line = write_off.line_ids.filtered(lambda line: line.account_id == accounts[0])
        recovery = (
            self.env["utility.write.off.recovery"]
            .with_user(preparer)
            .create(
                {
                    "line_id": line.id,
                    "amount": 50.0,
                    "date": today,
                    "note": "Check mailed by the former customer.",
                }
            )
        )
        recovery.action_post()
        # What is still written off goes to the collection agency.
        write_off.with_user(preparer).action_refer_to_agency()
        return write_off
