# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common_payment import PaymentCommon


@tagged("post_install", "-at_install")
class TestPaymentAllocation(PaymentCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.old_bill = cls._post_bill(
            cls.account, date(2025, 1, 15), {cls.water: 40.0, cls.garbage: 15.0}
        )
        cls.new_bill = cls._post_bill(
            cls.account, date(2025, 2, 15), {cls.water: 30.0, cls.sewer: 20.0}
        )

    def _allocations(self, payment):
        return sorted(
            (a.bill_id.id, a.service_type_id.code, a.amount) for a in payment.allocation_ids
        )

    def test_partial_payment_pays_the_oldest_bill_first(self):
        payment = self._payment([(self.account, 70.0)])
        self.assertEqual(payment.state, "posted")
        self.assertTrue(payment.name.startswith("RCPT/"))
        self.assertEqual(self.old_bill.payment_state, "paid")
        self.assertEqual(self.new_bill.payment_state, "partial")
        self.assertAlmostEqual(self.new_bill.amount_residual, 35.0)
        self.assertEqual(
            self._allocations(payment),
            sorted(
                [
                    (self.old_bill.id, "GARBAGE", 15.0),
                    (self.old_bill.id, "WATER", 40.0),
                    (self.new_bill.id, "SEWER", 15.0),
                ]
            ),
        )
        self.assertAlmostEqual(self.account.amount_balance, 35.0)
        # The entry: undeposited funds debited, the receivable credited per bill.
        move = payment.move_id
        self.assertEqual(move.state, "posted")
        debit = move.line_ids.filtered(lambda line: line.debit)
        self.assertEqual(debit.account_id, self.company._get_utility_undeposited_account())
        self.assertAlmostEqual(debit.debit, 70.0)
        self.assertEqual(sorted(move.line_ids.filtered("credit").mapped("credit")), [15.0, 55.0])

    def test_second_payment_continues_where_the_first_stopped(self):
        self._payment([(self.account, 60.0)])
        second = self._payment([(self.account, 45.0)])
        self.assertEqual(self.new_bill.payment_state, "paid")
        self.assertAlmostEqual(second.line_ids.amount_credit, 0.0)
        # 5 left on the new bill's sewer after the first payment, then its water.
        self.assertEqual(
            self._allocations(second),
            sorted([(self.new_bill.id, "SEWER", 15.0), (self.new_bill.id, "WATER", 30.0)]),
        )

    def test_overpayment_stays_as_credit_on_the_account(self):
        payment = self._payment([(self.account, 120.0)])
        self.assertAlmostEqual(payment.line_ids.amount_credit, 15.0)
        self.assertAlmostEqual(self.account.amount_balance, -15.0)
        self.assertEqual(self.new_bill.payment_state, "paid")
        credit = payment.move_id.line_ids.filtered(
            lambda line: line.credit and not line.utility_paid_item_id
        )
        self.assertAlmostEqual(credit.credit, 15.0)
        self.assertEqual(credit.utility_account_id, self.account)
        self.assertFalse(credit.reconciled)

    def test_service_priority_policy(self):
        self.company.utility_payment_allocation = "priority"
        payment = self._payment([(self.account, 40.0)])
        # Sewer (10) on every bill, then garbage (20), then water (30).
        self.assertEqual(
            self._allocations(payment),
            sorted(
                [
                    (self.new_bill.id, "SEWER", 20.0),
                    (self.old_bill.id, "GARBAGE", 15.0),
                    (self.old_bill.id, "WATER", 5.0),
                ]
            ),
        )
        self.assertAlmostEqual(self.new_bill.amount_residual, 30.0)
        self.assertAlmostEqual(self.old_bill.amount_residual, 35.0)

    def test_several_accounts_and_a_misc_receipt_in_one_transaction(self):
        bill2 = self._post_bill(self.account2, date(2025, 2, 15), {self.garbage: 15.0})
        permit_account = self.env["account.account"].create(
            {"code": "42900", "name": "Permit revenue", "account_type": "income_other"}
        )
        permit = self.env["utility.misc.receipt.type"].create(
            {"name": "Building permit", "code": "PERMIT", "account_id": permit_account.id}
        )
        payment = self._payment(
            [(self.account, 55.0), (self.account2, 15.0), (permit, 25.0)], tender="check"
        )
        self.assertAlmostEqual(payment.amount, 95.0)
        self.assertEqual(self.old_bill.payment_state, "paid")
        self.assertEqual(bill2.payment_state, "paid")
        permit_line = payment.move_id.line_ids.filtered(
            lambda line: line.account_id == permit_account
        )
        self.assertAlmostEqual(permit_line.credit, 25.0)
        self.assertEqual(
            set(payment.move_id.line_ids.filtered("credit").utility_account_id.ids),
            {self.account.id, self.account2.id},
        )

    def test_grouped_payments_share_one_entry(self):
        bill2 = self._post_bill(self.account2, date(2025, 2, 15), {self.garbage: 15.0})
        payments = self._post_lockbox_payments([(self.account, 10.0), (self.account2, 15.0)])
        self.assertEqual(len(payments.move_id), 1)
        self.assertEqual(bill2.payment_state, "paid")
        bank_line = payments.move_id.line_ids.filtered("debit")
        self.assertAlmostEqual(bank_line.debit, 25.0)
        self.assertNotEqual(bank_line.account_id, self.company._get_utility_undeposited_account())
        self.assertEqual(len(set(payments.mapped("name"))), 2)

    def test_bad_payments_are_refused_with_every_reason(self):
        with self.assertRaisesRegex(ValidationError, "either a utility account"), \
                self.cr.savepoint():  # fmt: skip
            self.env["utility.payment"].create({"line_ids": [(0, 0, {"amount": 10.0})]})
        with self.assertRaisesRegex(ValidationError, "positive amount"), self.cr.savepoint():
            self._payment([(self.account, -5.0)], post=False)
        empty = self.env["utility.payment"].create({})
        done = self._payment([(self.account, 5.0)])
        with self.assertRaisesRegex(UserError, r"(?s)pays nothing.*already posted"), \
                self.cr.savepoint():  # fmt: skip
            (empty | done).action_post()
        with self.assertRaisesRegex(UserError, "never deleted"), self.cr.savepoint():
            done.unlink()
        self.assertAlmostEqual(self.account.amount_balance, 100.0)

    def test_credit_pays_the_next_bill(self):
        payment = self._payment([(self.account, 120.0)])
        self.assertAlmostEqual(payment.line_ids.amount_credit, 15.0)
        third = self._post_bill(
            self.account, date(2025, 3, 15), {self.water: 10.0, self.sewer: 8.0}
        )
        paid = self.env["utility.payment.poster"]._apply_open_credits(self.accounts)
        self.assertEqual(paid, third)
        self.assertAlmostEqual(third.amount_residual, 3.0)
        self.assertAlmostEqual(self.account.amount_balance, 3.0)
        # Sewer (priority 10) before water inside the bill.
        self.assertIn((third.id, "SEWER", 8.0), self._allocations(payment))
        self.assertIn((third.id, "WATER", 7.0), self._allocations(payment))
        # Nothing left to apply: a second call changes nothing.
        self.assertFalse(self.env["utility.payment.poster"]._apply_open_credits(self.accounts))
        self.assertEqual(len(payment.allocation_ids), 6)

    def test_billing_run_applies_an_open_credit_to_the_new_bill(self):
        # A customer paid ahead, before any bill: 20.00 of credit.
        account, other = self._make_accounts(2, prefix="CRD")
        payment = self._payment([(account, 20.0)], date=date(2025, 1, 20))
        self.assertAlmostEqual(payment.line_ids.amount_credit, 20.0)
        run = self._new_run()
        run.action_compute()
        run.action_post()
        bill = run.move_ids.filtered(lambda move: move.utility_account_id == account)
        # The cycle bill (74.00: water 26.00, sewer 33.00, garbage 15.00) is paid
        # down by the credit at once, sewer (priority 10) first.
        self.assertAlmostEqual(bill.amount_total, 74.0)
        self.assertAlmostEqual(bill.amount_residual, 54.0)
        self.assertEqual(bill.payment_state, "partial")
        self.assertAlmostEqual(account.amount_balance, 54.0)
        self.assertEqual(self._allocations(payment), [(bill.id, "SEWER", 20.0)])
        # The other accounts of the run had no credit: their bills stay unpaid.
        other_bill = run.move_ids.filtered(lambda move: move.utility_account_id == other)
        self.assertEqual(other_bill.payment_state, "not_paid")
