# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Readings: consumption, service lookup, one a day, billed ones locked, batch cost."""

from datetime import timedelta

from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common_meter import START, MeterCommon


@tagged("post_install", "-at_install")
class TestMeterReading(MeterCommon):
    def test_consumption_previous_and_days(self):
        first, second, third = self._read_history([100, 110.5, 121])
        self.assertFalse(first.previous_reading_id)
        self.assertEqual(first.consumption, 0.0, "an initial read has no consumption")
        self.assertEqual(second.previous_reading_id, first)
        self.assertAlmostEqual(second.consumption, 10.5, places=3)
        self.assertEqual(second.days, 30)
        self.assertEqual(third.previous_reading_id, second)
        self.assertAlmostEqual(third.consumption, 10.5, places=3)
        for reading in (first, second, third):
            self.assertEqual(reading.service_id, self.service, "found from the meter")
            self.assertEqual(reading.account_id, self.account)
            self.assertEqual(reading.location_id, self.location)
            self.assertEqual(reading.company_id, self.company)
            self.assertEqual(reading.state, "valid")
        self.assertEqual(third.name, f"MTR-0001 {third.date}")
        self.assertEqual(self.meter.last_reading_id, third)
        self.assertEqual(self.meter.last_reading_value, 121)

    def test_batch_out_of_order(self):
        """A history import in any order chains the readings by date."""
        readings = self.Reading.create(
            [
                {"meter_id": self.meter.id, "date": START + timedelta(days=60), "value": 30},
                {"meter_id": self.meter.id, "date": START, "value": 0, "read_type": "initial"},
                {"meter_id": self.meter.id, "date": START + timedelta(days=30), "value": 12},
            ]
        )
        last, first, middle = readings
        self.assertEqual(middle.previous_reading_id, first)
        self.assertEqual(last.previous_reading_id, middle)
        self.assertEqual(readings.mapped("consumption"), [18, 0, 12])

    def test_multiplier(self):
        self.meter.multiplier = 10
        _initial, reading = self._read_history([100, 103])
        self.assertEqual(reading.consumption, 30)

    def test_final_read_counts_to_its_value(self):
        self._read_history([100, 110])
        final = self._read(118, START + timedelta(days=70), read_type="final")
        self.assertEqual(final.consumption, 8)

    def test_service_found_from_install_history(self):
        """A reading of a meter since moved on belongs to the service it measured then."""
        self._read_history([0, 10])
        self.meter._remove_from_service(START + timedelta(days=40), 12, "exchange", self.service)
        self.service.meter_id = self.spare
        late = self._read(12, START + timedelta(days=39))
        self.assertEqual(late.service_id, self.service)

    def test_reading_without_service(self):
        reading = self._read(5, START, meter=self.spare)
        self.assertFalse(reading.service_id)
        self.assertFalse(reading.account_id)
        self.assertEqual(reading.state, "valid")

    def test_backdated_reading_recomputes_the_next_one(self):
        first, third = self._read_history([100, 120], step=60)
        self.assertEqual(third.consumption, 20)
        second = self._read(105, START + timedelta(days=30))
        self.assertEqual(second.previous_reading_id, first)
        self.assertEqual(third.previous_reading_id, second)
        self.assertEqual(third.consumption, 15)
        self.assertEqual(third.days, 30)
        # Deleting it puts the run back.
        second.unlink()
        self.assertEqual(third.previous_reading_id, first)
        self.assertEqual(third.consumption, 20)

    def test_value_change_recomputes_and_reedits(self):
        history = self._read_history([0, 10, 20, 30, 40])
        last = history[-1]
        last.value = 100
        self.assertEqual(last.consumption, 70)
        self.assertEqual(self._codes(last), ["high_usage"])
        self.assertEqual(last.state, "exception")
        last.value = 50
        self.assertEqual(self._codes(last), [])
        self.assertEqual(last.state, "valid")

    # ------------------------------------------------------------------
    # One reading a meter a day
    # ------------------------------------------------------------------
    def test_duplicate_refused_listing_every_duplicate(self):
        self._read_history([0, 10])
        day_one = START + timedelta(days=30)
        day_two = START + timedelta(days=45)
        with self.assertRaises(UserError) as caught:
            self.Reading.create(
                [
                    {"meter_id": self.meter.id, "date": day_one, "value": 11},
                    {"meter_id": self.meter.id, "date": day_two, "value": 12},
                    {"meter_id": self.meter.id, "date": day_two, "value": 13},
                ]
            )
        message = str(caught.exception)
        self.assertIn("at most once a day", message)
        self.assertIn(
            f"Meter MTR-0001 on {day_one}: already read that day (Valid reading)", message
        )
        self.assertIn(f"Meter MTR-0001 on {day_two}: 2 readings in this batch", message)
        self.assertEqual(self.Reading.search_count([("meter_id", "=", self.meter.id)]), 2)

    def test_position_problems_row_by_row(self):
        """Importers get each problem with its key, to report it on its row."""
        self._read_history([0, 10])
        taken = START + timedelta(days=30)
        free = START + timedelta(days=45)
        problems = self.Reading._get_position_problems(
            [(self.meter.id, taken), (self.meter.id, free)]
        )
        self.assertEqual(
            problems,
            [
                (
                    (self.meter.id, taken),
                    f"Meter MTR-0001 on {taken}: already read that day (Valid reading)",
                )
            ],
        )

    def test_duplicate_refused_on_write(self):
        first, second = self._read_history([0, 10])
        with self.assertRaisesRegex(UserError, "already read that day"):
            second.date = first.date

    def test_database_refuses_duplicates_too(self):
        reading = self._read(5, START)
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(IntegrityError),
            self.env.cr.savepoint(),
        ):
            self.env.cr.execute(
                "INSERT INTO utility_meter_reading "
                "(meter_id, date, value, state, read_type, source, company_id) "
                "VALUES (%s, %s, 6, 'valid', 'actual', 'manual', %s)",
                [self.meter.id, reading.date, self.company.id],
            )

    def test_cancelled_reading_leaves_its_day_free(self):
        reading = self._read(5, START)
        reading.state = "cancelled"
        again = self._read(6, START)
        self.assertEqual(again.state, "valid")
        with self.assertRaisesRegex(UserError, "Cancelled readings are history"):
            reading.value = 7

    # ------------------------------------------------------------------
    # Billed readings
    # ------------------------------------------------------------------
    def test_billed_reading_is_locked(self):
        first, second = self._read_history([0, 10])
        second.state = "billed"
        with self.assertRaisesRegex(UserError, "have been billed and cannot be changed"):
            second.value = 11
        with self.assertRaisesRegex(UserError, "have been billed and cannot be changed"):
            second.date = START + timedelta(days=31)
        with self.assertRaisesRegex(UserError, "only through cancel-and-rebill"):
            second.state = "cancelled"
        with self.assertRaisesRegex(UserError, "Billed readings cannot be deleted"):
            second.unlink()
        with self.assertRaisesRegex(UserError, "billed up to"):
            self._read(5, START + timedelta(days=15))
        # Cancel-and-rebill (billing) may release it explicitly.
        second.with_context(utility_reading_unbill=True).state = "valid"
        self.assertEqual(second.state, "valid")
        self.assertEqual(first.state, "valid")

    def test_held_reading_cannot_be_billed(self):
        _first, second = self._read_history([100, 50])
        self.assertEqual(second.state, "exception")
        with self.assertRaisesRegex(UserError, "Only valid readings can be billed"):
            second.state = "billed"

    # ------------------------------------------------------------------
    # Billing helpers
    # ------------------------------------------------------------------
    def test_consumption_by_service(self):
        self._read_history([0, 10, 25])
        totals = self.Reading._get_consumption_by_service(
            self.service, START, START + timedelta(days=60)
        )
        self.assertEqual(totals, {self.service: 25.0})
        self.assertEqual(self.Reading._get_billable_domain(), [("state", "=", "valid")])

    # ------------------------------------------------------------------
    # Access
    # ------------------------------------------------------------------
    def test_csr_enters_a_manual_reading(self):
        self._read_history([0, 10, 20, 30])
        env = self.env(user=self.users["csr"])
        reading = env["utility.meter.reading"].create(
            {"meter_id": self.meter.id, "date": START + timedelta(days=120), "value": 130}
        )
        self.assertEqual(reading.state, "exception", "the edits run for a CSR too")
        self.assertEqual(self._codes(reading), ["high_usage"])

    def test_cashier_cannot_create_readings(self):
        env = self.env(user=self.users["cashier"])
        with self.assertRaises(AccessError):
            env["utility.meter.reading"].create(
                {"meter_id": self.meter.id, "date": START, "value": 1}
            )
        self.assertTrue(env["utility.meter.reading"].search_count([]) >= 0, "but reads them")


