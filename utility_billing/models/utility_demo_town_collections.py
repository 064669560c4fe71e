# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Collections in the demo town: the city's late fee rules and South Side's
delinquency run, its late fees posted.

The billing runs of the demo are this month's, so no cycle would be past its
penalty date: South Side's month before is billed first (its run in review is
computed again after it), most customers pay it by its due date, and the
delinquency run of that month charges the others their late fee.
"""

from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models

from ..lib import late_fees


class UtilityDemoTown(models.AbstractModel):
    _inherit = "utility.demo.town"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _generate_collections(self):
        """Late fee rules (10% of the unpaid current charges, $2.00 minimum;
        city buildings exempt) and South Side's delinquency run."""
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
        return self._demo_south_delinquency()

    def _demo_south_delinquency(self, unpaid_every=8):
        """South Side's month before billed and posted, paid on time by all but
        one account in ``unpaid_every``, and its delinquency run computed and
        released three working days after the penalty date (late fees posted).

        The jobs run in this transaction: no queue, and no commit while the
        module installs.
        """
        south = self.env.ref("utility_billing.billing_cycle_south", raise_if_not_found=False)
        if not south:
            return False
        context = {"queue_job__no_delay": True, "utility_billing_run_commit": False}
        Run = self.env["utility.billing.run"].with_context(**context)
        current = Run.search([("cycle_id", "=", south.id), ("state", "=", "rated")], limit=1)
        if not current:
            return False
        today = fields.Date.context_today(self)
        # The month before is billed first: the run in review is computed again after.
        dates = Run._get_cycle_dates(south, current.date_from - relativedelta(months=1))
        keep = {
            name: current[name]
            for name in ("date_from", "date_to", "date_invoice", "date_due", "date_penalty")
        }
        journal = current.journal_id
        current.action_cancel()
        current.unlink()
        before = Run.create(dict(dates, cycle_id=south.id, journal_id=journal.id))
        before.action_compute()
        if not before.ok_count:
            return False
        before.action_post()
        again = Run.create(dict(keep, cycle_id=south.id, journal_id=journal.id))
        again.action_compute()
        bills = before.line_ids.move_id.filtered(lambda m: m.state == "posted").sorted("id")
        self._demo_pay_bills_on_time(
            bills.browse([bill.id for index, bill in enumerate(bills) if index % unpaid_every])
        )
        date_fee = min(late_fees.add_grace_days(before.date_penalty, 3, working_days=True), today)
        run = (
            self.env["utility.delinquency.run"]
            .with_context(**context)
            .create(
                {
                    "cycle_id": south.id,
                    "billing_run_id": before.id,
                    "journal_id": before.journal_id.id,
                    "date_fee": date_fee,
                }
            )
        )
        if run.date_fee > run.date_penalty:
            run.action_compute()
            run.action_release()
        return run

    def _demo_pay_bills_on_time(self, bills):
        """Lockbox payments of ``bills``, three days before they are due."""
        company = self.env.company
        bank = self.env["account.journal"].search(
            [*self.env["account.journal"]._check_company_domain(company), ("type", "=", "bank")],
            limit=1,
        )
        if not bank or not bills.filtered(lambda m: m.amount_residual > 0):
            return self.env["utility.payment"]
        payments = self.env["utility.payment"].create(
            [
                {
                    "date": bill.invoice_date_due - timedelta(days=3),
                    "source": "lockbox",
                    "journal_id": bank.id,
                    "line_ids": [
                        Command.create(
                            {
                                "account_id": bill.utility_account_id.id,
                                "amount": bill.amount_residual,
                            }
                        )
                    ],
                }
                for bill in bills.filtered(lambda m: m.amount_residual > 0)
            ]
        )
        payments.action_post()
        return payments
