# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Vacation garbage / seasonal suspension: a service suspended between two
dates, the account left open, each bill charging the days it was delivered.

Published rules:
- Lauderdale-By-The-Sea, FL (https://lauderdalebythesea-fl.gov/200/Suspension-of-Service):
  solid waste service suspended for a period; "The property owner will be
  credited for the time period service is suspended";
- Reynoldsburg, OH (https://reynoldsburg.gov/FAQ.aspx?QID=117) and Sacramento,
  CA (city code, vacant "for a period of at least thirty (30) consecutive
  days"): 30 days at least;
- Santa Fe, NM (refuse vacancy credit): "No retroactive credit will be
  considered".

Fixtures of ``BillingCommon``: garbage 15.00 a cart a month (one cart), rated
under the version's "days" partial-period rule; water 10.00 + 2.00 / kgal up to
5 and 3.00 above, sewer 5.00 + 4.00 / kgal.
"""

from datetime import date

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common_billing import BillingCommon

MARCH_READ = date(2025, 3, 3)
APRIL_READ = date(2025, 4, 3)


@tagged("post_install", "-at_install")
class TestServiceSuspension(BillingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cashier = new_test_user(
            cls.env,
            login="ub_susp_cashier",
            groups="base.group_user,utility_billing.group_utility_cashier",
        )
        cls.account = cls._make_accounts(1, prefix="SU")
        cls.meter = cls.account.service_ids.meter_id
        cls.garbage_service = cls.account.service_ids.filtered(
            lambda s: s.service_type_id == cls.garbage
        )

    def setUp(self):
        super().setUp()
        run = self._new_run()
        run.action_compute()
        run.action_post()
        self.feb_bill = run.move_ids

    def _suspend(self, date_from, date_to, user=None, service=None):
        Suspension = self.env["utility.service.suspension"]
        if user:
            Suspension = Suspension.with_user(user)
        return Suspension.create(
            {
                "service_id": (service or self.garbage_service).id,
                "date_from": date_from,
                "date_to": date_to,
                "reason": "Away for the winter",
            }
        )

    def _bill(self, day, value, month):
        self._read_meters(self.meter, day, [value])
        run = self._new_run(
            date_from=date(2025, month, 1),
            date_to=date(2025, month, 10),
            date_invoice=date(2025, month, 15),
            date_due=date(2025, month + 1, 5),
            date_penalty=date(2025, month + 1, 10),
        )
        run.action_compute()
        run.action_post()
        return run.move_ids

    def _lines(self, bill, service_type):
        return bill.invoice_line_ids.filtered(
            lambda line: line.utility_service_type_id == service_type
        )

    def test_garbage_is_billed_to_the_day_around_the_suspension(self):
        """Away from February 10, back on March 15 (33 days). March bill, February 3
        to March 3 (28 days), 21 days away: garbage 15.00 x 7 / 28 = 3.75. April
        bill, March 3 to April 3 (31 days), 12 days away: 15.00 x 19 / 31 =
        9.1935..., 9.19. Water and sewer, not suspended, are billed in full: 7 kgal
        is 26.00 + 33.00. The account stays active all along."""
        suspension = self._suspend(date(2025, 2, 10), date(2025, 3, 15), user=self.csr)
        self.assertEqual((suspension.state, suspension.days), ("scheduled", 33))
        march = self._bill(MARCH_READ, 114.0, 3)
        self.assertEqual(march.state, "posted")
        garbage = self._lines(march, self.garbage)
        self.assertEqual(garbage.mapped("price_subtotal"), [3.75])
        self.assertEqual(garbage.account_id, self.income[self.garbage])
        self.assertAlmostEqual(sum(self._lines(march, self.water).mapped("price_subtotal")), 26.0)
        self.assertAlmostEqual(sum(self._lines(march, self.sewer).mapped("price_subtotal")), 33.0)
        self.assertAlmostEqual(march.amount_total, 62.75)
        # The posted entry: 3.75 credited to garbage revenue, 62.75 receivable.
        revenue = march.line_ids.filtered(lambda line: line.account_id == self.income[self.garbage])
        self.assertAlmostEqual(sum(revenue.mapped("credit")), 3.75)
        self.assertAlmostEqual(
            sum(
                march.line_ids.filtered(lambda line: line.account_id == self.receivable).mapped(
                    "debit"
                )
            ),
            62.75,
        )
        april = self._bill(APRIL_READ, 121.0, 4)
        self.assertEqual(self._lines(april, self.garbage).mapped("price_subtotal"), [9.19])
        self.assertEqual(self.account.state, "active")
        self.assertEqual(self.garbage_service.state, "active")

    def test_suspended_the_whole_period_the_service_is_not_billed(self):
        self._suspend(date(2025, 2, 3), date(2025, 5, 1))
        march = self._bill(MARCH_READ, 114.0, 3)
        self.assertFalse(self._lines(march, self.garbage))
        self.assertAlmostEqual(march.amount_total, 59.0)

    def test_cancelled_before_billing_bills_in_full(self):
        suspension = self._suspend(date(2025, 2, 10), date(2025, 3, 15), user=self.csr)
        suspension.with_user(self.csr).action_cancel()
        self.assertEqual(suspension.state, "cancelled")
        march = self._bill(MARCH_READ, 114.0, 3)
        self.assertEqual(self._lines(march, self.garbage).mapped("price_subtotal"), [15.0])

    def test_bad_input_changes_nothing(self):
        Suspension = self.env["utility.service.suspension"]
        # Too short, and days already billed (no retroactive suspension): both said at once.
        with self.assertRaisesRegex(ValidationError, "at least 30 days") as caught:
            self._suspend(date(2025, 1, 20), date(2025, 2, 10))
        self.assertIn("already billed", str(caught.exception))
        self._suspend(date(2025, 2, 10), date(2025, 3, 15))
        with self.assertRaisesRegex(ValidationError, "overlaps"):
            self._suspend(date(2025, 3, 1), date(2025, 4, 15))
        with self.assertRaisesRegex(ValidationError, "resumes after it starts"):
            self._suspend(date(2025, 6, 1), date(2025, 5, 1))
        with self.assertRaises(AccessError):
            self._suspend(date(2025, 6, 1), date(2025, 7, 15), user=self.cashier)
        self.assertEqual(Suspension.search_count([("account_id", "=", self.account.id)]), 1)

    def test_dates_and_state_change_through_actions_only(self):
        suspension = self._suspend(date(2025, 2, 10), date(2025, 3, 15), user=self.csr)
        for vals in ({"state": "cancelled"}, {"date_to": date(2025, 6, 1)}):
            # AccessError is a UserError: either refusal.
            with self.assertRaises(UserError):
                suspension.with_user(self.csr).write(vals)
        suspension.with_user(self.csr).reason = "Snowbird: away until mid-March"
        self._bill(MARCH_READ, 114.0, 3)
        # Billed with the suspension: it cannot be called off any more.
        with self.assertRaisesRegex(UserError, "already billed"):
            suspension.with_user(self.csr).action_cancel()
        with self.assertRaises(UserError):
            suspension.unlink()
        self.assertEqual(suspension.state, "scheduled")

    # ------------------------------------------------------------------
    # A vacation adjustment never credits days already suspended
    # ------------------------------------------------------------------
    def _vacation(self, bill, date_from, date_to):
        return self.env["utility.adjustment"].create(
            {
                "move_id": bill.id,
                "kind_id": self.env.ref("utility_billing.adjustment_kind_vacation_garbage").id,
                "reason": "Away, garbage not set out",
                "date_suspend_from": date_from,
                "date_suspend_to": date_to,
            }
        )

    def test_vacation_credit_leaves_out_the_days_already_suspended(self):
        """Lauderdale-By-The-Sea: the owner is credited for the time service is
        suspended, once. Suspended February 24 to March 31: the March bill
        (February 3 to March 3, 28 days) charged garbage 15.00 x 21 / 28 = 11.25
        for the 21 days delivered. Away February 17 to March 3 (14 days): 7 of
        them were suspended and not billed, 7 were billed: the credit is 11.25 x
        7 / 21 = 3.75 (= 15.00 x 7 / 28), not 11.25 x 14 / 28 = 5.63."""
        self._suspend(date(2025, 2, 24), date(2025, 3, 31))
        march = self._bill(MARCH_READ, 114.0, 3)
        self.assertEqual(self._lines(march, self.garbage).mapped("price_subtotal"), [11.25])
        adjustment = self._vacation(march, date(2025, 2, 17), date(2025, 3, 3))
        adjustment.action_submit()
        self.assertEqual((adjustment.state, adjustment.amount), ("posted", 3.75))
        self.assertIn("Days already suspended and not billed", adjustment.explanation)
        note = adjustment.credit_note_id
        self.assertEqual((note.state, note.reversed_entry_id), ("posted", march))
        self.env.flush_all()
        garbage = note.line_ids.filtered(lambda line: line.account_id == self.income[self.garbage])
        receivable = note.line_ids.filtered(lambda line: line.account_id == self.receivable)
        self.assertAlmostEqual(sum(garbage.mapped("debit")), 3.75)
        self.assertAlmostEqual(sum(receivable.mapped("credit")), 3.75)

    def test_vacation_on_days_all_suspended_is_refused(self):
        """Away exactly while the garbage was suspended: those days were never
        billed; the adjustment is refused with a plain message and nothing is
        posted."""
        self._suspend(date(2025, 2, 24), date(2025, 3, 31))
        march = self._bill(MARCH_READ, 114.0, 3)
        adjustment = self._vacation(march, date(2025, 2, 24), date(2025, 3, 3))
        with self.assertRaisesRegex(UserError, "already suspended on the days the customer"):
            adjustment.action_submit()
        self.assertEqual((adjustment.state, adjustment.amount), ("draft", 0.0))
        self.assertFalse(adjustment.credit_note_id)
        self.assertFalse(
            self.env["account.move"].search([("utility_adjustment_id", "=", adjustment.id)])
        )
        # Away the 7 billed days before it: 11.25 x 7 / 21 = 3.75 (the suspension
        # outside the days away still shortened the days billed).
        other = self._vacation(march, date(2025, 2, 17), date(2025, 2, 24))
        other.action_submit()
        self.assertEqual(other.amount, 3.75)
