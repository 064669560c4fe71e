# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A payment races the crew: two real transactions on one disconnect order.

Each side has its own cursor from the registry, in its own thread, and commits
for real; the data is committed first and removed at the end with plain SQL.
The payment side is the payments core's hook (``_on_payments_posted``), which
``test_work_order_collections`` proves the core calls after posting.
"""

import threading
import uuid

import psycopg2

from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from .common_race import TIMEOUT, RaceMixin


@tagged("post_install", "-at_install")
class TestWorkOrderConcurrency(RaceMixin, TransactionCase):
    def setUp(self):
        super().setUp()
        self.token = uuid.uuid4().hex[:6].upper()
        self.data = {}
        self.addCleanup(self._drop_data)
        with self.registry.cursor() as cr:
            env = self._env(cr)
            partner = env["res.partner"].create({"name": f"Race customer {self.token}"})
            premise = env["utility.service.location"].create(
                {"street": f"{self.token} Race St", "city": "Prairie City"}
            )
            account = env["utility.account"].create(
                {"partner_id": partner.id, "location_id": premise.id}
            )
            crew = env["fsm.team"].create({"name": f"Race crew {self.token}"})
            order = env["utility.work.order"]._create_for(
                "disconnect", account, team_id=crew.id, amount_due=60.0
            )
            payment = env["utility.payment"].create(
                {"line_ids": [(0, 0, {"account_id": account.id, "amount": 60.0})]}
            )
            self.data = {
                "partners": (partner | premise.fsm_location_id.partner_id).ids,
                "premise": premise.id,
                "fsm_location": premise.fsm_location_id.id,
                "account": account.id,
                "crew": crew.id,
                "order": order.id,
                "fsm_order": order.fsm_order_id.id,
                "payment": payment.id,
            }

    def _drop_data(self):
        data = self.data
        if not data:
            return
        with self.registry.cursor() as cr:
            for model, ids in (
                ("utility.work.order", [data["order"]]),
                ("fsm.order", [data["fsm_order"]]),
                ("fsm.location", [data["fsm_location"]]),
                ("utility.account", [data["account"]]),
                ("utility.service.location", [data["premise"]]),
                ("utility.payment", [data["payment"]]),
                ("res.partner", data["partners"]),
            ):
                cr.execute(
                    "DELETE FROM mail_message WHERE model = %s AND res_id = ANY(%s)", [model, ids]
                )
                cr.execute(
                    "DELETE FROM mail_followers WHERE res_model = %s AND res_id = ANY(%s)",
                    [model, ids],
                )
            for table, ids in (
                ("utility_payment_line", None),
                ("utility_payment", [data["payment"]]),
                ("utility_work_order", [data["order"]]),
                ("fsm_order", [data["fsm_order"]]),
                ("utility_account", [data["account"]]),
                ("utility_service_location", [data["premise"]]),
                ("fsm_location", [data["fsm_location"]]),
                ("fsm_team", [data["crew"]]),
                ("res_partner", data["partners"]),
            ):
                if ids is None:
                    cr.execute(
                        "DELETE FROM utility_payment_line WHERE payment_id = %s", [data["payment"]]
                    )
                else:
                    cr.execute(f"DELETE FROM {table} WHERE id = ANY(%s)", [ids])  # pylint: disable=sql-injection
        self.data = {}

    def _pay(self, env, outcome):
        payment = env["utility.payment"].browse(self.data["payment"])
        outcome["changed"] = env["utility.work.order"]._on_payments_posted(payment)
        outcome["changed_ids"] = outcome["changed"].ids
        outcome["paid"].set()
        assert outcome["go_commit"].wait(TIMEOUT), "never told to commit"

    def _complete(self, env, outcome):
        order = env["utility.work.order"].browse(self.data["order"])
        order.write({"result": "completed", "crew_note": "Shut off."})
        order.action_complete()
        outcome["done"] = True

    def _state(self):
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT state, cancel_reason FROM utility_work_order WHERE id = %s",
                [self.data["order"]],
            )
            return cr.fetchone()

    def test_payment_while_the_route_sheet_prints_cancels_the_disconnect(self):
        """The sheet was printed with the stop on it; the payment still cancels the
        order, and the crew's completion from that sheet is refused."""
        printed, go_commit = threading.Event(), threading.Event()
        printer = {}

        def print_sheet(env, outcome):
            orders = env["utility.work.order"].search([("team_id", "=", self.data["crew"])])
            outcome["html"] = (
                env["ir.actions.report"]
                ._render_qweb_html("utility_billing.report_utility_route_sheet", orders.ids)[0]
                .decode()
            )
            printed.set()
            assert go_commit.wait(TIMEOUT), "never told to commit"

        payer = {"paid": threading.Event(), "go_commit": threading.Event()}
        printer_thread = self._side("ub-wo-print", print_sheet, printer)
        payer_thread = self._side("ub-wo-pay", self._pay, payer)
        printer_thread.start()
        self.assertTrue(printed.wait(TIMEOUT), printer.get("error"))
        payer_thread.start()
        self.assertTrue(payer["paid"].wait(TIMEOUT), payer.get("error"))
        payer["go_commit"].set()  # the payment commits while the sheet is still open
        payer_thread.join(TIMEOUT)
        go_commit.set()
        printer_thread.join(TIMEOUT)
        self.assertNotIn("error", printer, printer.get("error"))
        self.assertNotIn("error", payer, payer.get("error"))
        self.assertIn(f"{self.token} Race St", printer["html"], "printed before the payment")
        self.assertEqual(payer["changed_ids"], [self.data["order"]])
        self.assertEqual(self._state(), ("cancelled", "The account paid the shut-off amount."))
        crew = {}
        with mute_logger("odoo.sql_db"):
            thread = self._side("ub-wo-crew", self._complete, crew)
            thread.start()
            thread.join(TIMEOUT)
        self.assertIsInstance(crew.get("error"), UserError)
        self.assertIn("closed and cannot be changed", str(crew["error"]))

    def test_crew_completing_waits_for_the_payment_then_fails(self):
        """The payment holds the order's lock; the crew's completion waits, then
        cannot go through (REPEATABLE READ: the row changed under it), and a
        retry is refused because the order is cancelled."""
        payer = {"paid": threading.Event(), "go_commit": threading.Event()}
        crew = {}
        payer_thread = self._side("ub-wo-pay", self._pay, payer)
        crew_thread = self._side("ub-wo-crew", self._complete, crew)
        with mute_logger("odoo.sql_db"):
            payer_thread.start()
            self.assertTrue(payer["paid"].wait(TIMEOUT), payer.get("error"))
            crew_thread.start()
            blocked = self._wait_until_blocked(crew)
            payer["go_commit"].set()
            payer_thread.join(TIMEOUT)
            crew_thread.join(TIMEOUT)
        self.assertFalse(payer_thread.is_alive() or crew_thread.is_alive(), "a side hangs")
        self.assertTrue(blocked, f"the crew never waited for the payment: {crew}")
        self.assertNotIn("error", payer, payer.get("error"))
        self.assertIsInstance(
            crew.get("error"), psycopg2.errors.SerializationFailure, crew.get("error")
        )
        self.assertFalse(crew.get("done"))
        self.assertEqual(self._state()[0], "cancelled")
        with self.registry.cursor() as cr:
            order = self._env(cr)["utility.work.order"].browse(self.data["order"])
            with self.assertRaisesRegex(UserError, "already cancelled"):
                order.action_complete()
            cr.rollback()
