# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Shut-off dates of collection notices (``lib.notices``), counted by hand."""

import unittest
from datetime import date

from ..lib import notices

THANKSGIVING = date(2025, 11, 27)


class TestLibNotices(unittest.TestCase):
    def test_business_days_skip_weekend_and_holiday(self):
        """7 business days after Monday 11/24/2025, Thanksgiving off: Tue 25,
        Wed 26, Fri 28, Mon 1, Tue 2, Wed 3, Thu 4 -> 12/04/2025."""
        self.assertEqual(
            notices.shutoff_after_business_days(date(2025, 11, 24), 7, {THANKSGIVING}),
            date(2025, 12, 4),
        )
        # Without the holiday: Wednesday 12/03.
        self.assertEqual(
            notices.shutoff_after_business_days(date(2025, 11, 24), 7), date(2025, 12, 3)
        )

    def test_hours_count_from_the_end_of_the_notice_day(self):
        """72 hours after the end of Monday 11/24 is the start of Friday 11/28;
        after Tuesday 11/25 it is Saturday 11/29: the next business day, Monday
        12/01. 73 hours need a fourth day: Saturday 11/29, so Monday 12/01."""
        self.assertEqual(notices.shutoff_after_hours(date(2025, 11, 24), 72), date(2025, 11, 28))
        self.assertEqual(notices.shutoff_after_hours(date(2025, 11, 25), 72), date(2025, 12, 1))
        self.assertEqual(notices.shutoff_after_hours(date(2025, 11, 24), 73), date(2025, 12, 1))
        # A holiday on the day reached moves it on: Thursday 11/27 -> Friday 11/28.
        self.assertEqual(
            notices.shutoff_after_hours(date(2025, 11, 23), 72, {THANKSGIVING}),
            date(2025, 11, 28),
        )

    def test_shutoff_date_takes_the_latest_rule(self):
        day = date(2025, 11, 24)
        self.assertEqual(
            notices.shutoff_date(day, {THANKSGIVING}, business_days=7, hours=72),
            date(2025, 12, 4),
        )
        self.assertEqual(notices.shutoff_date(day, {THANKSGIVING}, hours=72), date(2025, 11, 28))
        # No lead time at all: the next business day.
        self.assertEqual(
            notices.shutoff_date(date(2025, 11, 26), {THANKSGIVING}), date(2025, 11, 28)
        )
