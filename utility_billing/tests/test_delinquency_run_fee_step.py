# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Release Late Fees is a step of the delinquency run like the notices: its
progress on the form, refused while another step runs, and, stopped midway by
a crash, *Resume* posts what is left, each fee once.

The fixture is ``CollectionNoticeCommon``'s: three accounts with a $60.00 bill
(water 40.00 + sewer 20.00) due 11/04/2025, the city's 10 % late fee, the
third account in bankruptcy (held). Each of the two others gets 10 % x 60.00 =
$6.00, posted as a fee invoice dated the fee date 11/10/2025.
"""

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common_rpc import RpcCase
from .test_collection_notices import DUE, FEE_DATE, PENALTY, CollectionNoticeCommon


@tagged("post_install", "-at_install")
class TestDelinquencyRunFeeStep(CollectionNoticeCommon, RpcCase):
    def _reviewed_run(self):
        run = self.env["utility.delinquency.run"].create(
            {
                "cycle_id": self.cycle.id,
                "date_due": DUE,
                "date_penalty": PENALTY,
                "date_fee": FEE_DATE,
                "journal_id": self.journal.id,
                "chunk_size": 1,
            }
        )
        run.action_compute()
        self.assertEqual(run.state, "review")
        return run

    def _fees(self, run):
        return self.env["account.move"].search(
            [
                ("utility_account_id", "in", run.line_ids.account_id.ids),
                ("utility_bill_kind", "=", "fee"),
            ]
        )

    def test_release_stopped_midway_resumes_each_fee_once(self):
        run = self._reviewed_run()
        to_charge = run.line_ids.filtered(lambda line: line.state == "fee")
        self.assertEqual(to_charge.account_id, self.account | self.account2)
        with self._crash_in("utility.delinquency.run", "_post_fee_lines", 2):
            run.action_release()
        # The first chunk's fee is posted, the second rolled back: the step waits.
        run.invalidate_recordset()
        self.assertEqual((run.state, run.step), ("posting", "release_fees"))
        self.assertEqual((run.step_total, run.step_left, run.step_progress), (2, 1, 50.0))
        self.assertEqual(len(self._fees(run)), 1)
        # Another step cannot start meanwhile.
        run.date_notice = FEE_DATE
        with self.assertRaisesRegex(UserError, "Release Late Fees of .* is still running"):
            run.action_notices_past_due()
        # Customer service cannot resume it, through the ORM or over RPC.
        with self.assertRaises(AccessError):
            run.with_user(self.csr).action_resume_step()
        self.env.flush_all()
        self.assertRpcRefused(
            self.rpc(self.csr, "utility.delinquency.run", "action_resume_step", run.ids)
        )
        run.with_user(self.specialist).action_resume_step()
        run.invalidate_recordset()
        self.assertEqual((run.state, run.step, run.step_left), ("posted", False, 0))
        self.assertIn("Release Late Fees done.", run.message_ids[0].body)
        fees = self._fees(run)
        self.assertEqual(fees.utility_account_id, self.account | self.account2)
        for fee in fees:
            self.assertEqual((fee.state, fee.amount_total), ("posted", 6.0))
            self.assertEqual(fee.invoice_date, FEE_DATE)
            receivable = fee.line_ids.filtered(lambda line: line.account_id == self.receivable)
            self.assertEqual((receivable.debit, receivable.credit), (6.0, 0.0))
        self.assertEqual(run.line_ids.filtered(lambda line: line.state == "posted").move_id, fees)
        with self.assertRaisesRegex(UserError, "No step of .* is running"):
            run.action_resume_step()

    def test_resume_over_rpc_by_the_billing_specialist(self):
        """Over RPC (a served Odoo: the jobs wait for the runner), the billing
        specialist's Resume queues the chunk left, once."""
        run = self._reviewed_run()
        with self._crash_in("utility.delinquency.run", "_post_fee_lines", 2):
            run.action_release()
        run.invalidate_recordset()
        self.assertEqual(run.step_left, 1)
        self.env.flush_all()
        for _click in range(2):
            self.assertIs(
                self.rpc(self.specialist, "utility.delinquency.run", "action_resume_step", run.ids),
                True,
            )
        jobs = (
            self.env["queue.job"]
            .sudo()
            .search([("identity_key", "like", f"{run._name},{run.id},_release_chunk,%")])
        )
        self.assertEqual(len(jobs), 1, "one job for the chunk left, not queued twice")
        self.assertEqual((run.state, run.step), ("posting", "release_fees"))
