# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import Counter
from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common_billing import CURRENT_READ, BillingCommon, trap_jobs


@tagged("post_install", "-at_install")
class TestBillingRunJobs(BillingCommon):
    """A run and its jobs: a run waiting on jobs no runner takes says so, and a
    posted run bills the accounts whose exceptions were resolved, once."""

    def _current_reading(self, account):
        return self.env["utility.meter.reading"].search(
            [("account_id", "=", account.id), ("date", "=", CURRENT_READ)]
        )

    # ------------------------------------------------------------------
    # Jobs no runner takes
    # ------------------------------------------------------------------
    def test_run_waiting_on_jobs_no_runner_takes_says_so(self):
        self._make_accounts(3)
        run = self._new_run(chunk_size=2)
        # Real queue.job records, as a served Odoo creates them.
        run.with_context(queue_job__no_delay=False).action_compute()
        jobs = (
            self.env["queue.job"]
            .sudo()
            .search([("identity_key", "like", f"utility.billing.run,{run.id},%")])
        )
        self.assertEqual(len(jobs), 2)
        self.assertEqual(set(jobs.mapped("state")), {"pending"})
        run.invalidate_recordset(["job_warning", "job_pending_count"])
        self.assertEqual(run.job_pending_count, 2)
        # Queued a minute ago: the runner may simply be busy.
        self.assertFalse(run.job_warning)
        # Queued ten minutes ago and no job of the database started since
        # (queue_job protects these columns from the ORM: SQL, as its runner).
        long_ago = fields.Datetime.now() - timedelta(minutes=10)
        self._set_jobs(
            "state = CASE WHEN state = 'started' THEN 'done' ELSE state END,"
            " date_started = LEAST(date_started, %(ago)s - interval '1 minute'),"
            " date_created = CASE WHEN id = ANY(%(ids)s) THEN %(ago)s ELSE date_created END",
            ago=long_ago,
            ids=jobs.ids,
        )
        run.invalidate_recordset(["job_warning", "job_pending_count"])
        self.assertIn("2 job(s) waiting since", run.job_warning)
        self.assertIn("job runner is not running", run.job_warning)
        # A CSR opening the run sees it too: queue.job is read as superuser.
        self.assertEqual(run.with_user(self.csr).job_warning, run.job_warning)
        # A runner at work (a job started a minute ago): no warning.
        self._set_jobs(
            "state = 'started', date_started = now() at time zone 'UTC' WHERE id = %(id)s",
            id=jobs[0].id,
        )
        run.invalidate_recordset(["job_warning", "job_pending_count"])
        self.assertFalse(run.job_warning)
        # Once the jobs ran, nothing waits.
        self._set_jobs("state = 'done' WHERE id = ANY(%(ids)s)", ids=jobs.ids)
        run.invalidate_recordset(["job_warning", "job_pending_count"])
        self.assertEqual(run.job_pending_count, 0)
        self.assertFalse(run.job_warning)

    def _set_jobs(self, assignments, **params):
        self.env["queue.job"].flush_model()
        self.env.cr.execute(
            f"UPDATE queue_job SET {assignments}",  # pylint: disable=sql-injection
            params,
        )
        self.env["queue.job"].invalidate_model()

    # ------------------------------------------------------------------
    # Bill resolved exceptions
    # ------------------------------------------------------------------
    def test_bill_resolved_exceptions_once(self):
        accounts = self._make_accounts(4)
        held = [self._current_reading(account) for account in accounts[1:]]
        for reading in held:
            reading.state = "exception"
        run = self._new_run(chunk_size=1)
        run.action_compute()
        run.action_post()
        self.assertEqual(run.state, "posted")
        self.assertEqual((run.posted_count, run.exception_count), (1, 3))
        # The clerk releases two readings; the third is still held.
        held[0].state = "valid"
        held[1].state = "valid"
        with trap_jobs() as trap:
            run.with_context(queue_job__no_delay=False).action_bill_resolved()
            self.assertEqual(run.state, "posting")
            # A second click while the jobs wait: refused, nothing enqueued twice.
            with self.assertRaisesRegex(UserError, "Bill Resolved Exceptions is not possible"):
                run.with_context(queue_job__no_delay=False).action_bill_resolved()
            trap.assert_jobs_count(3, only=run._bill_resolved_chunk)
            trap.perform_enqueued_jobs()
        self.assertEqual(run.state, "posted")
        self.assertEqual((run.posted_count, run.exception_count), (3, 1))
        self.assertEqual(len(run.move_ids), 3)
        self.assertEqual(
            run.line_ids.filtered(lambda line: line.state == "exception").account_id, accounts[3]
        )
        self.assertIn("held for review", run.line_ids.filtered("message").message)
        # Clicking again bills nothing twice: the one still held stays an exception.
        run.action_bill_resolved()
        self.assertEqual(len(run.move_ids), 3)
        self.assertEqual(run.state, "posted")
        # Released at last: billed once, every account exactly one bill.
        held[2].state = "valid"
        run.action_bill_resolved()
        self.assertEqual(run.state, "posted")
        self.assertEqual((run.posted_count, run.exception_count), (4, 0))
        per_account = Counter(run.move_ids.mapped("utility_account_id.id"))
        self.assertEqual(sorted(per_account), sorted(accounts.ids))
        self.assertEqual(set(per_account.values()), {1})
        periods = self.env["utility.service.period"].search([("run_id", "=", run.id)])
        self.assertEqual(len(periods), 12)
        with self.assertRaisesRegex(UserError, "no exception account left"):
            run.action_bill_resolved()
        # Print Bills on the run's form: the batch print of every bill of the run.
        action = run.action_print_bills()
        self.assertEqual(action["res_model"], "utility.bill.print")
        wizard = self.env["utility.bill.print"].with_context(**action["context"]).create({})
        self.assertEqual(wizard.billing_run_id, run)
        self.assertEqual(
            wizard._get_moves(), run.move_ids.sorted(lambda m: (m.utility_account_id.name, m.id))
        )

    def test_bill_resolved_exceptions_only_on_a_posted_run(self):
        self._make_accounts(2)
        run = self._new_run()
        run.action_compute()
        with self.assertRaisesRegex(UserError, "Bill Resolved Exceptions is not possible"):
            run.action_bill_resolved()
