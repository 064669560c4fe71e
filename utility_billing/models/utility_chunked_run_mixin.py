# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import hashlib
import logging
import random
import time

from psycopg2 import sql

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from odoo.tools import SQL

from odoo.addons.queue_job.utils import must_run_without_delay

_logger = logging.getLogger(__name__)

# The runs a transaction's chunks left open, checked again once it commits.
RECHECK_KEY = "utility_billing.chunked_run_recheck"
# A check after commit that meets another one closing the same run tries again.
RECHECK_TRIES = 5


class UtilityChunkedRunMixin(models.AbstractModel):
    """What a run that works its accounts in chunks of ``queue_job`` jobs shares.

    The billing run and the delinquency run both take the accounts of a
    billing cycle and compute a register of lines (one per account) in chunks
    of jobs, let a clerk review it, then post the
    lines to post in chunks again. A run that inherits this mixin has the
    fields ``state``, ``account_count`` and ``line_ids`` (the cycle, company,
    sales journal and job size are here), and sets:

    - ``_chunked_line_model``: its line model (``run_id``, ``state``,
      ``move_id``);
    - ``_chunked_computed_state``: the run's state once every account has a line;
    - ``_chunked_todo_state``: the state of a line still to post;
    - ``_chunked_period_field``: the date that, with the cycle, makes one live
      run (see :meth:`_get_period_clashes`);
    - the states ``draft``, ``posting``, ``posted`` and ``cancelled``.

    A run may also have *steps* after its lines are posted (the delinquency
    run's notices and shut-offs): each is a button that queues its chunks
    here too (:meth:`_start_step`). One step of a run runs at a time; the
    run knows what the step has left (:meth:`_get_step_todo_ids`), so its
    form shows the progress and *Resume* queues only what is left.

    Several chunks of one run may run at once (``channels = root:N``). Each
    chunk asks "is anything left?" in its own transaction, which in REPEATABLE
    READ does not see a chunk committed after it began: the last two chunks
    ending together would each see the other's work as left, and neither
    would close the run. So a chunk that sees work left checks again once its
    transaction is committed, in a new one (:meth:`_check_again_after_commit`):
    the check after the last commit sees every chunk's work. Closing and these
    checks lock the run's row (:meth:`_lock_runs`), as the buttons that start or
    resume a run do: one closes, the others wait and then see it closed.

    Its own business rules (which accounts, how a line is computed, what is
    posted) stay in its own file.
    """

    _name = "utility.chunked.run.mixin"
    _description = "Utility Run in Chunks of Jobs"
    _inherit = ["utility.locked.fields.mixin"]

    _chunked_line_model = None
    _chunked_computed_state = None
    _chunked_todo_state = None
    _chunked_period_field = None

    name = fields.Char(
        required=True, readonly=True, copy=False, default=lambda self: self.env._("New")
    )
    cycle_id = fields.Many2one(
        "utility.billing.cycle",
        string="Billing Cycle",
        required=True,
        tracking=True,
        check_company=True,
        index=True,
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    journal_id = fields.Many2one(
        "account.journal",
        required=True,
        check_company=True,
        domain="[('type', '=', 'sale')]",
        default=lambda self: self._default_journal(),
        tracking=True,
    )
    chunk_size = fields.Integer(string="Accounts per Job", default=500)
    step = fields.Selection(
        selection="_get_step_selection",
        string="Step Running",
        readonly=True,
        copy=False,
        tracking=True,
        help="The step whose jobs are at work. Another step starts once it is done.",
    )
    step_total = fields.Integer(string="Step Size", readonly=True, copy=False)
    step_left = fields.Integer(compute="_compute_step_progress", string="Left to Do")
    step_progress = fields.Float(
        compute="_compute_step_progress", help="Percent of the running step done."
    )

    @api.model
    def _default_journal(self):
        return self.env["account.journal"].search(
            [
                *self.env["account.journal"]._check_company_domain(self.env.company),
                ("type", "=", "sale"),
            ],
            limit=1,
        )

    # ------------------------------------------------------------------
    # Names, locks and states
    # ------------------------------------------------------------------
    @api.model
    def _set_sequence_names(self, vals_list):
        """Number the new runs from the sequence of the run's model, per company."""
        new = self.env._("New")
        for vals in vals_list:
            if vals.get("name", new) == new:
                company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
                vals["name"] = (
                    self.env["ir.sequence"].with_company(company).next_by_code(self._name) or new
                )

    @api.model
    def _get_period_clashes(self, keys, exclude_ids=()):
        """The live runs (not cancelled, not in ``exclude_ids``) of the same
        cycle and period date as one of ``keys``: the run checks this before the
        database sees the row, for a clear message; its partial unique index
        decides between two concurrent transactions.

        :param keys: list of (cycle id, period date)
        """
        period = self._chunked_period_field
        keys = {(cycle_id, fields.Date.to_date(day)) for cycle_id, day in keys if cycle_id and day}
        if not keys:
            return self.browse()
        others = self.search(
            [
                ("cycle_id", "in", [cycle_id for cycle_id, _day in keys]),
                (period, "in", [day for _cycle, day in keys]),
                ("state", "!=", "cancelled"),
                ("id", "not in", list(exclude_ids)),
            ]
        )
        return others.filtered(lambda o: (o.cycle_id.id, o[period]) in keys)

    def _get_action_fields(self):
        return super()._get_action_fields() | {"state", "step", "step_total"}

    def _get_locked_records(self):
        return super()._get_locked_records() | self.filtered(
            lambda r: r.state in ("posting", "posted")
        )

    def _check_state(self, states, action):
        """Refuse ``action`` on the runs not in one of ``states``, naming them
        with their state as the clerk sees it."""
        bad = self.filtered(lambda r: r.state not in states)
        if bad:
            labels = dict(self._fields["state"].selection)
            raise UserError(
                self.env._(
                    "%(action)s is not possible on %(runs)s.",
                    action=action,
                    runs=", ".join(f"{r.name} ({labels[r.state]})" for r in bad),
                )
            )

    def action_cancel(self):
        """Cancel a run not posting yet: its register is dropped."""
        self._check_state(("draft", self._chunked_computed_state), self.env._("Cancel"))
        self.line_ids.unlink()
        self._as_action().write({"state": "cancelled"})
        return True

    def _get_window_action(self, xml_id, domain, context=None):
        """The window action ``xml_id`` opened on ``domain`` (with ``context``
        instead of the action's own, if given)."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(xml_id)
        action["domain"] = domain
        if context is not None:
            action["context"] = context
        return action

    # ------------------------------------------------------------------
    # Chunks on queue_job
    # ------------------------------------------------------------------
    def _get_chunk_description(self, method, count):
        """The job's name in the job queue: the run and its size."""
        return self.env._("%(run)s: %(count)s accounts", run=self.name, count=count)

    def _enqueue_chunks(self, method, ids):
        """One job per chunk of ``ids``; the identity key makes a second click
        (or a resume while a job waits or runs) enqueue nothing new.

        queue_job skips a key whose job waits; a job already started is
        skipped here: it is doing that chunk (if its worker died, queue_job's
        requeuer puts it back to wait)."""
        self.ensure_one()
        size = self.chunk_size or 500
        chunks = {}
        for start in range(0, len(ids), size):
            chunk = ids[start : start + size]
            digest = hashlib.sha1(",".join(map(str, chunk)).encode()).hexdigest()
            chunks[f"{self._name},{self.id},{method},{digest}"] = chunk
        running = self._get_started_identity_keys(list(chunks))
        for key, chunk in chunks.items():
            if key in running:
                continue
            delayed = self.with_delay(
                identity_key=key, description=self._get_chunk_description(method, len(chunk))
            )
            getattr(delayed, method)(chunk)

    @api.model
    def _get_started_identity_keys(self, keys):
        """The keys of ``keys`` whose job is running now (one query)."""
        if not keys or must_run_without_delay(self.env):
            return set()
        self.env["queue.job"].flush_model(["identity_key", "state"])
        self.env.cr.execute(
            "SELECT identity_key FROM queue_job WHERE identity_key = ANY(%s) AND state = 'started'",
            [keys],
        )
        return {row[0] for row in self.env.cr.fetchall()}

    def _update_compute_state(self):
        """A draft run whose every account has its line is ready for review."""
        self.ensure_one()
        if self.state != "draft":
            return
        done = self.env[self._chunked_line_model].search_count([("run_id", "=", self.id)])
        if done >= self.account_count:
            self._as_action().state = self._chunked_computed_state
        else:
            self._check_again_after_commit()

    def _update_posting_state(self):
        """A posting run with no line left to post is posted."""
        self.ensure_one()
        if self.state != "posting":
            return
        left = self.env[self._chunked_line_model].search_count(
            [("run_id", "=", self.id), ("state", "=", self._chunked_todo_state)]
        )
        if not left:
            self._as_action().state = "posted"
        else:
            self._check_again_after_commit()

    # ------------------------------------------------------------------
    # The run's row lock, and the check after commit
    # ------------------------------------------------------------------
    def _lock_runs(self):
        """Lock the rows of the runs until the transaction ends.

        Whatever closes a run or a step, and every button that starts or
        resumes one, takes this lock before it decides: a second one waits
        for the first to commit. In REPEATABLE READ, locking a row another
        transaction changed since this one began fails with a serialization
        error, which Odoo (a button) and queue_job (a job) retry: the retry
        sees the run as the first one left it (closed: nothing queued again,
        nothing reopened).
        """
        if not self.ids:
            return
        self.env.cr.execute(
            SQL(
                "SELECT id FROM %s WHERE id = ANY(%s) ORDER BY id FOR NO KEY UPDATE",
                SQL.identifier(self._table),
                self.ids,
            )
        )

    def _check_again_after_commit(self):
        """Check this run again once the transaction is committed.

        A chunk sees the chunks committed before it began, not those ending
        at the same time: when it finds work left, the work may be done by
        a chunk committing meanwhile. After the commit, a new transaction
        sees every chunk committed so far, so the check after the last
        chunk's commit finds nothing left and closes the run or step (see
        :meth:`_close_if_done`). Not when the jobs run in the request
        (``queue_job__no_delay``): one transaction runs them in turn.
        """
        self.ensure_one()
        if self.env.context.get(RECHECK_KEY) or must_run_without_delay(self.env):
            return
        postcommit = self.env.cr.postcommit
        if RECHECK_KEY not in postcommit.data:
            postcommit.data[RECHECK_KEY] = set()
            registry, uid, context = self.env.registry, self.env.uid, dict(self.env.context)

            @postcommit.add
            def recheck():
                runs = sorted(postcommit.data.get(RECHECK_KEY, ()))
                type(self)._recheck_runs(registry, uid, context, runs)

        postcommit.data[RECHECK_KEY].add((self._name, self.id))

    @staticmethod
    def _recheck_runs(registry, uid, context, runs):
        """Close the runs of ``runs`` ([(model, id)]) whose work is done, each in
        a transaction of its own. Two checks closing the same run at once: the
        second waits for the first, fails on its snapshot and tries again,
        then finds the run closed. Never raises: the chunks are committed, and
        a run left open is closed by Resume."""
        context = dict(context, **{RECHECK_KEY: True})
        for model, run_id in runs:
            for attempt in range(1, RECHECK_TRIES + 1):
                try:
                    with registry.cursor() as cr:
                        api.Environment(cr, uid, context)[model].browse(run_id)._close_if_done()
                    break
                except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
                    if attempt == RECHECK_TRIES:
                        _logger.warning("%s %s: not closed after %s tries", model, run_id, attempt)
                    else:
                        time.sleep(random.uniform(0.0, 0.1 * attempt))
                except Exception:
                    _logger.exception("%s %s: the check after its chunk failed", model, run_id)
                    break

    def _close_if_done(self):
        """Close the run, or its running step, if nothing is left (the check
        after commit): the run's row locked first."""
        self.ensure_one()
        self._lock_runs()
        run = self.exists()
        if not run:
            return
        if run.state == "draft":
            run._update_compute_state()
        elif run.state == "posting":
            run._update_posting_state()
        if run.step:
            run._update_step_state()

    def _lock_todo_lines(self, line_ids):
        """The lines of ``line_ids`` still to post, locked (in id order) for the
        chunk's transaction: a line posted meanwhile is left out."""
        self.ensure_one()
        Line = self.env[self._chunked_line_model]
        Line.flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT id FROM %s
                 WHERE id = ANY(%s) AND run_id = %s AND state = %s
                 ORDER BY id
                   FOR UPDATE
                """,
                SQL.identifier(Line._table),
                list(line_ids),
                self.id,
                self._chunked_todo_state,
            )
        )
        return Line.browse([row[0] for row in self.env.cr.fetchall()])

    def _mark_lines_posted(self, lines, moves):
        """Mark ``lines`` posted with their journal entries ``moves`` (same
        order): one statement for the chunk."""
        if not lines:
            return
        self.env.cr.execute_values(
            sql.SQL(
                """
                UPDATE {} l
                   SET state = 'posted', move_id = v.move_id,
                       write_uid = v.uid, write_date = now() at time zone 'UTC'
                  FROM (VALUES %s) AS v(id, move_id, uid)
                 WHERE l.id = v.id
                """
            ).format(sql.Identifier(lines._table)),
            [(line.id, move.id, self.env.uid) for line, move in zip(lines, moves, strict=True)],
            page_size=len(lines),
        )
        lines.invalidate_recordset(["state", "move_id"])
        # The run's progress depends on the lines' state.
        lines.modified(["state", "move_id"])

    # ------------------------------------------------------------------
    # Steps after posting, in chunks on queue_job
    # ------------------------------------------------------------------
    def _get_steps(self):
        """The run's steps: {key: (label, chunk method name)}. The chunk method
        takes a list of ids (see :meth:`_get_step_todo_ids`) and ends with
        :meth:`_end_step_chunk`."""
        return {}

    def _get_step_selection(self):
        return [(key, label) for key, (label, _method) in self._get_steps().items()]

    def _get_step_todo_ids(self, step, limit=None):
        """The ids ``step`` has left to work (the first ``limit`` of them), read
        from the records themselves (never a counter): what a crashed chunk
        rolled back is still there, what a committed chunk did is not. Hook of
        each run."""
        raise NotImplementedError(step)

    def _on_step_done(self, step):
        """Hook: what the run records once every chunk of ``step`` is done."""
        return True

    @api.depends("step", "step_total")
    def _compute_step_progress(self):
        for run in self:
            left = len(run._get_step_todo_ids(run.step)) if run.step and run.id else 0
            run.step_left = left
            total = max(run.step_total, left)
            run.step_progress = 100.0 * (total - left) / total if total else 100.0

    def _check_no_other_step(self, step):
        """One step of a run at a time: a step's jobs read what the step before
        made (the final notices read the past-due notices sent). Every button
        of a step starts here: the run's row is locked (:meth:`_lock_runs`), so
        a chunk closing a step at the same moment is seen."""
        self.ensure_one()
        self._lock_runs()
        if self.step and self.step != step:
            labels = dict(self._get_step_selection())
            raise UserError(
                self.env._(
                    "%(running)s of %(run)s is still running (%(progress)s%% done): wait "
                    "until it is done before %(step)s. If it stopped, press Resume.",
                    running=labels[self.step],
                    run=self.name,
                    progress=int(self.step_progress),
                    step=labels[step],
                )
            )

    def _start_step(self, step, ids):
        """Queue the chunks of ``step`` over ``ids`` (one job per chunk of
        :meth:`_enqueue_chunks`). Clicking the running step again resumes it:
        the identity keys enqueue no waiting chunk twice, and a chunk only takes
        what is still to do."""
        self.ensure_one()
        self._check_no_other_step(step)
        if self.step != step:
            self._as_action().write({"step": step, "step_total": len(ids)})
        self._enqueue_chunks(self._get_steps()[step][1], list(ids))
        self._update_step_state()

    def _end_step_chunk(self):
        """The end of every step chunk: close the step once nothing is left,
        then commit the chunk (see ``_commit_chunk``)."""
        self._update_step_state()
        self._commit_chunk()

    def _update_step_state(self):
        """A running step with nothing left to do is done."""
        self.ensure_one()
        step = self.step
        if not step:
            return
        # Every chunk asks: one row is enough to know the step is not done.
        if self._get_step_todo_ids(step, limit=1):
            self._check_again_after_commit()
            return
        self._on_step_done(step)
        self._as_action().step = False
        self._message_post_by_user(
            body=self.env._("%(step)s done.", step=dict(self._get_step_selection())[step])
        )

    def action_resume_step(self):
        """Queue again what the running step has left (a job failed or the job
        runner stopped); a step with nothing left is closed."""
        # Resuming writes nothing on the run: check the role here.
        self.check_access("write")
        self._lock_runs()
        for run in self:
            if not run.step:
                raise UserError(self.env._("No step of %(run)s is running.", run=run.name))
            run._start_step(run.step, run._get_step_todo_ids(run.step))
        return True
