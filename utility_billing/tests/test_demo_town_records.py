# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The demo town's records of the screens a newcomer opens, each made through the
product's own methods: built here on a small fixture, one generator at a time."""

from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .common_autopay import AutopayCommon
from .common_billing import PREVIOUS_READ

DUE = PREVIOUS_READ + timedelta(days=32)  # 2025-02-04, a Tuesday


@tagged("post_install", "-at_install")
class TestDemoTownRecords(AutopayCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Town = cls.env["utility.demo.town"]
        cls.today = fields.Date.context_today(cls.Town)
        cls.meters = cls.accounts.service_ids.meter_id

    def test_check_read_file_is_imported_through_the_readings_import(self):
        yesterday = self.today - timedelta(days=1)
        self._read_meters(self.meters, yesterday, [100.0] * len(self.meters), read_type="initial")
        reading_file = self.Town._demo_check_read_file(count=2)
        self.assertEqual(reading_file.state, "imported")
        self.assertEqual((reading_file.row_count, reading_file.reading_count), (2, 2))
        readings = reading_file.reading_ids
        self.assertEqual(set(readings.mapped("read_type")), {"check"})
        self.assertEqual(set(readings.mapped("source")), {"import"})
        self.assertEqual(set(readings.mapped("date")), {self.today})
        # One day at 1 kgal a day after the read of 100 kgal.
        self.assertEqual(readings.mapped("value"), [101.0, 101.0])
        # A meter is read once a day: the next file reads the third meter only.
        second = self.Town._demo_check_read_file()
        self.assertEqual(second.reading_ids.meter_id, self.meters - readings.meter_id)

    def test_bench_tests_pass_and_fail_by_the_accuracy_limits(self):
        spare = self.env["utility.meter"].create({"name": "SPARE-1", "unit": "gallon", "dials": 7})
        tests = self.Town._demo_bench_tests()
        self.assertEqual(tests.mapped("result"), ["pass", "fail"])
        self.assertEqual(tests[1].meter_id, spare)
        self.assertEqual(tests[0].meter_id.state, "installed")

    def test_returned_check_bills_the_returned_payment_fee(self):
        self._post_bill(self.account, self.today - timedelta(days=20), {self.water: 80.0})
        check = self._check_payment(self.account, 80.0, self.today - timedelta(days=1))
        self.assertEqual(self.account.amount_balance, 0.0)
        returned = self.Town._demo_returned_check()
        self.assertEqual(returned, check)
        self.assertEqual(check.state, "returned")
        self.assertEqual(check.return_reason, "nsf")
        # The bill is open again and the $25.00 fee (the company's NSF fee) is billed.
        self.assertEqual(check.return_fee_move_id.amount_total, 25.0)
        self.assertEqual(check.return_fee_move_id.state, "posted")
        self.assertEqual(self.account.amount_balance, 105.0)

    def test_ach_returns_file_returns_a_prenote_and_changes_an_account_number(self):
        self._post_bill(self.account, PREVIOUS_READ, {self.water: 40.0})
        debited = self._enroll(self.account)
        prenoted = self._enroll(self.account3, is_prenote=True)
        self._autopay_file(DUE, post=True)
        self.assertTrue(prenoted.prenote_trace)
        returns = self.Town._demo_ach_returns_file()
        self.assertEqual(returns.state, "done")
        self.assertEqual(returns.line_ids.mapped("reason_code"), ["R03", "C01", "C09"])
        # The bank details are applied; the individual ID waits for a clerk.
        self.assertEqual(returns.line_ids.mapped("state"), ["prenote", "change", "review"])
        self.assertEqual(returns.review_count, 1)
        self.assertEqual(prenoted.state, "cancelled")
        self.assertEqual(debited.bank_id.acc_number, f"41{self.account.id:07d}")
