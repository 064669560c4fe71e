# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Additional deposits: after N late payments (daily check) or a disconnect,
billed to Customer Deposits (a liability), proven on the posted entry.

Published rules:
- Riverton, IL, § 50.008 (https://codelibrary.amlegal.com/codes/riverton/latest/
  riverton_il/0-0-0-1321): a customer without an acceptable payment history (three
  delinquencies, or a collection / disconnection order, in the previous year) pays a
  deposit of "the monthly average of the previous 12 months ... but not less than
  $100";
- Fort Bend County MUD 47 (https://www.fbmud47.org/ufaq/i-just-moved-into-the-district-
  and-need-to-start-water-service-what-should-i-do-is-there-a-fee-to-start-water-service):
  residential deposits by meter size, 5/8" - 3/4" $150.00, 1" and larger $200.00;
- Enid, OK, 8-1-7: customers whose service is terminated "may be required to
  immediately pay a deposit".

Fixtures of ``BillingCommon``: 7 kgal a month bills 74.00 (water 26.00, sewer
33.00, garbage 15.00).
"""

from datetime import date

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common_billing import BillingCommon


@tagged("post_install", "-at_install")
class TestDepositExtra(BillingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.liability = cls.company._get_utility_deposit_account()
        cls.account = cls._make_accounts(1, prefix="DX")
        cls.account.date_start = date(2024, 1, 1)
        cls.location = cls.account.location_id
        cls.meter = cls.account.service_ids.meter_id

    def _rule(self, **vals):
        rule = self.env["utility.deposit.rule"].create(dict({"name": "Delinquent"}, **vals))
        # The premise's own class, whatever its configuration.
        rule.customer_class = self.location.customer_class
        return rule

    def _three_unpaid_bills(self):
        """February, March and April bills of 74.00, none paid: due March 7,
        April 4 and May 4."""
        for month, day, value in (
            (2, None, None),
            (3, date(2025, 3, 3), 114.0),
            (4, date(2025, 4, 3), 121.0),
        ):
            if day:
                self._read_meters(self.meter, day, [value])
            run = self._new_run(
                date_from=date(2025, month, 1),
                date_to=date(2025, month, 10),
                date_invoice=date(2025, month, 15),
                date_due=date(2025, month + 1, 4 if month != 2 else 7),
                date_penalty=date(2025, month + 1, 10),
            )
            run.action_compute()
            run.action_post()
            self.assertAlmostEqual(run.move_ids.amount_total, 74.0)

    def _deposit_entry(self, deposit):
        move = deposit.move_ids
        self.assertEqual(move.state, "posted")
        self.env.flush_all()
        return {line.account_id: round(line.balance, 2) for line in move.line_ids}

    def test_three_late_payments_propose_the_average_bill_deposit(self):
        """Riverton: three bills of 74.00 paid late in 12 months. The average,
        74.00, is under the $100 floor: the deposit is 100.00, proposed by the
        daily check, billed by a CSR as a debit of the receivable and a credit
        of Customer Deposits (never revenue)."""
        self._rule(method="average_bill", multiplier=1.0, amount=100.0, extra_late_count=3)
        self._three_unpaid_bills()
        Account = self.env["utility.account"]
        # April 20: two bills are past due (March 7, April 4): not yet.
        with freeze_time("2025-04-20"):
            self.assertFalse(Account._cron_propose_extra_deposits())
        self.assertFalse(self.account.amount_deposit_proposed)
        with freeze_time("2025-05-20"):
            self.assertEqual(Account._cron_propose_extra_deposits(), self.account)
            self.assertEqual(self.account.amount_deposit_proposed, 100.0)
            self.assertIn("3 bills paid late", self.account.deposit_proposed_reason)
            # Nobody types a proposal in, nor bills without one.
            with self.assertRaises(UserError):
                self.account.with_user(self.csr).write({"amount_deposit_proposed": 10.0})
            deposit = self.account.with_user(self.csr).action_bill_extra_deposit()
        self.assertEqual((deposit.state, deposit.amount), ("billed", 100.0))
        self.assertEqual(
            self._deposit_entry(deposit),
            {self.receivable: 100.0, self.liability: -100.0},
        )
        self.assertFalse(self.account.amount_deposit_proposed)
        self.assertEqual(self.account.amount_deposit, 100.0)
        # Held now: the next daily check asks nothing more.
        with freeze_time("2025-05-21"):
            self.assertFalse(Account._cron_propose_extra_deposits())
        with self.assertRaisesRegex(UserError, "No additional deposit"):
            self.account.with_user(self.csr).action_bill_extra_deposit()

    def test_a_disconnect_proposes_the_meter_size_deposit(self):
        """Fort Bend MUD 47 by meter size: 150.00 for the account's meter (200.00
        for 1" and larger, the rule's amount); Enid: asked on termination."""
        rule = self._rule(method="meter_size", amount=200.0, is_extra_on_disconnect=True)
        line = self.env["utility.deposit.rule.line"].create({"rule_id": rule.id, "amount": 150.0})
        line.meter_size = self.meter.size
        order = self.env["utility.work.order"]._create_for("disconnect", self.account)
        order._apply_disconnect(fields.Datetime.now())
        self.assertEqual(self.account.amount_deposit_proposed, 150.0)
        self.assertIn("disconnected", self.account.deposit_proposed_reason)
        with self.assertRaises(AccessError):
            self.account.with_user(self.csr).action_dismiss_extra_deposit()
        deposit = self.account.with_user(self.csr).action_bill_extra_deposit()
        self.assertEqual(
            self._deposit_entry(deposit),
            {self.receivable: 150.0, self.liability: -150.0},
        )

    def test_no_rule_for_it_proposes_nothing(self):
        # A rule without the disconnect option; a supervisor may dismiss a proposal.
        self._rule(method="flat", amount=50.0)
        order = self.env["utility.work.order"]._create_for("disconnect", self.account)
        order._apply_disconnect(fields.Datetime.now())
        self.assertFalse(self.account.amount_deposit_proposed)