@tagged("post_install", "-at_install")
class TestReadingBatchCost(MeterCommon):
    """Creating readings costs a fixed number of queries per batch, not per reading."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        count = 52
        locations = cls.env["utility.service.location"].create(
            [{"street": f"{n} Batch Ave", "route_id": cls.route.id} for n in range(count)]
        )
        accounts = cls.env["utility.account"].create(
            [{"partner_id": cls.customer.id, "location_id": loc.id} for loc in locations]
        )
        cls.meters = cls.env["utility.meter"].create(
            [{"name": f"BATCH-{n:03d}", "unit": "kgal"} for n in range(count)]
        )
        cls.services = cls.env["utility.account.service"].create(
            [
                {
                    "account_id": account.id,
                    "service_type_id": cls.water.id,
                    "rate_schedule_id": cls.schedules[cls.water].id,
                    "meter_id": meter.id,
                    "date_start": START,
                }
                for account, meter in zip(accounts, cls.meters, strict=True)
            ]
        )
        accounts.action_activate()
        for month in range(4):
            cls.Reading.create(
                [
                    {
                        "meter_id": meter.id,
                        "date": START + timedelta(days=30 * month),
                        "value": 100 + 10 * month,
                        "read_type": "initial" if month == 0 else "actual",
                    }
                    for meter in cls.meters
                ]
            )

    def _create_counting(self, meters, day, value):
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        readings = self.Reading.create(
            [{"meter_id": meter.id, "date": day, "value": value} for meter in meters]
        )
        self.env.flush_all()
        return readings, self.env.cr.sql_log_count - before

    def test_query_count_does_not_grow_with_the_batch(self):
        day = START + timedelta(days=120)
        # Warm the registry caches on one meter that is not measured afterwards.
        self._create_counting(self.meters[:1], day, 140)
        one, queries_one = self._create_counting(self.meters[1:2], day, 500)
        many, queries_many = self._create_counting(self.meters[2:], day, 500)
        self.assertEqual(len(many), 50)
        # Both batches are high usage: the edits create one exception per reading.
        self.assertEqual(one.state, "exception")
        self.assertEqual(set(many.mapped("state")), {"exception"})
        self.assertLessEqual(
            queries_many,
            queries_one + 10,
            f"1 reading: {queries_one} queries, 50 readings: {queries_many} queries",
        )

    def test_batch_of_normal_reads(self):
        day = START + timedelta(days=120)
        self._create_counting(self.meters[:1], day, 140)
        _one, queries_one = self._create_counting(self.meters[1:2], day, 140)
        many, queries_many = self._create_counting(self.meters[2:], day, 140)
        self.assertEqual(set(many.mapped("state")), {"valid"})
        self.assertLessEqual(
            queries_many,
            queries_one + 10,
            f"1 reading: {queries_one} queries, 50 readings: {queries_many} queries",
        )

    def test_services_found_in_batch(self):
        readings = self.Reading.browse(
            self.Reading.search([("meter_id", "in", self.meters.ids)]).ids
        )
        self.assertEqual(readings.service_id, self.services)
        self.assertEqual(set(readings.mapped("state")), {"valid"})
