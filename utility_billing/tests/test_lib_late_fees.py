# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Plain unit tests of the late fee arithmetic (``lib.late_fees``)."""

import unittest
from datetime import date
from decimal import Decimal as D

from ..lib.late_fees import LateFeeRule, add_grace_days, aging_bucket, is_charged, late_fee


class TestLateFeeArithmetic(unittest.TestCase):
    def test_percent_rounds_half_up(self):
        """Hagerstown, MD (hagerstownmd.org/205/Rates-Fees): 10% of the unpaid
        charges. 10% of $90.65 = $9.065, half-up $9.07."""
        self.assertEqual(late_fee(LateFeeRule(percent=D(10)), D("90.65")), D("9.07"))

    def test_flat_plus_percent(self):
        """Pottawatomie Co. RWD 4, KS (pottawatomie4.krwa.net): 5% of the payment
        due plus $10. 5% of $100.13 = $5.0065 -> $15.0065, $15.01."""
        rule = LateFeeRule(percent=D(5), amount_fixed=D(10))
        self.assertEqual(late_fee(rule, D("100.13")), D("15.01"))

    def test_minimum_and_maximum(self):
        """Tucson, AZ code 27 (codelibrary.amlegal.com): 10% of the monthly
        charges, not less than $10 nor more than $500."""
        rule = LateFeeRule(percent=D(10), amount_min=D(10), amount_max=D(500))
        self.assertEqual(late_fee(rule, D("64.99")), D("10.00"))  # 6.499 -> minimum
        self.assertEqual(late_fee(rule, D("321.45")), D("32.15"))  # 32.145 half-up
        self.assertEqual(late_fee(rule, D("5123.45")), D("500.00"))  # 512.35 -> maximum

    def test_threshold(self):
        """Mesa, AZ (mesaaz.gov): 2% of the past-due balance or $5, whichever is
        greater; no late fee on accounts owing less than $25."""
        rule = LateFeeRule(percent=D(2), amount_min=D(5), amount_threshold=D(25))
        self.assertEqual(late_fee(rule, D("24.99")), D("0.00"))
        self.assertEqual(late_fee(rule, D("25.00")), D("5.00"))
        self.assertEqual(late_fee(rule, D("312.60")), D("6.25"))  # 6.252

    def test_nothing_on_credit_or_zero(self):
        rule = LateFeeRule(amount_fixed=D(10))
        self.assertEqual(late_fee(rule, D("0")), D("0.00"))
        self.assertEqual(late_fee(rule, D("-5.00")), D("0.00"))

    def test_grace_days(self):
        # Friday 2025-02-07 + 3 working days = Wednesday 2025-02-12.
        friday = date(2025, 2, 7)
        self.assertEqual(add_grace_days(friday, 3, working_days=True), date(2025, 2, 12))
        self.assertEqual(add_grace_days(friday, 3), date(2025, 2, 10))
        # Presidents' Day (Monday 2025-02-17) as a holiday moves the day on.
        self.assertEqual(
            add_grace_days(date(2025, 2, 14), 1, True, holidays=[date(2025, 2, 17)]),
            date(2025, 2, 18),
        )
        self.assertEqual(add_grace_days(friday, 0, working_days=True), friday)

    def test_aging_buckets(self):
        as_of = date(2025, 5, 1)
        self.assertEqual(aging_bucket(date(2025, 5, 1), as_of), "current")
        self.assertEqual(aging_bucket(date(2025, 4, 30), as_of), "1_30")
        self.assertEqual(aging_bucket(date(2025, 4, 1), as_of), "1_30")
        self.assertEqual(aging_bucket(date(2025, 3, 31), as_of), "31_60")
        self.assertEqual(aging_bucket(date(2025, 2, 1), as_of), "61_90")
        self.assertEqual(aging_bucket(date(2025, 1, 30), as_of), "90_plus")

    def test_compounding(self):
        self.assertFalse(is_charged("none", True, False))
        self.assertFalse(is_charged("none", False, True))
        self.assertTrue(is_charged("none", False, False))
        self.assertTrue(is_charged("once", True, False))
        self.assertFalse(is_charged("once", True, True))
        self.assertTrue(is_charged("monthly", True, True))
