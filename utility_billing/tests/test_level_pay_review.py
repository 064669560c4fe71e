# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Level pay between true-ups: review months, removal triggers, the printed bill.

Published rules:
- SMUD (https://www.smud.org/en/Customer-Support/Bill-Pay-Your-Way/Budget-Billing-program-details-modal):
  reviews in the 4th and 8th month of the plan year; when the last 12 months'
  average differs by more than 15 %, the amount is adjusted "to target a zero
  balance by the end of the Budget Billing cycle", from the last 12 months and the
  surplus or deficit accumulated;
- Pasco, WA, 3.65.170 (https://pasco.municipal.codes/PMC/3.65.170): the bill shows
  the monthly budget amount due and how much the account is over / under paid;
  the amount must be paid each month before a late pay penalty;
- Garland, TX (http://garland-oem.com/704/Budget-Billing): leaving the plan, the
  unpaid variance is charged.

2024 bills (``LevelPayCommon``): 687.00; / 12 = 57.25 a month.
"""

from datetime import date
from decimal import Decimal

from odoo.tests import tagged

from .common_level_pay import ENROLL, LevelPayCommon


@tagged("post_install", "-at_install")
class TestLevelPayReview(LevelPayCommon):
    def setUp(self):
        super().setUp()
        self.company.write(
            {
                "utility_level_pay_method": "div12",
                "utility_level_pay_review_interval": 4,
                "utility_level_pay_review_percent": 15.0,
            }
        )
        self._pay(687.0, date(2024, 12, 20))
        self.account._level_pay_enroll(ENROLL)
        self.assertEqual(self.account.level_pay_amount, 57.25)
        self.assertEqual(self.account.level_pay_date_review, date(2025, 5, 1))

    def _spring(self):
        """January to April 2025: 90 + 85 + 95 + 100 = 370.00 billed, the four
        installments (229.00) paid: 141.00 deferred, nothing due."""
        self._bills(
            self.account,
            [
                (date(2025, month, 15), amount)
                for month, amount in ((1, 90), (2, 85), (3, 95), (4, 100))
            ],
        )
        self._pay(229.0, date(2025, 4, 20))
        self.assertAlmostEqual(self.account.amount_deferred, 141.0)
        self.assertAlmostEqual(self.account.amount_current_due, 0.0)

    def test_review_month_recomputes_a_drifting_installment(self):
        """May 1 review (SMUD's 4th month). Last 12 months: 2024 May - December
        510.00 + 2025 370.00 = 880.00, / 12 = 73.33; the 141.00 deferred spread
        over the 8 months left to the January 1 true-up: 17.625. 73.33 + 17.625 =
        90.955 -> 90.96, 58.9 % above 57.25: changed. The deferred balance carries
        into the new installment: a May bill of 80.00 leaves 141.00 + 80.00 -
        90.96 = 130.04 deferred. Next review September 1."""
        self._spring()
        changed = self.env["utility.account"]._cron_level_pay(today=date(2025, 5, 1))
        self.assertFalse(changed, "no one removed")
        account = self.account
        self.assertEqual(account.level_pay_amount, 90.96)
        self.assertEqual(account.level_pay_carry, 141.0)
        self.assertEqual(account.level_pay_date_review, date(2025, 9, 1))
        self.assertEqual(account.level_pay_date_true_up, date(2026, 1, 1))
        self._bills(account, [(date(2025, 5, 15), 80)])
        account.invalidate_recordset()
        self.assertAlmostEqual(account.amount_deferred, 130.04)
        # The last review before the true-up is September; none after it.
        account._level_pay_review(date(2025, 9, 1))
        self.assertFalse(account.level_pay_date_review)

    def test_review_within_the_threshold_keeps_the_installment(self):
        """No drift (no bill since enrollment): 2024's 687.00 / 12 = 57.25 again,
        0 % off: kept; only the review date moves on."""
        changed = self.account._level_pay_review(date(2025, 1, 15))
        self.assertFalse(changed)
        self.assertEqual(self.account.level_pay_amount, 57.25)
        self.assertEqual(self.account.level_pay_date_review, date(2025, 5, 15))

    def test_removal_when_delinquent_above_the_amount(self):
        """Delinquent above 50.00: the May bill (80.00) unpaid after the spring
        leaves 221.00 owed, 141.00 + 80.00 - 57.25 = 163.75 deferred, 57.25 due:
        above 50.00, the plan ends and everything is due (Garland)."""
        self._spring()
        self.company.utility_level_pay_review_interval = 0
        self.account.sudo().level_pay_date_review = False
        self._bills(self.account, [(date(2025, 5, 15), 80)])
        # A new day, a new transaction: the balance is read again.
        self.env.invalidate_all()
        Account = self.env["utility.account"]
        self.assertFalse(Account._cron_level_pay(today=date(2025, 5, 20)), "off: no limit")
        self.company.utility_level_pay_max_due = 50.0
        self.assertEqual(Account._cron_level_pay(today=date(2025, 5, 20)), self.account)
        self.assertFalse(self.account.is_level_pay)
        self.assertAlmostEqual(self.account.amount_current_due, 221.0)
        self.assertIn("above", self.account.message_ids[:1].body)

    def test_removal_after_k_late_fees_and_n_days_late(self):
        """Pasco: the installment is paid before a late pay penalty. Two late fees
        in 12 months (the company's K = 2) end the plan; one does not. An
        installment 30 days past due ends it too."""
        self._spring()
        self.account.sudo().level_pay_date_review = False
        run = self.env["utility.delinquency.run"].create(
            {
                "cycle_id": self.account.cycle_id.id or self.cycle.id,
                "date_due": date(2025, 4, 15),
                "date_penalty": date(2025, 4, 20),
                "date_fee": date(2025, 4, 21),
            }
        )
        fees = self.env["utility.account"]._create_fee_invoices(
            [
                {
                    "account": self.account,
                    "amount": 5.0,
                    "date": day,
                    "label": "Late fee",
                    "income_account": self.income[self.water],
                    "origin": run.name,
                }
                for day in (date(2025, 3, 21), date(2025, 4, 21))
            ]
        )
        fees.sudo().utility_delinquency_run_id = run
        self._pay(10.0, date(2025, 4, 22))
        self.company.utility_level_pay_max_late = 3
        Account = self.env["utility.account"]
        self.assertFalse(Account._cron_level_pay(today=date(2025, 4, 25)))
        self.company.utility_level_pay_max_late = 2
        self.assertEqual(Account._cron_level_pay(today=date(2025, 4, 25)), self.account)
        self.assertIn("2 late fees", self.account.message_ids[:1].body)

    def test_the_printed_bill_shows_the_level_amount_and_the_deferred_balance(self):
        """Pasco: the bill shows the budget amount due and how much the account is
        over or under paid. After the spring (141.00 deferred, all paid), the
        April bill's summary: its 100.00 of charges, the deferral -141.00 taken
        off the 141.00 the ledger holds: 0.00 due on the stub."""
        self._spring()
        april = self.account.move_ids.filtered(
            lambda m: m.invoice_date == date(2025, 4, 15) and m.move_type == "out_invoice"
        )
        data = april._prepare_bill_data()[0]
        self.assertEqual(data.amount_current, Decimal("100.00"))
        self.assertEqual(data.amount_deferred, Decimal("-141.00"))
        self.assertEqual(data.amount_due, Decimal("0.00"))
        self.assertIn(
            "Level pay: your installment is $57.25. Actual charges this bill: $100.00; "
            "deferred balance: $141.00.",
            data.messages,
        )
        # Off the plan, the same bill asks for the whole balance.
        self.account._level_pay_remove("test")
        self.account.invalidate_recordset()
        data = april._prepare_bill_data()[0]
        self.assertEqual((data.amount_deferred, data.amount_due), (Decimal(0), Decimal("141.00")))
