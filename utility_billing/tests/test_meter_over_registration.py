# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A failed bench test of a fast meter proposes the refund the city's rule gives.

The rule: Gridley, CA, Municipal Code 13.02.100 B.1 "Fast meters"
(https://codelibrary.amlegal.com/codes/gridley/latest/gridley_ca/0-0-0-5433):
"When, upon test, any meter is found to be registering more than 2% fast, the
city will refund to the customer the amount of the overcharge based on
corrected meter readings for the preceding six months." The corrected usage is
the registered usage / (1 + error), so the usage credited is
usage x error / (100 + error), re-rated through the real blocks.

Fixtures of ``BillingCommon`` (as ``test_adjustment``): water 10.00 base +
2.00 / kgal up to 5 kgal and 3.00 above, sewer 5.00 base + 4.00 / kgal of
water, garbage 15.00 a cart. The February bill (January 3 - February 3) bills
7 kgal: water 26.00, sewer 33.00, garbage 15.00; the March bill (February 3 -
March 3, 28 days) 24 kgal: water 77.00, sewer 101.00, garbage 15.00.
"""

from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common_billing import BillingCommon


@tagged("post_install", "-at_install")
class TestMeterOverRegistration(BillingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.kind = cls.env.ref("utility_billing.adjustment_kind_over_registration")
        cls.account = cls._make_accounts(1)
        cls.account.date_start = date(2024, 1, 1)
        cls.meter = cls.account.service_ids.meter_id
        cls.crew_user = new_test_user(
            cls.env, login="ub_bench_crew", groups="utility_billing.group_utility_field"
        )
        cls.crew = cls.env["fsm.team"].create(
            {"name": "Meter Shop", "utility_user_ids": [Command.link(cls.crew_user.id)]}
        )
        cls.csr.write({"company_ids": [Command.set(cls.company.ids)], "company_id": cls.company.id})

    def setUp(self):
        super().setUp()
        self.feb_bill, self.mar_bill = self._bill_february_and_march(self.meter)
        self.assertAlmostEqual(self.mar_bill.amount_total, 193.0)
        self.Test = self.env["utility.meter.test"]

    def _bench_test(self, day, low, mid, high):
        return self.Test.create(
            {
                "meter_id": self.meter.id,
                "date": day,
                "accuracy_low": low,
                "accuracy_mid": mid,
                "accuracy_high": high,
            }
        )

    def _credit_lines(self, adjustment):
        return [
            (line.utility_service_type_id, line.price_subtotal)
            for line in adjustment.credit_note_id.invoice_line_ids.sorted(
                lambda line: line.utility_service_type_id.id
            )
        ]

    def test_crew_bench_test_proposes_the_refund_posted_to_the_cent(self):
        """Low 103, mid 104, high 105: the meter registers 104 %, 4.00 % fast (more
        than Gridley's 2 %). Six months before March 20 reach back past both bills.

        February: 7 x 4 / 104 = 0.269 kgal credited, 6.731 left: water
        10.00 + 5 x 2.00 + 1.731 x 3.00 = 10.00 + 10.00 + 5.19 = 25.19, credit
        26.00 - 25.19 = 0.81; sewer 5.00 + 6.731 x 4.00 = 5.00 + 26.92 = 31.92,
        credit 33.00 - 31.92 = 1.08; 1.89 in all.
        March: 24 x 4 / 104 = 0.923 kgal credited, 23.077 left: water
        10.00 + 10.00 + 18.077 x 3.00 = 20.00 + 54.23 = 74.23, credit 2.77; sewer
        5.00 + 23.077 x 4.00 = 5.00 + 92.31 = 97.31, credit 3.69; 6.46 in all.
        """
        order = self.env["utility.work.order"]._create_for(
            "bench_test", self.meter, team_id=self.crew.id
        )
        with freeze_time("2025-03-20 10:00:00"):
            order = order.with_user(self.crew_user)
            order.write(
                {
                    "result": "completed",
                    "accuracy_low": 103.0,
                    "accuracy_mid": 104.0,
                    "accuracy_high": 105.0,
                }
            )
            order.action_complete()
        test = order.sudo().meter_test_id
        self.assertEqual((test.result, test.error_percent), ("fail", 4.0))
        proposed = test.adjustment_ids.sorted("id")
        self.assertEqual(proposed.move_id, self.feb_bill | self.mar_bill)
        self.assertEqual(set(proposed.mapped("state")), {"draft"}, "proposed, not posted")
        self.assertEqual(proposed.kind_id, self.kind)
        self.assertEqual(set(proposed.mapped("meter_error_percent")), {4.0})
        self.assertFalse(any(proposed.mapped("date_error_from")))
        self.assertIn("4.0 % fast", proposed[0].reason)
        self.assertTrue(
            any(
                "Refund proposed for 2 bill(s)" in b
                for b in self.account.message_ids.mapped("body")
            )
        )

        feb = proposed.filtered(lambda a: a.move_id == self.feb_bill)
        mar = proposed - feb
        (feb | mar).with_user(self.csr).action_submit()
        self.assertEqual((feb.state, feb.amount), ("posted", 1.89))
        self.assertEqual(self._credit_lines(feb), [(self.water, 0.81), (self.sewer, 1.08)])
        self.assertEqual((mar.state, mar.amount), ("posted", 6.46))
        self.assertEqual(self._credit_lines(mar), [(self.water, 2.77), (self.sewer, 3.69)])
        note = mar.credit_note_id
        self.assertEqual((note.move_type, note.state), ("out_refund", "posted"))
        self.assertEqual(note.reversed_entry_id, self.mar_bill)
        self.assertAlmostEqual(self.mar_bill.amount_residual, 193.0 - 6.46)
        self.assertAlmostEqual(self.feb_bill.amount_residual, 74.0 - 1.89)
        # Proposed once: completing the test again proposes nothing more.
        self.assertFalse(test._propose_over_registration_adjustments())

    def test_window_stops_at_the_last_passed_test(self):
        """Passed on February 17, failed 4 % fast on March 20: the February bill is
        not refunded, and only the March bill's 14 days out of 28 after the good
        test are corrected: 24 x 14 / 28 = 12 kgal, 12 x 4 / 104 = 0.462 credited,
        23.538 left: water 20.00 + 18.538 x 3.00 = 20.00 + 55.61 = 75.61, credit
        1.39; sewer 5.00 + 23.538 x 4.00 = 5.00 + 94.15 = 99.15, credit 1.85;
        3.24 in all."""
        self._bench_test(date(2025, 2, 17), 99.0, 100.0, 100.2)
        failed = self._bench_test(date(2025, 3, 20), 103.0, 104.0, 105.0)
        action = failed.with_user(self.csr).action_propose_adjustments()
        proposed = self.env["utility.adjustment"].search(action["domain"])
        self.assertEqual(proposed.move_id, self.mar_bill)
        self.assertEqual(proposed.date_error_from, date(2025, 2, 17))
        proposed.with_user(self.csr).action_submit()
        self.assertEqual(proposed.amount, 3.24)
        self.assertEqual(self._credit_lines(proposed), [(self.water, 1.39), (self.sewer, 1.85)])
        self.assertIn("0.462", proposed.explanation)

    def test_window_is_six_months_before_the_test(self):
        """Failed 4 % fast on August 10: Gridley's six months start February 10.
        The February bill ended before, so it is not refunded; the March bill's
        21 days out of 28 after February 10 are: 24 x 21 / 28 = 18 kgal,
        18 x 4 / 104 = 0.692 credited, 23.308 left: water 20.00 + 18.308 x 3.00 =
        20.00 + 54.92 = 74.92, credit 2.08; sewer 5.00 + 93.23 = 98.23, credit
        2.77; 4.85 in all."""
        failed = self._bench_test(date(2025, 8, 10), 103.0, 104.0, 105.0)
        proposed = failed._propose_over_registration_adjustments()
        self.assertEqual(proposed.move_id, self.mar_bill)
        self.assertEqual(proposed.date_error_from, date(2025, 2, 10))
        proposed.with_user(self.csr).action_submit()
        self.assertEqual(self._credit_lines(proposed), [(self.water, 2.08), (self.sewer, 2.77)])

    def test_slow_or_barely_fast_meters_propose_nothing(self):
        """A failed test of a slow meter (the city may back-bill, not refund) or of
        one fast by no more than 2 % proposes no refund."""
        slow = self._bench_test(date(2025, 3, 20), 94.0, 100.0, 101.0)
        barely = self._bench_test(date(2025, 3, 21), 101.0, 102.0, 102.5)
        self.assertEqual((slow.result, slow.error_percent), ("fail", -1.67))
        self.assertEqual((barely.result, barely.error_percent), ("fail", 1.83))
        self.assertFalse((slow | barely)._propose_over_registration_adjustments())
        self.assertFalse(self.env["utility.adjustment"].search([("meter_test_id", "!=", False)]))

    def test_only_the_office_proposes_and_nobody_forges_the_test_link(self):
        failed = self._bench_test(date(2025, 3, 20), 103.0, 104.0, 105.0)
        with self.assertRaises(AccessError):
            failed.with_user(self.crew_user).action_propose_adjustments()
        proposed = failed._propose_over_registration_adjustments()
        other = self._bench_test(date(2025, 3, 21), 100.0, 100.0, 100.0)
        with self.assertRaises(AccessError):
            proposed[:1].with_user(self.csr).write({"meter_test_id": other.id})
        self.assertEqual(proposed[:1].meter_test_id, failed)

    def test_demo_town_fast_meter(self):
        with freeze_time("2025-03-20 10:00:00"):
            order = self.env["utility.demo.town"]._demo_fast_meter_test(self.crew)
        self.assertEqual(order.meter_id, self.meter)
        self.assertEqual(order.meter_test_id.error_percent, 4.0)
        self.assertEqual(order.meter_test_id.adjustment_ids.move_id, self.feb_bill | self.mar_bill)
