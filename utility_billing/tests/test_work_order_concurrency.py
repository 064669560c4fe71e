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

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from ..models.utility_locked_fields_mixin import as_action
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
            cr.execute(
                "SELECT id FROM utility_payment_line WHERE payment_id = %s", [data["payment"]]
            )
            payment_lines = [row[0] for row in cr.fetchall()]
            self._delete_committed(
                cr,
                [
                    ("utility.payment.line", payment_lines),
                    ("utility.payment", [data["payment"]]),
                    ("utility.work.order", [data["order"]]),
                    ("fsm.order", [data["fsm_order"]]),
                    ("utility.account", [data["account"]]),
                    ("utility.service.location", [data["premise"]]),
                    ("fsm.location", [data["fsm_location"]]),
                    ("fsm.team", [data["crew"]]),
                    ("res.partner", data["partners"]),
                ],
            )
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


@tagged("post_install", "-at_install")
class TestShutoffReleaseConcurrency(RaceMixin, TransactionCase):
    """A payment races the release of a shut-off list (issue 14).

    The payment side runs what the payments core runs around posting (the
    shut-off lines' hook, then the work orders'); the release side runs the run's
    release. Both write the account's line of the list, so whichever commits
    second fails with a serialization error and is retried (as Odoo retries a
    request): the paid account is never shut off.
    """

    def setUp(self):
        super().setUp()
        self.token = uuid.uuid4().hex[:6].upper()
        self.data = {}
        self.addCleanup(self._drop_data)
        with self.registry.cursor() as cr:
            env = self._env(cr)
            token = self.token
            journal = env["account.journal"].create(
                {"name": f"Race shut-offs {token}", "code": f"S{token[:4]}", "type": "sale"}
            )
            cycle = env["utility.billing.cycle"].create(
                {"name": f"Race cycle {token}", "code": f"RC{token}"}
            )
            partner = env["res.partner"].create({"name": f"Race customer {token}"})
            premise = env["utility.service.location"].create(
                {"street": f"{token} Shut-off St", "city": "Prairie City"}
            )
            account = env["utility.account"].create(
                {"partner_id": partner.id, "location_id": premise.id}
            )
            today = fields.Date.context_today(env["utility.account"])
            run = env["utility.delinquency.run"].create(
                {
                    "cycle_id": cycle.id,
                    "journal_id": journal.id,
                    "date_due": today,
                    "date_penalty": today,
                }
            )
            as_action(run).write(
                {
                    "state": "posted",
                    "shutoff_state": "review",
                    "date_shutoff": env["utility.shutoff.day"]._get_next_shutoff_day(
                        run.company_id, today
                    ),
                }
            )
            # The account's final notice went out (the step before the list).
            as_action(env["utility.collection.notice"]).create(
                {
                    "run_id": run.id,
                    "company_id": run.company_id.id,
                    "account_id": account.id,
                    "partner_id": partner.id,
                    "kind": "final",
                    "date": today,
                    "date_shutoff": today,
                    "state": "sent",
                }
            )
            line = as_action(env["utility.shutoff.line"]).create(
                {
                    "run_id": run.id,
                    "company_id": run.company_id.id,
                    "account_id": account.id,
                    "amount_due": 60.0,
                }
            )
            payment = env["utility.payment"].create(
                {"line_ids": [Command.create({"account_id": account.id, "amount": 60.0})]}
            )
            self.data = {
                "journal": journal.id,
                "cycle": cycle.id,
                "partners": partner.ids,
                "premise": premise.id,
                "account": account.id,
                "run": run.id,
                "line": line.id,
                "payment": payment.id,
            }

    def _drop_data(self):
        data = self.data
        if not data:
            return
        with self.registry.cursor() as cr:
            # The release made the premise's field service location.
            made = self._field_service_ids(cr, [data["account"]], [data["premise"]])
            order_ids, fsm_ids = made["orders"], made["fsm_orders"]
            location_ids = made["locations"]
            partner_ids = data["partners"] + made["partners"]
            cr.execute(
                "SELECT id FROM utility_payment_line WHERE payment_id = %s", [data["payment"]]
            )
            payment_lines = [row[0] for row in cr.fetchall()]
            cr.execute("SELECT id FROM utility_collection_notice WHERE run_id = %s", [data["run"]])
            notices = [row[0] for row in cr.fetchall()]
            self._delete_committed(
                cr,
                [
                    ("utility.payment.line", payment_lines),
                    ("utility.collection.notice", notices),
                    ("utility.payment", [data["payment"]]),
                    ("utility.shutoff.line", [data["line"]]),
                    ("utility.work.order", order_ids),
                    ("fsm.order", fsm_ids),
                    ("utility.delinquency.run", [data["run"]]),
                    ("utility.account", [data["account"]]),
                    ("utility.service.location", [data["premise"]]),
                    ("fsm.location", location_ids),
                    ("utility.billing.cycle", [data["cycle"]]),
                    ("account.journal", [data["journal"]]),
                    ("res.partner", partner_ids),
                ],
            )
        self.data = {}

    def _pay(self, env, outcome):
        payment = env["utility.payment"].browse(self.data["payment"])
        # What utility.payment.poster._post runs around posting, in its order.
        env["utility.shutoff.line"]._on_payments_posted(payment)
        outcome["cancelled"] = env["utility.work.order"]._on_payments_posted(payment).ids
        outcome["paid"].set()
        assert outcome["go_commit"].wait(TIMEOUT), "never told to commit"

    def _release(self, env, outcome):
        # The release's job runs in this transaction (as a job worker runs it),
        # committed when the test says so.
        run = (
            env["utility.delinquency.run"]
            .browse(self.data["run"])
            .with_context(queue_job__no_delay=True, utility_billing_run_commit=False)
        )
        outcome["orders"] = run.action_release_shutoffs().ids
        outcome["released"].set()
        assert outcome["go_commit"].wait(TIMEOUT), "never told to commit"

    def _line_state(self):
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT l.state, l.amount_paid, o.state FROM utility_shutoff_line l "
                "LEFT JOIN utility_work_order o ON o.id = l.work_order_id WHERE l.id = %s",
                [self.data["line"]],
            )
            return cr.fetchone()

    def _retry(self, name, work, outcome):
        outcome.pop("error", None)
        outcome["go_commit"].set()
        thread = self._side(name, work, outcome)
        thread.start()
        thread.join(TIMEOUT)
        self.assertNotIn("error", outcome, outcome.get("error"))

    def _race(self, first, second):
        """``first`` does its work and waits; ``second`` starts and must wait for
        ``first``'s lock; ``first`` commits. Each is (name, work, outcome, the
        outcome's key of the event ``work`` sets once done).

        :return: the outcomes (first, second), once both threads ended
        """
        (name1, work1, outcome1, key1), (name2, work2, outcome2, _key2) = first, second
        thread1 = self._side(name1, work1, outcome1)
        thread2 = self._side(name2, work2, outcome2)
        with mute_logger("odoo.sql_db"):
            thread1.start()
            self.assertTrue(outcome1[key1].wait(TIMEOUT), outcome1.get("error"))
            thread2.start()
            blocked = self._wait_until_blocked(outcome2)
            outcome1["go_commit"].set()
            thread1.join(TIMEOUT)
            thread2.join(TIMEOUT)
        self.assertFalse(thread1.is_alive() or thread2.is_alive(), "a side hangs")
        self.assertTrue(blocked, f"{name2} never waited for {name1}: {outcome2}")
        self.assertNotIn("error", outcome1, outcome1.get("error"))
        self.assertIsInstance(outcome2.get("error"), psycopg2.errors.SerializationFailure)
        return outcome1, outcome2

    def _payer(self):
        return (
            "ub-so-pay",
            self._pay,
            {"paid": threading.Event(), "go_commit": threading.Event()},
            "paid",
        )

    def _releaser(self):
        outcome = {"released": threading.Event(), "go_commit": threading.Event()}
        return ("ub-so-release", self._release, outcome, "released")

    def test_payment_first_the_release_retries_and_leaves_the_account_off(self):
        _payer, releaser = self._race(self._payer(), self._releaser())
        self.assertEqual(self._line_state(), ("paid", 60.0, None))
        self._retry("ub-so-release-again", self._release, releaser)
        self.assertEqual(releaser["orders"], [], "the retried release orders nothing")
        self.assertEqual(self._line_state(), ("paid", 60.0, None))

    def test_release_first_the_payment_retries_and_cancels_the_order(self):
        releaser, payer = self._race(self._releaser(), self._payer())
        self.assertEqual(len(releaser["orders"]), 1)
        self.assertEqual(self._line_state(), ("released", 0.0, "open"))
        self._retry("ub-so-pay-again", self._pay, payer)
        self.assertEqual(payer["cancelled"], releaser["orders"])
        self.assertEqual(self._line_state(), ("released", 60.0, "cancelled"))
