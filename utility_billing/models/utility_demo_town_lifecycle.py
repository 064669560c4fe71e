# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Move-ins, move-outs and customer deposits in the demo town.

Renters pay a $50 deposit (Tempe, AZ's rule), commercial customers twice their
average bill; a few residential deposits have been held for over a year by
customers who pay on time: the daily check proposed their refund and one was
released (applied to the balance, the rest refunded).

Three North Side tenants left this month: one had paid ahead, so the final
bill went to her forwarding address and the credit left was refunded, and a
newcomer moved in the same day on the meter as it stood; one rented from a
landlord, so service reverted to the owner; the third left a balance for
collections, and water has run through the meter of the empty house since:
it is on the vacancy list.
"""

from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models


class UtilityDemoTown(models.AbstractModel):
    _inherit = "utility.demo.town"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _generate_lifecycle(self):
        company = self.env.company
        bank = self.env["account.journal"].search(
            [*self.env["account.journal"]._check_company_domain(company), ("type", "=", "bank")],
            limit=1,
        )
        if not bank:
            return False  # no chart of accounts: nothing can be posted
        accounts = (
            self.env["utility.account"]
            .search(
                [
                    ("cycle_id", "=", self.env.ref("utility_billing.billing_cycle_north").id),
                    ("state", "=", "active"),
                    ("customer_class.code", "=", "residential"),
                    ("is_autopay", "=", False),
                    ("move_ids", "!=", False),
                ],
                order="name desc",
            )
            .filtered(lambda a: a.service_ids.meter_id)
        )
        with_owner = accounts.filtered("location_id.owner_id")[:1]
        others = (accounts - with_owner)[:2]
        if len(others) < 2:
            return False
        refunded, vacated = others
        self._demo_deposit_rules(company)
        self._demo_deposits_held(accounts - with_owner - others, bank)
        self._demo_move_out_with_refund(refunded, bank)
        if with_owner:
            with_owner._move_out(
                self._demo_move_out_date(with_owner),
                self._demo_final_reads(with_owner),
                revert_to_owner=True,
            )
        self._demo_vacancy(vacated)
        return True

    def _demo_deposit_rules(self, company):
        Rule = self.env["utility.deposit.rule"]
        if Rule.search_count(Rule._check_company_domain(company)):
            return
        Rule.create(
            [
                {
                    "name": "Residential renters",
                    "customer_class": self.env.ref("utility_billing.customer_class_residential").id,
                    "tenancy": "tenant",
                    "method": "flat",
                    "amount": 50.0,
                    "installment_count": 2,
                },
                {
                    "name": "Commercial",
                    "customer_class": self.env.ref("utility_billing.customer_class_commercial").id,
                    "method": "average_bill",
                    "multiplier": 2.0,
                    "amount": 150.0,
                },
            ]
        )

    def _demo_deposits_held(self, accounts, bank):
        """Six deposits paid over a year ago; the daily check proposes their refund
        and the first is released."""
        Deposit = self.env["utility.customer.deposit"]
        accounts = accounts[:6]
        if not accounts:
            return Deposit
        day = fields.Date.context_today(self) - relativedelta(months=14)
        deposits = Deposit.concat(*(Deposit._bill(a, 50.0, day) for a in accounts))
        payments = self.env["utility.payment"].create(
            [
                {
                    "date": day + timedelta(days=3),
                    "source": "lockbox",
                    "journal_id": bank.id,
                    "line_ids": [(0, 0, {"account_id": a.id, "amount": 50.0})],
                }
                for a in accounts
            ]
        )
        payments.action_post()
        proposed = Deposit._cron_propose_refunds()
        proposed[:1].action_release()
        return deposits

    def _demo_move_out_date(self, account):
        return max(account.service_ids.meter_id.mapped("last_reading_date")) + timedelta(days=3)

    def _demo_final_reads(self, account, used=600.0):
        return {meter.id: meter.last_reading_value + used for meter in account.service_ids.meter_id}

    def _demo_move_out_with_refund(self, account, bank):
        """A $50 deposit, 40.00 more than owed paid by mail, moved out: the deposit
        and the credit paid the final bill, the rest refunded; a newcomer moves in
        and pays her deposit in two installments."""
        day = self._demo_move_out_date(account)
        self.env["utility.customer.deposit"]._bill(account, 50.0, account.date_start or day)
        account.invalidate_recordset(["amount_balance"])
        payment = self.env["utility.payment"].create(
            {
                "date": day - timedelta(days=1),
                "source": "lockbox",
                "journal_id": bank.id,
                "line_ids": [
                    (0, 0, {"account_id": account.id, "amount": account.amount_balance + 40.0})
                ],
            }
        )
        payment.action_post()
        account._move_out(
            day,
            self._demo_final_reads(account),
            forwarding={"street": "2207 Elm Avenue", "city": "Cedar Falls", "zip": "50613"},
            settlement="refund",
            refund_journal=bank,
        )
        location = account.location_id
        newcomer = self.env["res.partner"].create(
            {"name": "Maya Lindqvist", "email": "maya.lindqvist@example.com"}
        )
        new = self.env["utility.account"]._move_in(
            location, newcomer, day, location._prepare_services_from(account), is_paperless=True
        )
        new._require_deposit(50.0, day, installments=2)
        new._send_letter("utility_billing.mail_template_utility_welcome")
        return new

    def _demo_vacancy(self, account):
        """Moved out owing; the empty house's meter keeps turning."""
        day = self._demo_move_out_date(account)
        reads = self._demo_final_reads(account)
        account._move_out(day, reads, settlement="keep")
        self.env["utility.meter.reading"].create(
            [
                {"meter_id": meter_id, "date": day + timedelta(days=9), "value": value + 1800.0}
                for meter_id, value in reads.items()
            ]
        )
