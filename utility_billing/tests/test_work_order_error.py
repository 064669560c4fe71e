# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Orders in error: the Complete button completes what passes its checks and
marks the rest *In Error* with why; a completed order whose reading the read
edits hold is in error too; the open-orders age report."""

from ast import literal_eval
from datetime import date, timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from ..models.utility_locked_fields_mixin import as_action
from .common_meter import START, MeterCommon
from .common_payment import PaymentCommon

STEADY = list(range(0, 130, 10))  # an initial read, then 12 months of 10 kgal


@tagged("post_install", "-at_install")
class TestWorkOrderError(MeterCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._read_history(STEADY)
        cls.Order = cls.env["utility.work.order"]
        cls.crew_user = new_test_user(
            cls.env, login="ub_err_crew", groups="utility_billing.group_utility_field"
        )
        cls.crew = cls.env["fsm.team"].create(
            {"name": "Readers", "utility_user_ids": [Command.link(cls.crew_user.id)]}
        )

    def _in_error(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "utility_billing.utility_work_order_action_in_error"
        )
        return self.Order.search(literal_eval(action["domain"]))

    def test_refused_reading_marks_the_order_in_error_until_it_is_right(self):
        held = self._read(161.2, START + timedelta(days=30 * 13))
        held.exception_ids.action_check_read()
        order = held.exception_ids.work_order_id
        order.team_id = self.crew
        mine = order.with_user(self.crew_user)
        mine.write({"result": "completed", "reading_value": 115, "is_dials_checked": True})
        action = mine.action_try_complete()
        self.assertEqual(action["params"]["type"], "warning")
        self.assertIn("below the last reading 120", action["params"]["message"])
        self.assertEqual(order.state, "open")
        self.assertFalse(order.reading_id, "the refused reading entered nothing")
        self.assertTrue(order.is_in_error)
        self.assertIn("below the last reading 120", order.error_summary)
        self.assertTrue(order.date_error)
        self.assertEqual(self._in_error(), order)
        # The crew reads again: completed, out of the list.
        mine.write({"reading_value": 131})
        self.assertIs(mine.action_try_complete(), True)
        self.assertEqual(order.state, "done")
        self.assertFalse(order.is_in_error)
        self.assertFalse(order.error_note)
        self.assertFalse(self._in_error())

    def test_batch_completes_the_good_orders_and_marks_the_others(self):
        good = self.Order._create_for("repair", self.account, team_id=self.crew.id)
        bad = self.Order._create_for("check_read", self.service, team_id=self.crew.id)
        orders = (good | bad).with_user(self.crew_user)
        orders.write({"result": "completed"})
        action = orders.action_try_complete()
        self.assertEqual((good.state, bad.state), ("done", "open"))
        self.assertIn(bad.name, action["params"]["message"])
        self.assertNotIn(good.name, action["params"]["message"])
        self.assertIn("Dials Checked", bad.error_note)
        self.assertEqual(self._in_error(), bad)

    def test_completed_order_whose_reading_is_held_is_in_error(self):
        order = self.Order._create_for("final_read", self.account, team_id=self.crew.id)
        order.with_user(self.crew_user).write(
            {"result": "completed", "reading_value": 5000, "is_dials_checked": True}
        )
        order.with_user(self.crew_user).action_try_complete()
        self.assertEqual(order.state, "done")
        self.assertEqual(order.reading_id.state, "exception", "4,880 kgal against 10 a month")
        self.assertTrue(order.is_in_error)
        self.assertIn("held by the read edits", order.error_summary)
        self.assertEqual(self._in_error(), order)
        order.reading_id.action_accept_exceptions()
        self.assertFalse(order.is_in_error, "the clerk accepted the reading")

    def test_only_crews_and_the_office_try_to_complete(self):
        order = self.Order._create_for("repair", self.account, team_id=self.crew.id)
        order.write({"result": "completed"})
        for role in ("cashier", "csr"):
            with self.subTest(role=role), self.assertRaises(AccessError):
                order.with_user(self.users[role]).action_try_complete()
        self.assertFalse(order.error_note)
        self.assertEqual(order.state, "open")

    def test_order_on_a_closed_account_is_refused_then_cancelled(self):
        order = self.Order._create_for("repair", self.account, team_id=self.crew.id)
        as_action(self.account).state = "closed"
        order.with_user(self.crew_user).write({"result": "completed"})
        order.with_user(self.crew_user).action_try_complete()
        self.assertEqual(order.state, "open")
        self.assertIn("is closed: cancel this order", order.error_note)
        order.with_user(self.users["csr"]).action_cancel()
        self.assertFalse(order.is_in_error)
        self.assertFalse(order.error_note)

    def test_demo_town_order_in_error(self):
        order = self.Order._create_for("leak", self.account, team_id=self.crew.id)
        self.env["utility.demo.town"]._demo_order_in_error(order)
        self.assertEqual(order.state, "open")
        self.assertIn("below the last reading 120", order.error_note)

    def test_open_orders_by_age_type_and_crew(self):
        Age = self.env["utility.work.order.age"]
        old = self.Order._create_for("leak", self.account, team_id=self.crew.id)
        new = self.Order._create_for("repair", self.account, team_id=self.crew.id)
        done = self.Order._create_for("leak", self.account, team_id=self.crew.id)
        done.with_user(self.crew_user).write({"result": "no_access"})
        done.with_user(self.crew_user).action_complete()
        self.env.flush_all()
        ten_days_ago = fields.Datetime.now() - timedelta(days=10)
        self.env.cr.execute(
            "UPDATE utility_work_order SET create_date = %s WHERE id = %s", [ten_days_ago, old.id]
        )
        rows = Age.search([("work_order_id", "in", (old | new | done).ids)])
        self.assertEqual(rows.work_order_id, old | new, "open orders only")
        by_order = {row.work_order_id: row for row in rows}
        self.assertEqual((by_order[old].age_days, by_order[old].age_bucket), (10, "8_30"))
        self.assertEqual((by_order[new].age_days, by_order[new].age_bucket), (0, "0_2"))
        self.assertEqual(by_order[old].team_id, self.crew)
        groups = Age._read_group([("id", "in", rows.ids)], ["type_id", "age_bucket"], ["__count"])
        self.assertEqual(
            sorted((t.utility_kind, bucket, count) for t, bucket, count in groups),
            [("leak", "8_30", 1), ("repair", "0_2", 1)],
        )
        self.assertEqual(
            Age.with_user(self.users["cashier"]).search_count([("id", "=", old.id)]), 1
        )
        with self.assertRaises(AccessError):
            Age.with_user(self.crew_user).search([])


@tagged("post_install", "-at_install")
class TestReconnectInError(PaymentCommon):
    def test_reconnect_on_an_account_still_owing_is_in_error(self):
        self._post_bill(self.account, date(2025, 1, 15), {self.water: 40.0, self.sewer: 20.0})
        supervisor = new_test_user(
            self.env, login="ub_err_sup", groups="utility_billing.group_utility_supervisor"
        )
        Order = self.env["utility.work.order"]
        as_action(self.account.service_ids.filtered("is_metered")).state = "disconnected"
        reconnect = Order._create_for("reconnect", self.account)
        self.assertEqual(reconnect.state, "hold")
        reconnect.with_user(supervisor).action_release()
        reconnect.write({"result": "completed"})
        action = reconnect.action_try_complete()
        self.assertEqual(reconnect.state, "open")
        self.assertIn("still owes", action["params"]["message"])
        self.assertTrue(reconnect.is_in_error)
        self.assertFalse(reconnect.fee_move_id)
