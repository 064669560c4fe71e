# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Read edits through the ORM, and the review queue that releases what they hold."""

from datetime import timedelta

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common_meter import START, MeterCommon

STEADY = list(range(0, 130, 10))  # an initial read, then 12 months of 10 kgal


def day(n):
    """The n-th monthly read date of the fixtures."""
    return START + timedelta(days=30 * n)


@tagged("post_install", "-at_install")
class TestReadEdits(MeterCommon):
    # ------------------------------------------------------------------
    # Negative: rollover, meter change, misread
    # ------------------------------------------------------------------
    def test_misread(self):
        self._read_history([100, 110, 120])
        reading = self._read(80, day(3))
        self.assertEqual(self._codes(reading), ["negative"])
        self.assertEqual(reading.state, "exception")
        self.assertEqual(reading.consumption, -40)
        self.assertIn("40 kgal below the previous reading 120", reading.exception_ids.message)

    def test_rollover(self):
        self._read_history([999_920, 999_940, 999_960, 999_980])
        reading = self._read(5, day(4))
        self.assertEqual(self._codes(reading), ["rollover"])
        self.assertTrue(reading.is_rollover)
        self.assertEqual(reading.consumption, 25)
        self.assertEqual(reading.state, "exception", "a person confirms the rollover")

    def test_meter_change_when_reinstalled_between(self):
        self._read_history([999_950, 999_960, 999_970, 999_980])
        install = self.meter.install_ids
        install.date_remove = day(3) + timedelta(days=5)
        self.env["utility.meter.install"].create(
            {
                "meter_id": self.meter.id,
                "service_id": self.service.id,
                "location_id": self.location.id,
                "date_install": day(3) + timedelta(days=6),
            }
        )
        reading = self._read(5, day(4))
        self.assertEqual(self._codes(reading), ["meter_change"])
        self.assertFalse(reading.is_rollover)
        self.assertLess(reading.consumption, 0)

    def test_meter_change_when_exchange_not_recorded(self):
        self._read_history([0, 10, 20])
        self.spare.state = "installed"
        self.service.meter_id = self.spare
        reading = self._read(3, day(3), meter=self.spare)
        self.assertEqual(reading.service_id, self.service)
        self.assertEqual(self._codes(reading), ["meter_change"])
        self.assertIn("record the exchange", reading.exception_ids.message)

    # ------------------------------------------------------------------
    # Zero usage, usage on an inactive service
    # ------------------------------------------------------------------
    def test_zero_usage_on_active_service(self):
        self._read_history([0, 10, 20])
        reading = self._read(20, day(3))
        self.assertEqual(self._codes(reading), ["zero_usage"])

    def test_zero_usage_not_on_suspended_service(self):
        self._read_history([0, 10, 20])
        self.service.action_suspend()
        reading = self._read(20, day(3))
        self.assertEqual(self._codes(reading), [])
        self.assertEqual(reading.state, "valid")

    def test_usage_on_suspended_service(self):
        self._read_history([0, 10, 20])
        self.service.action_suspend()
        reading = self._read(25, day(3))
        self.assertEqual(self._codes(reading), ["usage_inactive"])
        self.assertIn("suspended", reading.exception_ids.message)

    def test_no_usage_flag_on_active_service_with_normal_usage(self):
        self._read_history([0, 10, 20])
        self.assertEqual(self._codes(self._read(30, day(3))), [])

    # ------------------------------------------------------------------
    # High / low against the account's history, thresholds of the company
    # ------------------------------------------------------------------
    def test_high_usage_with_the_numbers(self):
        self._read_history(STEADY)
        reading = self._read(161.2, day(13))
        self.assertEqual(self._codes(reading), ["high_usage"])
        self.assertEqual(
            reading.exception_ids.message,
            "Usage 41.2 kgal is 412 % of the 12-period average 10 kgal for 30 days (limit 200 %).",
        )

    def test_high_usage_threshold_from_the_company(self):
        self._read_history(STEADY)
        self.company.utility_high_usage_percent = 500
        self.assertEqual(self._codes(self._read(161.2, day(13))), [])

    def test_low_usage_and_its_threshold(self):
        self._read_history(STEADY)
        self.assertEqual(self._codes(self._read(122, day(13))), ["low_usage"])
        self.company.utility_low_usage_percent = 10
        self.assertEqual(self._codes(self._read(124, day(14))), [])

    def test_history_periods_and_minimum_average_from_the_company(self):
        # Months of 100, then three months of 10: this month's 30 is normal against the
        # 6-month average, high against the last 3.
        self._read_history([0, 100, 200, 300, 310, 320, 330])
        # The drop was flagged low at the time, and accepted.
        self.Exception.search([]).action_accept()
        self.company.utility_usage_history_periods = 3
        self.assertEqual(self._codes(self._read(360, day(7))), ["high_usage"])
        self.company.utility_usage_min_average = 100
        self.assertEqual(self._codes(self._read(500, day(8))), [])

    # ------------------------------------------------------------------
    # Same reading, consecutive estimates
    # ------------------------------------------------------------------
    def test_same_reading_periods_in_a_row(self):
        self._read_history([0, 10, 20, 20, 20])
        reading = self._read(20, day(5))
        self.assertEqual(self._codes(reading), ["same_reading"])

    def test_same_reading_periods_from_the_company(self):
        self.company.utility_same_reading_periods = 4
        self._read_history([0, 10, 20, 20, 20])
        self.assertEqual(self._codes(self._read(20, day(5))), ["zero_usage"])

    def test_consecutive_estimates(self):
        self._read_history([0, 10])
        estimates = self.Reading.create(
            [
                {
                    "meter_id": self.meter.id,
                    "date": day(n),
                    "value": 10 * n,
                    "read_type": "estimated",
                }
                for n in (2, 3, 4)
            ]
        ).sorted("date")
        self.assertEqual([self._codes(r) for r in estimates], [[], [], ["consecutive_estimates"]])

    def test_consecutive_estimates_limit_from_the_company(self):
        self.company.utility_max_consecutive_estimates = 3
        self._read_history([0, 10])
        estimates = self.Reading.create(
            [
                {
                    "meter_id": self.meter.id,
                    "date": day(n),
                    "value": 10 * n,
                    "read_type": "estimated",
                }
                for n in (2, 3, 4)
            ]
        )
        self.assertEqual(set(estimates.mapped("state")), {"valid"})

    # ------------------------------------------------------------------
    # No read
    # ------------------------------------------------------------------
    def test_missing_read_check(self):
        self._read_history([0, 10, 20])
        wizard = Form(self.env["utility.reading.missing.check"])
        wizard.cycle_id = self.cycle
        wizard.date_from = day(3) - timedelta(days=2)
        wizard.date_to = day(3) + timedelta(days=2)
        wizard.save().action_confirm()
        missing = self.Exception.search([("code", "=", "no_read")])
        self.assertEqual(len(missing), 1)
        self.assertEqual(missing.service_id, self.service)
        self.assertEqual(missing.account_id, self.account)
        self.assertEqual(missing.meter_id, self.meter)
        self.assertIn("No reading of meter MTR-0001", missing.message)
        # Running it again does not repeat it.
        check = self.env["utility.reading.missing.check"].create(
            {"cycle_id": self.cycle.id, "date_from": wizard.date_from, "date_to": wizard.date_to}
        )
        check.action_confirm()
        self.assertEqual(self.Exception.search_count([("code", "=", "no_read")]), 1)
        # The late reading settles it.
        late = self._read(30, day(3) + timedelta(days=4))
        self.assertEqual(missing.state, "resolved")
        self.assertEqual(missing.reading_id, late)

    def test_missing_read_check_quiet_when_read(self):
        self._read_history([0, 10, 20])
        check = self.env["utility.reading.missing.check"].create(
            {"cycle_id": self.cycle.id, "date_from": day(2), "date_to": day(2)}
        )
        result = check.action_confirm()
        self.assertEqual(result["tag"], "display_notification")
        self.assertFalse(self.Exception.search([("code", "=", "no_read")]))


