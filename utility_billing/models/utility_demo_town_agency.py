# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The collection agency in the demo town: two North Side households owing a
bill of last winter (due more than 90 days ago), one referred from Accounts to
Refer by the city's rule, the other by hand with its reason."""

from odoo import api, fields, models


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
        return True
