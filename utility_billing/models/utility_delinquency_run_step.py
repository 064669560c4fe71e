# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

STEP_ACCOUNT_TABLE = "utility_delinquency_run_step_account_rel"


class UtilityDelinquencyRun(models.Model):
    """The delinquency run's steps after its late fees, as chunks of jobs.

    Releasing the late fees, listing the notices, sending them, listing and
    releasing the door hangers, making and releasing the shut-off list: each
    button queues its step through
    the chunk machinery the fees use (``utility.chunked.run.mixin``,
    :meth:`_start_step`), so 40,000 notices never wait on one request, and a
    step that stopped midway resumes with what is left, once.

    What a step has left is read from the records it works: fee lines still to
    post, notices still *To Send*, door hangers still *To Send*, shut-off lines
    still listed without their order. The steps that make a list (notices, door hangers, shut-off
    list) work a to-do list of accounts that each chunk takes its accounts
    off, in the same transaction as the lines it makes.
    """

    _inherit = "utility.delinquency.run"  # pylint: disable=consider-merging-classes-inherited

    step_account_ids = fields.Many2many(
        "utility.account",
        STEP_ACCOUNT_TABLE,
        "run_id",
        "account_id",
        string="Accounts Left in the Step",
        readonly=True,
        copy=False,
    )

    def _get_steps(self):
        return {
            **super()._get_steps(),
            "release_fees": (self.env._("Release Late Fees"), "_release_chunk"),
            "past_due": (self.env._("Past-Due Notices"), "_notices_past_due_chunk"),
            "final": (self.env._("Final Notices"), "_notices_final_chunk"),
            "door_hanger": (self.env._("Door-Hanger List"), "_door_hangers_chunk"),
            "send": (self.env._("Send Notices"), "_send_notices_chunk"),
            "release_door_hangers": (
                self.env._("Release Door Hangers"),
                "_release_door_hangers_chunk",
            ),
            "shutoff_list": (self.env._("Shut-off List"), "_shutoff_list_chunk"),
            "release_shutoffs": (self.env._("Release Shut-offs"), "_release_shutoffs_chunk"),
        }

    def _get_step_todo_ids(self, step, limit=None):
        self.ensure_one()
        queries = {
            "release_fees": (
                "SELECT id FROM utility_delinquency_run_line WHERE run_id = %s "
                "AND state = 'fee' ORDER BY id"
            ),
            "send": (
                "SELECT id FROM utility_collection_notice WHERE run_id = %s "
                "AND kind != 'door_hanger' AND state = 'to_send' ORDER BY id"
            ),
            "release_door_hangers": (
                "SELECT id FROM utility_collection_notice WHERE run_id = %s "
                "AND kind = 'door_hanger' AND state = 'to_send' ORDER BY id"
            ),
            "release_shutoffs": (
                "SELECT id FROM utility_shutoff_line WHERE run_id = %s "
                "AND state = 'listed' AND work_order_id IS NULL ORDER BY id"
            ),
        }
        query = queries.get(
            step,
            f"SELECT account_id FROM {STEP_ACCOUNT_TABLE} WHERE run_id = %s ORDER BY account_id",
        )
        self.env.flush_all()
        self.env.cr.execute(f"{query} LIMIT %s", [self.id, limit])  # pylint: disable=sql-injection
        return [row[0] for row in self.env.cr.fetchall()]

    def _add_step_accounts(self, accounts):
        """Put ``accounts`` on the to-do list of the step about to start."""
        self.ensure_one()
        if accounts:
            self.env.cr.execute(
                f"""
                INSERT INTO {STEP_ACCOUNT_TABLE} (run_id, account_id)
                SELECT %s, unnest(%s::int[])
                    ON CONFLICT DO NOTHING
                """,  # pylint: disable=sql-injection
                [self.id, accounts.ids],
            )
            self.invalidate_recordset(["step_account_ids"])

    def _take_step_accounts(self, account_ids):
        """The accounts of ``account_ids`` still on the step's to-do list, taken
        off it (locked until the chunk commits): a chunk run twice, or two at
        once, works each account once."""
        self.ensure_one()
        self.env.cr.execute(
            f"""
            DELETE FROM {STEP_ACCOUNT_TABLE}
             WHERE run_id = %s AND account_id = ANY(%s)
         RETURNING account_id
            """,  # pylint: disable=sql-injection
            [self.id, list(account_ids)],
        )
        ids = sorted(row[0] for row in self.env.cr.fetchall())
        self.invalidate_recordset(["step_account_ids"])
        return self.env["utility.account"].browse(ids)

    def _on_step_done(self, step):
        result = super()._on_step_done(step)
        if step == "shutoff_list":
            self._as_action().shutoff_state = "review"
        elif step == "release_shutoffs":
            self._as_action().shutoff_state = "released"
        return result
