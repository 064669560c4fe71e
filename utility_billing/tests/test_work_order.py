# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Work orders in the field: readings, meters, carts, the medical flag, route
sheets and who sees what."""

from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common_meter import START, MeterCommon

STEADY = list(range(0, 130, 10))  # an initial read, then 12 months of 10 kgal
# A 1x1 PNG: the crew's photo.
PIXEL = (
    b"iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9"
    b"awAAAABJRU5ErkJggg=="
)


def day(n):
    return START + timedelta(days=30 * n)


@tagged("post_install", "-at_install")
class TestWorkOrder(MeterCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._read_history(STEADY)
        cls.Order = cls.env["utility.work.order"]
        cls.crew_user = new_test_user(
            cls.env, login="ub_crew", groups="utility_billing.group_utility_field", name="Crew"
        )
        cls.other_crew_user = new_test_user(
            cls.env, login="ub_crew2", groups="utility_billing.group_utility_field", name="Crew 2"
        )
        cls.north = cls.env["fsm.team"].create(
            {"name": "North", "utility_user_ids": [fields.Command.link(cls.crew_user.id)]}
        )
        cls.south = cls.env["fsm.team"].create(
            {"name": "South", "utility_user_ids": [fields.Command.link(cls.other_crew_user.id)]}
        )

    def _held(self, value=161.2, n=13):
        reading = self._read(value, day(n))
        self.assertEqual(reading.state, "exception")
        return reading

    def _finish(self, order, user=None, **vals):
        order = order.with_user(user or self.crew_user)
        order.write(dict({"result": "completed"}, **vals))
        order.action_complete()
        return order

    # ------------------------------------------------------------------
    # Check reads from the read-exception queue
    # ------------------------------------------------------------------
    def test_check_read_order_from_the_queue_confirms_the_held_reading(self):
        held = self._held()
        exception = held.exception_ids
        exception.with_user(self.users["csr"]).action_check_read()
        order = exception.work_order_id
        self.assertEqual(order.kind, "check_read")
        self.assertEqual(order.meter_id, self.meter)
        self.assertEqual(order.premise_id, self.location)
        self.assertEqual(order.account_id, self.account)
        self.assertEqual(order.exception_ids, exception)
        self.assertEqual(order.fsm_order_id.location_id, self.location.fsm_location_id)
        self.assertEqual(order.fsm_order_id.equipment_ids, self.meter.fsm_equipment_id)
        self.assertEqual(exception.state, "open", "the exception waits for the order")
        # Ordering again does not send a second crew.
        exception.with_user(self.users["csr"]).action_check_read()
        self.assertEqual(self.Order.search_count([("meter_id", "=", self.meter.id)]), 1)

        order.write({"team_id": self.north.id})
        self._finish(order, reading_value=161.5, is_dials_checked=True)
        reading = order.reading_id
        self.assertEqual(reading.read_type, "check")
        self.assertEqual(reading.source, "work_order")
        self.assertEqual(reading.work_order_id, order)
        self.assertEqual(reading.value, 161.5)
        self.assertEqual(exception.state, "resolved")
        self.assertEqual(exception.resolution, "check_read")
        self.assertEqual(held.state, "valid", "the meter really got there")
        self.assertEqual(order.state, "done")
        self.assertEqual(
            order.fsm_order_id.stage_id, self.env.ref("fieldservice.fsm_stage_completed")
        )
        self.assertEqual(order.done_by_id, self.crew_user)

    def test_check_read_disproves_the_held_reading(self):
        held = self._held()
        held.exception_ids.action_check_read()
        order = held.exception_ids.work_order_id
        self._finish(order, user=self.users["billing"], reading_value=131, is_dials_checked=True)
        self.assertEqual(held.state, "cancelled")
        self.assertEqual(order.reading_id.replaced_reading_id, held)
        self.assertEqual(order.reading_id.consumption, 11)

    def test_check_read_below_the_last_good_reading_is_refused(self):
        held = self._held()
        held.exception_ids.action_check_read()
        order = held.exception_ids.work_order_id.with_user(self.users["billing"])
        order.write({"result": "completed", "reading_value": 115, "is_dials_checked": True})
        with self.assertRaisesRegex(UserError, "below the last reading 120"):
            order.action_complete()
        self.assertEqual(order.state, "open")
        self.assertFalse(order.reading_id)
        self.assertEqual(held.state, "exception", "nothing changed")

    def test_reading_without_dials_checked_is_refused_with_every_problem(self):
        order = self.Order._create_for("check_read", self.service, team_id=self.north.id)
        order.with_user(self.crew_user).write({"result": "completed", "reading_value": -1})
        with self.assertRaisesRegex(UserError, "(?s)Dials Checked.*negative"):
            order.with_user(self.crew_user).action_complete()

    def test_completing_twice_is_refused(self):
        order = self.Order._create_for("final_read", self.account, team_id=self.north.id)
        self._finish(order, reading_value=125, is_dials_checked=True)
        self.assertEqual(order.reading_id.read_type, "final")
        with self.assertRaisesRegex(UserError, "already done"):
            order.with_user(self.crew_user).action_complete()
        with self.assertRaisesRegex(UserError, "closed and cannot be changed"):
            order.with_user(self.users["csr"]).write({"reading_value": 1})
        self.assertEqual(self.Reading.search_count([("work_order_id", "=", order.id)]), 1)

    def test_second_reading_on_one_day_is_refused_before_anything_changes(self):
        self._read(125, fields.Date.context_today(self.Order))
        order = self.Order._create_for("final_read", self.account, team_id=self.north.id)
        order.with_user(self.crew_user).write(
            {"result": "completed", "reading_value": 126, "is_dials_checked": True}
        )
        with self.assertRaisesRegex(UserError, "already has a reading today"):
            order.with_user(self.crew_user).action_complete()
        self.assertEqual(order.state, "open")

    def test_no_access_closes_the_trip_without_touching_the_account(self):
        held = self._held()
        held.exception_ids.action_check_read()
        order = held.exception_ids.work_order_id
        order.with_user(self.users["billing"]).write(
            {"result": "no_access", "crew_note": "Dog in the yard."}
        )
        order.with_user(self.users["billing"]).action_complete()
        self.assertEqual(order.state, "done")
        self.assertFalse(order.reading_id)
        self.assertEqual(held.state, "exception")
        self.assertIn("Dog in the yard.", self.account.message_ids[0].body)

    def test_check_read_can_be_ordered_again_after_a_visit_without_a_reading(self):
        """A closed trip that brought no reading no longer holds the exception: the
        clerk sees why, orders a new check read, and the first trip stays listed."""
        held = self._held()
        exception = held.exception_ids.with_user(self.users["csr"])
        exception.action_check_read()
        first = exception.work_order_id
        self.assertTrue(exception.is_check_read_pending)
        self.assertIn(f"Waiting for check read {first.name}", exception.check_read_status)
        first.with_user(self.users["billing"]).write(
            {"result": "no_access", "crew_note": "Dog in the yard."}
        )
        first.with_user(self.users["billing"]).action_complete()
        exception.invalidate_recordset()
        self.assertFalse(exception.is_check_read_pending, "a done order is not waited for")
        self.assertIn("could not read the meter", exception.check_read_status)
        self.assertIn("Could Not Access", exception.check_read_status)
        self.assertIn("Dog in the yard.", exception.check_read_status)
        self.assertIn("Could Not Access", exception.message_ids[0].body)

        exception.action_check_read()
        second = exception.work_order_id
        self.assertNotEqual(second, first, "a new trip is ordered")
        self.assertEqual(second.kind, "check_read")
        self.assertEqual(second.state, "open")
        self.assertEqual(second.exception_ids, exception)
        self.assertEqual(exception.check_read_order_ids, first | second, "history kept")
        self.assertEqual(first.state, "done")
        self.assertEqual(first.result, "no_access")
        self.assertTrue(exception.is_check_read_pending)
        self.assertIn(f"Waiting for check read {second.name}", exception.check_read_status)
        exception.action_check_read()
        self.assertEqual(
            self.Order.search_count([("meter_id", "=", self.meter.id)]), 2, "no third crew"
        )

        self._finish(second, user=self.users["billing"], reading_value=161.5, is_dials_checked=True)
        self.assertEqual(exception.state, "resolved")
        self.assertEqual(held.state, "valid")
        self.assertFalse(exception.check_read_status)

    def test_check_read_search_filter_lists_only_exceptions_waiting_on_a_trip(self):
        held = self._held()
        exception = held.exception_ids
        exception.action_check_read()
        Exception_ = self.env["utility.reading.exception"]
        self.assertEqual(Exception_.search([("is_check_read_pending", "=", True)]), exception)
        order = exception.work_order_id
        order.with_user(self.users["billing"]).write({"result": "meter_damaged"})
        order.with_user(self.users["billing"]).action_complete()
        self.assertFalse(Exception_.search([("is_check_read_pending", "=", True)]))
        self.assertEqual(Exception_.search([("is_check_read_failed", "=", True)]), exception)

    # ------------------------------------------------------------------
    # Meters
    # ------------------------------------------------------------------
    def test_meter_exchange_goes_through_the_exchange(self):
        action = self.meter.with_user(self.users["csr"]).action_order_exchange()
        order = self.Order.browse(action["res_id"])
        self.assertEqual(order.kind, "meter_exchange")
        self._finish(
            order,
            user=self.users["billing"],
            meter_removed_value=126.4,
            meter_installed_id=self.spare.id,
            meter_installed_value=0.0,
            photo=PIXEL,
        )
        self.assertEqual(self.service.meter_id, self.spare)
        self.assertEqual(self.meter.state, "removed")
        final = self.Reading.search([("meter_id", "=", self.meter.id)], order="date desc", limit=1)
        self.assertEqual((final.read_type, final.value, final.source), ("final", 126.4, "exchange"))
        initial = self.Reading.search([("meter_id", "=", self.spare.id)])
        self.assertEqual((initial.read_type, initial.value), ("initial", 0.0))

    def test_meter_exchange_needs_the_photo_and_the_new_meter(self):
        order = self.Order._create_for("meter_exchange", self.meter)
        order.with_user(self.users["billing"]).write({"result": "completed"})
        with self.assertRaisesRegex(UserError, "(?s)Take a photo.*meter installed"):
            order.with_user(self.users["billing"]).action_complete()
        self.assertEqual(self.service.meter_id, self.meter)

    def test_failed_bench_test_records_the_result_and_flags_the_account(self):
        order = self.Order._create_for("bench_test", self.meter)
        self._finish(
            order,
            user=self.users["billing"],
            accuracy_low=97.0,
            accuracy_mid=103.2,
            accuracy_high=102.0,
        )
        test = order.meter_test_id
        self.assertEqual(test.meter_id, self.meter)
        self.assertEqual(test.result, "fail", "mid flow 103.2 % is above AWWA's 101.5 %")
        self.assertTrue(
            any("failed its bench test" in body for body in self.account.message_ids.mapped("body"))
        )

    # ------------------------------------------------------------------
    # Carts, connect
    # ------------------------------------------------------------------
    def test_cart_delivery_updates_the_service(self):
        garbage = self._add_service(
            self.account, self.garbage, cart_count=1, cart_size=self._cart_size("64").id
        )
        action = garbage.with_user(self.users["csr"]).action_new_work_order()
        self.assertEqual(action["context"]["default_service_id"], garbage.id)
        order = self.Order._create_for("cart_delivery", garbage, team_id=self.south.id)
        self._finish(
            order,
            user=self.other_crew_user,
            cart_count_done=2,
            cart_size_done=self._cart_size("96").id,
        )
        self.assertEqual((garbage.cart_count, garbage.cart_size.code), (2, "96"))

    def test_connect_activates_the_pending_services(self):
        service = self._add_service(self.account, self.sewer)
        self.assertEqual(service.state, "pending")
        order = self.Order._create_for("connect", service, team_id=self.north.id)
        self._finish(order)
        self.assertEqual(service.state, "active")

    # ------------------------------------------------------------------
    # Medical / life support
    # ------------------------------------------------------------------
    def test_life_support_disconnect_needs_a_supervisor_override(self):
        self.account.is_life_support = True
        order = self.Order._create_for("disconnect", self.account, team_id=self.north.id)
        order.with_user(self.crew_user).write(
            {"result": "completed", "reading_value": 125, "is_dials_checked": True, "photo": PIXEL}
        )
        with self.assertRaisesRegex(UserError, "medical / life support"):
            order.with_user(self.crew_user).action_complete()
        self.assertEqual(self.service.state, "active")
        for role in ("csr", "billing"):
            with self.assertRaises(AccessError):
                order.with_user(self.users[role])._override_life_support("Doctor says fine")
        with self.assertRaisesRegex(UserError, "reason"):
            order.with_user(self.users["supervisor"])._override_life_support("  ")
        wizard = (
            self.env["utility.work.order.override"]
            .with_user(self.users["supervisor"])
            .create({"work_order_id": order.id, "reason": "Equipment removed, letter on file."})
        )
        wizard.action_confirm()
        self.assertEqual(order.override_by_id, self.users["supervisor"])
        order.with_user(self.crew_user).action_complete()
        self.assertEqual(self.service.state, "disconnected")

    # ------------------------------------------------------------------
    # Route sheet
    # ------------------------------------------------------------------
    def test_route_sheet_orders_stops_by_route_and_read_sequence(self):
        route_b = self.env["utility.route"].create(
            {"name": "B route", "code": "T1-2", "cycle_id": self.cycle.id}
        )
        today = fields.Date.context_today(self.Order)
        premises = self.env["utility.service.location"].create(
            [
                {"street": "30 Late St", "route_id": route_b.id, "read_sequence": 10},
                {"street": "20 Second St", "route_id": self.route.id, "read_sequence": 20},
                {"street": "10 First St", "route_id": self.route.id, "read_sequence": 10},
                {"street": "40 Nowhere Rd"},
            ]
        )
        meters = self.env["utility.meter"].create(
            [
                {"name": f"RS-{i}", "state": "installed", "location_id": p.id}
                for i, p in enumerate(premises)
            ]
        )
        orders = self.Order._create_for("leak", meters, team_id=self.north.id, date_scheduled=today)
        elsewhere = self.Order._create_for(
            "leak", meters[:1], team_id=self.south.id, date_scheduled=today
        )
        groups = (orders | elsewhere)._get_route_sheet_groups()
        self.assertEqual(
            [(team.name, len(stops)) for team, _day, stops in groups], [("North", 4), ("South", 1)]
        )
        north_stops = groups[0][2]
        self.assertEqual(
            north_stops.premise_id.mapped("street"),
            ["10 First St", "20 Second St", "30 Late St", "40 Nowhere Rd"],
        )
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("utility_billing.report_utility_route_sheet", orders.ids)[0]
            .decode()
        )
        positions = [html.index(f"RS-{i}") for i in (2, 1, 0, 3)]
        self.assertEqual(positions, sorted(positions), "printed in walking order")
        self.assertIn("google.com/maps", html)
        self.assertIn("Route Sheet: <span>North</span>", html)

    # ------------------------------------------------------------------
    # Access
    # ------------------------------------------------------------------
    def test_crews_see_their_orders_cashiers_read_them(self):
        mine = self.Order._create_for("leak", self.meter, team_id=self.north.id)
        theirs = self.Order._create_for("leak", self.meter, team_id=self.south.id)
        visible = self.Order.with_user(self.crew_user).search([("id", "in", (mine | theirs).ids)])
        self.assertEqual(visible, mine)
        with self.assertRaises(AccessError):
            theirs.with_user(self.crew_user).read(["state"])
        # A crew fills in the trip, but does not reschedule it or cancel it.
        with self.assertRaises(AccessError):
            mine.with_user(self.crew_user).write({"date_scheduled": day(20)})
        with self.assertRaises(AccessError):
            mine.with_user(self.crew_user).action_cancel()
        with self.assertRaises(AccessError):
            self.Order.with_user(self.crew_user).create({"premise_id": self.location.id})
        # The kanban of field service cannot move the stage behind the order's back.
        with self.assertRaisesRegex(UserError, "own buttons"):
            mine.fsm_order_id.write(
                {"stage_id": self.env.ref("fieldservice.fsm_stage_cancelled").id}
            )
        cashier = self.users["cashier"]
        self.assertEqual(
            self.Order.with_user(cashier).search([("id", "in", (mine | theirs).ids)]), mine | theirs
        )
        with self.assertRaises(AccessError):
            mine.with_user(cashier).write({"crew_note": "x"})
        with self.assertRaises(AccessError):
            mine.with_user(cashier).action_complete()
        # The status changes through the actions only, for everyone.
        with self.assertRaisesRegex(UserError, "only through its buttons"):
            mine.with_user(self.users["supervisor"]).write({"state": "done"})
        mine.with_user(self.users["csr"]).action_cancel()
        self.assertEqual(mine.state, "cancelled")
        self.assertTrue(self.users["billing"].has_group("utility_billing.group_utility_field"))
        self.assertFalse(self.users["csr"].has_group("utility_billing.group_utility_field"))
