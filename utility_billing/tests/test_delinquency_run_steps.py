# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The delinquency run's steps after its late fees run in chunks of
``queue_job`` jobs through the run's chunk machinery: listing the notices,
sending them, the door hangers and their fee, the shut-off list and its
release. Each step is queued once per chunk, shows its progress, refuses to
start while another step runs, and, stopped midway by a crash, resumes and
finishes what is left exactly once. The PDF of each mailed notice is stored
on it when sent, and printing it again gives that PDF.

The fixture is ``CollectionNoticeCommon``'s: three accounts with a $60.00
bill past due and a 10 % late fee (owner, tenant with a landlord copy, an
account in bankruptcy), and Yorba Linda Water District's $15.00 door-hanger
fee charged at release.
"""

import io
from collections import Counter
from datetime import date, timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools.pdf import PdfFileReader

from .common_billing import trap_jobs
from .test_collection_notices import FINAL_DATE, PAST_DUE_DATE, CollectionNoticeCommon

DOOR_HANGER_DATE = date(2025, 12, 1)
TODAY = "2025-12-02"
NOTICE_REPORT = "utility_billing.action_report_utility_collection_notice"
SHUTOFF = date(2025, 12, 9)  # a Tuesday, after every final notice's lead time


@tagged("post_install", "-at_install")
class TestDelinquencyRunSteps(CollectionNoticeCommon):
    def setUp(self):
        super().setUp()
        frozen = freeze_time(TODAY)
        frozen.start()
        self.addCleanup(frozen.stop)
        # The owner reads its notices by e-mail; the tenant and landlord by mail.
        self.account.is_paperless = True
        self.account.partner_id.email = "owner@example.com"

    def _posted_run(self, chunk_size=1):
        return self._run(chunk_size=chunk_size)

    def _notices(self, run, kind):
        return run.notice_ids.filtered(lambda n: n.kind == kind)

    def _queued(self, run):
        """``run`` as a served Odoo calls it: its jobs wait for a runner."""
        return run.with_context(queue_job__no_delay=False)

    # ------------------------------------------------------------------
    # Jobs, progress and one step at a time
    # ------------------------------------------------------------------
    def test_each_step_is_queued_in_chunks_with_its_progress(self):
        run = self._posted_run()
        run.date_notice = PAST_DUE_DATE
        with trap_jobs() as trap:
            self._queued(run).action_notices_past_due()
            # Clicked twice while the jobs wait: nothing is queued twice.
            self._queued(run).action_notices_past_due()
            trap.assert_jobs_count(3, only=run._notices_past_due_chunk)
            self.assertEqual(run.step, "past_due")
            self.assertEqual((run.step_total, run.step_left, run.step_progress), (3, 3, 0.0))
            self.assertFalse(run.notice_ids)
            # Another step cannot start meanwhile: a plain message, nothing queued.
            with self.assertRaisesRegex(
                UserError,
                r"Past-Due Notices of .* is still running \(0% done\): wait until it is "
                r"done before Send Notices\. If it stopped, press Resume\.",
            ):
                self._queued(run).action_send_notices()
            with self.assertRaisesRegex(UserError, "is still running"):
                self._queued(run).action_compute_shutoff_list()
            trap.assert_jobs_count(3)
            trap.perform_enqueued_jobs()
        run.invalidate_recordset()
        self.assertFalse(run.step)
        self.assertEqual((run.step_left, run.step_progress), (0, 100.0))
        # Owner, tenant and landlord copy to send, the bankrupt account held.
        self.assertEqual(
            sorted(self._notices(run, "past_due").mapped("state")),
            ["held", "to_send", "to_send", "to_send"],
        )
        self.assertIn("Past-Due Notices done.", run.message_ids[0].body)
        # Sending: one job per chunk of notices; the mail room's batch is on
        # Print Notices once the jobs are done.
        with trap_jobs() as trap:
            self.assertTrue(self._queued(run).action_send_notices())
            trap.assert_jobs_count(3, only=run._send_notices_chunk)
            self.assertEqual(run.step, "send")
            self.assertEqual(run.notice_to_send_count, 3)
            trap.perform_enqueued_jobs()
        run.invalidate_recordset()
        self.assertFalse(run.step)
        self.assertEqual(run.notice_to_send_count, 0)
        with self.assertRaisesRegex(UserError, "No step of .* is running"):
            run.action_resume_step()

    def test_a_step_waiting_on_no_job_runner_says_so(self):
        """The billing run's warning, now the chunk machinery's: a step whose
        jobs wait while no job of the database started for minutes."""
        run = self._posted_run()
        run.date_notice = PAST_DUE_DATE
        # Real queue.job records, as a served Odoo creates them.
        self._queued(run).action_notices_past_due()
        jobs = (
            self.env["queue.job"]
            .sudo()
            .search([("identity_key", "like", f"{run._name},{run.id},%")])
        )
        self.assertEqual(len(jobs), 3)
        run.invalidate_recordset()
        self.assertEqual(run.job_pending_count, 3)
        self.assertFalse(run.job_warning, "queued a moment ago: the runner may be busy")
        self.env["queue.job"].flush_model()
        # queue_job protects these columns from the ORM: SQL, as its runner.
        long_ago = fields.Datetime.now() - timedelta(minutes=10)
        self.env.cr.execute(
            "UPDATE queue_job SET date_created = %(ago)s,"
            " date_started = LEAST(date_started, %(ago)s - interval '1 minute'),"
            " state = CASE WHEN state = 'started' THEN 'done' ELSE state END",
            {"ago": long_ago},
        )
        self.env["queue.job"].invalidate_model()
        run.invalidate_recordset()
        self.assertIn("3 job(s) waiting since", run.job_warning)
        self.assertIn("job runner is not running", run.job_warning)

    # ------------------------------------------------------------------
    # A crash midway, then Resume: exactly once
    # ------------------------------------------------------------------
    def test_notice_steps_resume_after_a_crash_exactly_once(self):
        run = self._posted_run()
        run.date_notice = PAST_DUE_DATE
        with self._crash_in("utility.delinquency.run", "_create_notices_of", 2):
            run.action_notices_past_due()
        # The first chunk's notices are kept, the second rolled back, the third
        # never ran: the step waits for Resume.
        self.assertEqual(run.step, "past_due")
        self.assertEqual(run.step_left, 2)
        self.assertEqual(len(run.notice_ids), 1)
        with self.assertRaises(AccessError):
            run.with_user(self.csr).action_resume_step()
        run.action_resume_step()
        self.assertFalse(run.step)
        per_copy = Counter((n.account_id.id, n.addressee) for n in run.notice_ids)
        self.assertEqual(len(per_copy), 4)
        self.assertEqual(set(per_copy.values()), {1})
        # Sending, crashed in the second chunk: resumed, each notice sent and
        # e-mailed once.
        with self._crash_in("utility.collection.notice", "_log_on_accounts", 2):
            run.action_send_notices()
        self.assertEqual(run.step, "send")
        self.assertEqual(run.notice_to_send_count, 2)
        # A clerk presses another step meanwhile: refused.
        run.date_notice = FINAL_DATE
        with self.assertRaisesRegex(UserError, "Send Notices of .* is still running"):
            run.action_notices_final()
        # Pressing Send Notices again resumes the step.
        run.action_send_notices()
        self.assertFalse(run.step)
        self.assertEqual(run.notice_to_send_count, 0)
        sent = self._notices(run, "past_due").filtered(lambda n: n.state == "sent")
        self.assertEqual(len(sent), 3)
        mails = self.env["mail.mail"].search(
            [("model", "=", "utility.collection.notice"), ("res_id", "in", sent.ids)]
        )
        self.assertEqual(len(mails), 1, "the paperless owner's notice, e-mailed once")
        for notice in sent:
            history = notice.account_id.message_ids.filtered(
                lambda m, n=notice: f"{n.name} " in (m.body or "") and "mailed to" in m.body
            )
            self.assertEqual(len(history), 1, "one line in the account's history per notice")

    def test_door_hangers_resume_without_a_second_order_or_fee(self):
        """Yorba Linda Water District's $15.00 door-hanger fee: a release that
        crashed after the first door hanger, resumed, charges each account
        once (receivable debit 15.00, fee revenue credit 15.00) and sends one
        order each."""
        run = self._posted_run()
        self._through_final(run)
        run.date_notice = DOOR_HANGER_DATE
        with self._crash_in("utility.delinquency.run", "_create_notices_of", 2):
            run.action_door_hangers()
        self.assertEqual(run.step, "door_hanger")
        run.action_resume_step()
        hangers = self._notices(run, "door_hanger").filtered(lambda n: n.state == "to_send")
        self.assertEqual(len(hangers), 2, "the account held at the final notice gets none")
        with self._crash_in("utility.collection.notice", "_post_door_hanger_fees", 2):
            run.action_release_door_hangers()
        self.assertEqual(run.step, "release_door_hangers")
        self.assertEqual(len(hangers.work_order_id), 1)
        self.assertEqual(len(hangers.fee_move_id), 1)
        self.assertEqual(run.step_left, 1)
        run.action_resume_step()
        self.assertFalse(run.step)
        self.assertEqual(set(hangers.mapped("state")), {"sent"})
        orders = self.env["utility.work.order"].search(
            [("kind", "=", "door_hanger"), ("account_id", "in", self.accounts.ids)]
        )
        self.assertEqual(Counter(orders.mapped("account_id.id")), Counter(hangers.account_id.ids))
        fees = self.env["account.move"].search(
            [
                ("utility_account_id", "in", self.accounts.ids),
                ("utility_bill_kind", "=", "fee"),
                ("line_ids.account_id", "=", self.field_income.id),
            ]
        )
        self.assertEqual(
            Counter(fees.mapped("utility_account_id.id")), Counter(hangers.account_id.ids)
        )
        for fee in fees:
            receivable = fee.line_ids.filtered(
                lambda line: line.account_id.account_type == "asset_receivable"
            )
            income = fee.line_ids.filtered(lambda line: line.account_id == self.field_income)
            self.assertEqual(fee.state, "posted")
            self.assertAlmostEqual(receivable.debit, 15.00, places=2)
            self.assertAlmostEqual(income.credit, 15.00, places=2)

    def test_shutoff_list_and_release_resume_exactly_once(self):
        run = self._posted_run()
        self._through_final(run)
        run.date_shutoff = SHUTOFF
        with self._crash_in("utility.delinquency.run", "_prepare_shutoff_line_vals_list", 2):
            run.action_compute_shutoff_list()
        self.assertEqual(run.step, "shutoff_list")
        self.assertEqual(run.shutoff_state, "none", "not in review before the list is whole")
        self.assertEqual(len(run.shutoff_line_ids), 1)
        with self.assertRaisesRegex(UserError, "Make and review the shut-off list"):
            run.action_release_shutoffs()
        run.action_resume_step()
        self.assertFalse(run.step)
        self.assertEqual(run.shutoff_state, "review")
        lines = run.shutoff_line_ids
        self.assertEqual(sorted(lines.account_id.ids), sorted(self.accounts.ids))
        listed = lines.filtered(lambda line: line.state == "listed")
        self.assertEqual(listed.account_id, self.account | self.account2)
        self.assertEqual(
            lines.filtered(lambda line: line.state == "held").account_id, self.account3
        )
        with self._crash_in("utility.work.order", "_create_for", 2):
            run.action_release_shutoffs()
        self.assertEqual(run.step, "release_shutoffs")
        self.assertEqual(run.shutoff_state, "review")
        self.assertEqual(len(listed.work_order_id), 1)
        self.assertEqual(run.step_progress, 50.0)
        run.action_resume_step()
        self.assertFalse(run.step)
        self.assertEqual(run.shutoff_state, "released")
        orders = self.env["utility.work.order"].search(
            [("kind", "=", "disconnect"), ("account_id", "in", self.accounts.ids)]
        )
        self.assertEqual(sorted(orders.mapped("account_id.id")), sorted(listed.account_id.ids))
        self.assertEqual(listed.work_order_id, orders)
        self.assertEqual(set(orders.mapped("date_scheduled")), {SHUTOFF})

    def test_release_clicked_twice_creates_each_order_once(self):
        run = self._posted_run()
        self._through_final(run)
        run.date_shutoff = SHUTOFF
        run.action_compute_shutoff_list()
        Order = self.env["utility.work.order"]
        with trap_jobs() as trap:
            self.assertFalse(self._queued(run).action_release_shutoffs())
            self.assertFalse(self._queued(run).action_release_shutoffs())
            trap.assert_jobs_count(2, only=run._release_shutoffs_chunk)
            self.assertEqual(run.step, "release_shutoffs")
            # Both clicks' jobs run (a runner taking a chunk twice): each
            # chunk's lines are locked and taken once.
            for job in trap.enqueued_jobs:
                job.perform()
            trap.perform_enqueued_jobs()
        run.invalidate_recordset()
        self.assertEqual(run.shutoff_state, "released")
        orders = Order.search(
            [("kind", "=", "disconnect"), ("account_id", "in", self.accounts.ids)]
        )
        self.assertEqual(len(orders), 2)
        self.assertEqual(
            Counter(orders.mapped("account_id.id")), Counter((self.account | self.account2).ids)
        )
        # Released: a third click changes nothing.
        self.assertFalse(run.action_release_shutoffs())
        self.assertEqual(
            Order.search_count(
                [("kind", "=", "disconnect"), ("account_id", "in", self.accounts.ids)]
            ),
            2,
        )

    # ------------------------------------------------------------------
    # The PDF as mailed
    # ------------------------------------------------------------------
    def test_mailed_notice_pdf_is_stored_and_reprinted(self):
        """Each notice sent by mail keeps its PDF; printing it again (alone, in
        the run's batch or from the notice) gives those very bytes, even after
        the customer's name changed, without drawing it again."""
        run = self._posted_run(chunk_size=2)
        run.date_notice = PAST_DUE_DATE
        run.action_notices_past_due()
        printed = self._notices(run, "past_due").filtered(
            lambda n: n.state == "to_send" and not n.is_email
        )
        self.assertEqual(len(printed), 2, "the tenant and the landlord's copy")
        tenant_name = self.account2.partner_id.name
        run.action_send_notices()
        stored = printed._get_mailed_pdf()
        self.assertEqual(set(stored), set(printed.ids))
        for notice in printed:
            attachment = stored[notice.id]
            self.assertEqual(attachment.mimetype, "application/pdf")
            self.assertTrue(attachment.raw.startswith(b"%PDF"))
            self.assertEqual(attachment.name, f"{notice.name.replace('/', '-')}.pdf")
            self.assertEqual(len(PdfFileReader(io.BytesIO(attachment.raw)).pages), 1)
        tenant = printed.filtered(lambda n: n.addressee == "customer")
        landlord_copy = printed - tenant
        self.assertIn(tenant_name, self._pdf_text(stored[tenant.id].raw))
        self.assertIn("66.00", self._pdf_text(stored[tenant.id].raw))
        self.assertIn(
            "Copy for the owner of the premise", self._pdf_text(stored[landlord_copy.id].raw)
        )
        self.assertIn(self.landlord.name, self._pdf_text(stored[landlord_copy.id].raw))
        emailed = self._notices(run, "past_due").filtered("is_email")
        self.assertFalse(emailed._get_mailed_pdf(), "an e-mailed notice keeps its e-mail")
        # The customer's name changes; the reprint is still what was mailed.
        self.account2.partner_id.name = "Someone Else"
        Report = self.env["ir.actions.report"]
        with patch(
            "odoo.addons.utility_billing.models.utility_collection_notice_pdf.render_notice"
        ) as draw:
            content, kind = Report._render_qweb_pdf(NOTICE_REPORT, tenant.ids)
            self.assertEqual(kind, "pdf")
            self.assertEqual(content, stored[tenant.id].raw)
            # The run's batch: the stored PDFs put together, in order.
            action = run.with_context(discard_logo_check=True).action_print_notices()
            content, _kind = Report._render_qweb_pdf(NOTICE_REPORT, action["context"]["active_ids"])
            draw.assert_not_called()
        self.assertEqual(len(PdfFileReader(io.BytesIO(content)).pages), 2)
        self.assertNotIn("Someone Else", self._pdf_text(content))
        # Sending again stores nothing twice.
        printed._store_mailed_pdf()
        self.assertEqual(printed._get_mailed_pdf(), stored)
        action = tenant.with_context(discard_logo_check=True).action_print_as_mailed()
        self.assertEqual(action["context"]["active_ids"], tenant.ids)
        # A notice not mailed yet prints as it reads now (the final notice's preview).
        run.date_notice = FINAL_DATE
        run.action_notices_final()
        final = self._notices(run, "final").filtered(lambda n: n.account_id == self.account2)[:1]
        content, _kind = Report._render_qweb_pdf(NOTICE_REPORT, final.ids)
        self.assertIn("Someone Else", self._pdf_text(content))
        self.assertFalse(final._get_mailed_pdf())

    def _pdf_text(self, content):
        reader = PdfFileReader(io.BytesIO(content))
        return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