@tagged("post_install", "-at_install")
class TestReviewQueue(MeterCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._read_history(STEADY)

    def _held(self, value=161.2, n=13):
        reading = self._read(value, day(n))
        self.assertEqual(reading.state, "exception")
        return reading

    def test_accept_releases(self):
        reading = self._held()
        reading.exception_ids.action_accept()
        self.assertEqual(reading.state, "valid")
        exception = reading.exception_ids
        self.assertEqual(exception.state, "resolved")
        self.assertEqual(exception.resolution, "accepted")
        self.assertEqual(exception.resolved_by_id, self.env.user)
        self.assertTrue(exception.date_resolved)
        # Running the edits again does not hold what a person accepted.
        reading._run_read_edits()
        self.assertEqual(reading.state, "valid")
        self.assertEqual(len(reading.exception_ids), 1)
        with self.assertRaisesRegex(UserError, "already resolved"):
            exception.action_accept()

    def test_accept_selected_and_empty_selection(self):
        first = self._held()
        second = self._held(value=400, n=14)
        (first | second).exception_ids.action_accept()
        self.assertEqual((first | second).mapped("state"), ["valid", "valid"])
        # Batch code calls the actions on whatever its filter found: nothing is fine.
        self.assertTrue(self.Exception.action_accept())
        self.assertTrue(self.Exception.action_estimate())
        self.assertTrue(self.Exception.action_check_read())

    def test_check_read_of_a_missing_read(self):
        self.env["utility.reading.missing.check"].create(
            {
                "cycle_id": self.cycle.id,
                "date_from": day(13),
                "date_to": day(13) + timedelta(days=3),
            }
        ).action_confirm()
        missing = self.Exception.search([("code", "=", "no_read")])
        missing.action_check_read()
        self.assertEqual(missing.work_order_id.kind, "check_read")
        self.assertEqual(missing.work_order_id.meter_id, missing.meter_id)
        check = self._read(131, day(13) + timedelta(days=6), read_type="check")
        self.assertEqual(missing.state, "resolved")
        self.assertEqual(missing.resolution, "check_read")
        self.assertEqual(missing.reading_id, check)

    def test_reading_stays_held_while_any_exception_is_open(self):
        self.service.action_suspend()
        reading = self._held()
        self.assertEqual(self._codes(reading), ["usage_inactive"])
        # A second finding on the same reading.
        reading.value = 300
        self.Exception.create(
            {"reading_id": reading.id, "code": "high_usage", "message": "Manual flag"}
        )
        reading._update_state_from_exceptions()
        first, second = reading.exception_ids.sorted("id")
        first.action_accept()
        self.assertEqual(reading.state, "exception")
        with self.assertRaisesRegex(UserError, "Only valid readings can be billed"):
            reading.state = "billed"
        second.action_accept()
        self.assertEqual(reading.state, "valid")
        reading.state = "billed"

    def test_correct_replaces_and_reedits(self):
        reading = self._held()
        exception = reading.exception_ids
        action = exception.action_correct()
        self.assertEqual(action["res_model"], "utility.meter.reading.correct")
        wizard = (
            self.env["utility.meter.reading.correct"]
            .with_context(**action["context"])
            .create({"value": 132, "reason": "Reader swapped digits"})
        )
        self.assertEqual(wizard.consumption_preview, 12)
        result = wizard.action_confirm()
        # From the review queue the clerk goes back to the queue.
        self.assertEqual(result, {"type": "ir.actions.act_window_close"})
        corrected = self.Reading.search([("replaced_reading_id", "=", reading.id)])
        self.assertEqual(reading.state, "cancelled")
        self.assertEqual(exception.state, "resolved")
        self.assertEqual(exception.resolution, "corrected")
        self.assertEqual(exception.resolution_note, "Reader swapped digits")
        self.assertEqual(corrected.replaced_reading_id, reading)
        self.assertEqual(corrected.date, reading.date)
        self.assertEqual(corrected.consumption, 12)
        self.assertEqual(corrected.state, "valid")
        self.assertEqual(reading.replacement_ids, corrected)

    def test_correction_is_edited_again(self):
        reading = self._held()
        wizard = self.env["utility.meter.reading.correct"].create(
            {"reading_id": reading.id, "value": 60, "reason": "Typo"}
        )
        corrected = self.Reading.browse(wizard.action_confirm()["res_id"])
        self.assertEqual(self._codes(corrected), ["negative"])
        self.assertEqual(corrected.state, "exception")

    def test_correct_requires_a_reason_and_an_open_reading(self):
        reading = self._held()
        wizard = self.env["utility.meter.reading.correct"].create(
            {"reading_id": reading.id, "value": 130, "reason": " "}
        )
        with self.assertRaisesRegex(UserError, "reason"):
            wizard.action_confirm()
        self.assertEqual(reading.state, "exception")

    def test_estimate(self):
        reading = self._held()
        exception = reading.exception_ids
        exception.action_estimate()
        self.assertEqual(reading.state, "cancelled")
        self.assertEqual(exception.resolution, "estimated")
        estimate = reading.replacement_ids
        self.assertEqual(estimate.read_type, "estimated")
        self.assertEqual(estimate.date, reading.date)
        # 10 kgal a month of 30 days.
        self.assertEqual(estimate.value, 130)
        self.assertEqual(estimate.consumption, 10)
        self.assertEqual(estimate.state, "valid")

    def test_estimate_a_missing_read(self):
        self.env["utility.reading.missing.check"].create(
            {
                "cycle_id": self.cycle.id,
                "date_from": day(13),
                "date_to": day(13) + timedelta(days=15),
            }
        ).action_confirm()
        missing = self.Exception.search([("code", "=", "no_read")])
        missing.action_estimate()
        self.assertEqual(missing.resolution, "estimated")
        estimate = missing.reading_id
        self.assertEqual(estimate.read_type, "estimated")
        self.assertEqual(estimate.date, day(13) + timedelta(days=15))
        self.assertEqual(estimate.value, 135, "45 days at a third of a kgal a day")

    def test_estimate_without_history_is_refused(self):
        other = self._create_meter("MTR-NEW", unit="kgal")
        self._read(0, day(0), meter=other)
        reading = self._read(500, day(1), meter=other)
        exception = self.Exception.create(
            {"reading_id": reading.id, "code": "high_usage", "message": "Manual flag"}
        )
        with self.assertRaisesRegex(UserError, "no usage history to estimate from"):
            exception.action_estimate()

    def test_check_read_confirms(self):
        reading = self._held()
        exception = reading.exception_ids
        exception.action_check_read()
        self.assertEqual(exception.state, "open")
        self.assertEqual(exception.resolution, "check_read")
        self.assertTrue(exception.is_check_read_pending)
        self.assertEqual(exception.work_order_id.kind, "check_read", "a crew is sent")
        self.assertEqual(reading.state, "exception", "held until the check read arrives")
        check = self._read(162, reading.date + timedelta(days=3), read_type="check")
        self.assertEqual(exception.state, "resolved")
        self.assertEqual(reading.state, "valid", "the meter really got there")
        self.assertEqual(check.previous_reading_id, reading)
        self.assertEqual(check.state, "valid")

    def test_check_read_disproves(self):
        reading = self._held()
        reading.exception_ids.action_check_read()
        check = self._read(131, reading.date + timedelta(days=3), read_type="check")
        self.assertEqual(reading.state, "cancelled")
        self.assertEqual(reading.exception_ids.state, "resolved")
        self.assertEqual(check.replaced_reading_id, reading)
        self.assertEqual(check.previous_reading_id.value, 120)
        self.assertEqual(check.consumption, 11)
        self.assertEqual(check.state, "valid")

    def test_csr_orders_check_reads_but_cannot_release(self):
        reading = self._held()
        exception = reading.exception_ids.with_user(self.users["csr"])
        with self.assertRaises(AccessError):
            exception.action_accept()
        with self.assertRaises(AccessError):
            exception.action_estimate()
        with self.assertRaises(AccessError):
            exception.action_correct()
        exception.action_check_read()
        self.assertEqual(exception.resolution, "check_read")
        self.assertEqual(reading.state, "exception")

    def test_billing_specialist_releases(self):
        reading = self._held()
        reading.exception_ids.with_user(self.users["billing"]).action_accept()
        self.assertEqual(reading.state, "valid")
        self.assertEqual(reading.exception_ids.resolved_by_id, self.users["billing"])

    def test_account_shows_open_exceptions(self):
        reading = self._held()
        self.assertEqual(self.account.exception_count, 1)
        self.assertEqual(self.account.open_exception_ids, reading.exception_ids)
        reading.exception_ids.action_accept()
        self.account.invalidate_recordset()
        self.assertFalse(self.account.open_exception_ids)
