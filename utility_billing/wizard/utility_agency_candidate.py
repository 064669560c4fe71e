# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError

BILLING_GROUP = "utility_billing.group_utility_billing"
CLOSED_STATES = ("final_billed", "closed")
VIEW = "utility_billing.utility_agency_candidate_view"


class UtilityAgencyCandidate(models.TransientModel):
    """An account the city's referral rule proposes to the collection agency today
    (Collections > Accounts to Refer).

    The rule (Settings > Utility Billing > Bad Debt Write-offs): the oldest unpaid
    bill due at least *Refer After* days ago (Union City, IN, Code § 40.03 (B): 90
    days past due), a balance of at least *Refer Balances From*, and, when the
    city says so, closed (final-billed) accounts only (Wellston, OK, Code
    § 52.063 (A): a closed account two months past due on the aging report).
    Accounts held by ``_get_collection_holds`` (step ``agency``: bankruptcy stay,
    estate, payment arrangement, level pay current, already at the agency) are
    never proposed. The list is worked out anew each time it is opened; what a
    clerk refers from it is referred once (one live referral per account).
    """

    _name = "utility.agency.candidate"
    _description = "Account to Refer to the Collection Agency"
    _order = "amount_balance desc, days_past_due desc, id"
    _check_company_auto = True

    account_id = fields.Many2one(
        "utility.account", required=True, readonly=True, check_company=True, ondelete="cascade"
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    partner_id = fields.Many2one(related="account_id.partner_id", string="Customer")
    location_id = fields.Many2one(related="account_id.location_id", string="Service Address")
    amount_balance = fields.Monetary(string="Amount", readonly=True)
    amount_past_due = fields.Monetary(string="Past Due", readonly=True)
    days_past_due = fields.Integer(readonly=True)
    date_oldest_due = fields.Date(string="Oldest Unpaid Bill Due", readonly=True)
    date_last_payment = fields.Date(string="Last Payment", readonly=True)
    is_closed = fields.Boolean(string="Closed", readonly=True)
    referral_id = fields.Many2one("utility.agency.referral", readonly=True)

    @api.model
    def _get_candidate_vals_list(self, company, day):
        """What the company's referral rule selects on ``day``, read from the ledger
        in two grouped queries (balances, then past due / last payment), minus the
        held accounts.

        :return: list of values of ``utility.agency.candidate``, largest first
        """
        currency = company.currency_id
        minimum = company.utility_agency_min_balance
        balances = {
            account: amount
            for account, amount in company._get_utility_owing_balances().items()
            if currency.compare_amounts(amount, minimum) >= 0
            and (not company.utility_agency_closed_only or account.state in CLOSED_STATES)
        }
        accounts = self.env["utility.account"].union(*balances)
        facts = accounts._get_shutoff_facts(day)
        selected = accounts.filtered(
            lambda a: (
                facts[a.id]["date_oldest_due"]
                and (day - facts[a.id]["date_oldest_due"]).days >= company.utility_agency_min_days
            )
        )
        holds = selected._get_collection_holds(day, "agency")
        vals_list = []
        for account in selected.filtered(lambda a: a.id not in holds):
            fact = facts[account.id]
            vals_list.append(
                {
                    "account_id": account.id,
                    "company_id": company.id,
                    "amount_balance": balances[account],
                    "amount_past_due": fact["amount_due"],
                    "days_past_due": (day - fact["date_oldest_due"]).days,
                    "date_oldest_due": fact["date_oldest_due"],
                    "date_last_payment": fact["date_last_payment"],
                    "is_closed": account.state in CLOSED_STATES,
                }
            )
        return sorted(vals_list, key=lambda v: (-v["amount_balance"], -v["days_past_due"]))

    @api.model
    def action_open(self):
        """Collections > Accounts to Refer: the rule's accounts of the current
        company today, worked out anew."""
        if not self.env.user.has_group(BILLING_GROUP):
            raise AccessError(self.env._("Only billing staff refer accounts to the agency."))
        self.search([("create_uid", "=", self.env.uid)]).unlink()
        company = self.env.company
        candidates = self.create(
            self._get_candidate_vals_list(company, fields.Date.context_today(self))
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Accounts to Refer"),
            "res_model": self._name,
            "view_mode": "list",
            "views": [(self.env.ref(f"{VIEW}_list").id, "list")],
            "search_view_id": [self.env.ref(f"{VIEW}_search").id],
            "domain": [("id", "in", candidates.ids)],
            "target": "current",
        }

    def action_refer(self):
        """Refer the selected accounts in one batch. Referring is once per account:
        an account already at the agency (a second click) is refused by name and
        nothing is referred."""
        referrals = self.env["utility.agency.referral"]._refer(
            self.account_id, fields.Date.context_today(self), origin="rule"
        )
        by_account = {referral.account_id: referral for referral in referrals}
        for candidate in self:
            candidate.referral_id = by_account[candidate.account_id]
        return True
