# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The last two chunks of a run end at the same moment (``channels = root:N``).

Each chunk runs as a job worker runs it: in a transaction of its own, in its own
thread and cursor, ended by a real commit (``_commit_chunk`` marks the end of
the job). The first chunk waits at its end until the second is at its own end
too (or waits for a lock the first holds); then both commit. Each has asked
"is anything left?" before either committed: in REPEATABLE READ each saw the
other's work as left, and the run stayed open at 100 % until a clerk pressed
Resume. Now the check runs again after each commit, in a new transaction that
sees both chunks: the run or step is closed exactly once, nothing is done twice.

The buttons that start or resume a run lock its row first: pressed while a
chunk closes the run, the button waits for the chunk, fails on its snapshot
(Odoo retries the request) and, retried, queues nothing and reopens nothing.
"""

import threading
import time
import uuid
from collections import Counter
from unittest.mock import patch

import psycopg2
from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import UserError
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from ..models.utility_delinquency_run_step import STEP_ACCOUNT_TABLE
from ..models.utility_locked_fields_mixin import as_action
from .common_billing import trap_jobs
from .common_billing_race import ACCOUNTS, BillingRaceMixin
from .common_race import TIMEOUT, RaceMixin
from .test_collection_notices import PAST_DUE_DATE, CollectionNoticeCommon

FIRST, SECOND = "ub-chunk-first", "ub-chunk-second"


class ChunkRaceMixin:
    """Two chunks of one run in two transactions ending together."""

    # The sides run as a job worker runs them: jobs are queued, not run in the request.
    race_context = {}

    def _wait_at_end_or_blocked(self, outcome):
        """Wait until the side of ``outcome`` is at the end of its chunk, or waits
        for a lock; True if so (False if it failed or the time ran out)."""
        deadline = time.monotonic() + TIMEOUT
        with self.registry.cursor() as cr:
            while time.monotonic() < deadline:
                if outcome["at_end"].is_set():
                    return True
                if "error" in outcome:
                    return False
                if outcome.get("pid"):
                    cr.execute(
                        "SELECT 1 FROM pg_locks WHERE pid = %s AND NOT granted LIMIT 1",
                        [outcome["pid"]],
                    )
                    if cr.fetchone():
                        return True
                time.sleep(0.02)
        return False

    def _chunks_end_together(self, model, run_id, method, chunks):
        """Run ``method`` of the run over each of the two ``chunks`` in two
        transactions ending together (see the module's docstring); a chunk that
        fails on a concurrency error is run again, as queue_job retries it.

        :return: the outcomes of the two sides (``retried`` when it was)
        """
        Run = type(self.env["utility.billing.run"])
        commit_chunk = Run._commit_chunk
        outcomes = {
            name: {"at_end": threading.Event(), "go": threading.Event()} for name in (FIRST, SECOND)
        }

        def held_commit(run):
            # The delinquency run commits through the billing run's method.
            outcome = outcomes.get(threading.current_thread().name)
            if outcome:
                run.env.flush_all()
                outcome["at_end"].set()
                assert outcome["go"].wait(TIMEOUT), "never told to commit"
            commit_chunk(run)

        def side(chunk):
            def work(env, outcome):
                getattr(env[model].browse(run_id), method)(chunk)

            return work

        with patch.object(Run, "_commit_chunk", held_commit), mute_logger("odoo.sql_db"):
            first = self._side(FIRST, side(chunks[0]), outcomes[FIRST])
            second = self._side(SECOND, side(chunks[1]), outcomes[SECOND])
            first.start()
            self.assertTrue(outcomes[FIRST]["at_end"].wait(TIMEOUT), outcomes[FIRST].get("error"))
            second.start()
            self.assertTrue(self._wait_at_end_or_blocked(outcomes[SECOND]), outcomes[SECOND])
            outcomes[FIRST]["go"].set()
            outcomes[SECOND]["go"].set()
            first.join(TIMEOUT)
            second.join(TIMEOUT)
            self.assertFalse(first.is_alive() or second.is_alive(), "a chunk hangs")
            for name, chunk in zip((FIRST, SECOND), chunks, strict=True):
                error = outcomes[name].get("error")
                if error is None:
                    continue
                self.assertIsInstance(error, PG_CONCURRENCY_EXCEPTIONS_TO_RETRY)
                # What queue_job does with a concurrency error: run the job again.
                retry = {}
                thread = self._side(f"{name}-retry", side(chunk), retry)
                thread.start()
                thread.join(TIMEOUT)
                self.assertNotIn("error", retry, retry.get("error"))
                outcomes[name]["retried"] = True
        return outcomes

    def _resume_while_the_last_chunk_closes(self, model, run_id, method, chunk, resume):
        """The last chunk (``method`` over ``chunk``) closes the run or step and
        holds the run's row until it commits; a clerk presses ``resume`` (a
        button's name) meanwhile: the button must wait for the chunk, then fail
        on its snapshot (Odoo retries the request).

        :return: the number of jobs of the run queued
        """
        Run = type(self.env["utility.billing.run"])
        commit_chunk = Run._commit_chunk
        closing = {"at_end": threading.Event(), "go": threading.Event()}

        def held_commit(run):
            if threading.current_thread().name == FIRST:
                run.env.flush_all()
                closing["at_end"].set()
                assert closing["go"].wait(TIMEOUT), "never told to commit"
            commit_chunk(run)

        def last_chunk(env, outcome):
            getattr(env[model].browse(run_id), method)(chunk)

        def press(env, outcome):
            getattr(env[model].browse(run_id), resume)()

        clerk = {}
        with patch.object(Run, "_commit_chunk", held_commit), mute_logger("odoo.sql_db"):
            first = self._side(FIRST, last_chunk, closing)
            first.start()
            self.assertTrue(closing["at_end"].wait(TIMEOUT), closing.get("error"))
            second = self._side(SECOND, press, clerk)
            second.start()
            blocked = self._wait_until_blocked(clerk)
            closing["go"].set()
            first.join(TIMEOUT)
            second.join(TIMEOUT)
        self.assertFalse(first.is_alive() or second.is_alive(), "a side hangs")
        self.assertTrue(blocked, f"{resume} never waited for the closing chunk: {clerk}")
        self.assertNotIn("error", closing, closing.get("error"))
        self.assertIsInstance(clerk.get("error"), psycopg2.errors.SerializationFailure)

    def _jobs_queued(self, env, model, run_id):
        return (
            env["queue.job"].sudo().search_count([("identity_key", "like", f"{model},{run_id},%")])
        )

    def _state_changes(self, env, model, run_id, field="state"):
        """How many times the run's ``field`` was set to each value (its tracking)."""
        values = (
            env["mail.tracking.value"]
            .sudo()
            .search(
                [
                    ("mail_message_id.model", "=", model),
                    ("mail_message_id.res_id", "=", run_id),
                    ("field_id.name", "=", field),
                ]
            )
        )
        return Counter(values.mapped("new_value_char"))


@tagged("post_install", "-at_install")
class TestBillingRunChunkRace(ChunkRaceMixin, BillingRaceMixin, TransactionCase):
    def _new_run(self, env, **vals):
        run = env["utility.billing.run"].create(dict(self._new_run_vals(), chunk_size=2, **vals))
        as_action(run).write({"account_count": ACCOUNTS})
        return run

    def test_last_two_rate_chunks_ending_together_make_the_run_ready(self):
        with self.registry.cursor() as cr:
            run_id = self._new_run(self._env(cr)).id
        accounts = self.data["accounts"]
        self._chunks_end_together(
            "utility.billing.run", run_id, "_rate_chunk", [accounts[:2], accounts[2:]]
        )
        with self.registry.cursor() as cr:
            env = self._env(cr)
            run = env["utility.billing.run"].browse(run_id)
            self.assertEqual(run.state, "rated", "the run is ready for review, no Resume needed")
            self.assertEqual(
                Counter(run.line_ids.account_id.ids), Counter(dict.fromkeys(accounts, 1))
            )
            self.assertEqual(run.ok_count, ACCOUNTS)
            self.assertEqual(self._state_changes(env, run._name, run_id), Counter({"Review": 1}))

    def test_last_two_post_chunks_ending_together_post_the_run(self):
        with self.registry.cursor() as cr:
            run = self._new_run(self._env(cr)).with_context(queue_job__no_delay=True)
            run.action_compute()
            self.assertEqual((run.state, run.ok_count), ("rated", ACCOUNTS))
            as_action(run).state = "posting"
            run_id, line_ids = run.id, run.line_ids.sorted("id").ids
        self._chunks_end_together(
            "utility.billing.run", run_id, "_post_chunk", [line_ids[:2], line_ids[2:]]
        )
        with self.registry.cursor() as cr:
            env = self._env(cr)
            run = env["utility.billing.run"].browse(run_id)
            self.assertEqual(run.state, "posted")
            self.assertEqual(run.posted_count, ACCOUNTS)
            moves = env["account.move"].search([("utility_billing_run_id", "=", run_id)])
            self.assertEqual(
                Counter(moves.utility_account_id.ids),
                Counter(dict.fromkeys(self.data["accounts"], 1)),
                "one bill per account",
            )
            self.assertEqual(set(moves.mapped("state")), {"posted"})
            self.assertEqual(self._state_changes(env, run._name, run_id)["Posted"], 1)

    def test_resume_while_the_last_chunk_posts_the_run_queues_nothing(self):
        """The last post chunk closes the run and holds its row; the clerk's
        Resume waits for it, fails on its snapshot, and its retry (Odoo retries
        the request) says the run is posted: no job queued."""
        with self.registry.cursor() as cr:
            run = self._new_run(self._env(cr)).with_context(queue_job__no_delay=True)
            run.action_compute()
            as_action(run).state = "posting"
            run_id, line_ids = run.id, run.line_ids.ids
        self._resume_while_the_last_chunk_closes(
            "utility.billing.run", run_id, "_post_chunk", line_ids, "action_resume"
        )
        with self.registry.cursor() as cr:
            env = self._env(cr)
            run = env["utility.billing.run"].browse(run_id)
            self.assertEqual(run.state, "posted")
            # The request, retried: a plain message, nothing queued.
            with self.assertRaisesRegex(UserError, r"Resume is not possible on .* \(Posted\)"):
                run.action_resume()
            self.assertEqual(self._jobs_queued(env, run._name, run_id), 0)


@tagged("post_install", "-at_install")
class TestDelinquencyStepChunkRace(ChunkRaceMixin, RaceMixin, TransactionCase):
    """The shut-off list of a delinquency run released in two chunks: two listed
    accounts, one chunk each (the fixture of ``TestShutoffReleaseConcurrency``,
    with two accounts)."""

    def setUp(self):
        super().setUp()
        self.token = uuid.uuid4().hex[:6].upper()
        self.data = {}
        self.addCleanup(self._drop_data)
        with self.registry.cursor() as cr:
            env = self._env(cr)
            token = self.token
            journal = env["account.journal"].create(
                {"name": f"Race steps {token}", "code": f"T{token[:4]}", "type": "sale"}
            )
            cycle = env["utility.billing.cycle"].create(
                {"name": f"Race cycle {token}", "code": f"RS{token}"}
            )
            partners = env["res.partner"].create(
                [{"name": f"Race customer {token} {n}"} for n in (1, 2)]
            )
            premises = env["utility.service.location"].create(
                [{"street": f"{token} Step St {n}", "city": "Prairie City"} for n in (1, 2)]
            )
            accounts = env["utility.account"].create(
                [
                    {"partner_id": partner.id, "location_id": premise.id}
                    for partner, premise in zip(partners, premises, strict=True)
                ]
            )
            today = fields.Date.context_today(env["utility.account"])
            run = env["utility.delinquency.run"].create(
                {
                    "cycle_id": cycle.id,
                    "journal_id": journal.id,
                    "date_due": today,
                    "date_penalty": today,
                    "chunk_size": 1,
                }
            )
            as_action(run).write(
                {
                    "state": "posted",
                    "shutoff_state": "review",
                    "date_shutoff": env["utility.shutoff.day"]._get_next_shutoff_day(
                        run.company_id, today
                    ),
                    "step": "release_shutoffs",
                    "step_total": 2,
                }
            )
            lines = as_action(env["utility.shutoff.line"]).create(
                [
                    {
                        "run_id": run.id,
                        "company_id": run.company_id.id,
                        "account_id": account.id,
                        "amount_due": 60.0,
                    }
                    for account in accounts
                ]
            )
            self.data = {
                "journal": journal.id,
                "cycle": cycle.id,
                "partners": partners.ids,
                "premises": premises.ids,
                "accounts": accounts.ids,
                "run": run.id,
                "lines": lines.ids,
            }

    def _drop_data(self):
        data = self.data
        if not data:
            return
        with self.registry.cursor() as cr:
            # The release made the premises' field service locations.
            made = self._field_service_ids(cr, data["accounts"], data["premises"])
            cr.execute(
                "DELETE FROM queue_job WHERE identity_key LIKE %s",
                [f"utility.delinquency.run,{data['run']},%"],
            )
            cr.execute(f"DELETE FROM {STEP_ACCOUNT_TABLE} WHERE run_id = %s", [data["run"]])  # pylint: disable=sql-injection
            self._delete_committed(
                cr,
                [
                    ("utility.work.order", made["orders"]),
                    ("fsm.order", made["fsm_orders"]),
                    ("utility.shutoff.line", data["lines"]),
                    ("utility.delinquency.run", [data["run"]]),
                    ("utility.account", data["accounts"]),
                    ("utility.service.location", data["premises"]),
                    ("fsm.location", made["locations"]),
                    ("utility.billing.cycle", [data["cycle"]]),
                    ("account.journal", [data["journal"]]),
                    ("res.partner", data["partners"] + made["partners"]),
                ],
            )
        self.data = {}

    def _done_messages(self, env):
        return env["mail.message"].search_count(
            [
                ("model", "=", "utility.delinquency.run"),
                ("res_id", "=", self.data["run"]),
                ("body", "ilike", "Release Shut-offs done."),
            ]
        )

    def test_last_two_step_chunks_ending_together_close_the_step(self):
        lines = self.data["lines"]
        self._chunks_end_together(
            "utility.delinquency.run",
            self.data["run"],
            "_release_shutoffs_chunk",
            [lines[:1], lines[1:]],
        )
        with self.registry.cursor() as cr:
            env = self._env(cr)
            run = env["utility.delinquency.run"].browse(self.data["run"])
            self.assertFalse(run.step, "the step is done, no Resume needed")
            self.assertEqual(run.shutoff_state, "released")
            self.assertEqual(self._done_messages(env), 1)
            orders = run.shutoff_line_ids.work_order_id
            self.assertEqual(
                Counter(orders.account_id.ids),
                Counter(dict.fromkeys(self.data["accounts"], 1)),
                "one disconnect order per account",
            )
            self.assertEqual(set(run.shutoff_line_ids.mapped("state")), {"released"})

    def test_two_checks_after_commit_close_the_step_once(self):
        """Both chunks committed and both checks after commit see nothing left:
        the first closes the step and holds the run's row; the second waits,
        fails on its snapshot, tries again and finds the step closed."""
        lines = self.data["lines"]
        with self.registry.cursor() as cr:
            # Both chunks done and committed, the step still open (the defect).
            run = self._env(cr)["utility.delinquency.run"].browse(self.data["run"])
            run.with_context(queue_job__no_delay=True)._release_shutoff_lines(lines)
        Run = type(self.env["utility.delinquency.run"])
        lock_runs, on_step_done = Run._lock_runs, Run._on_step_done
        outcomes = {FIRST: {"closed": threading.Event(), "go": threading.Event()}, SECOND: {}}
        tries = Counter()

        def spy_lock(run):
            name = threading.current_thread().name
            if name in outcomes:
                tries[name] += 1
                run.env.cr.execute("SELECT pg_backend_pid()")
                outcomes[name]["pid"] = run.env.cr.fetchone()[0]
            return lock_runs(run)

        def held_step_done(run, step):
            result = on_step_done(run, step)
            if threading.current_thread().name == FIRST:
                run.env.flush_all()
                outcomes[FIRST]["closed"].set()
                assert outcomes[FIRST]["go"].wait(TIMEOUT), "never told to commit"
            return result

        def check(name):
            def target():
                try:
                    Run._recheck_runs(
                        self.registry, self.env.uid, {}, [(Run._name, self.data["run"])]
                    )
                except Exception as error:  # reported to the test's thread
                    outcomes[name]["error"] = error

            return threading.Thread(target=target, name=name, daemon=True)

        with (
            patch.object(Run, "_lock_runs", spy_lock),
            patch.object(Run, "_on_step_done", held_step_done),
            mute_logger("odoo.sql_db"),
        ):
            first, second = check(FIRST), check(SECOND)
            first.start()
            self.assertTrue(outcomes[FIRST]["closed"].wait(TIMEOUT), outcomes[FIRST])
            second.start()
            blocked = self._wait_until_blocked(outcomes[SECOND])
            outcomes[FIRST]["go"].set()
            first.join(TIMEOUT)
            second.join(TIMEOUT)
        self.assertFalse(first.is_alive() or second.is_alive(), "a check hangs")
        self.assertTrue(blocked, f"the second check never waited: {outcomes[SECOND]}")
        self.assertEqual(tries, Counter({FIRST: 1, SECOND: 2}), "the second tried again")
        with self.registry.cursor() as cr:
            env = self._env(cr)
            run = env["utility.delinquency.run"].browse(self.data["run"])
            self.assertFalse(run.step)
            self.assertEqual(run.shutoff_state, "released")
            self.assertEqual(self._done_messages(env), 1, "closed once")
            self.assertEqual(
                self._state_changes(env, run._name, run.id, "shutoff_state"),
                Counter({"Released": 1}),
            )

    def test_resume_while_the_last_chunk_closes_the_step_queues_nothing(self):
        """The last chunk closes the step and holds the run's row; Resume waits,
        fails on its snapshot; retried, it says no step runs and queues no job."""
        run_id = self.data["run"]
        self._resume_while_the_last_chunk_closes(
            "utility.delinquency.run",
            run_id,
            "_release_shutoffs_chunk",
            self.data["lines"],
            "action_resume_step",
        )
        with self.registry.cursor() as cr:
            env = self._env(cr)
            run = env["utility.delinquency.run"].browse(run_id)
            self.assertFalse(run.step)
            with self.assertRaisesRegex(UserError, "No step of .* is running"):
                run.action_resume_step()
            self.assertEqual(self._jobs_queued(env, run._name, run_id), 0, "no job queued")
            self.assertEqual(self._done_messages(env), 1)

    def test_resume_skips_a_chunk_whose_job_runs(self):
        """Resume queues the chunks left, not one whose job is running now (it
        is doing them); a waiting job is not queued twice (queue_job's key)."""
        # A cursor of its own, rolled back: the committed run stays as it is.
        with self.registry.cursor() as cr:
            env = self._env(cr)
            run = env["utility.delinquency.run"].browse(self.data["run"])
            run.action_resume_step()
            Job = env["queue.job"].sudo()
            domain = [("identity_key", "like", f"{run._name},{run.id},%")]
            jobs = Job.search(domain, order="id")
            self.assertEqual(len(jobs), 2, "one job per chunk of one line")
            Job.flush_model()
            # queue_job protects its columns from the ORM: SQL, as its runner.
            cr.execute("UPDATE queue_job SET state = 'started' WHERE id = %s", [jobs[0].id])
            cr.execute("UPDATE queue_job SET state = 'done' WHERE id = %s", [jobs[1].id])
            Job.invalidate_model()
            run.action_resume_step()
            new = Job.search(domain) - jobs
            self.assertEqual(len(new), 1, "only the chunk whose job is not running is queued")
            self.assertEqual(new.identity_key, jobs[1].identity_key)
            run.action_resume_step()
            self.assertEqual(Job.search_count(domain), 3, "a waiting job is not queued twice")
            cr.rollback()


@tagged("post_install", "-at_install")
class TestNoticeStepClickedAgain(CollectionNoticeCommon):
    """A notice step's button pressed again while its chunks run resumes the
    step and adds nothing to its list of accounts."""

    def setUp(self):
        super().setUp()
        frozen = freeze_time("2025-12-02")
        frozen.start()
        self.addCleanup(frozen.stop)

    def test_an_account_a_running_chunk_took_stays_off_the_list(self):
        run = self._run(chunk_size=1)
        run.date_notice = PAST_DUE_DATE
        # As a served Odoo calls it: the jobs wait for a runner.
        queued = run.with_context(queue_job__no_delay=False)
        with trap_jobs() as trap:
            queued.action_notices_past_due()
            listed = run.step_account_ids
            self.assertEqual((run.step, len(listed)), ("past_due", 3))
            # A chunk running in another transaction took an account off the
            # list; its notice is not visible to the clerk's transaction yet.
            taken = queued._take_step_accounts(listed[:1].ids)
            queued.action_notices_past_due()
            self.assertEqual(
                run.step_account_ids, listed - taken, "the account taken off is not put back"
            )
            self.assertFalse(run.notice_ids, "no notice made by the click")
            trap.assert_jobs_count(3, only=run._notices_past_due_chunk)
