# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common_cashier import CashierCommon


@tagged("post_install", "-at_install")
class TestPaymentVoid(CashierCommon):
    def _assert_voided(self, payment, requester, approver=None):
        self.assertEqual(payment.state, "void")
        self.assertFalse(payment.is_void_requested)
        self.assertEqual(payment.void_requested_by_id, requester)
        self.assertEqual(payment.void_approved_by_id, approver or self.env["res.users"])
        self.assertTrue(payment.date_void_requested)
        self.assertTrue(payment.date_void)
        reversal = payment.void_move_id
        self.assertEqual(reversal.state, "posted")
        self.assertEqual(reversal.reversed_entry_id, payment.move_id)
        self.assertFalse(payment.allocation_ids.filtered("is_active"))
        # Every line of the payment's entry is matched by its reversal.
        self.assertTrue(
            all(line.reconciled for line in payment.move_id.line_ids if line.account_id.reconcile)
        )

    def test_the_cashier_voids_in_the_open_session(self):
        _wizard, payment = self._receive([(self.account, 70.0)])
        self.assertEqual(self.old_bill.payment_state, "paid")
        self.assertAlmostEqual(self._balance(self.account), 35.0)
        self._void(payment, reason="Keyed on the wrong account")
        self._assert_voided(payment, self.cashier)
        self.assertEqual(payment.void_reason, "Keyed on the wrong account")
        # The bills are owed again, to the cent.
        self.assertEqual(self.old_bill.payment_state, "not_paid")
        self.assertAlmostEqual(self.old_bill.amount_residual, 55.0)
        self.assertAlmostEqual(self.new_bill.amount_residual, 50.0)
        self.assertAlmostEqual(self._balance(self.account), 105.0)
        self.assertIn("Payment voided", payment.message_ids[0].body)
        # A voided payment is not in the drawer any more.
        self.assertEqual(self.session.amount_taken_cash, 0.0)
        self.assertEqual(self.session.void_count, 1)
        # The next payment allocates against what is owed again.
        _wizard, again = self._receive([(self.account, 55.0)])
        self.assertEqual(self.old_bill.payment_state, "paid")
        self.assertEqual(
            sorted((a.service_type_id.code, a.amount) for a in again.allocation_ids),
            [("GARBAGE", 15.0), ("WATER", 40.0)],
        )

    def test_an_overpayment_is_voided_with_its_credit(self):
        _wizard, payment = self._receive([(self.account, 130.0)])
        self.assertAlmostEqual(self._balance(self.account), -25.0)
        self._void(payment)
        self.assertAlmostEqual(self._balance(self.account), 105.0)

    def test_a_void_needs_a_reason_and_a_posted_payment(self):
        _wizard, payment = self._receive([(self.account, 10.0)])
        with self.assertRaisesRegex(UserError, "A void needs a reason"), self.cr.savepoint():
            payment.with_user(self.cashier)._request_void("  ")
        self._void(payment)
        with self.assertRaisesRegex(UserError, "only a posted payment is voided"), \
                self.cr.savepoint():  # fmt: skip
            self._void(payment)

    def test_after_close_a_supervisor_approves(self):
        _wizard, payment = self._receive([(self.account, 70.0)])
        self._count(cash=[(100.0, 1), (50.0, 1), (20.0, 1)])
        self.assertEqual(self.session.state, "closed")
        self._void(payment, reason="Customer paid twice")
        self.assertEqual(payment.state, "posted", "it waits for a supervisor")
        self.assertTrue(payment.is_void_requested)
        self.assertEqual(payment.void_requested_by_id, self.cashier)
        self.assertEqual(self.old_bill.payment_state, "paid")
        self.assertIn("waiting for a supervisor", payment.message_ids[0].body)
        with self.assertRaisesRegex(UserError, "already waits"), self.cr.savepoint():
            self._void(payment)
        with self.assertRaises(AccessError), self.cr.savepoint():
            payment.with_user(self.cashier).action_approve_void()
        payment.with_user(self.supervisor).action_approve_void()
        self._assert_voided(payment, self.cashier, self.supervisor)
        self.assertEqual(self.old_bill.payment_state, "not_paid")
        self.assertIn("approved by Sue", payment.message_ids[0].body)
        # The count of the closed drawer does not move.
        self.assertAlmostEqual(self.session.amount_expected_cash, 170.0)
        self.assertAlmostEqual(self.session.amount_over_short, 0.0)

    def test_nobody_approves_their_own_void(self):
        _wizard, payment = self._receive([(self.account, 20.0)])
        self._count(cash=[(100.0, 1), (20.0, 1)])
        self._void(payment, reason="Wrong account", user=self.supervisor)
        self.assertTrue(payment.is_void_requested)
        with self.assertRaisesRegex(UserError, "nobody approves their own void"), \
                self.cr.savepoint():  # fmt: skip
            payment.with_user(self.supervisor).action_approve_void()
        self.assertEqual(payment.state, "posted")
        payment.with_user(self.supervisor2).action_approve_void()
        self._assert_voided(payment, self.supervisor, self.supervisor2)

    def test_a_supervisor_rejects_a_void(self):
        _wizard, payment = self._receive([(self.account, 20.0)])
        self._count(cash=[(100.0, 1), (20.0, 1)])
        self._void(payment)
        with self.assertRaises(AccessError), self.cr.savepoint():
            payment.with_user(self.cashier).action_reject_void()
        payment.with_user(self.supervisor).action_reject_void()
        self.assertFalse(payment.is_void_requested)
        self.assertEqual(payment.state, "posted")
        self.assertIn("rejected by Sue", payment.message_ids[0].body)
        with self.assertRaisesRegex(UserError, "no void request"), self.cr.savepoint():
            payment.with_user(self.supervisor2).action_approve_void()

    def test_a_supervisor_voids_an_open_drawers_payment_at_once(self):
        _wizard, payment = self._receive([(self.account, 20.0)])
        self._void(payment, user=self.supervisor)
        self._assert_voided(payment, self.supervisor)

    def test_every_void_approved_when_the_city_says_so(self):
        self.company.utility_void_approval = "always"
        _wizard, payment = self._receive([(self.account, 20.0)])
        wizard = (
            self.env["utility.payment.void"]
            .with_user(self.cashier)
            .create({"payment_ids": [Command.set(payment.ids)], "reason": "Twice"})
        )
        self.assertTrue(wizard.needs_approval)
        wizard.action_confirm()
        self.assertTrue(payment.is_void_requested)
        payment.with_user(self.supervisor).action_approve_void()
        self._assert_voided(payment, self.cashier, self.supervisor)

    def test_a_cashier_cannot_void_another_cashiers_payment(self):
        other = self._open_session(self.cashier2)
        _wizard, payment = self._receive([(self.account, 20.0)], user=self.cashier2, session=other)
        with self.assertRaises(AccessError), self.cr.savepoint():
            self._void(payment, user=self.cashier)
        self.assertEqual(payment.state, "posted")

    def test_void_fields_are_written_by_the_void_only(self):
        _wizard, payment = self._receive([(self.account, 20.0)])
        for vals in (
            {"state": "void"},
            {"void_approved_by_id": self.cashier.id},
            {"is_void_requested": True},
        ):
            with self.assertRaises(AccessError), self.cr.savepoint():
                payment.with_user(self.cashier).write(vals)
        self.assertEqual(payment.state, "posted")

    def test_a_payment_sharing_its_entry_is_returned_not_voided(self):
        payments = self._post_lockbox_payments([(self.account, 10.0), (self.account, 15.0)])
        with self.assertRaisesRegex(UserError, "shares its journal entry"), self.cr.savepoint():
            payments[0].with_user(self.supervisor)._request_void("Duplicate")
        self.assertEqual(payments.mapped("state"), ["posted", "posted"])

    def test_a_deposited_payment_is_not_voided(self):
        _wizard, payment = self._receive([(self.account, 20.0)])
        self._count(cash=[(100.0, 1), (20.0, 1)])
        undeposited = self.company._get_utility_undeposited_account()
        deposit = self.env["account.move"].create(
            {
                "move_type": "entry",
                "journal_id": self.company._get_utility_receipt_journal().id,
                "line_ids": [
                    Command.create(
                        {
                            "account_id": self.company_data[
                                "default_journal_bank"
                            ].default_account_id.id,
                            "debit": 20.0,
                        }
                    ),
                    Command.create({"account_id": undeposited.id, "credit": 20.0}),
                ],
            }
        )
        deposit.action_post()
        (
            deposit.line_ids.filtered(lambda line: line.account_id == undeposited)
            | payment.move_id.line_ids.filtered(lambda line: line.account_id == undeposited)
        ).reconcile()
        with self.assertRaisesRegex(UserError, "already deposited"), self.cr.savepoint():
            self._void(payment, user=self.supervisor)
        self.assertEqual(payment.state, "posted")

    def test_a_voided_payments_reference_can_be_used_again(self):
        # The terminal's reference is on the payment before it posts (posted is final).
        Payment = self.env["utility.payment"].with_user(self.cashier)
        vals = {
            "session_id": self.session.id,
            "tender": "cash",
            "reference": "TERM-42",
            "line_ids": [Command.create({"account_id": self.account.id, "amount": 20.0})],
        }
        payment = Payment.create(vals)
        payment.action_post()
        self._void(payment)
        again = Payment.create(vals)
        again.action_post()
        self.env.flush_all()
        self.assertEqual(again.state, "posted")
