# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The collection agency in the demo town: two North Side households owing a
bill of last winter (due more than 90 days ago), one referred from Accounts to
Refer by the city's rule, the other by hand with its reason; the agency has
collected 100.00 on the first and remitted it less its 30% fee."""

from odoo import Command, api, fields, models


class UtilityDemoTown(models.AbstractModel):
    _inherit = "utility.demo.town"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _generate_agency(self):
        """Referral by the rule (Union City, IN § 40.03 (B): 90 days past due) and
        a manual referral."""
        billing, accounts = self._demo_plain_north_accounts(
            6, [("arrangement_ids", "=", False), ("is_at_agency", "=", False)]
        )
        if len(accounts) < 6:
            return False  # nothing billed (no chart of accounts)
        by_rule, by_hand = accounts[4], accounts[5]
        today = fields.Date.context_today(self)
        self._demo_old_balances(billing.journal_id, {by_rule: 142.60, by_hand: 88.35}, today)
        preparer = (
            self.env["res.users"].search([("login", "=", "demo_billing")], limit=1) or self.env.user
        )
        company = by_rule.company_id
        company.utility_agency_min_balance = 25.0
        Candidate = self.env["utility.agency.candidate"].with_user(preparer)
        candidates = Candidate.create(Candidate._get_candidate_vals_list(company, today))
        candidates.filtered(lambda c: c.account_id == by_rule).action_refer()
        self.env["utility.agency.referral"].with_user(preparer)._refer(
            by_hand,
            today,
            origin="manual",
            reason="Customer refused every payment arrangement and the notices came back.",
        )
        return self._demo_agency_collection(by_rule, preparer, today)

    def _demo_agency_collection(self, account, preparer, today):
        """The agency collected 100.00 and kept its fee (30.00): its check for
        70.00 is taken at the office, the collection recorded on the referral."""
        company = account.company_id
        if not company.utility_agency_fee_account_id:
            company.utility_agency_fee_account_id = (
                self.env["account.account"]
                .with_company(company)
                .create(
                    {"name": "Collection Agency Fees", "code": "615200", "account_type": "expense"}
                )
            )
        payment = self.env["utility.payment"].create(
            {
                "date": today,
                "partner_id": account.partner_id.id,
                "line_ids": [Command.create({"account_id": account.id, "amount": 70.0})],
            }
        )
        payment.action_post()
        referral = account._get_live_referrals()
        recovery = (
            self.env["utility.write.off.recovery"]
            .with_user(preparer)
            .create(
                {
                    "referral_id": referral.id,
                    "is_agency": True,
                    "amount": 100.0,
                    "date": today,
                    "note": "Agency remittance for the month, check 4471.",
                }
            )
        )
        recovery.action_post()
        return recovery
