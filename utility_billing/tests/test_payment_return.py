# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Returned payments (NSF): the money reversed, the bills owed again, the fee, the
notice, and cash only after too many returns in 12 months."""

from datetime import date, timedelta
from unittest.mock import patch

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common_autopay import AutopayCommon

RECEIVED = date(2025, 3, 1)
RETURNED = date(2025, 3, 5)


@tagged("post_install", "-at_install")
class TestPaymentReturn(AutopayCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bill = cls._post_bill(
            cls.account, date(2025, 1, 15), {cls.water: 40.0, cls.garbage: 15.0}
        )
        cls.bill_later = cls._post_bill(cls.account, date(2025, 2, 15), {cls.water: 30.0})
        cls.bill2 = cls._post_bill(cls.account2, date(2025, 1, 15), {cls.sewer: 20.0})
        cls.fee_account = cls.env["account.account"].create(
            {"code": "459100", "name": "NSF fees", "account_type": "income_other"}
        )
        cls.company.utility_nsf_fee_account_id = cls.fee_account

    def _balance(self, account):
        """Balance of a general ledger account over all posted entries."""
        lines = self.env["account.move.line"].search(
            [("account_id", "=", account.id), ("parent_state", "=", "posted")]
        )
        return round(sum(lines.mapped("balance")), 2)

    # ------------------------------------------------------------------
    # The money
    # ------------------------------------------------------------------
    def test_returned_check_reverses_its_entry_and_bills_the_fee(self):
        check = self._check_payment(self.account, 70.0, RECEIVED)
        self.assertEqual(self.bill.payment_state, "paid")
        self.assertAlmostEqual(self.bill_later.amount_residual, 15.0)
        undeposited = self.company._get_utility_undeposited_account()
        self.assertAlmostEqual(self._balance(undeposited), 70.0)

        check._return_payments("nsf", date_returned=RETURNED, note="Returned item 4411")

        self.assertEqual(check.state, "returned")
        self.assertEqual(check.return_reason, "nsf")
        self.assertEqual(check.return_note, "Returned item 4411")
        self.assertEqual(check.date_returned, RETURNED)
        self.assertEqual(check.returned_by_id, self.env.user)
        self.assertFalse(any(check.allocation_ids.mapped("is_active")))
        # Odoo's reversal of the check's own entry: the bills are owed again.
        reversal = check.return_move_id
        self.assertEqual(reversal.reversed_entry_id, check.move_id)
        self.assertEqual(reversal.date, RETURNED)
        self.assertEqual(reversal.state, "posted")
        self.assertEqual(self.bill.payment_state, "not_paid")
        self.assertAlmostEqual(self.bill.amount_residual, 55.0)
        self.assertAlmostEqual(self.bill_later.amount_residual, 30.0)
        self.assertAlmostEqual(self._balance(undeposited), 0.0)
        # The fee: a posted invoice of exactly 25.00 on the account, to the fee account.
        fee = check.return_fee_move_id
        self.assertEqual(fee.state, "posted")
        self.assertEqual(fee.move_type, "out_invoice")
        self.assertEqual(fee.utility_bill_kind, "fee")
        self.assertEqual(fee.utility_account_id, self.account)
        self.assertEqual(fee.partner_id, self.account.partner_id)
        self.assertEqual(fee.invoice_date, RETURNED)
        self.assertAlmostEqual(fee.amount_total, 25.0)
        self.assertAlmostEqual(fee.amount_tax, 0.0)
        self.assertAlmostEqual(self._balance(self.fee_account), -25.0)
        self.assertAlmostEqual(self.account.amount_balance, 55.0 + 30.0 + 25.0)
        self.assertEqual(self.account.return_count_12m, 0, "returned in 2025, counted to today")

    def test_a_payment_sharing_its_entry_reverses_its_own_lines(self):
        Payment = type(self.env["utility.payment"])
        payments = self._payment(
            [(self.account, 70.0)],
            post=False,
            source="lockbox",
            tender="check",
            journal_id=self.bank_journal.id,
        )
        payments |= self._payment(
            [(self.account2, 25.0)],
            post=False,
            source="lockbox",
            tender="check",
            journal_id=self.bank_journal.id,
        )
        with patch.object(Payment, "_get_move_group_key", lambda payment: ("lockbox", 1)):
            payments.action_post()
        first, second = payments
        move = payments.move_id
        self.assertEqual(len(move), 1)
        self.assertAlmostEqual(second.line_ids.amount_credit, 5.0)
        money_account = move.line_ids.filtered("debit").account_id
        self.assertAlmostEqual(self._balance(money_account), 95.0)

        second._return_payments("account_closed", date_returned=RETURNED)

        entry = second.return_move_id
        self.assertNotEqual(entry, move)
        self.assertFalse(entry.reversed_entry_id)
        self.assertEqual(entry.utility_account_id, self.account2)
        receivable = self.bill2.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        ).account_id
        self.assertEqual(
            sorted(
                (line.account_id.id, line.debit, line.credit, line.utility_account_id.id)
                for line in entry.line_ids
            ),
            sorted(
                [
                    (receivable.id, 20.0, 0.0, self.account2.id),
                    (receivable.id, 5.0, 0.0, self.account2.id),
                    (money_account.id, 0.0, 25.0, self.account2.id),
                ]
            ),
        )
        self.assertTrue(all(entry.line_ids.filtered("debit").mapped("reconciled")))
        self.assertAlmostEqual(self._balance(money_account), 70.0)
        # Only this payment's bill is owed again; its credit is gone too.
        self.assertEqual(self.bill2.payment_state, "not_paid")
        self.assertEqual(self.bill.payment_state, "paid")
        self.assertEqual(first.state, "posted")
        self.assertTrue(all(first.allocation_ids.mapped("is_active")))
        self.assertAlmostEqual(self.account2.amount_balance, 20.0 + 25.0)
        self.assertAlmostEqual(self.account.amount_balance, 15.0)

    def test_fee_from_the_fee_schedule_or_none(self):
        schedule = self.env["utility.rate.schedule"].create(
            {
                "name": "Fees",
                "code": "FEES-T",
                "service_type_id": self.water.id,
                "is_fee_schedule": True,
                "version_ids": [
                    Command.create(
                        {
                            "date_start": "2025-01-01",
                            "line_ids": [
                                Command.create(
                                    {
                                        "name": "NSF fee",
                                        "component": "fee",
                                        "fee_code": "nsf",
                                        "amount": 30.0,
                                    }
                                )
                            ],
                        }
                    )
                ],
            }
        )
        self.company.utility_nsf_fee_schedule_id = schedule
        first = self._online_payment(self.account, 10.0, RECEIVED)
        second = self._online_payment(self.account2, 10.0, RECEIVED)
        third = self._online_payment(self.account3, 10.0, RECEIVED)
        first._return_payments("nsf", date_returned=RETURNED)
        self.assertAlmostEqual(first.return_fee_move_id.amount_total, 30.0)
        second._return_payments("unauthorized", date_returned=RETURNED)
        self.assertFalse(second.return_fee_move_id, "not the customer's doing: no fee")
        third._return_payments("nsf", date_returned=RETURNED, charge_fee=False)
        self.assertFalse(third.return_fee_move_id)
        self.assertAlmostEqual(self._balance(self.fee_account), -30.0)

    # ------------------------------------------------------------------
    # The customer
    # ------------------------------------------------------------------
    def test_the_notice_is_queued_and_the_account_told(self):
        check = self._check_payment(self.account, 55.0, RECEIVED)
        check._return_payments("nsf", date_returned=RETURNED)
        mail = self.env["mail.mail"].search(
            [("model", "=", "utility.payment"), ("res_id", "=", check.id)]
        )
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.state, "outgoing", "queued, sent by the mail cron")
        self.assertEqual(mail.recipient_ids, self.account.partner_id)
        self.assertIn(f"your payment {check.name} was returned", mail.subject)
        body = str(mail.body_html)
        self.assertIn("Insufficient Funds (NSF)", body)
        self.assertIn(self.account.name, body)
        self.assertIn("25.00", body)
        self.assertNotIn("cash, money orders", body)
        note = self.account.message_ids.filtered(lambda m: check.name in (m.body or ""))
        self.assertTrue(note)
        self.assertIn("Insufficient Funds (NSF)", str(note[0].body))

    def test_cash_only_after_two_returns_in_twelve_months(self):
        today = date.today()
        old = self._online_payment(self.account3, 10.0, today - timedelta(days=420))
        old._return_payments("nsf", date_returned=today - timedelta(days=400))
        recent = self._online_payment(self.account3, 10.0, today - timedelta(days=40))
        recent._return_payments("nsf", date_returned=today - timedelta(days=30))
        self.assertFalse(self.account3.is_cash_only, "the older return is past 12 months")
        self.assertEqual(self.account3.return_count_12m, 1)
        disputed = self._online_payment(self.account3, 10.0, today - timedelta(days=10))
        disputed._return_payments("unauthorized", date_returned=today - timedelta(days=5))
        self.assertFalse(self.account3.is_cash_only, "an unauthorized debit is not counted")
        last = self._online_payment(self.account3, 10.0, today - timedelta(days=3))
        last._return_payments("stop_payment", date_returned=today)
        self.assertTrue(self.account3.is_cash_only)
        self.assertEqual(self.account3.return_count_12m, 2)
        self.assertTrue(
            self.account3.message_ids.filtered(lambda m: "Cash only: 2 returned" in (m.body or ""))
        )
        mail = self.env["mail.mail"].search(
            [("model", "=", "utility.payment"), ("res_id", "=", last.id)]
        )
        self.assertIn("cash, money orders", str(mail.body_html))
        action = self.account3.action_view_returned_payments()
        self.assertEqual(
            set(self.env["utility.payment"].search(action["domain"]).ids),
            {old.id, recent.id, disputed.id, last.id},
        )
        # The counter now refuses a check for it.
        with self.assertRaisesRegex(UserError, "cash only"), self.cr.savepoint():
            self._check_payment(self.account3, 10.0, today)

    def test_the_limit_is_a_company_setting(self):
        self.company.utility_cash_only_return_count = 1
        payment = self._online_payment(self.account2, 20.0, RECEIVED)
        payment._return_payments("nsf", date_returned=RETURNED)
        self.assertTrue(self.account2.is_cash_only)
        self.company.utility_cash_only_return_count = 0  # never
        payment = self._online_payment(self.account3, 5.0, RECEIVED)
        payment._return_payments("nsf", date_returned=RETURNED)
        self.assertFalse(self.account3.is_cash_only)

    # ------------------------------------------------------------------
    # Bad input, the wizard, access
    # ------------------------------------------------------------------
    def test_what_cannot_be_returned(self):
        posted = self._online_payment(self.account, 10.0, RECEIVED)
        draft = self._payment([(self.account, 10.0)], post=False)
        with self.assertRaisesRegex(UserError, "cannot come back before it was received"), \
                self.cr.savepoint():  # fmt: skip
            posted._return_payments("nsf", date_returned=date(2025, 2, 1))
        with self.assertRaisesRegex(UserError, "only a posted payment can be returned"), \
                self.cr.savepoint():  # fmt: skip
            (posted | draft)._return_payments("nsf", date_returned=RETURNED)
        self.assertEqual(posted.state, "posted", "one bad payment: nothing returned")
        posted._return_payments("nsf", date_returned=RETURNED)
        with self.assertRaisesRegex(UserError, r"was already returned on 03/05/2025"), \
                self.cr.savepoint():  # fmt: skip
            posted._return_payments("nsf", date_returned=RETURNED)
        self.assertEqual(
            len(self.env["account.move"].search([("invoice_origin", "=", posted.name)])), 1
        )

    def test_the_return_payment_wizard(self):
        payment = self._online_payment(self.account, 55.0, RECEIVED)
        wizard = (
            self.env["utility.payment.return"]
            .with_context(active_model="utility.payment", active_ids=payment.ids)
            .create({"date_returned": RETURNED})
        )
        self.assertEqual(wizard.payment_ids, payment)
        self.assertEqual(wizard.reason, "nsf")
        self.assertTrue(wizard.is_fee)
        self.assertAlmostEqual(wizard.amount_fee, 25.0)
        self.assertAlmostEqual(wizard.amount_total, 55.0)
        wizard.reason = "unauthorized"
        self.assertFalse(wizard.is_fee)
        self.assertAlmostEqual(wizard.amount_fee, 0.0)
        wizard.write({"reason": "stop_payment", "note": "Stop payment order"})
        self.assertTrue(wizard.is_fee)
        action = wizard.action_confirm()
        self.assertEqual(action["res_id"], payment.id)
        self.assertEqual(payment.state, "returned")
        self.assertEqual(payment.return_reason, "stop_payment")
        self.assertEqual(payment.return_note, "Stop payment order")
        self.assertAlmostEqual(payment.return_fee_move_id.amount_total, 25.0)
        self.assertEqual(payment.action_return()["res_model"], "utility.payment.return")

    def test_a_cashier_cannot_return_a_payment(self):
        payment = self._online_payment(self.account, 55.0, RECEIVED)
        cashier = new_test_user(
            self.env,
            login="nsf_cashier",
            groups="base.group_user,utility_billing.group_utility_cashier",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        as_cashier = payment.with_user(cashier)
        with self.assertRaises(AccessError):
            self.env["utility.payment.return"].with_user(cashier).with_context(
                active_model="utility.payment", active_ids=payment.ids
            ).create({})
        with self.assertRaisesRegex(AccessError, "Only a billing specialist"):
            as_cashier._return_payments("nsf")
        with self.assertRaisesRegex(AccessError, "through Return Payment only"):
            as_cashier.write({"state": "returned"})
        with self.assertRaisesRegex(AccessError, "through Return Payment only"):
            as_cashier.write({"return_reason": "nsf"})
        self.assertEqual(payment.state, "posted")
        self.assertEqual(self.bill.payment_state, "paid")
