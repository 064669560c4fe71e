# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import fields, models
from odoo.tools import format_datetime

# A run whose jobs wait this long while no job of the database starts is
# stuck: a chunk takes seconds, a busy runner starts something every minute.
STALLED_JOB_MINUTES = 5


class UtilityChunkedRunMixin(models.AbstractModel):
    """Tell the clerk when a run waits on jobs that no job runner takes.

    A run's chunks (the billing run's rating and posting, the delinquency
    run's fees, notices and shut-offs) run as ``queue_job`` jobs: on a server
    started without ``--server-wide-modules=web,queue_job`` (or with the runner
    down) the jobs stay *pending* forever, the run shows no progress and
    *Resume* enqueues nothing new (the identity key finds the waiting jobs).
    The run's form says so instead of leaving the clerk to wait.
    """

    _inherit = "utility.chunked.run.mixin"  # pylint: disable=consider-merging-classes-inherited

    job_pending_count = fields.Integer(
        compute="_compute_job_warning", string="Jobs Waiting", compute_sudo=True
    )
    job_warning = fields.Char(compute="_compute_job_warning", compute_sudo=True)

    def _get_job_identity_prefix(self):
        """Prefix of the identity keys of the run's jobs (see ``_enqueue_chunks``)."""
        self.ensure_one()
        return f"{self._name},{self.id},"

    def _compute_job_warning(self):
        self.job_pending_count = 0
        self.job_warning = False
        runs = self.filtered("id")
        if not runs:
            return
        Job = self.env["queue.job"].sudo()
        Job.flush_model(["identity_key", "state", "date_created", "date_started"])
        # One query for every run of the page: the run id is the second part
        # of the identity key the run gives its jobs.
        self.env.cr.execute(
            """
            SELECT split_part(identity_key, ',', 2)::int, count(*), min(date_created)
              FROM queue_job
             WHERE identity_key LIKE %s
               AND state IN ('pending', 'enqueued')
               AND split_part(identity_key, ',', 2) = ANY(%s)
             GROUP BY 1
            """,
            [f"{self._name},%", [str(run_id) for run_id in runs.ids]],
        )
        waiting = {run_id: (count, since) for run_id, count, since in self.env.cr.fetchall()}
        if not waiting:
            return
        now = fields.Datetime.now()
        limit = now - timedelta(minutes=STALLED_JOB_MINUTES)
        # A runner at work started a job lately, or is running one now.
        runner_alive = bool(
            Job.search_count(
                ["|", ("state", "=", "started"), ("date_started", ">=", limit)], limit=1
            )
        )
        for run in runs:
            count, since = waiting.get(run.id, (0, None))
            run.job_pending_count = count
            if count and since <= limit and not runner_alive:
                run.job_warning = self.env._(
                    "This run has %(count)s job(s) waiting since %(since)s and no job has "
                    "started for %(minutes)s minutes: the server's job runner is not "
                    "running. Ask your system administrator to start Odoo with the job "
                    "queue (see the README); the run carries on by itself once it runs.",
                    count=count,
                    since=format_datetime(self.env, since, dt_format="short"),
                    minutes=STALLED_JOB_MINUTES,
                )
