# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Bill adjustments: policies re-rated through the real blocks, credit notes,
limits and approvals (ORM and JSON-RPC), bad input.

Fixtures of ``BillingCommon``: water 10.00 base + 2.00 / kgal up to 5 kgal and
3.00 above, sewer 5.00 base + 4.00 / kgal of water, garbage 15.00 a cart. The
February bill (January 3 - February 3) bills 7 kgal; the March bill
(February 3 - March 3) 24 kgal: water 10.00 + 5 x 2.00 + 19 x 3.00 = 77.00,
sewer 5.00 + 24 x 4.00 = 101.00, garbage 15.00: 193.00.

Published policies:
- West Harrison Utility District (https://www.whud.org/customer-service/leak-adjustment):
  the leak bill must exceed the average by 100 %, 50 % of the usage above the
  average is credited, once per year, with a plumber's invoice or parts receipt;
- Wildwood, NJ (http://wildwoodnj.org/wp/?page_id=90): half the excess, "the
  utility will bear the extra" unit when it does not divide evenly (rounded
  down to whole units);
- H2GO (https://h2goonline.com/form-leak-pool-adjustment-request): pool fills
  and leaks are credited on the sewer only.
"""

import base64
from datetime import date
from decimal import Decimal

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common_billing import BillingCommon
from .common_bills import pdf_text
from .common_rpc import RpcCase

APRIL_READ = date(2025, 4, 3)


@tagged("post_install", "-at_install")
class TestAdjustment(BillingCommon, RpcCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.leak = cls.env.ref("utility_billing.adjustment_kind_leak")
        cls.pool = cls.env.ref("utility_billing.adjustment_kind_pool_fill")
        cls.supervisor2 = new_test_user(
            cls.env,
            login="ub_adj_supervisor2",
            groups="base.group_user,utility_billing.group_utility_supervisor",
        )
        cls.supervisor1 = new_test_user(
            cls.env,
            login="ub_adj_supervisor1",
            groups="base.group_user,utility_billing.group_utility_supervisor",
        )
        cls.supervisor3 = new_test_user(
            cls.env,
            login="ub_adj_supervisor3",
            groups="base.group_user,utility_billing.group_utility_supervisor",
        )
        for user in (cls.csr, cls.specialist, cls.supervisor1, cls.supervisor2, cls.supervisor3):
            user.write(
                {"company_ids": [Command.set(cls.company.ids)], "company_id": cls.company.id}
            )
        cls.account = cls._make_accounts(1)
        cls.account.date_start = date(2024, 1, 1)
        cls.meter = cls.account.service_ids.meter_id

    def setUp(self):
        super().setUp()
        # 24 kgal trips the high-usage edit: the clerk accepts it (the leak).
        self.feb_bill, self.bill = self._bill_february_and_march(self.meter)
        self.assertAlmostEqual(self.bill.amount_total, 193.0)

    def _adjustment(self, kind, user=None, evidence=True, **vals):
        Adjustment = self.env["utility.adjustment"]
        if user:
            Adjustment = Adjustment.with_user(user)
        adjustment = Adjustment.create(
            dict({"move_id": self.bill.id, "kind_id": kind.id, "reason": "Broken pipe"}, **vals)
        )
        if evidence:
            self.env["ir.attachment"].create(
                {
                    "name": "plumber.pdf",
                    "datas": base64.b64encode(b"Plumber invoice"),
                    "res_model": "utility.adjustment",
                    "res_id": adjustment.id,
                }
            )
        return adjustment

    # ------------------------------------------------------------------
    # Policies, on the posted credit note
    # ------------------------------------------------------------------
    def test_leak_credit_is_re_rated_through_the_blocks(self):
        """24 kgal against an average of 7: 17 above, half is 8.5, rounded down to
        8 kgal (Wildwood). Water re-rated at 16 kgal: 10.00 + 5 x 2.00 + 11 x 3.00 =
        53.00 against 77.00: a credit of 24.00 (the 8 kgal all in the 3.00 block),
        not 8 x an average price."""
        adjustment = self._adjustment(self.leak, user=self.csr)
        adjustment.with_user(self.csr).action_submit()
        self.assertEqual(adjustment.state, "posted")
        self.assertEqual(adjustment.amount, 24.0)
        note = adjustment.credit_note_id
        self.assertEqual((note.move_type, note.state), ("out_refund", "posted"))
        self.assertEqual(note.reversed_entry_id, self.bill)
        self.assertEqual(note.utility_bill_kind, "adjustment")
        self.assertEqual(
            [(line.utility_service_type_id, line.price_subtotal) for line in note.invoice_line_ids],
            [(self.water, 24.0)],
        )
        self.assertEqual(note.invoice_line_ids.account_id, self.income[self.water])
        # Reconciled with the bill: 193.00 - 24.00 still due.
        self.assertEqual(note.payment_state, "paid")
        self.assertAlmostEqual(self.bill.amount_residual, 169.0)
        self.assertIn("8", adjustment.explanation)

    def test_pool_fill_is_a_sewer_only_credit(self):
        """H2GO: a 12 kgal pool fill is taken off the sewer usage: 24 x 4.00 = 96.00
        against 12 x 4.00 = 48.00: 48.00 on the sewer, water untouched."""
        adjustment = self._adjustment(self.pool, pool_volume=12.0)
        adjustment.action_submit()
        self.assertEqual(adjustment.state, "posted")
        lines = adjustment.credit_note_id.invoice_line_ids
        self.assertEqual(
            [(line.utility_service_type_id, line.price_subtotal) for line in lines],
            [(self.sewer, 48.0)],
        )
        self.assertEqual(lines.account_id, self.income[self.sewer])

    # ------------------------------------------------------------------
    # Limits and approvals
    # ------------------------------------------------------------------
    def test_above_the_clerks_limit_a_supervisor_approves(self):
        self.company.utility_adjust_limit_csr = 20.0
        adjustment = self._adjustment(self.leak, user=self.csr)
        adjustment.with_user(self.csr).action_submit()
        self.assertEqual((adjustment.state, adjustment.amount), ("to_approve", 24.0))
        self.assertFalse(adjustment.credit_note_id)
        with self.assertRaises(AccessError):
            adjustment.with_user(self.csr).action_approve()
        adjustment.with_user(self.supervisor2).action_approve()
        self.assertEqual(adjustment.state, "posted")
        self.assertEqual(adjustment.approver_id, self.supervisor2)
        self.assertEqual(adjustment.requested_by_id, self.csr)

    def test_nobody_approves_their_own_over_rpc(self):
        self.company.utility_adjust_limit_supervisor = 10.0
        adjustment = self._adjustment(self.leak, user=self.supervisor1)
        adjustment.with_user(self.supervisor1).action_submit()
        self.assertEqual(adjustment.state, "to_approve")
        with self.assertRaisesRegex(AccessError, "their own"):
            adjustment.with_user(self.supervisor1).action_approve()
        self.assertRpcRefused(
            self.rpc(self.supervisor1, "utility.adjustment", "action_approve", adjustment.ids),
            message="their own",
        )
        # Nor writes the state, the credit or the approver by hand.
        for vals in ({"state": "posted"}, {"amount": 500.0}, {"approver_id": self.supervisor2.id}):
            self.assertRpcRefused(
                self.rpc(self.supervisor1, "utility.adjustment", "write", adjustment.ids, vals)
            )
            self.assertRpcRefused(
                self.rpc(self.csr, "utility.adjustment", "write", adjustment.ids, vals)
            )
        adjustment.invalidate_recordset()
        self.assertEqual((adjustment.state, adjustment.amount), ("to_approve", 24.0))
        # Rejected by another supervisor: the trail stays.
        adjustment.with_user(self.supervisor2).action_reject("No plumber's invoice")
        self.assertEqual(adjustment.state, "rejected")
        with self.assertRaises(UserError):
            adjustment.unlink()

    def test_above_the_second_limit_two_supervisors_approve(self):
        """Bedford, IN, § 52.19 (https://codelibrary.amlegal.com/codes/bedfordin/latest/
        bedford_in/0-0-0-34304): the billing office manager reviews a leak request;
        "Adjustments over $100 must also be approved by the Utilities Director".
        With the second limit at 100.00, a 150.00 billing-error credit asked by a CSR
        waits for two different supervisors; the second approval posts it: a
        150.00 credit note on the bill's first service, the bill left at
        193.00 - 150.00 = 43.00. Nobody approves twice or their own, over RPC too."""
        self.company.utility_adjust_limit_second = 100.0
        kind = self.env.ref("utility_billing.adjustment_kind_billing_error")
        adjustment = self._adjustment(kind, user=self.csr, amount_requested=150.0)
        adjustment.with_user(self.csr).action_submit()
        self.assertEqual((adjustment.state, adjustment.amount), ("to_approve", 150.0))
        self.assertTrue(adjustment.is_second_approval_required)
        # The CSR cannot approve at all, nor write the second approver by hand.
        self.assertRpcRefused(
            self.rpc(self.csr, "utility.adjustment", "action_approve", adjustment.ids)
        )
        adjustment.with_user(self.supervisor1).action_approve()
        self.assertEqual(adjustment.state, "to_approve")
        self.assertEqual(adjustment.approver_id, self.supervisor1)
        self.assertFalse(adjustment.credit_note_id)
        # The first approver cannot be the second one: ORM and RPC.
        with self.assertRaisesRegex(AccessError, "second supervisor"):
            adjustment.with_user(self.supervisor1).action_approve()
        self.assertRpcRefused(
            self.rpc(self.supervisor1, "utility.adjustment", "action_approve", adjustment.ids),
            message="second supervisor",
        )
        self.assertRpcRefused(
            self.rpc(
                self.supervisor1,
                "utility.adjustment",
                "write",
                adjustment.ids,
                {"second_approver_id": self.supervisor2.id},
            )
        )
        adjustment.invalidate_recordset()
        self.assertEqual(
            (adjustment.state, adjustment.second_approver_id.id), ("to_approve", False)
        )
        result = self.rpc(self.supervisor2, "utility.adjustment", "action_approve", adjustment.ids)
        self.assertIs(result, True)
        adjustment.invalidate_recordset()
        self.assertEqual(adjustment.state, "posted")
        self.assertEqual(
            (adjustment.approver_id, adjustment.second_approver_id),
            (self.supervisor1, self.supervisor2),
        )
        note = adjustment.credit_note_id
        self.assertEqual((note.state, note.reversed_entry_id), ("posted", self.bill))
        self.assertEqual(note.amount_total, 150.0)
        self.assertEqual(
            [(line.utility_service_type_id, line.price_subtotal) for line in note.invoice_line_ids],
            [(self.water, 150.0)],
        )
        self.assertAlmostEqual(self.bill.amount_residual, 43.0)

    def test_a_supervisors_own_request_above_the_second_limit(self):
        """A supervisor's own 150.00 request is never posted on submit, however high
        their limit: two other supervisors approve it; the requester is refused
        at either step."""
        self.company.utility_adjust_limit_second = 100.0
        kind = self.env.ref("utility_billing.adjustment_kind_billing_error")
        adjustment = self._adjustment(kind, user=self.supervisor1, amount_requested=150.0)
        adjustment.with_user(self.supervisor1).action_submit()
        self.assertEqual(adjustment.state, "to_approve")
        adjustment.with_user(self.supervisor2).action_approve()
        with self.assertRaisesRegex(AccessError, "their own"):
            adjustment.with_user(self.supervisor1).action_approve()
        self.assertEqual(adjustment.state, "to_approve")
        # The second supervisor may refuse it: the first approval stays in the trail.
        adjustment.with_user(self.supervisor3).action_reject("Not a billing error")
        self.assertEqual(adjustment.state, "rejected")
        self.assertEqual(
            (adjustment.approver_id, adjustment.second_approver_id),
            (self.supervisor2, self.supervisor3),
        )
        self.assertFalse(adjustment.credit_note_id)

    def test_below_the_second_limit_one_supervisor_is_enough(self):
        self.company.utility_adjust_limit_second = 100.0
        self.company.utility_adjust_limit_csr = 20.0
        adjustment = self._adjustment(self.leak, user=self.csr)
        adjustment.with_user(self.csr).action_submit()
        self.assertFalse(adjustment.is_second_approval_required)
        adjustment.with_user(self.supervisor2).action_approve()
        self.assertEqual(adjustment.state, "posted")
        self.assertFalse(adjustment.second_approver_id)

    # ------------------------------------------------------------------
    # Bills covered
    # ------------------------------------------------------------------
    def test_a_leak_over_two_bills_credits_each_bill(self):
        """West Harrison Utility District: "A maximum of three months usage may be
        adjusted", 50 % of the usage above the average; Hilshire Village, TX: one
        billing cycle of two months. The leak ran on into April (20 kgal). Both
        bills are measured against the average before the leak (February, 7 kgal):
        March 24 kgal, 8 kgal credited (half of 17, down), 77.00 - 53.00 = 24.00;
        April 20 kgal (above 14, twice the average), half of 13 = 6 kgal, water
        at 20 kgal 10.00 + 5 x 2.00 + 15 x 3.00 = 65.00 against 14 kgal
        10.00 + 5 x 2.00 + 9 x 3.00 = 47.00: 18.00. One adjustment of 42.00, a
        credit note on each bill, each reconciled with its bill."""
        self.leak.bills_covered = 3
        april = self._april_bill(value=151.0)
        self.assertAlmostEqual(april.amount_total, 65.0 + 5.0 + 20 * 4.0 + 15.0)
        adjustment = self._adjustment(
            self.leak, covered_move_ids=[Command.set(april.ids)], user=self.csr
        )
        self.assertEqual(adjustment.bill_count, 2)
        self.company.utility_adjust_limit_csr = 100.0
        adjustment.with_user(self.csr).action_submit()
        self.assertEqual((adjustment.state, adjustment.amount), ("posted", 42.0))
        notes = adjustment.credit_note_ids
        self.assertEqual(len(notes), 2)
        self.assertEqual(
            sorted((n.reversed_entry_id.id, n.amount_total, n.state) for n in notes),
            sorted([(self.bill.id, 24.0, "posted"), (april.id, 18.0, "posted")]),
        )
        self.assertEqual(adjustment.credit_note_id.reversed_entry_id, self.bill)
        self.assertEqual(set(notes.invoice_line_ids.utility_service_type_id), {self.water})
        self.assertEqual(set(notes.mapped("payment_state")), {"paid"})
        self.assertAlmostEqual(self.bill.amount_residual, 193.0 - 24.0)
        self.assertAlmostEqual(april.amount_residual, april.amount_total - 18.0)

    def test_more_bills_than_the_kind_covers_are_refused(self):
        self.leak.bills_covered = 1
        april = self._april_bill(value=151.0)
        adjustment = self._adjustment(self.leak, covered_move_ids=[Command.set(april.ids)])
        with self.assertRaisesRegex(UserError, "covers at most 1 bill"):
            adjustment.action_submit()
        self.assertEqual(adjustment.state, "draft")
        self.assertFalse(adjustment.credit_note_ids)
        # An invoice outside the account (here Odoo's own, of no utility account)
        # is never covered.
        self.leak.bills_covered = 2
        foreign = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.account.partner_id.id,
                "invoice_date": date(2025, 4, 1),
                "invoice_line_ids": [Command.create({"name": "Hydrant rental", "price_unit": 10})],
            }
        )
        foreign.action_post()
        adjustment.covered_move_ids = [Command.set(foreign.ids)]
        with self.assertRaisesRegex(UserError, "Only bills of account"):
            adjustment.action_submit()
        # Only policies computed bill by bill cover several bills.
        with self.assertRaisesRegex(ValidationError, "more than one bill"):
            self.pool.bills_covered = 2

    # ------------------------------------------------------------------
    # Bad input
    # ------------------------------------------------------------------
    def test_second_leak_inside_the_window_is_refused(self):
        self._adjustment(self.leak).action_submit()
        second = self._adjustment(self.leak)
        with self.assertRaisesRegex(UserError, "once every 12 months"):
            second.action_submit()
        self.assertEqual(second.state, "draft")

    def test_bad_input_changes_nothing(self):
        without_evidence = self._adjustment(self.leak, evidence=False)
        with self.assertRaisesRegex(UserError, "Attach the evidence"):
            without_evidence.action_submit()
        # The February bill (7 kgal) is not above its own history: no leak.
        self.bill = self.feb_bill
        with self.assertRaisesRegex(UserError, "no earlier bill"):
            self._adjustment(self.leak).action_submit()
        too_big = self.env["utility.adjustment"].create(
            {
                "move_id": self.feb_bill.id,
                "kind_id": self.pool.id,
                "reason": "Pool",
                "pool_volume": 50.0,
            }
        )
        with self.assertRaisesRegex(UserError, "volume"):
            too_big.action_submit()
        self.assertFalse(self.env["utility.adjustment"].search([("state", "!=", "draft")]))

    def test_adjustment_on_a_cancelled_bill_is_refused(self):
        self.bill._action_cancel_rebill("Misread", date_invoice=date(2025, 3, 20))
        adjustment = self._adjustment(self.leak)
        with self.assertRaisesRegex(UserError, "is cancelled"):
            adjustment.action_submit()
        self.assertEqual(adjustment.state, "draft")
        self.assertFalse(adjustment.credit_note_id)

    # ------------------------------------------------------------------
    # Explained on the next bill and in the statement of account
    # ------------------------------------------------------------------
    def _april_bill(self, value=138.0):
        # A leak's usage trips the high-usage edit: the clerk accepts it.
        self._read_meters(self.meter, APRIL_READ, [value]).action_accept_exceptions()
        run = self._new_run(
            date_from=date(2025, 4, 1),
            date_to=date(2025, 4, 10),
            date_invoice=date(2025, 4, 15),
            date_due=date(2025, 5, 5),
            date_penalty=date(2025, 5, 10),
        )
        run.action_compute()
        run.action_post()
        return run.move_ids

    def test_next_bill_and_statement_explain_the_adjustment(self):
        """Hilshire Village, TX (https://www.hilshirevillagetexas.com/page/Utility%20Bill%20Adjustment):
        "The adjustment will be a credit shown on the customer's next billing
        cycle". The 24.00 leak credit on the March bill, posted on March 20, is
        printed on the April bill as its own line, and the April summary's
        adjustments are the same -24.00 the ledger holds. Due: February 74.00 +
        March 193.00 - 24.00, both unpaid, + April 7 kgal (water 10.00 + 5 x 2.00
        + 2 x 3.00 = 26.00, sewer 5.00 + 7 x 4.00 = 33.00, garbage 15.00: 74.00)
        = 317.00."""
        with freeze_time("2025-03-20"):
            adjustment = self._adjustment(self.leak)
            adjustment.action_submit()
        note = adjustment.credit_note_id
        self.assertEqual((note.state, note.date), ("posted", date(2025, 3, 20)))
        april = self._april_bill()
        self.assertAlmostEqual(april.amount_total, 74.0)
        data = april._prepare_bill_data()[0]
        self.assertIn("Leak adjustment for the March bill: -$24.00", data.messages)
        self.assertEqual(data.amount_adjustments, Decimal("-24.00"))
        self.assertEqual(data.amount_due, Decimal("317.00"))
        # The March bill itself was printed before the credit: it does not show it.
        self.assertFalse(
            [m for m in self.bill._prepare_bill_data()[0].messages if "adjustment" in m]
        )
        # On the printed PDF too.
        self.assertIn(
            "Leak adjustment for the March bill: -$24.00",
            pdf_text(april._render_utility_bills_pdf()),
        )
        statement = self.env["utility.account.statement"].create(
            {
                "account_id": self.account.id,
                "date_from": date(2025, 1, 1),
                "date_to": date(2025, 4, 30),
            }
        )
        rows = statement._get_report_values()["rows"]
        row = next(r for r in rows if r["reference"] == note.name)
        self.assertEqual(row["kind"], "Adjustment")
        self.assertEqual(row["description"], "Leak adjustment for the March bill")
        self.assertEqual(row["credit"], "$\xa024.00")
        self.assertEqual(statement.amount_closing, 317.0)
