# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Collections in the demo town: the city's late fee rules and the delinquency
run of North Side's posted bills.

The demo's bills are dated this month, so no cycle is past its penalty date
yet: the run waits in draft for it (Compute refuses before the penalty date).
"""

from odoo import api, models


class UtilityDemoTown(models.AbstractModel):
    _inherit = "utility.demo.town"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _generate_collections(self):
        """Late fee rules (10% of the unpaid current charges, $2.00 minimum;
        city buildings exempt) and North Side's delinquency run."""
        company = self.env.company
        Account = self.env["account.account"].with_company(company)
        if not Account.search_count([("company_ids", "in", company.ids)], limit=1):
            return False  # no chart of accounts: nothing can be posted
        income = Account.search(
            [("code", "=", "400190"), ("company_ids", "in", company.ids)], limit=1
        ) or Account.create({"code": "400190", "name": "Late Fees", "account_type": "income"})
        self.env["utility.late.fee.rule"].create(
            [
                {
                    "name": "Late fee: 10% of unpaid current charges",
                    "base": "current",
                    "percent": 10.0,
                    "amount_min": 2.0,
                    "grace_days": 2,
                    "grace_day_kind": "working",
                    "income_account_id": income.id,
                    "note": "Modelled on Hagerstown, MD: 10% of the charges not paid by "
                    "the due date.",
                },
                {
                    "name": "City buildings: no late fee",
                    "customer_class": self.env.ref(
                        "utility_billing.customer_class_institutional"
                    ).id,
                    "is_exempt": True,
                },
            ]
        )
        north = self.env.ref("utility_billing.billing_cycle_north", raise_if_not_found=False)
        billing = self.env["utility.billing.run"].search(
            [("cycle_id", "=", north.id if north else False), ("state", "=", "posted")],
            order="date_penalty desc",
            limit=1,
        )
        if not billing:
            return False
        run = self.env["utility.delinquency.run"].create(
            {
                "cycle_id": billing.cycle_id.id,
                "billing_run_id": billing.id,
                "journal_id": billing.journal_id.id,
            }
        )
        if run.date_fee > run.date_penalty:
            run.with_context(
                queue_job__no_delay=True, utility_billing_run_commit=False
            ).action_compute()
        return run
