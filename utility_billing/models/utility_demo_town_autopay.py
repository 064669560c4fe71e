# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Autopay in the demo town: the accounts flagged autopay are enrolled with their
bank accounts, one account is still at its prenote and one has cancelled; the
balances due are drafted in one NACHA file, and one debit came back NSF.
"""

import base64

from odoo import api, fields, models
from odoo.exceptions import UserError

# Published routing numbers (valid ABA check digits) of a few large US banks.
DEMO_ROUTINGS = ("071000013", "021000021", "091000019", "011000015", "122000247")


class UtilityDemoTown(models.AbstractModel):
    _inherit = "utility.demo.town"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _generate_autopay(self):
        """Enroll the autopay accounts and draft them (after the bills, so they owe)."""
        company = self.env.company
        if not self.env["account.account"].search_count(
            [("company_ids", "in", company.ids)], limit=1
        ):
            return False  # no chart of accounts: nothing can be posted
        self._demo_ach_settings(company)
        accounts = self.env["utility.account"].search(
            [("is_autopay", "=", True), ("state", "=", "active")], order="name"
        )
        if not accounts:
            return False
        enrollments = self._demo_enrollments(accounts)
        autopay_file = self._demo_autopay_file(enrollments)
        if autopay_file and autopay_file.state == "posted":
            self._demo_ach_return(autopay_file)
        return True

    def _demo_ach_settings(self, company):
        if company.utility_ach_immediate_destination:
            return
        company.write(
            {
                "utility_ach_immediate_destination": DEMO_ROUTINGS[0],
                "utility_ach_immediate_destination_name": "First Prairie Bank",
                "utility_ach_company_identification": "1426000123",
                "utility_ach_company_name": "Prairie City Util",
                "utility_ach_entry_description": "UTILITY",
            }
        )

    def _demo_enrollments(self, accounts):
        """Every autopay account enrolled since it opened; the last one waits for its
        prenote, the one before cancelled (and is no longer autopay)."""
        banks = self.env["res.partner.bank"].create(
            [
                {
                    "partner_id": account.partner_id.id,
                    "acc_number": f"40{account.id:07d}",
                    "aba_routing": DEMO_ROUTINGS[index % len(DEMO_ROUTINGS)],
                }
                for index, account in enumerate(accounts)
            ]
        )
        today = fields.Date.context_today(self)
        enrollments = self.env["utility.autopay.enrollment"].create(
            [
                {
                    "account_id": account.id,
                    "bank_id": bank.id,
                    "account_type": "savings" if index % 7 == 3 else "checking",
                    "date_start": account.date_start or today,
                    "is_prenote": index == len(accounts) - 1,
                    "note": "Signed authorization form on file.",
                }
                for index, (account, bank) in enumerate(zip(accounts, banks, strict=True))
            ]
        )
        enrollments.action_confirm()
        if len(enrollments) > 2:
            enrollments[-2].action_cancel(reason="Customer now pays online.")
        return enrollments

    def _demo_autopay_file(self, enrollments):
        """The file of the latest due date already passed (else the next one):
        posted when it has settled, waiting to be sent otherwise."""
        today = fields.Date.context_today(self)
        items = self.env["account.move.line"].search(
            [
                ("utility_account_id", "in", enrollments.account_id.ids),
                ("account_id.account_type", "=", "asset_receivable"),
                ("parent_state", "=", "posted"),
                ("reconciled", "=", False),
                ("amount_residual", ">", 0),
                ("date_maturity", "!=", False),
            ]
        )
        due_dates = sorted(set(items.mapped("date_maturity")))
        if not due_dates:
            return self.env["utility.autopay.file"]
        past = [day for day in due_dates if day <= today]
        date_due = past[-1] if past else due_dates[0]
        try:
            with self.env.cr.savepoint():
                autopay_file = self.env["utility.autopay.file"].create({"date_due": date_due})
                autopay_file.action_generate()
        except UserError:
            return self.env["utility.autopay.file"]  # the demo goes on without a file
        if autopay_file.date_effective <= today and autopay_file.payment_ids:
            autopay_file.action_post()
        return autopay_file

    def _demo_ach_return(self, autopay_file):
        """The bank returned one debit for insufficient funds."""
        payment = autopay_file.payment_ids[:1]
        if not payment:
            return
        today = fields.Date.context_today(self)
        text = (
            "trace_number,reason_code,amount,date\n"
            f"{payment.reference},R01,{payment.amount:.2f},{today.isoformat()}\n"
        )
        returns = self.env["utility.ach.return.file"].create(
            {
                "file_data": base64.b64encode(text.encode()),
                "file_name": f"returns-{today.isoformat()}.csv",
            }
        )
        returns.action_import()
