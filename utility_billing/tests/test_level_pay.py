# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Level pay: the installment, the deferred balance, current due vs payoff, true-up.

Published rules:
- Brentwood, TN (https://www.brentwoodtn.gov/Departments/Finance/Finance-Department-FAQs):
  the past year's billed total / 12 + 5 %, a settle-up amount at the end of the
  12 months;
- Central Point, OR (http://www.centralpointoregon.gov/finance/page/budget-billing):
  11 budget months, 12 months of history at the residence;
- Garland, TX (http://garland-oem.com/704/Budget-Billing): the variance (deferred
  balance) is charged when the customer leaves the plan.

The 2024 bills: 40, 42, 45, 50, 60, 75, 90, 85, 65, 50, 44, 41 = 687.00.
"""

from datetime import date

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common_level_pay import ENROLL, LevelPayCommon


@tagged("post_install", "-at_install")
class TestLevelPay(LevelPayCommon):
    def test_installment_by_each_method(self):
        account = self.account
        self.company.utility_level_pay_method = "div12"
        self.assertEqual(str(account._compute_level_pay_installment(ENROLL)), "57.25")
        # Central Point: 687.00 / 11 = 62.4545 -> 62.45.
        self.company.utility_level_pay_method = "div11"
        self.assertEqual(str(account._compute_level_pay_installment(ENROLL)), "62.45")
        # Brentwood: 687.00 / 12 x 1.05 = 60.1125 -> 60.11.
        self.company.utility_level_pay_method = "plus"
        self.company.utility_level_pay_percent = 5.0
        self.assertEqual(str(account._compute_level_pay_installment(ENROLL)), "60.11")

    def test_daily_true_up_goes_on_past_an_account_it_cannot_true_up(self):
        """The daily check trues up every plan at its anniversary; a plan the rules
        refuse (no bill in the last 12 months at the premise) keeps its plan and a
        note says why, and the scheduled action does not fail for everyone."""
        account = self.account
        self._pay(687.0, date(2024, 12, 20))
        account._level_pay_enroll(ENROLL)
        true_up = account.level_pay_date_true_up
        account._cron_level_pay(today=date(2027, 6, 1))
        self.assertTrue(account.is_level_pay)
        self.assertEqual(account.level_pay_date_true_up, true_up)
        self.assertEqual(account.level_pay_amount, 57.25)
        notes = account.message_ids.mapped("body")
        self.assertTrue(any("Level pay true-up not made:" in note for note in notes))
        # Its review the same day keeps the installment: nothing billed to review on.
        self.assertTrue(any("no bill in the last 12 months" in note for note in notes))

    def test_deferred_balance_current_due_and_settle_true_up(self):
        account = self.account
        self.company.write({"utility_level_pay_method": "plus", "utility_level_pay_percent": 5.0})
        # Level pay starts with nothing due.
        with self.assertRaisesRegex(UserError, "starts with no balance due"):
            account._level_pay_enroll(ENROLL)
        self._pay(687.0, date(2024, 12, 20))
        account._level_pay_enroll(ENROLL)
        self.assertEqual((account.is_level_pay, account.level_pay_amount), (True, 60.11))
        self.assertEqual(account.level_pay_date_true_up, date(2026, 1, 1))
        # Two summer bills of 90.00 and 85.00; the customer pays two installments.
        summer = self._bills(account, [(date(2025, 1, 15), 90), (date(2025, 2, 15), 85)])
        self._pay(120.22, date(2025, 2, 20))
        # The ledger keeps every actual charge: 175.00 billed, 54.78 still owed...
        self.assertEqual(sum(summer.mapped("amount_total")), 175.0)
        self.assertAlmostEqual(account.amount_balance, 54.78)
        # ... all of it deferred (175.00 - 2 x 60.11): nothing is due now.
        self.assertAlmostEqual(account.amount_deferred, 54.78)
        self.assertAlmostEqual(account.amount_current_due, 0.0)
        # The daily check takes no one current on installments off the plan.
        self.assertFalse(account._cron_level_pay(today=date(2025, 4, 1)))
        # Anniversary true-up, settled: the deferred 54.78 is due now.
        account._level_pay_true_up(date(2025, 3, 1))
        account.invalidate_recordset()
        self.assertAlmostEqual(account.amount_deferred, 0.0)
        self.assertAlmostEqual(account.amount_current_due, 54.78)
        # New installment from March 2024 - February 2025: 687 - 40 - 42 + 90 + 85
        # = 780.00 / 12 x 1.05 = 68.25.
        self.assertEqual(account.level_pay_amount, 68.25)

    def test_spread_true_up_and_removal(self):
        account = self.account
        self.company.write(
            {"utility_level_pay_method": "div12", "utility_level_pay_true_up": "spread"}
        )
        self._pay(687.0, date(2024, 12, 20))
        account._level_pay_enroll(ENROLL)
        self.assertEqual(account.level_pay_amount, 57.25)
        self._bills(account, [(date(2025, 1, 15), 90), (date(2025, 2, 15), 85)])
        self._pay(114.5, date(2025, 2, 20))
        # 175.00 - 2 x 57.25 = 60.50 deferred, spread: (780.00 + 60.50) / 12 = 70.04.
        account._level_pay_true_up(date(2025, 3, 1))
        self.assertEqual((account.level_pay_amount, account.level_pay_carry), (70.04, 60.5))
        account.invalidate_recordset()
        self.assertAlmostEqual(account.amount_deferred, 60.5)
        self.assertAlmostEqual(account.amount_current_due, 0.0)
        # Leaving the plan: the deferred balance is due with the rest.
        account._level_pay_remove("customer's request")
        account.invalidate_recordset()
        self.assertFalse(account.is_level_pay)
        self.assertAlmostEqual(account.amount_current_due, account.amount_balance)
        self.assertAlmostEqual(account.amount_balance, 60.5)

    def test_not_enough_history(self):
        new = self._make_accounts(1, readings=False, prefix="LP")
        with self.assertRaisesRegex(UserError, "level pay needs 12"):
            new._level_pay_enroll(ENROLL)
        self.assertFalse(new.is_level_pay)
