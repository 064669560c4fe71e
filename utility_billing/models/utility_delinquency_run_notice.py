# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_amount, format_date

from ..lib import notices as notice_dates
from .utility_collection_notice import HOLD_STEPS, NOTICE_KINDS

NOTICE_TEMPLATE = "utility_billing.mail_template_utility_collection_notice"
# The step before each kind: its notices must all be sent first.
PREVIOUS_KIND = {"final": "past_due", "door_hanger": "final"}


class UtilityDelinquencyRun(models.Model):
    """The notice steps of a delinquency run, after its late fees are released:
    past-due notices, final (shut-off) notices, then the door-hanger list.

    Each step is a button that lists the accounts still past due on the
    notice date (a held account is listed with its hold, see
    ``utility.account._get_collection_holds``) as notices *To Send* for review;
    a second click adds only what is missing. *Send Notices* prints the batch
    and e-mails the paperless accounts; *Release Door Hangers* creates the
    crews' door-hanger orders and charges the door-hanger fee.
    """

    _inherit = "utility.delinquency.run"  # pylint: disable=consider-merging-classes-inherited

    date_notice = fields.Date(
        string="Notice Date",
        default=fields.Date.context_today,
        tracking=True,
        help="Date of the next notices or door hangers the run makes; shut-off dates "
        "count their lead time from it.",
    )
    notice_ids = fields.One2many("utility.collection.notice", "run_id", string="Notices")
    notice_count = fields.Integer(compute="_compute_notice_counts", string="Notices Made")
    door_hanger_count = fields.Integer(compute="_compute_notice_counts", string="Door Hangers")
    past_due_notice_count = fields.Integer(compute="_compute_notice_counts")
    final_notice_count = fields.Integer(compute="_compute_notice_counts")
    notice_to_send_count = fields.Integer(compute="_compute_notice_counts")
    door_hanger_to_release_count = fields.Integer(compute="_compute_notice_counts")

    @api.depends("notice_ids.state", "notice_ids.kind")
    def _compute_notice_counts(self):
        groups = self.env["utility.collection.notice"]._read_group(
            [("run_id", "in", self.ids)], ["run_id", "kind", "state"], ["__count"]
        )
        counts = defaultdict(lambda: defaultdict(int))
        for run, kind, state, count in groups:
            counts[run.id][kind] += count
            counts[run.id][kind, state] += count
        for run in self:
            data = counts[run.id]
            run.past_due_notice_count = data["past_due"]
            run.final_notice_count = data["final"]
            run.notice_count = data["past_due"] + data["final"]
            run.door_hanger_count = data["door_hanger"]
            run.notice_to_send_count = data["past_due", "to_send"] + data["final", "to_send"]
            run.door_hanger_to_release_count = data["door_hanger", "to_send"]

    def _get_locked_writable_fields(self):
        # The clerk dates the next notices of a posted run.
        return super()._get_locked_writable_fields() | {"date_notice"}

    # ------------------------------------------------------------------
    # Steps
    # ------------------------------------------------------------------
    def action_notices_past_due(self):
        """List the past-due notices of the accounts still past due (review)."""
        return self._create_notices("past_due")

    def action_notices_final(self):
        """List the final (shut-off) notices of the accounts still past due after
        their past-due notice (review)."""
        return self._create_notices("final")

    def action_door_hangers(self):
        """List the door hangers of the accounts still past due after their final
        notice (review)."""
        return self._create_notices("door_hanger")

    def _check_notice_step(self, kind):
        """Refuse a step out of order, with what to do instead."""
        self.ensure_one()
        self.check_access("write")
        labels = dict(NOTICE_KINDS)
        if self.state != "posted":
            state = dict(self._fields["state"].selection)[self.state]
            raise UserError(
                self.env._(
                    "%(step)s come after the late fees are released: %(run)s is %(state)s.",
                    step=labels[kind],
                    run=self.name,
                    state=state.lower(),
                )
            )
        previous = PREVIOUS_KIND.get(kind)
        if previous:
            before = self.notice_ids.filtered(lambda n: n.kind == previous)
            waiting = before.filtered(lambda n: n.state == "to_send")
            if waiting:
                raise UserError(
                    self.env._(
                        "%(count)s %(previous)s of %(run)s still wait to be sent: send them first.",
                        count=len(waiting),
                        previous=labels[previous].lower(),
                        run=self.name,
                    )
                )
            if not before.filtered(lambda n: n.state in ("sent", "withdrawn")):
                raise UserError(
                    self.env._(
                        "Send the %(previous)s of %(run)s before the %(step)s.",
                        previous=labels[previous].lower(),
                        run=self.name,
                        step=labels[kind].lower(),
                    )
                )
        if not self.date_notice:
            raise UserError(self.env._("Enter the notice date of %(run)s.", run=self.name))

    def _get_notice_candidates(self, kind):
        """The accounts a step considers: the run's accounts for past-due
        notices, else those whose notice of the step before went out."""
        previous = PREVIOUS_KIND.get(kind)
        if not previous:
            return self.line_ids.account_id
        return self.notice_ids.filtered(
            lambda n: n.kind == previous and n.addressee == "customer" and n.state == "sent"
        ).account_id

    def _create_notices(self, kind):
        """Queue the step that lists the notices of ``kind`` (state *To Send*, or
        *Held* with the reason) of the accounts past due on the notice date:
        once per account, kind and copy, whatever the number of clicks.

        Clicked again while the step runs, it resumes what the step has left
        and adds nothing to its list: this transaction does not see the
        notices of a chunk running meanwhile, and would put its accounts
        back on the list after the chunk took them off."""
        self.ensure_one()
        self._check_no_other_step(kind)
        self._check_notice_step(kind)
        if self.step != kind:
            done = self.notice_ids.filtered(lambda n: n.kind == kind).account_id
            accounts = self._get_notice_candidates(kind) - done
            if not accounts:
                return True
            self._add_step_accounts(accounts)
        self._start_step(kind, self._get_step_todo_ids(kind))
        return True

    def _notices_past_due_chunk(self, account_ids):
        """List the past-due notices of one chunk of accounts (job)."""
        self._make_notices_chunk("past_due", account_ids)

    def _notices_final_chunk(self, account_ids):
        """List the final notices of one chunk of accounts (job)."""
        self._make_notices_chunk("final", account_ids)

    def _door_hangers_chunk(self, account_ids):
        """List the door hangers of one chunk of accounts (job)."""
        self._make_notices_chunk("door_hanger", account_ids)

    def _make_notices_chunk(self, kind, account_ids):
        """Create the notices of ``kind`` of the accounts of ``account_ids``
        still on the step's to-do list and past due on the notice date."""
        self.ensure_one()
        if self.step != kind:
            return
        accounts = self._take_step_accounts(account_ids)
        self._create_notices_of(kind, accounts)
        self._end_step_chunk()

    def _create_notices_of(self, kind, accounts):
        Notice = self.env["utility.collection.notice"]
        day = self.date_notice
        owing = Notice._read_past_due(accounts, day)
        accounts = accounts.filtered(lambda a: a.id in owing)
        if not accounts:
            return Notice
        holds = accounts._get_collection_holds(day, HOLD_STEPS[kind])
        company = self.company_id
        holidays = company._get_utility_holidays(day, day + timedelta(days=60))
        shutoff_dates = {}
        if kind == "door_hanger":
            # A door hanger repeats the shut-off date of the final notice.
            finals = Notice.search(
                [
                    ("run_id", "=", self.id),
                    ("account_id", "in", accounts.ids),
                    ("kind", "=", "final"),
                    ("date_shutoff", "!=", False),
                ]
            )
            for notice in finals:
                account_id = notice.account_id.id
                shutoff_dates[account_id] = max(
                    notice.date_shutoff, shutoff_dates.get(account_id, notice.date_shutoff)
                )
        vals_list = []
        for account in accounts:
            owner = account.owner_id
            is_tenant = bool(owner) and owner != account.partner_id
            landlord = (
                owner
                if kind != "door_hanger" and is_tenant and account.is_landlord_notify
                else False
            )
            vals = {
                "run_id": self.id,
                "company_id": self.company_id.id,
                "account_id": account.id,
                # an estate's notices go to its executor
                "partner_id": account.letter_partner_id.id,
                "kind": kind,
                "addressee": "customer",
                "is_tenant": is_tenant,
                "date": day,
                "amount_past_due": owing[account.id],
                "is_email": bool(account.is_paperless and account.letter_partner_id.email),
            }
            if account.id in holds:
                vals.update(state="held", hold_reason=holds[account.id])
                vals_list.append(vals)
                continue
            if kind == "final":
                vals["date_shutoff"] = notice_dates.shutoff_date(
                    day,
                    holidays,
                    # Owners and landlords get business days, tenants hours.
                    business_days=company.utility_notice_business_days
                    if (not is_tenant or landlord)
                    else 0,
                    hours=company.utility_notice_tenant_hours if is_tenant else 0,
                )
            elif kind == "door_hanger":
                vals["date_shutoff"] = shutoff_dates.get(account.id)
            vals_list.append(vals)
            if landlord:
                vals_list.append(
                    dict(
                        vals,
                        partner_id=landlord.id,
                        addressee="landlord",
                        is_email=bool(account.is_paperless and landlord.email),
                    )
                )
        notices = Notice._as_action().create(vals_list)
        held = notices.filtered(lambda n: n.state == "held")
        held._log_on_accounts(
            lambda notice: self.env._(
                "%(kind)s of %(run)s held: %(reason)s.",
                kind=dict(NOTICE_KINDS)[notice.kind],
                run=self.name,
                reason=notice.hold_reason,
            )
        )
        return notices

    def action_send_notices(self):
        """Send the notices waiting, in chunks of jobs: the paperless accounts'
        by e-mail (mail template, through the mail queue), the others printed
        (each notice's PDF is stored on it as mailed, see
        :meth:`_send_notices_chunk`); each notice goes in its account's history.
        When the step is done in this request, the mail room's batch opens;
        else *Print Notices* prints it once the step is done."""
        self.ensure_one()
        self.check_access("write")
        self._check_no_other_step("send")
        todo = self.env["utility.collection.notice"].browse(self._get_step_todo_ids("send"))
        if not todo:
            raise UserError(self.env._("No notice of %(run)s waits to be sent.", run=self.name))
        printed = todo.filtered(lambda n: not n.is_email)
        if self.step != "send":
            self._message_post_by_user(
                body=self.env._(
                    "Sending %(count)s notices: %(printed)s printed for mailing, "
                    "%(emailed)s e-mailed.",
                    count=len(todo),
                    printed=len(printed),
                    emailed=len(todo) - len(printed),
                )
            )
        self._start_step("send", todo.ids)
        printed = printed.filtered(lambda n: n.state == "sent")
        if not self.step and printed:
            return printed._get_print_action()
        return True

    def _send_notices_chunk(self, notice_ids):
        """Send one chunk of notices (job): the ones still *To Send* (locked)."""
        self.ensure_one()
        if self.step != "send":
            return
        notices = self._lock_notices(
            self.env["utility.collection.notice"]
            .browse(notice_ids)
            .filtered(lambda n: n.run_id == self and n.kind != "door_hanger")
        )
        if notices:
            emailed = notices.filtered("is_email")
            notices._as_action().write({"state": "sent", "date_sent": fields.Datetime.now()})
            # The PDF as mailed, kept on each notice (utility_collection_notice_pdf).
            (notices - emailed)._store_mailed_pdf()
            if emailed:
                self.env.ref(NOTICE_TEMPLATE).send_mail_batch(emailed.ids, force_send=False)
            notices._log_on_accounts(self._get_sent_message)
        self._end_step_chunk()

    def action_print_notices(self):
        """Print the run's notices sent by mail again, in one PDF batch: each
        notice's PDF as stored when it was mailed."""
        self.ensure_one()
        printed = self.notice_ids.filtered(
            lambda n: n.kind != "door_hanger" and n.state == "sent" and not n.is_email
        )
        if not printed:
            raise UserError(self.env._("%(run)s has no notice sent by mail.", run=self.name))
        return printed._get_print_action()

    def _get_sent_message(self, notice):
        how = (
            self.env._("e-mailed to %(who)s", who=notice.partner_id.email)
            if notice.is_email
            else self.env._("mailed to %(who)s", who=notice.partner_id.name)
        )
        message = self.env._(
            "%(kind)s %(notice)s %(how)s: %(amount)s past due.",
            kind=dict(NOTICE_KINDS)[notice.kind],
            notice=notice.name,
            how=how,
            amount=format_amount(self.env, notice.amount_past_due, notice.currency_id),
        )
        if notice.date_shutoff:
            message += " " + self.env._(
                "Shut-off on or after %(date)s.", date=format_date(self.env, notice.date_shutoff)
            )
        return message

    def _lock_notices(self, notices):
        """``notices`` still *To Send*, locked for this transaction: a second
        click (or a payment withdrawing one) waits, then finds them sent."""
        if not notices:
            return notices
        notices.flush_recordset()
        self.env.cr.execute(
            """
            SELECT id FROM utility_collection_notice
             WHERE id = ANY(%s) AND state = 'to_send'
             ORDER BY id
               FOR UPDATE
            """,
            [notices.ids],
        )
        ids = [row[0] for row in self.env.cr.fetchall()]
        notices.invalidate_recordset(["state"])
        return notices.browse(ids)

    # ------------------------------------------------------------------
    # Door hangers
    # ------------------------------------------------------------------
    def action_release_door_hangers(self):
        """Send the crews out, in chunks of jobs: one door-hanger order per
        listed account, and the door-hanger fee when the city charges it even
        without a shut-off (its revenue account is checked before anything is
        queued)."""
        self.ensure_one()
        self.check_access("write")
        self._check_no_other_step("release_door_hangers")
        hangers = self.env["utility.collection.notice"].browse(
            self._get_step_todo_ids("release_door_hangers")
        )
        if not hangers:
            raise UserError(
                self.env._("No door hanger of %(run)s waits to be released.", run=self.name)
            )
        if self.company_id.utility_door_hanger_fee_always:
            hangers._check_door_hanger_fee_setup()
        self._start_step("release_door_hangers", hangers.ids)
        return True

    def _release_door_hangers_chunk(self, notice_ids):
        """Release one chunk of door hangers (job): the ones still *To Send*
        (locked) get their order and, where the city says so, their fee."""
        self.ensure_one()
        if self.step != "release_door_hangers":
            return
        hangers = self._lock_notices(
            self.env["utility.collection.notice"]
            .browse(notice_ids)
            .filtered(lambda n: n.run_id == self and n.kind == "door_hanger")
        )
        if hangers:
            self._release_door_hangers(hangers)
        self._end_step_chunk()

    def _release_door_hangers(self, hangers):
        always = self.company_id.utility_door_hanger_fee_always
        if always:
            hangers._check_door_hanger_fee_setup()
        orders = self.env["utility.work.order"]._create_for(
            "door_hanger",
            hangers.account_id,  # one door hanger per account: the orders align
            date_scheduled=self.date_notice,
            description=self.env._("Door hanger of %(run)s.", run=self.name),
        )
        for hanger, order in zip(hangers, orders, strict=True):
            hanger._as_action().work_order_id = order
        hangers._as_action().write({"state": "sent", "date_sent": fields.Datetime.now()})
        if always:
            hangers._post_door_hanger_fees()
        hangers._log_on_accounts(
            lambda n: self.env._(
                "Door hanger %(notice)s: order %(order)s for the crew; shut-off on or after "
                "%(date)s.",
                notice=n.name,
                order=n.work_order_id.name,
                date=format_date(self.env, n.date_shutoff) if n.date_shutoff else "-",
            )
        )

    # ------------------------------------------------------------------
    # Window actions
    # ------------------------------------------------------------------
    def action_view_notices(self):
        return self._get_window_action(
            "utility_billing.utility_collection_notice_action",
            [("run_id", "=", self.id), ("kind", "!=", "door_hanger")],
            {"create": False, "search_default_group_kind": 1},
        )

    def action_view_door_hangers(self):
        return self._get_window_action(
            "utility_billing.utility_collection_notice_action",
            [("run_id", "=", self.id), ("kind", "=", "door_hanger")],
            {"create": False},
        )
