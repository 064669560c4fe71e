# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Meter exchange: final read, removal, install, initial read, both billed in one period."""

from datetime import timedelta
from decimal import Decimal

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from ..lib.consumption import exchange_consumption
from .common_meter import START, MeterCommon


def day(n):
    return START + timedelta(days=n)


@tagged("post_install", "-at_install")
class TestMeterExchange(MeterCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Read monthly: 1000, 1010, 1020 (day 60).
        cls._read_history([1000, 1010, 1020])

    def _exchange(self, **vals):
        form = Form(
            self.env["utility.meter.exchange"].with_context(default_service_id=self.service.id)
        )
        for fname, value in vals.items():
            setattr(form, fname, value)
        return form.save()

    def test_exchange_end_to_end(self):
        wizard = self._exchange(
            new_meter_id=self.spare, date=day(75), final_value=1026, initial_value=3
        )
        self.assertEqual(wizard.old_meter_id, self.meter)
        self.assertEqual(wizard.old_last_value, 1020)
        self.assertEqual(wizard.date_final, day(75), "the final read defaults to the exchange day")
        wizard.action_confirm()

        # The old meter: final read, removed, history closed.
        final = self.meter.last_reading_id
        self.assertEqual(final.read_type, "final")
        self.assertEqual(final.source, "exchange")
        self.assertEqual(final.service_id, self.service)
        self.assertEqual(final.consumption, 6)
        self.assertEqual(self.meter.state, "removed")
        self.assertFalse(self.meter.location_id)
        old_install = self.meter.install_ids
        self.assertEqual(old_install.date_remove, day(75))
        self.assertEqual(old_install.final_read, 1026)
        self.assertEqual(old_install.reason, "exchange")

        # The new meter: installed at the premise, on the service, initial read.
        self.assertEqual(self.service.meter_id, self.spare)
        self.assertEqual(self.spare.state, "installed")
        self.assertEqual(self.spare.location_id, self.location)
        new_install = self.spare.install_ids
        self.assertTrue(new_install.is_current)
        self.assertEqual(new_install.initial_read, 3)
        initial = self.spare.last_reading_id
        self.assertEqual(initial.read_type, "initial")
        self.assertEqual(initial.consumption, 0)
        self.assertEqual(initial.service_id, self.service)

        # Next month's reading on the new meter, found on the service by itself.
        current = self._read(7, day(90), meter=self.spare)
        self.assertEqual(current.service_id, self.service)
        self.assertEqual(current.previous_reading_id, initial)
        self.assertEqual(current.consumption, 4)
        self.assertEqual(self._codes(current), [])

        # The period from the day-60 read to day 90 bills both meters: 6 + 4.
        totals = self.Reading._get_consumption_by_service(self.service, day(61), day(90))
        self.assertEqual(totals[self.service], 10)
        self.assertEqual(
            exchange_consumption(1020, 1026, 3, 7, old_dials=6, new_dials=6), Decimal(10)
        )
        self.assertIn("exchanged for MTR-SPARE", self.service.message_ids[0].body)

    def test_exchange_with_earlier_final_read(self):
        wizard = self._exchange(
            new_meter_id=self.spare, date=day(80), date_final=day(75), final_value=1030
        )
        wizard.action_confirm()
        self.assertEqual(self.meter.last_reading_date, day(75))
        self.assertEqual(self.spare.install_ids.date_install, day(80))

    def test_exchange_validated_all_at_once(self):
        self.spare.state = "testing"
        wizard = self._exchange(
            new_meter_id=self.spare, date=day(50), date_final=day(55), final_value=900
        )
        with self.assertRaises(UserError) as caught:
            wizard.action_confirm()
        message = str(caught.exception)
        self.assertIn("The new meter MTR-SPARE is Bench Testing, not in stock.", message)
        self.assertIn("before the old meter's final read", message)
        self.assertIn("must be after the last reading of MTR-0001", message)
        self.assertIn("The final reading 900.0 is lower than the last reading 1020.0", message)
        # Nothing changed.
        self.assertEqual(self.service.meter_id, self.meter)
        self.assertEqual(self.meter.state, "installed")
        self.assertEqual(len(self.meter.reading_ids), 3)

    def test_final_read_may_roll_over(self):
        self.meter.dials = 4  # 1020 on a 4-dial register is not near the top...
        wizard = self._exchange(new_meter_id=self.spare, date=day(75), final_value=10)
        with self.assertRaisesRegex(UserError, "is not a register rollover"):
            wizard.action_confirm()
        other = self._create_meter("MTR-TOP", unit="kgal", dials=4)
        self.service.meter_id = other
        self._read(9_990, day(70), meter=other)
        wizard = self._exchange(new_meter_id=self.spare, date=day(75), final_value=10)
        wizard.action_confirm()
        final = other.reading_ids.filtered(lambda r: r.read_type == "final")
        self.assertTrue(final.is_rollover)
        self.assertEqual(final.consumption, 20)

    def test_install_on_a_service_without_meter(self):
        location = self.env["utility.service.location"].create(
            {"street": "3 New St", "route_id": self.route.id}
        )
        account = self.env["utility.account"].create(
            {"partner_id": self.customer.id, "location_id": location.id}
        )
        service = self._add_service(account, self.water, date_start=day(10))
        wizard = Form(
            self.env["utility.meter.exchange"].with_context(default_service_id=service.id)
        )
        self.assertTrue(wizard.is_install)
        wizard.new_meter_id = self.spare
        wizard.date = day(10)
        wizard.initial_value = 42
        wizard.save().action_confirm()
        self.assertEqual(service.meter_id, self.spare)
        self.assertEqual(self.spare.location_id, location)
        self.assertEqual(self.spare.last_reading_value, 42)
        self.assertEqual(self.spare.install_ids.reason, "new")
        account.action_activate()
        self.assertEqual(service.state, "active")

    def test_only_billing_exchanges_meters(self):
        env = self.env(user=self.users["csr"])
        with self.assertRaises(AccessError):
            env["utility.meter.exchange"].create(
                {"service_id": self.service.id, "new_meter_id": self.spare.id}
            )
