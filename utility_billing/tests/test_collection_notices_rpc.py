# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Notices over JSON-RPC: made by the run's steps for the billing role only,
never written, created or deleted by hand, whoever the client is."""

from odoo.tests import new_test_user, tagged

from odoo.addons.queue_job.job import Job

from .common_rpc import RpcCase
from .test_collection_notices import PAST_DUE_DATE, CollectionNoticeCommon


@tagged("post_install", "-at_install")
class TestCollectionNoticesRpc(CollectionNoticeCommon, RpcCase):
    def test_notices_change_through_the_run_only(self):
        supervisor = new_test_user(
            self.env,
            login="ub_notice_sup",
            groups="base.group_user,utility_billing.group_utility_supervisor",
        )
        run = self._run()
        run.date_notice = PAST_DUE_DATE
        # The web request reads the database: what the test made is written first.
        self.env.flush_all()
        # A CSR reads the run but does not make notices.
        self.assertRpcRefused(
            self.rpc(self.csr, "utility.delinquency.run", "action_notices_past_due", run.ids)
        )
        self.assertFalse(run.notice_ids)
        self.assertIs(
            self.rpc(
                self.specialist, "utility.delinquency.run", "action_notices_past_due", run.ids
            ),
            True,
        )
        # The step is queued; the job runner makes the notices as the specialist.
        run.invalidate_recordset()
        self.assertEqual(run.step, "past_due")
        jobs = (
            self.env["queue.job"]
            .sudo()
            .search([("identity_key", "like", f"{run._name},{run.id},%")])
        )
        self.assertEqual(jobs.user_id, self.specialist)
        for job in jobs:
            Job.load(self.env, job.uuid).perform()
        run.invalidate_recordset()
        self.assertFalse(run.step)
        notices = run.notice_ids
        self.assertEqual(len(notices), 4)
        # A second call over RPC makes nothing twice.
        self.rpc(self.specialist, "utility.delinquency.run", "action_notices_past_due", run.ids)
        run.invalidate_recordset()
        self.assertEqual(run.notice_ids, notices)
        notice = notices.filtered(lambda n: n.state == "to_send")[:1]
        for user in (self.specialist, supervisor):
            self.assertRpcRefused(
                self.rpc(user, "utility.collection.notice", "write", notice.ids, {"state": "sent"}),
                "UserError",
                "steps and by payments only",
            )
            self.assertRpcRefused(
                self.rpc(
                    user,
                    "utility.collection.notice",
                    "write",
                    notice.ids,
                    {"amount_past_due": 1.0, "date_shutoff": "2025-11-13"},
                ),
                "UserError",
            )
        self.assertRpcRefused(
            self.rpc(supervisor, "utility.collection.notice", "unlink", notice.ids), "UserError"
        )
        self.assertRpcRefused(
            self.rpc(
                self.specialist,
                "utility.collection.notice",
                "create",
                {
                    "run_id": run.id,
                    "company_id": run.company_id.id,
                    "account_id": notice.account_id.id,
                    "partner_id": notice.partner_id.id,
                    "kind": "final",
                    "date": "2025-11-13",
                },
            ),
            "UserError",
        )
        self.env.invalidate_all()
        self.assertEqual(notice.state, "to_send")
        self.assertEqual(run.notice_ids, notices)
