# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Meter inventory: serials, states, install history, bench tests."""

from datetime import timedelta

from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common_meter import START, MeterCommon


@tagged("post_install", "-at_install")
class TestMeter(MeterCommon):
    def test_defaults(self):
        meter = self.env["utility.meter"].create({"name": "NEW-1"})
        self.assertEqual(meter.state, "stock")
        self.assertEqual(meter.size.code, "5/8")
        self.assertEqual(meter.unit, "gallon")
        self.assertEqual(meter.dials, 6)
        self.assertEqual(meter.multiplier, 1.0)
        self.assertEqual(meter.company_id, self.env.company)
        self.assertFalse(meter.last_reading_id)

    def test_serial_unique_per_company(self):
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(IntegrityError),
            self.env.cr.savepoint(),
        ):
            self._create_meter("MTR-0001")
        other = self.env["res.company"].create({"name": "Other Town"})
        self._create_meter("MTR-0001", company_id=other.id)

    def test_dials_and_multiplier_checked(self):
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(IntegrityError),
            self.env.cr.savepoint(),
        ):
            self._create_meter("BAD-DIALS", dials=0)
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(IntegrityError),
            self.env.cr.savepoint(),
        ):
            self._create_meter("BAD-MULT", multiplier=0)

    def test_installed_meter_knows_its_service(self):
        self.assertEqual(self.meter.state, "installed")
        self.assertEqual(self.meter.location_id, self.location)
        self.assertEqual(self.meter.service_id, self.service)
        self.assertEqual(self.meter.account_id, self.account)
        install = self.meter.install_ids
        self.assertEqual(len(install), 1)
        self.assertTrue(install.is_current)
        self.assertEqual(install.service_id, self.service)
        self.assertEqual(install.account_id, self.account)
        self.assertEqual(install.date_install, START)

    def test_install_only_from_stock(self):
        with self.assertRaisesRegex(UserError, "only meters in stock can be installed"):
            self.meter._install_on_service(self.service, START, 0)

    def test_one_open_install_per_meter(self):
        with self.assertRaisesRegex(Exception, "one premise at a time"):
            self.env["utility.meter.install"].create(
                {"meter_id": self.meter.id, "location_id": self.location.id, "date_install": START}
            )

    def test_remove_refused_on_open_service(self):
        with self.assertRaisesRegex(UserError, "exchange them, or stop the service first"):
            self.meter.action_remove()

    def test_remove_after_service_stops(self):
        self._read_history([0, 10, 25])
        self.service.action_stop()
        self.meter.action_remove()
        self.assertEqual(self.meter.state, "removed")
        self.assertFalse(self.meter.location_id)
        self.assertFalse(self.service.meter_id)
        install = self.meter.install_ids
        self.assertEqual(install.date_remove, START + timedelta(days=60))
        self.assertEqual(install.final_read, 25)
        self.assertEqual(install.reason, "service_stop")

    def test_bench_test_cycle(self):
        with self.assertRaisesRegex(UserError, "Sending to the bench is only possible"):
            self.meter.action_send_to_test()
        self.spare.action_send_to_test()
        self.assertEqual(self.spare.state, "testing")
        with self.assertRaisesRegex(UserError, "Record a passing bench test"):
            self.spare.action_to_stock()
        failed = self.env["utility.meter.test"].create(
            {
                "meter_id": self.spare.id,
                "accuracy_low": 90.0,
                "accuracy_mid": 99.0,
                "accuracy_high": 100.0,
            }
        )
        self.assertEqual(failed.result, "fail", "low flow under 95 %")
        with self.assertRaisesRegex(UserError, "Record a passing bench test"):
            self.spare.action_to_stock()
        passed = self.env["utility.meter.test"].create(
            {
                "meter_id": self.spare.id,
                "date": failed.date + timedelta(days=1),
                "accuracy_low": 97.0,
                "accuracy_mid": 99.5,
                "accuracy_high": 100.2,
            }
        )
        self.assertEqual(passed.result, "pass")
        self.assertEqual(self.spare.test_count, 2)
        self.spare.action_to_stock()
        self.assertEqual(self.spare.state, "stock")

    def test_retire(self):
        with self.assertRaisesRegex(UserError, "Retiring is only possible"):
            self.meter.action_retire()
        self.spare.action_retire()
        self.assertEqual(self.spare.state, "retired")

    def test_meter_with_history_cannot_be_deleted(self):
        with self.assertRaisesRegex(UserError, "retire them instead"):
            self.meter.unlink()
        self._create_meter("UNUSED").unlink()

    def test_last_reading_and_counts_for_many_meters(self):
        self._read_history([0, 10, 20])
        spare_reading = self._read(7, START, meter=self.spare)
        meters = self.meter | self.spare
        meters.invalidate_recordset()
        self.assertEqual(self.meter.last_reading_value, 20)
        self.assertEqual(self.meter.last_reading_date, START + timedelta(days=60))
        self.assertEqual(self.spare.last_reading_id, spare_reading)
        self.assertEqual(self.meter.reading_count, 3)

    def test_csr_orders_a_bench_test_but_keeps_off_the_inventory(self):
        env = self.env(user=self.users["csr"])
        spare = env["utility.meter"].browse(self.spare.id)
        spare.action_send_to_test()
        self.assertEqual(spare.state, "testing")
        with self.assertRaises(AccessError):
            spare.write({"dials": 7})
        with self.assertRaises(AccessError):
            env["utility.meter"].browse(self.spare.id).action_retire()

    def test_cashier_cannot_order_a_bench_test(self):
        spare = self.spare.with_user(self.users["cashier"])
        with self.assertRaises(AccessError):
            spare.action_send_to_test()

    def test_open_actions(self):
        self.assertEqual(
            self.meter.action_open_exchange()["context"], {"default_service_id": self.service.id}
        )
        self.assertEqual(
            self.spare.action_open_install()["context"], {"default_new_meter_id": self.spare.id}
        )
        self.assertEqual(
            self.meter.action_view_readings()["domain"], [("meter_id", "=", self.meter.id)]
        )
