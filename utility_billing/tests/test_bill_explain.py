# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The "why this bill differs" message printed on a bill, from the readings."""

from datetime import date

from odoo.tests import tagged

from .common_billing import BillingCommon

MARCH_READ = date(2025, 3, 3)


@tagged("post_install", "-at_install")
class TestBillExplain(BillingCommon):
    def _bill_march(self, account):
        meter = account.service_ids.meter_id
        # 10 kgal in the 28 days of February, against 7 in the 31 of January
        # (under the high-usage edit's limit, so the reading bills).
        self._read_meters(meter, MARCH_READ, [117.0])
        run = self._new_run(
            date_from=date(2025, 3, 1),
            date_to=date(2025, 3, 10),
            date_invoice=date(2025, 3, 15),
            date_due=date(2025, 4, 4),
            date_penalty=date(2025, 4, 9),
        )
        run.action_compute()
        run.action_post()
        return run.move_ids.filtered(lambda move: move.utility_account_id == account)

    def _messages(self, bill):
        return bill._prepare_bill_data()[0].messages

    def test_second_bill_explains_the_change_per_day(self):
        account = self._make_accounts(1)
        first = self._new_run()
        first.action_compute()
        first.action_post()
        # The first bill follows the initial read: nothing to compare with.
        self.assertFalse(first.move_ids._get_bill_explanations())
        self.assertFalse(
            [m for m in self._messages(first.move_ids) if m.startswith("Why this bill")]
        )
        march = self._bill_march(account)
        unit = {"kgal": "kgal", "gallon": "gal"}.get(
            account.service_ids.meter_id.unit, account.service_ids.meter_id.unit
        )
        self.assertIn(
            f"Why this bill differs: Your usage: 10.0 {unit} in 28 days (0.36 a day); last "
            f"period 7.0 {unit} in 31 days (0.23 a day): 58 % more per day.",
            self._messages(march),
        )

    def test_rate_change_is_named(self):
        account = self._make_accounts(1)
        first = self._new_run()
        first.action_compute()
        first.action_post()
        version = self.schedules[self.water].version_ids[:1]
        version.copy({"date_start": date(2025, 2, 20)})
        march = self._bill_march(account)
        (message,) = [m for m in self._messages(march) if m.startswith("Why this bill")]
        self.assertTrue(message.endswith("Rates changed on 02/20/2025."), message)

    def test_same_period_last_year_is_quoted(self):
        account = self._make_accounts(1, readings=False)
        meter = account.service_ids.meter_id
        # A year of readings: 10 kgal in February 2024, 18 in February 2025.
        days = [date(2024, 2, 3), date(2024, 3, 3), date(2025, 2, 3), date(2025, 3, 3)]
        self._read_meters(meter, days[0], [0.0], read_type="initial")
        self._read_meters(meter, days[1], [10.0])
        self._read_meters(meter, days[2], [130.0])
        self._read_meters(meter, days[3], [148.0])
        run = self._new_run(
            date_from=date(2025, 3, 1),
            date_to=date(2025, 3, 10),
            date_invoice=date(2025, 3, 15),
            date_due=date(2025, 4, 4),
            date_penalty=date(2025, 4, 9),
        )
        run.action_compute()
        run.action_post()
        bill = run.move_ids.filtered(lambda move: move.utility_account_id == account)
        (message,) = [m for m in self._messages(bill) if m.startswith("Why this bill")]
        self.assertIn("18.0", message)
        self.assertIn("Same period last year: 10.0", message)
        self.assertIn("in 29 days.", message)
