# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from ..models.utility_locked_fields_mixin import as_action
from .common import UtilityCommon


@tagged("post_install", "-at_install")
class TestUtilityAccount(UtilityCommon):
    def test_number_from_sequence_and_cycle_from_route(self):
        other = self.env["utility.service.location"].create({"street": "14 Test St"})
        account = self.env["utility.account"].create(
            {"partner_id": self.customer.id, "location_id": other.id}
        )
        self.assertTrue(account.name.startswith("UA"), account.name)
        self.assertNotEqual(account.name, self.account.name)
        self.assertEqual(self.account.cycle_id, self.cycle, "the cycle comes from the route")
        self.assertFalse(account.cycle_id, "a premise without route has no cycle yet")
        self.assertEqual(self.account.state, "pending")

    def test_irrigation_accounts_compare_usage_by_season(self):
        orchard = self.env["utility.service.location"].create(
            {"street": "1 Orchard Rd", "customer_class": self._customer_class("irrigation").id}
        )
        sprinklers = self.env["utility.account"].create(
            {"partner_id": self.customer.id, "location_id": orchard.id}
        )
        self.assertTrue(sprinklers.is_seasonal_usage)
        self.assertFalse(self.account.is_seasonal_usage, "a residential account is not")
        # A clerk may mark another account seasonal (a school, a pool).
        self.account.is_seasonal_usage = True
        meter = self._create_meter()
        service = self._add_service(self.account, self.water, meter_id=meter.id)
        reading = self.env["utility.meter.reading"].create(
            {"meter_id": meter.id, "service_id": service.id, "date": "2025-01-03", "value": 5}
        )
        self.assertTrue(reading._edit_service().seasonal)

    def test_one_open_account_per_premise(self):
        with self.assertRaisesRegex(ValidationError, "only one open account"), self.cr.savepoint():
            self.env["utility.account"].create(
                {"partner_id": self.customer.id, "location_id": self.location.id}
            )
        # Once the first customer has moved out, the premise takes a new account.
        self.account.action_close()
        successor = self.env["utility.account"].create(
            {"partner_id": self.customer.id, "location_id": self.location.id}
        )
        self.assertEqual(self.location.current_account_id, successor)
        self.assertEqual(self.location.account_count, 2)

    def test_activation_needs_services_and_meters(self):
        with self.assertRaisesRegex(UserError, "at least one service"), self.cr.savepoint():
            self.account.action_activate()
        self._add_service(self.account, self.water)
        with self.assertRaisesRegex(ValidationError, "put a meter on it"), self.cr.savepoint():
            self.account.action_activate()
        self.account.service_ids.meter_id = self._create_meter()
        self._add_service(
            self.account, self.garbage, cart_count=1, cart_size=self._cart_size("96").id
        )
        self.account.action_activate()
        self.assertEqual(self.account.state, "active")
        self.assertEqual(set(self.account.service_ids.mapped("state")), {"active"})
        self.assertEqual(self.account.meter_ids, self.account.service_ids.meter_id)
        with self.assertRaisesRegex(UserError, "Only pending accounts"), self.cr.savepoint():
            self.account.action_activate()

    def test_service_rules(self):
        with (
            self.assertRaisesRegex(ValidationError, "prices Water, not Sewer"),
            self.cr.savepoint(),
        ):
            self.env["utility.account.service"].create(
                {
                    "account_id": self.account.id,
                    "service_type_id": self.sewer.id,
                    "rate_schedule_id": self.schedules[self.water].id,
                }
            )
        with (
            self.assertRaisesRegex(ValidationError, "not metered and cannot carry a meter"),
            self.cr.savepoint(),
        ):
            self._add_service(self.account, self.garbage, meter_id=self._create_meter("G-1").id)
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError), self.cr.savepoint():
            self._add_service(self.account, self.garbage, cart_count=-1)

    def test_service_suspend_resume_stop(self):
        garbage = self._add_service(
            self.account, self.garbage, cart_count=1, cart_size=self._cart_size("64").id
        )
        self._add_service(self.account, self.stormwater, eru_count=1.0)
        self.account.action_activate()
        garbage.action_suspend()
        self.assertEqual(garbage.state, "suspended", "vacation garbage stops one service")
        self.assertEqual(self.account.state, "active", "the account stays open")
        garbage.action_resume()
        self.assertEqual(garbage.state, "active")
        garbage.action_stop()
        self.assertEqual(garbage.state, "stopped")
        self.assertTrue(garbage.date_end)

    def test_close_rules(self):
        self._add_service(self.account, self.stormwater, eru_count=1.0)
        self.account.action_activate()
        with self.assertRaisesRegex(UserError, "Only pending or final-billed"), self.cr.savepoint():
            self.account.action_close()
        with self.assertRaisesRegex(AccessError, "through its buttons only"), self.cr.savepoint():
            self.account.state = "closed"
        # What the final bill does (test_special_bills), without its bill.
        as_action(self.account).state = "final_billed"
        self.account.action_close()
        self.assertEqual(self.account.state, "closed")
        self.assertTrue(self.account.date_end)
        self.assertEqual(self.account.service_ids.state, "stopped")

    def test_partner_accounts_button(self):
        self.assertEqual(self.customer.utility_account_count, 1)
        action = self.customer.action_view_utility_accounts()
        self.assertEqual(
            self.env["utility.account"].search(action["domain"]),
            self.account,
        )

    def test_cycle_calendar_is_checked(self):
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError), self.cr.savepoint():
            self.env["utility.billing.cycle"].create({"name": "Bad", "code": "B", "bill_day": 32})
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError), self.cr.savepoint():
            self.env["utility.billing.cycle"].create({"name": "Dup", "code": "T1"})
        self.assertEqual(self.cycle.account_count, 1)
        self.assertEqual(self.route.location_count, 1)
