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
from collections import Counter
from unittest.mock import patch

import psycopg2

from odoo.exceptions import UserError, ValidationError
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from .common_billing_race import ACCOUNTS, BillingRaceMixin
from .common_race import TIMEOUT


@tagged("post_install", "-at_install")
class TestBillingConcurrency(BillingRaceMixin, TransactionCase):
    race_context = {"queue_job__no_delay": True}

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
