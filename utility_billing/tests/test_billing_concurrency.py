# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Two real transactions race on the same billing run.

The other billing tests run in one test transaction, where no race can happen.
Here each side of a race has its own cursor from the registry, in its own
thread, and commits for real: the data they work on is built and committed
in its own cursor first, and removed at the end (plain SQL: posted bills,
billed periods and billed readings refuse an ORM unlink, on purpose). Every
name carries a random token, so a crashed run cannot trip the next one.

The interleaving is forced, not hoped for: the first transaction does its
work and waits before committing until PostgreSQL shows the second one
waiting for a lock it holds; then it commits and the second one fails.
"""

import threading
import uuid
from collections import Counter
from datetime import date
from unittest.mock import patch

import psycopg2

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from .common_race import TIMEOUT, RaceMixin

PREVIOUS_READ = date(2025, 1, 3)
CURRENT_READ = date(2025, 2, 3)
ACCOUNTS = 4


@tagged("post_install", "-at_install")
class TestBillingConcurrency(RaceMixin, TransactionCase):
    race_context = {"queue_job__no_delay": True}

    def setUp(self):
        super().setUp()
        self.token = uuid.uuid4().hex[:6].upper()
        self.data = {}
        self.addCleanup(self._drop_data)
        with self.registry.cursor() as cr:
            self._create_data(self._env(cr))

    # ------------------------------------------------------------------
    # Committed data, and its removal
    # ------------------------------------------------------------------
    def _create_data(self, env):
        token = self.token
        journal = env["account.journal"].create(
            {"name": f"Race bills {token}", "code": f"R{token[:4]}", "type": "sale"}
        )
        types = {
            code: env.ref(f"utility_billing.service_type_{code}")
            for code in ("water", "sewer", "garbage")
        }
        lines = {
            "water": [
                {"name": "Base", "sequence": 10, "component": "fixed", "amount": 10.0},
                {"name": "Usage", "sequence": 20, "component": "unit", "price_unit": 2.0},
            ],
            "sewer": [{"name": "Usage", "sequence": 10, "component": "unit", "price_unit": 4.0}],
            "garbage": [{"name": "Cart", "sequence": 10, "component": "cart", "price_unit": 15.0}],
        }
        schedules = {
            code: env["utility.rate.schedule"].create(
                {
                    "name": f"Race {code} {token}",
                    "code": f"RC{token}-{code[0].upper()}",
                    "service_type_id": types[code].id,
                    "usage_unit": "kgal",
                    "volume_basis": "water" if code == "sewer" else "meter",
                    "version_ids": [
                        Command.create(
                            {
                                "date_start": "2024-01-01",
                                "line_ids": [Command.create(vals) for vals in lines[code]],
                            }
                        )
                    ],
                }
            )
            for code in types
        }
        cycle = env["utility.billing.cycle"].create(
            {"name": f"Race {token}", "code": f"RC{token}", "read_day_start": 1, "read_day_end": 10}
        )
        route = env["utility.route"].create(
            {"name": f"Race {token}", "code": f"RC{token}", "cycle_id": cycle.id}
        )
        accounts, meters = env["utility.demo.town"]._create_billable_accounts(
            ACCOUNTS, route, schedules, f"RC{token}", date(2024, 1, 1)
        )
        Reading = env["utility.meter.reading"]
        for day, value, read_type in (
            (PREVIOUS_READ, 100.0, "initial"),
            (CURRENT_READ, 107.0, "actual"),
        ):
            Reading.create(
                [
                    {"meter_id": meter.id, "date": day, "value": value, "read_type": read_type}
                    for meter in meters
                ]
            )
        self.data.update(
            journal=journal.id,
            schedules=[schedule.id for schedule in schedules.values()],
            cycle=cycle.id,
            route=route.id,
            accounts=accounts.ids,
            partners=accounts.partner_id.ids,
            locations=accounts.location_id.ids,
            meters=meters.ids,
            services=accounts.service_ids.ids,
        )

    def _drop_data(self):
        """Delete what the data and the races left, children first, in one transaction."""
        data = self.data
        if not data:
            return
        with self.registry.cursor() as cr:
            cr.execute("SELECT id FROM account_move WHERE journal_id = %s", [data["journal"]])
            moves = [row[0] for row in cr.fetchall()]
            cr.execute("SELECT id FROM utility_billing_run WHERE cycle_id = %s", [data["cycle"]])
            runs = [row[0] for row in cr.fetchall()]
            cr.execute(
                "SELECT id FROM utility_meter_reading WHERE meter_id = ANY(%s)", [data["meters"]]
            )
            readings = [row[0] for row in cr.fetchall()]
            cr.execute(
                "SELECT id FROM utility_service_period WHERE service_id = ANY(%s)",
                [data["services"]],
            )
            periods = [row[0] for row in cr.fetchall()]
            cr.execute("SELECT id FROM account_move_line WHERE move_id = ANY(%s)", [moves])
            move_lines = [row[0] for row in cr.fetchall()]
            # The schedules' versions go with them (cascade), their chatter does not.
            cr.execute(
                "SELECT id FROM utility_rate_version WHERE schedule_id = ANY(%s)",
                [data["schedules"]],
            )
            versions = [row[0] for row in cr.fetchall()]
            self._delete_committed(
                cr,
                [
                    ("utility.service.period", periods),
                    ("account.move.line", move_lines),
                    ("account.move", moves),
                    ("utility.billing.run", runs),
                    ("utility.meter.reading", readings),
                    ("utility.account.service", data["services"]),
                    ("utility.meter", data["meters"]),
                    ("utility.account", data["accounts"]),
                    ("utility.service.location", data["locations"]),
                    ("res.partner", data["partners"]),
                    ("utility.rate.version", versions),
                    ("utility.rate.schedule", data["schedules"]),
                    ("utility.route", [data["route"]]),
                    ("utility.billing.cycle", [data["cycle"]]),
                    ("account.journal", [data["journal"]]),
                ],
            )
        self.data = {}

    # ------------------------------------------------------------------
    # Two sides
    # ------------------------------------------------------------------
    def _race(self, first_work, second_work, first_done):
        """Run the two sides: the first does its work up to ``first_done`` (an
        Event it sets) and commits once the second waits on its locks."""
        go_commit = threading.Event()
        first, second = {"go_commit": go_commit}, {}
        first_thread = self._side("ub-race-first", first_work, first)
        second_thread = self._side("ub-race-second", second_work, second)
        with mute_logger("odoo.sql_db"):
            first_thread.start()
            self.assertTrue(first_done.wait(TIMEOUT), first.get("error"))
            second_thread.start()
            blocked = self._wait_until_blocked(second)
            go_commit.set()
            first_thread.join(TIMEOUT)
            second_thread.join(TIMEOUT)
        self.assertFalse(first_thread.is_alive() or second_thread.is_alive(), "a side hangs")
        self.assertTrue(blocked, f"the second side never waited for the first: {second}")
        self.assertNotIn("error", first, first.get("error"))
        return first, second

    def _new_run_vals(self):
        return {
            "cycle_id": self.data["cycle"],
            "journal_id": self.data["journal"],
            "date_from": date(2025, 2, 1),
            "date_to": date(2025, 2, 10),
            "date_invoice": date(2025, 2, 15),
            "date_due": date(2025, 3, 7),
            "date_penalty": date(2025, 3, 12),
        }

    # ------------------------------------------------------------------
    # Races
    # ------------------------------------------------------------------
    def test_two_clerks_start_the_same_run(self):
        """Both pass the Python check (neither sees the other's uncommitted
        run); the unique index makes the second wait, then refuses it."""
        inserted = threading.Event()

        def first(env, outcome):
            outcome["run"] = env["utility.billing.run"].create(self._new_run_vals()).id
            inserted.set()
            outcome["go_commit"].wait(TIMEOUT)

        def second(env, outcome):
            outcome["run"] = env["utility.billing.run"].create(self._new_run_vals()).id

        _first, second_outcome = self._race(first, second, inserted)
        self.assertIsInstance(second_outcome.get("error"), psycopg2.errors.UniqueViolation)
        with self.registry.cursor() as cr:
            env = self._env(cr)
            runs = env["utility.billing.run"].search(
                [("cycle_id", "=", self.data["cycle"]), ("state", "!=", "cancelled")]
            )
            self.assertEqual(len(runs), 1)
            # Clicking again finds the run with a clear message.
            with self.assertRaisesRegex(ValidationError, "already exists"):
                env["utility.billing.run"].create(self._new_run_vals())

    def test_two_postings_bill_each_account_once(self):
        """Two users post the same reviewed run at once: the second waits for
        the lines the first locked, then fails on its stale snapshot; a retry
        (what the job queue does) finds nothing left to post."""
        with self.registry.cursor() as cr:
            run = self._env(cr)["utility.billing.run"].create(self._new_run_vals())
            run.action_compute()
            self.assertEqual((run.state, run.ok_count), ("rated", ACCOUNTS))
            run_id, line_ids = run.id, run.line_ids.ids
        Run = type(self.env["utility.billing.run"])
        commit_chunk = Run._commit_chunk
        posted = threading.Event()

        def held_commit(run):
            # Only the first side holds its chunk open until the second waits.
            if threading.current_thread().name == "ub-race-first":
                run.env.flush_all()
                posted.set()
                outcomes["first"]["go_commit"].wait(TIMEOUT)
            commit_chunk(run)

        outcomes = {}

        def first(env, outcome):
            outcomes["first"] = outcome
            env["utility.billing.run"].browse(run_id).action_post()

        def second(env, outcome):
            env["utility.billing.run"].browse(run_id).action_post()

        with patch.object(Run, "_commit_chunk", held_commit):
            _first, second_outcome = self._race(first, second, posted)
        # Odoo runs in REPEATABLE READ: the rows changed under its snapshot.
        self.assertIsInstance(second_outcome.get("error"), psycopg2.errors.SerializationFailure)
        with self.registry.cursor() as cr:
            env = self._env(cr)
            run = env["utility.billing.run"].browse(run_id)
            # The job queue retries the failed chunk: nothing left to post.
            run._post_chunk(line_ids)
            with self.assertRaisesRegex(UserError, "Post Bills is not possible"):
                run.action_post()
            self.assertEqual(run.state, "posted")
            moves = env["account.move"].search([("utility_billing_run_id", "=", run_id)])
            per_account = Counter(moves.mapped("utility_account_id.id"))
            self.assertEqual(per_account, Counter(dict.fromkeys(self.data["accounts"], 1)))
            self.assertEqual(set(moves.mapped("state")), {"posted"})
            self.assertEqual(len(set(moves.mapped("name"))), ACCOUNTS)
            periods = (
                env["utility.service.period"]
                .sudo()
                .search([("service_id", "in", self.data["services"]), ("state", "=", "billed")])
            )
            self.assertEqual(len(periods), 3 * ACCOUNTS)
            self.assertEqual(set(periods.move_id.ids), set(moves.ids))
