# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A confirmed online payment is posted by the utility's poster, once.

The rule: partial payments pay the oldest debt first (Fairmont, NC, Code of
Ordinances § 50.22(C): "Partial payments shall be applied to the oldest debt
first, and thereafter, shall be applied in the order that the debt was
incurred"), the poster's default allocation.

Amounts by hand:

* account 1: one bill of 58.33 (water 43.33 + sewer 15.00), paid online 58.33:
  the entry debits the provider's Outstanding Receipts 58.33 and credits the
  receivable 58.33, reconciled with the bill (0.00 left);
* account 2: January 60.00 (water 40.00 + sewer 20.00, due 02/04) and February
  48.33 (water 33.33 + garbage 15.00, due 03/07), paid online 20.00: 20.00 of
  January (60.00 - 20.00 = 40.00 left), February untouched (48.33 left).
"""

from datetime import date

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import OnlinePaymentCommon


@tagged("post_install", "-at_install")
class TestOnlinePayment(OnlinePaymentCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bill = cls._post_bill(
            cls.account, date(2025, 3, 15), {cls.water: 43.33, cls.sewer: 15.0}
        )
        cls.bill_jan = cls._post_bill(
            cls.account2, date(2025, 1, 15), {cls.water: 40.0, cls.sewer: 20.0}
        )
        cls.bill_feb = cls._post_bill(
            cls.account2, date(2025, 2, 15), {cls.water: 33.33, cls.garbage: 15.0}
        )

    def _lines(self, move):
        return sorted((line.account_id, line.debit, line.credit) for line in move.line_ids)

    def test_full_payment_posted_by_the_poster(self):
        """58.33 paid online: one utility payment (Online, the transaction's
        reference) whose posted entry is 58.33 on the provider's Outstanding
        Receipts against 58.33 of receivable reconciled with the bill; no
        account.payment."""
        tx = self._utility_tx(self.account.partner_id, 58.33, utility_account_id=self.account.id)
        self._confirm(tx)
        payment = tx.utility_payment_id
        self.assertEqual(payment.state, "posted")
        self.assertEqual((payment.source, payment.tender), ("online", "online"))
        self.assertEqual(payment.reference, tx.reference)
        self.assertEqual(payment.payment_transaction_id, tx)
        self.assertEqual(payment.journal_id, self.bank_journal)
        move = payment.move_id
        self.assertEqual(move.state, "posted")
        debit = move.line_ids.filtered("debit")
        credit = move.line_ids.filtered("credit")
        self.assertEqual(debit.account_id, self.online_receipts)
        self.assertEqual(debit.debit, 58.33)
        self.assertEqual(credit.account_id, self.receivable)
        self.assertEqual(credit.credit, 58.33)
        self.assertTrue(credit.reconciled)
        self.assertEqual(self.bill.amount_residual, 0.0)
        self.assertEqual(self.bill.payment_state, "paid")
        self.assertFalse(tx.payment_id)
        self.assertFalse(
            self.env["account.payment"].search([("payment_transaction_id", "=", tx.id)])
        )
        self.assertIn(payment.name, self.account.message_ids[0].body)

    def test_partial_payment_pays_the_oldest_bill(self):
        """20.00 on two open bills: 20.00 of January (40.00 left), February's
        48.33 untouched; the entry's receivable credit is 20.00 on January."""
        tx = self._utility_tx(self.account2.partner_id, 20.0, utility_account_id=self.account2.id)
        self._confirm(tx)
        move = tx.utility_payment_id.move_id
        credit = move.line_ids.filtered("credit")
        self.assertEqual(credit.credit, 20.0)
        self.assertEqual(move.line_ids.filtered("debit").debit, 20.0)
        self.assertEqual(credit.matched_debit_ids.debit_move_id.move_id, self.bill_jan)
        self.assertEqual(self.bill_jan.amount_residual, 40.0)
        self.assertEqual(self.bill_feb.amount_residual, 48.33)
        allocations = tx.utility_payment_id.allocation_ids
        self.assertEqual(allocations.bill_id, self.bill_jan)
        self.assertEqual(sum(allocations.mapped("amount")), 20.0)

    def test_second_post_processing_posts_nothing(self):
        """Exactly once: post-processing the same transaction again (the
        cron after the customer's status page) adds no payment and no entry."""
        tx = self._utility_tx(self.account.partner_id, 58.33, utility_account_id=self.account.id)
        self._confirm(tx)
        payment = tx.utility_payment_id
        moves_before = self.env["account.move"].search_count([])
        tx._post_process()
        tx._post_utility_payments()
        self.assertEqual(tx.utility_payment_id, payment)
        self.assertEqual(
            self.env["utility.payment"].search_count([("reference", "=", tx.reference)]), 1
        )
        self.assertEqual(self.env["account.move"].search_count([]), moves_before)
        self.assertEqual(self.bill.amount_residual, 0.0)

    def test_pending_transaction_posts_nothing(self):
        """A transaction not yet confirmed (pending at the bank) posts nothing."""
        tx = self._utility_tx(self.account.partner_id, 58.33, utility_account_id=self.account.id)
        tx._set_pending()
        tx._post_process()
        self.assertFalse(tx.utility_payment_id)
        self.assertEqual(self.bill.amount_residual, 58.33)

    def test_odoo_invoice_pay_now_goes_through_the_poster(self):
        """Odoo's "Pay Now" on the February bill (a transaction on the invoice)
        pays the bill's utility account through the poster: oldest first, so
        20.00 goes to January although February was clicked; no account.payment."""
        tx = self._utility_tx(
            self.account2.partner_id, 20.0, invoice_ids=[Command.set(self.bill_feb.ids)]
        )
        self.assertEqual(tx.utility_account_id, self.account2)
        self._confirm(tx)
        payment = tx.utility_payment_id
        self.assertEqual(payment.state, "posted")
        self.assertEqual(payment.reference, tx.reference)
        self.assertEqual(self.bill_jan.amount_residual, 40.0)
        self.assertEqual(self.bill_feb.amount_residual, 48.33)
        self.assertFalse(tx.payment_id)
        self.assertFalse(
            self.env["account.payment"].search([("payment_transaction_id", "=", tx.id)])
        )

    def test_mixed_invoices_refused(self):
        """One transaction for bills of two utility accounts, or for a utility
        bill and another invoice, is refused with a plain message; no
        transaction is kept."""
        other = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.account2.partner_id.id,
                "invoice_date": date(2025, 2, 20),
                "invoice_line_ids": [
                    Command.create({"name": "Hydrant rental", "price_unit": 25.0})
                ],
            }
        )
        other.action_post()
        count = self.env["payment.transaction"].search_count([])
        for invoices in (self.bill_feb + other, self.bill_feb + self.bill):
            # Odoo's assertRaises rolls back to a savepoint, as the request would.
            with self.assertRaises(ValidationError) as caught:
                self._utility_tx(
                    self.account2.partner_id,
                    20.0,
                    invoice_ids=[Command.set(invoices.ids)],
                    reference=f"MIX-{invoices.ids}",
                )
            self.assertIn("one utility account at a time", caught.exception.args[0])
        self.assertEqual(self.env["payment.transaction"].search_count([]), count)
