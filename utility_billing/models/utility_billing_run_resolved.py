# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models
from odoo.exceptions import UserError


class UtilityBillingRun(models.Model):
    """Bill, after the run posted, the accounts whose exceptions are resolved.

    A posted run keeps its exception lines (a reading held for review, a
    missing reading, a rate with no version in force). Once the clerk fixed
    them, *Bill Resolved Exceptions* rates those accounts again and posts the
    ones now ready, through the run's own rating and posting path: the run is
    *Posting* meanwhile and *Posted* again when done; accounts still in error
    stay exceptions. Nothing is billed twice: posting takes only ready lines
    (locked), posted lines are never rated again, and
    ``utility.service.period`` refuses a second bill for a service and period.
    """

    _inherit = "utility.billing.run"  # pylint: disable=consider-merging-classes-inherited

    def action_bill_resolved(self):
        """Rate the exception accounts again and post those now ready (jobs)."""
        self._check_state(("posted",), self.env._("Bill Resolved Exceptions"))
        Line = self.env["utility.billing.run.line"]
        for run in self:
            exceptions = Line.search([("run_id", "=", run.id), ("state", "=", "exception")])
            if not exceptions:
                raise UserError(
                    self.env._("%(run)s has no exception account left to bill.", run=run.name)
                )
            run._as_action().state = "posting"
            run._enqueue_chunks("_bill_resolved_chunk", exceptions.account_id.sorted("id").ids)
        return True

    def _bill_resolved_chunk(self, account_ids):
        """Rate one chunk of exception accounts again and post the ready ones (job)."""
        self.ensure_one()
        # Another chunk of the same click may have found nothing left to post
        # and marked the run posted already: this chunk still has its work.
        if self.state not in ("posting", "posted"):
            return
        Line = self.env["utility.billing.run.line"]
        # The run's register is locked while it posts: this action rates its
        # exceptions again (utility.locked.fields.mixin).
        Line.search(
            [
                ("run_id", "=", self.id),
                ("account_id", "in", account_ids),
                ("state", "=", "exception"),
            ]
        )._as_action().unlink()
        self._rate_accounts(account_ids)
        ready = Line.search(
            [("run_id", "=", self.id), ("account_id", "in", account_ids), ("state", "=", "ok")],
            order="id",
        )
        self._as_action().state = "posting"
        # The posting chunk locks the lines, posts, updates the run's state
        # and ends the chunk's transaction.
        self._post_chunk(ready.ids)
