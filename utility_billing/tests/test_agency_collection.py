# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .test_agency_rule import AgencyRuleCommon


@tagged("post_install", "-at_install")
class TestAgencyCollection(AgencyRuleCommon):
    """The agency collects on an account it was referred without a write-off.

    Fee: Big Spring, TX, Code: the contracted collection agency's fee is 30
    percent (https://codelibrary.amlegal.com/codes/bigspringtx/latest/bigspring_tx/0-0-0-2494).
    The agency remits the collection less its fee; the receivable is paid by the
    gross: the remitted cash is a payment taken at the office, the fee moves from
    the receivable to the Agency Fee Expense account. Bad debt is not touched.

    - Account 3 owes 33.00 (bill of 04/01/2025). The agency collects all of it:
      fee 30% x 33.00 = 9.90, remitted 33.00 - 9.90 = 23.10. Entry: agency fee
      debit 9.90, receivable credit 9.90; payment 23.10: the account owes 0.00.
    - Account 1 owes 95.50 (not written off here). The agency collects 47.35:
      fee 30% x 47.35 = 14.205, 14.21 to the cent (half up); remitted 33.14.
      Owed after: 95.50 - 14.21 - 33.14 = 48.15.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.fee_account = cls.env["account.account"].create(
            {"name": "Collection Agency Fees", "code": "615200", "account_type": "expense"}
        )
        cls.company.write(
            {"utility_agency_fee_account_id": cls.fee_account.id, "utility_agency_fee_percent": 30}
        )

    def _collection(self, referral, amount, **vals):
        action = referral.with_user(self.preparer).action_record_collection()
        context = {k[8:]: v for k, v in action["context"].items() if k.startswith("default_")}
        return (
            self.env["utility.write.off.recovery"]
            .with_user(self.preparer)
            .create(dict(context, amount=amount, date=date(2025, 6, 2), **vals))
        )

    def _entry(self, recovery):
        return sorted(
            (line.account_id.code, line.debit, line.credit) for line in recovery.move_id.line_ids
        )

    def test_full_collection_pays_the_bill(self):
        referral = self._refer(self.account3)
        self._payment([(self.account3, 23.10)], date=date(2025, 6, 2))
        self.account3.invalidate_recordset()
        self.assertEqual(self.account3.amount_balance, 9.90)
        recovery = self._collection(referral, 33.00)
        self.assertFalse(recovery.line_id)
        self.assertTrue(recovery.is_agency)
        recovery.action_post()
        self.assertEqual(recovery.state, "posted")
        self.assertEqual(recovery.amount_agency_fee, 9.90)
        self.assertEqual(
            self._entry(recovery),
            sorted([(self.fee_account.code, 9.90, 0.0), (self.receivable.code, 0.0, 9.90)]),
        )
        self.account3.invalidate_recordset()
        self.assertEqual(self.account3.amount_balance, 0.0)
        self.assertIn(self.bill3.payment_state, ("paid", "in_payment"))
        # Bad debt is not touched: nothing was written off.
        self.assertEqual(self._expense_movement(), (0.0, 0.0))
        self.assertEqual(referral.amount_collected, 33.00)
        # Paid in full by the agency's collection: flagged for the clerk to recall.
        self.assertEqual(referral.date_paid, date(2025, 6, 2))

    def test_partial_collection_rounds_the_fee_half_up(self):
        referral = self._refer(self.account)
        # Recorded before the agency's check is taken: the order does not matter.
        recovery = self._collection(referral, 47.35)
        recovery.action_post()
        self.assertEqual(recovery.amount_agency_fee, 14.21)
        self.assertEqual(
            self._entry(recovery),
            sorted([(self.fee_account.code, 14.21, 0.0), (self.receivable.code, 0.0, 14.21)]),
        )
        self.account.invalidate_recordset()
        self.assertEqual(self.account.amount_balance, 81.29)
        self._payment([(self.account, 33.14)], date=date(2025, 6, 2))
        self.account.invalidate_recordset()
        self.assertEqual(self.account.amount_balance, 48.15)
        self.assertIn(referral.state, ("referred", "exported"))
        self.assertFalse(referral.date_paid)

    def test_bad_input_posts_nothing(self):
        referral = self._refer(self.account3)
        not_agency = self._collection(referral, 33.00, is_agency=False)
        with self.assertRaisesRegex(UserError, "was not written off"):
            not_agency.action_post()
        too_much = self._collection(referral, 200.00)
        with self.assertRaisesRegex(UserError, "more than"):
            too_much.action_post()
        with self.assertRaisesRegex(ValidationError, "Choose the written-off account"):
            self.env["utility.write.off.recovery"].with_user(self.preparer).create(
                {"amount": 10.0, "is_agency": True}
            )
        recalled = self._collection(referral, 33.00)
        referral.with_user(self.preparer).action_recall()
        with self.assertRaisesRegex(UserError, "no longer at the agency"):
            recalled.action_post()
        self.company.utility_agency_fee_account_id = False
        with self.assertRaisesRegex(UserError, "agency fee expense account"):
            self._collection(self._refer(self.account2), 10.00).action_post()
        recoveries = not_agency | too_much | recalled
        self.assertEqual(set(recoveries.mapped("state")), {"draft"})
        self.assertFalse(recoveries.move_id)
        self.assertEqual(self.account3.amount_balance, 33.00)

    def test_demo_town_agency_collection(self):
        """The demo's generator: a winter bill of 142.60 referred, the agency
        collected 100.00: fee 30.00, remitted 70.00; 42.60 still owed."""
        today = date(2025, 6, 1)
        demo = self.env["utility.demo.town"]
        fresh = self._make_accounts(1, readings=False, prefix="DAG")
        demo._demo_old_balances(self.journal, {fresh: 142.60}, today)
        referral = self._refer(fresh)
        recovery = demo._demo_agency_collection(fresh, self.preparer, today)
        self.assertEqual((recovery.state, recovery.amount_agency_fee), ("posted", 30.0))
        self.assertEqual(referral.amount_collected, 100.0)
        fresh.invalidate_recordset()
        self.assertEqual(fresh.amount_balance, 42.60)
