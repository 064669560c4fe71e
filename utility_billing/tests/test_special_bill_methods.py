# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Special bills made without a wizard, as a work order, a move-out or
collections make them: ``utility.account._action_final_bill``,
``_action_bill_on_demand``, ``_action_back_bill`` and
``account.move._action_cancel_rebill`` take records and plain values.

The fixtures of ``BillingCommon`` (see ``test_special_bills``): water 10.00
base + 2.00 / kgal up to 5 kgal and 3.00 above, sewer 5.00 base + 4.00 / kgal
of water, garbage 15.00 per cart; readings January 3 (100) and February 3
(107: 7 kgal, a 74.00 bill).
"""

from datetime import date

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common_billing import CURRENT_READ, BillingCommon

BILL_DATE = date(2025, 2, 21)
FINAL_READ = date(2025, 2, 20)


@tagged("post_install", "-at_install")
class TestSpecialBillMethods(BillingCommon):
    def _billed_accounts(self, count):
        accounts = self._make_accounts(count)
        accounts.date_start = date(2024, 1, 1)
        run = self._new_run()
        run.action_compute()
        run.action_post()
        self.assertEqual(run.posted_count, count)
        return accounts

    def _water(self, accounts):
        return accounts.service_ids.filtered(lambda s: s.service_type_id == self.water)

    def test_final_bill_of_two_accounts_in_one_call(self):
        """Two move-outs on the same day, one call: each bill prorated to the
        day as the wizard makes it (17/28 of a period, 3 and 2 kgal)."""
        accounts = self._billed_accounts(2)
        water = self._water(accounts)
        moves = accounts.with_user(self.specialist)._action_final_bill(
            FINAL_READ,
            reading_values={water[0].id: 110.0, water[1].id: 109.0},
            note="Forwarding address: 12 Elm St",
            date_invoice=BILL_DATE,
        )
        self.assertEqual(len(moves), 2)
        self.assertEqual(moves.utility_account_id, accounts)
        by_account = {move.utility_account_id: move for move in moves}
        # 3 kgal: water 6.07 + 6.00, sewer 3.04 + 12.00, garbage 9.11 = 36.22.
        self.assertAlmostEqual(by_account[accounts[0]].amount_total, 36.22)
        # 2 kgal: water 6.07 + 4.00, sewer 3.04 + 8.00, garbage 9.11 = 30.22.
        self.assertAlmostEqual(by_account[accounts[1]].amount_total, 30.22)
        for move in moves:
            self.assertEqual(move.utility_bill_kind, "final")
            self.assertEqual(
                (move.utility_period_start, move.utility_period_end), (CURRENT_READ, FINAL_READ)
            )
            self.assertIn("12 Elm St", move.narration)
            self.assertEqual(move.invoice_date_due, date(2025, 3, 13))  # the cycle's 20 days
        self.assertEqual(set(accounts.mapped("state")), {"final_billed"})
        self.assertEqual(set(accounts.service_ids.mapped("state")), {"stopped"})
        finals = self.env["utility.meter.reading"].search(
            [("account_id", "in", accounts.ids), ("date", "=", FINAL_READ)]
        )
        self.assertEqual(sorted(finals.mapped("value")), [109.0, 110.0])
        self.assertEqual(set(finals.mapped("state")), {"billed"})

    def test_final_bill_bad_input_changes_nothing(self):
        """A negative reading on one account and a missing one on the other:
        one error naming both, no reading, no bill, the accounts still active."""
        accounts = self._billed_accounts(2)
        water = self._water(accounts)
        with self.assertRaises(UserError) as caught, self.cr.savepoint():
            accounts._action_final_bill(FINAL_READ, reading_values={water[0].id: -1.0})
        message = str(caught.exception)
        self.assertIn(f"Meter {water[0].meter_id.name}: a register reading cannot be", message)
        self.assertIn(f"Meter {water[1].meter_id.name}: enter the final reading", message)
        self.assertEqual(set(accounts.mapped("state")), {"active"})
        self.assertFalse(
            self.env["utility.meter.reading"].search_count(
                [("account_id", "in", accounts.ids), ("date", "=", FINAL_READ)]
            )
        )

    def test_special_bills_need_the_billing_role(self):
        accounts = self._billed_accounts(1)
        bill = accounts.move_ids
        water = self._water(accounts)
        as_csr = accounts.with_user(self.csr)
        for call in (
            lambda: as_csr._action_final_bill(FINAL_READ, reading_values={water.id: 110.0}),
            lambda: as_csr._action_bill_on_demand(FINAL_READ),
            lambda: as_csr._action_back_bill(water, date(2024, 12, 3), CURRENT_READ, "Late"),
            lambda: bill.with_user(self.csr)._action_cancel_rebill("Misread"),
        ):
            with self.assertRaisesRegex(AccessError, "Only billing specialists"):
                call()
        self.assertEqual(accounts.state, "active")

    def test_cancel_rebill_with_corrected_reading(self):
        """The cycle bill (107, 7 kgal, 74.00) rebilled with 105 (5 kgal):
        water 10.00 + 5 x 2.00 = 20.00, sewer 5.00 + 5 x 4.00 = 25.00, garbage
        15.00: 60.00; the credit note credits 74.00."""
        accounts = self._billed_accounts(1)
        bill = accounts.move_ids
        reading = self.env["utility.meter.reading"].search(
            [("account_id", "=", accounts.id), ("date", "=", CURRENT_READ)]
        )
        new = bill._action_cancel_rebill(
            " Reader swapped two digits ",
            reading_values={reading.id: 105.0},
            date_invoice=BILL_DATE,
        )
        self.assertEqual(new.utility_bill_kind, "rebill")
        self.assertEqual(new.utility_corrected_move_id, bill)
        self.assertAlmostEqual(new.amount_total, 60.0)
        credit = bill.reversal_move_ids
        self.assertAlmostEqual(credit.amount_total, 74.0)
        self.assertEqual(bill.payment_state, "reversed")
        self.assertEqual(reading.state, "cancelled")
        self.assertIn("Reader swapped two digits", bill.message_ids[:1].body)

    def test_cancel_rebill_refuses_a_reading_of_another_bill(self):
        accounts = self._billed_accounts(2)
        bills = accounts.move_ids
        other = self.env["utility.meter.reading"].search(
            [("account_id", "=", accounts[1].id), ("date", "=", CURRENT_READ)]
        )
        first = bills.filtered(lambda m: m.utility_account_id == accounts[0])
        with self.assertRaisesRegex(UserError, "not billed by"), self.cr.savepoint():
            first._action_cancel_rebill("Misread", reading_values={other.id: 105.0})
        self.assertFalse(first.reversal_move_ids)
        self.assertEqual(other.state, "billed")

    def test_bill_on_demand_and_back_bill_without_wizard(self):
        accounts = self._make_accounts(2)
        moves = accounts._action_bill_on_demand(date(2025, 2, 5), date_invoice=BILL_DATE)
        self.assertEqual(moves.mapped("amount_total"), [74.0, 74.0])
        self.assertEqual(set(moves.mapped("utility_bill_kind")), {"demand"})
        # Garbage of the first account over December 3 - January 3 was missed.
        garbage = accounts[0].service_ids.filtered(lambda s: s.service_type_id == self.garbage)
        garbage.date_start = date(2024, 12, 3)
        back = accounts[0]._action_back_bill(
            garbage, date(2024, 12, 3), date(2025, 1, 3), "Cart delivered in December"
        )
        self.assertAlmostEqual(back.amount_total, 15.0)  # one whole period, one cart
        self.assertEqual(back.ref, "Cart delivered in December")
