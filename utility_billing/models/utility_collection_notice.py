# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict
from datetime import datetime, time

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_amount, format_date

NOTICE_KINDS = [
    ("past_due", "Past-Due Notice"),
    ("final", "Final (Shut-off) Notice"),
    ("door_hanger", "Door Hanger"),
]
NOTICE_COPIES = [("customer", "Customer"), ("landlord", "Landlord Copy")]
NOTICE_STATES = [
    ("held", "Held"),
    ("to_send", "To Send"),
    ("sent", "Sent"),
    ("withdrawn", "Withdrawn"),
]
# The collections step (``utility.account._get_collection_holds``) of each kind.
HOLD_STEPS = {"past_due": "notice", "final": "notice", "door_hanger": "door_hanger"}


class UtilityCollectionNotice(models.Model):
    """One delinquency notice of one account in a delinquency run: a past-due
    notice, a final (shut-off) notice or a door hanger, to the customer or, as a
    copy, to the premise's owner.

    Notices are created, sent and withdrawn only by their run's steps and by the
    payment posting path (a notice whose past-due amount is paid is withdrawn):
    no field of a notice is written by hand. A partial unique index lets an
    account have one notice of each kind and copy per run, whoever clicks twice.
    """

    _name = "utility.collection.notice"
    _description = "Utility Collection Notice"
    _inherit = ["mail.thread", "utility.locked.fields.mixin"]
    _order = "date desc, run_id desc, account_id, addressee, id"
    _check_company_auto = True

    name = fields.Char(required=True, readonly=True, copy=False, index="trigram")
    run_id = fields.Many2one(
        "utility.delinquency.run",
        string="Delinquency Run",
        required=True,
        ondelete="restrict",
        index=True,
        check_company=True,
    )
    company_id = fields.Many2one("res.company", required=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    cycle_id = fields.Many2one(
        related="run_id.cycle_id", store=True, precompute=True, string="Billing Cycle"
    )
    account_id = fields.Many2one(
        "utility.account", required=True, index=True, check_company=True, tracking=True
    )
    location_id = fields.Many2one(related="account_id.location_id", string="Premise")
    partner_id = fields.Many2one("res.partner", string="Addressed To", required=True, tracking=True)
    kind = fields.Selection(NOTICE_KINDS, required=True, index=True, tracking=True)
    addressee = fields.Selection(
        NOTICE_COPIES,
        string="Copy",
        required=True,
        default="customer",
        help="Landlord copies go to the premise's owner of an account that asks for "
        "landlord notification.",
    )
    is_tenant = fields.Boolean(
        string="Tenant",
        help="The customer is not the premise's owner: the tenants' notice lead time applies.",
    )
    date = fields.Date(string="Notice Date", required=True, index=True, tracking=True)
    date_shutoff = fields.Date(
        string="Shut-off Date",
        tracking=True,
        help="First day service may be shut off: the notice lead time the law requires.",
    )
    amount_past_due = fields.Monetary(string="Past Due", tracking=True)
    state = fields.Selection(
        NOTICE_STATES, required=True, default="to_send", index=True, tracking=True, copy=False
    )
    hold_reason = fields.Char(string="Held Because", tracking=True)
    is_email = fields.Boolean(
        string="By E-mail", help="A paperless account whose addressee has an e-mail address."
    )
    date_sent = fields.Datetime(string="Sent On", tracking=True, copy=False)
    date_withdrawn = fields.Datetime(string="Withdrawn On", tracking=True, copy=False)
    withdraw_reason = fields.Char(string="Withdrawn Because", tracking=True, copy=False)
    work_order_id = fields.Many2one(
        "utility.work.order",
        string="Door-Hanger Order",
        index="btree_not_null",
        check_company=True,
        copy=False,
    )
    fee_move_id = fields.Many2one(
        "account.move", string="Door-Hanger Fee", index="btree_not_null", copy=False
    )
    amount_fee = fields.Monetary(string="Fee", tracking=True, copy=False)

    def init(self):
        # One notice of a kind and copy per account and run: a second click, or
        # two clerks at once, creates nothing twice.
        self.env.cr.execute(
            """
            CREATE UNIQUE INDEX IF NOT EXISTS utility_collection_notice_run_account_uniq
                ON utility_collection_notice (run_id, account_id, kind, addressee)
            """
        )

    # ------------------------------------------------------------------
    # Guards: a notice is the run's, never a clerk's edit
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if not vals.get("name"):
                vals["name"] = self.env["ir.sequence"].next_by_code(self._name) or "/"
        return super().create(vals_list)

    def _get_locked_records(self):
        return self

    def _get_locked_message(self, names=()):
        return self.env._(
            "Notices are made, sent and withdrawn by the delinquency run's steps and by "
            "payments only."
        )

    @api.depends("name", "kind", "account_id")
    def _compute_display_name(self):
        kinds = dict(NOTICE_KINDS)
        for notice in self:
            notice.display_name = (
                f"{notice.name} {kinds.get(notice.kind, '')} {notice.account_id.name or ''}".strip()
            )

    # ------------------------------------------------------------------
    # Ledger reads (one query for a whole batch)
    # ------------------------------------------------------------------
    @api.model
    def _read_past_due(self, accounts, day):
        """The open receivable of each account due before ``day`` (its past-due
        amount, late fees included), from the ledger.

        :return: {account id: amount} for the accounts that owe more than zero
        """
        if not accounts:
            return {}
        self.env.flush_all()
        self.env.cr.execute(
            """
            SELECT l.utility_account_id, SUM(l.amount_residual)
              FROM account_move_line l
              JOIN account_account a
                ON a.id = l.account_id AND a.account_type = 'asset_receivable'
             WHERE l.utility_account_id = ANY(%s) AND l.parent_state = 'posted'
               AND l.amount_residual != 0
               AND COALESCE(l.date_maturity, l.date) < %s
             GROUP BY 1
            """,
            [accounts.ids, day],
        )
        # Read the rows before anything else: a cold cache queries the cursor.
        rows = self.env.cr.fetchall()
        currency = self.env.company.currency_id
        return {
            account_id: currency.round(amount)
            for account_id, amount in rows
            if currency.compare_amounts(amount, 0) > 0
        }

    # ------------------------------------------------------------------
    # Removal when payment is received
    # ------------------------------------------------------------------
    @api.model
    def _on_payments_posted(self, payments):
        """Withdraw the notices (and cancel the door-hanger orders still open) of
        the accounts ``payments`` brought out of past due.

        Called by ``utility.payment.poster`` after it posted ``payments``, in the
        same transaction, for the whole batch: one search of the paid accounts'
        live notices and one ledger read.
        """
        accounts = payments.line_ids.account_id
        if not accounts:
            return self.browse()
        notices = self.sudo().search(
            [("account_id", "in", accounts.ids), ("state", "in", ("to_send", "sent"))]
        )
        if not notices:
            return notices
        today = fields.Date.context_today(self)
        owing = self._read_past_due(notices.account_id, today)
        paid = notices.filtered(lambda n: n.account_id.id not in owing)
        paid._withdraw(
            self.env._(
                "The past-due amount was paid on %(date)s.", date=format_date(self.env, today)
            )
        )
        return paid

    def _withdraw(self, reason):
        """Withdraw ``self`` with ``reason``; their open door-hanger orders are
        cancelled (a fee already charged stays: the city charged it when the
        list was released)."""
        if not self:
            return
        self._as_action().write(
            {
                "state": "withdrawn",
                "date_withdrawn": fields.Datetime.now(),
                "withdraw_reason": reason,
            }
        )
        orders = self.work_order_id.filtered(lambda o: o.state in ("open", "hold"))
        if orders:
            orders._cancel(reason)
        self._log_on_accounts(
            lambda notice: self.env._(
                "%(kind)s %(notice)s withdrawn: %(reason)s",
                kind=dict(NOTICE_KINDS)[notice.kind],
                notice=notice.name,
                reason=reason,
            )
        )

    def _log_on_accounts(self, body):
        """Leave a line per notice on each account's history, one batch.

        :param body: function(notice) -> text
        """
        bodies = defaultdict(list)
        for notice in self:
            bodies[notice.account_id.id].append(body(notice))
        self.env["utility.account"].sudo().browse(list(bodies))._message_log_batch(
            {account_id: "\n".join(lines) for account_id, lines in bodies.items()}
        )

    # ------------------------------------------------------------------
    # The door-hanger fee
    # ------------------------------------------------------------------
    def _get_door_hanger_fees(self):
        """The door-hanger fee of each door hanger of ``self``, from the company's
        field service fee schedule (by customer class), on its notice date.

        :return: {notice: amount > 0}
        """
        fees = {}
        for notice in self:
            company = notice.company_id
            _code, amount = company._get_utility_field_fee(
                notice.account_id, "door_hanger", datetime.combine(notice.date, time(12))
            )
            if company.currency_id.compare_amounts(amount, 0) > 0:
                fees[notice] = company.currency_id.round(amount)
        return fees

    def _check_door_hanger_fee_setup(self):
        """Refuse to charge door-hanger fees without their revenue account."""
        fees = self._get_door_hanger_fees()
        companies = self.browse([notice.id for notice in fees]).company_id
        missing = companies.filtered(lambda c: not c.utility_field_fee_account_id)
        if missing:
            raise UserError(
                self.env._(
                    "Choose the revenue account of door-hanger fees (Settings, Field Service "
                    "Fee Revenue) of %(companies)s before releasing the door hangers.",
                    companies=", ".join(missing.mapped("name")),
                )
            )

    def _post_door_hanger_fees(self):
        """Post the door-hanger fee of each door hanger of ``self`` not charged
        yet, as fee invoices through the late fees' posting path: once per door
        hanger (the rows are locked and re-read), so once per account and run."""
        hangers = self.filtered(lambda n: n.kind == "door_hanger")
        if not hangers:
            return self.env["account.move"]
        hangers.flush_recordset()
        self.env.cr.execute(
            """
            SELECT id FROM utility_collection_notice
             WHERE id = ANY(%s) AND fee_move_id IS NULL
             ORDER BY id
               FOR UPDATE
            """,
            [hangers.ids],
        )
        hangers = self.browse([row[0] for row in self.env.cr.fetchall()])
        fees = hangers._get_door_hanger_fees()
        hangers = hangers.filtered(lambda n: n in fees)
        if not hangers:
            return self.env["account.move"]
        hangers._check_door_hanger_fee_setup()
        vals_list = []
        for notice in hangers:
            label = self.env._(
                "Door-hanger fee: %(notice)s of %(date)s",
                notice=notice.name,
                date=format_date(self.env, notice.date),
            )
            vals_list.append(
                notice.run_id._prepare_account_fee_vals(
                    notice.account_id,
                    label,
                    notice.company_id.utility_field_fee_account_id,
                    fees[notice],
                    day=notice.date,
                )
            )
        moves = self.env["utility.bill.builder"]._post_bills(
            vals_list, [[] for _n in hangers], [[] for _n in hangers]
        )
        for notice, move in zip(hangers, moves, strict=True):
            notice._as_action().write({"fee_move_id": move.id, "amount_fee": fees[notice]})
        return moves

    # ------------------------------------------------------------------
    # What the printed notice and the e-mail say
    # ------------------------------------------------------------------
    def _get_print_action(self):
        """The PDF of ``self``, one notice a page, for the mail room."""
        return self.env.ref(
            "utility_billing.action_report_utility_collection_notice"
        ).report_action(self)

    def _get_letter_values(self):
        """Amounts and dates of each notice as the customer reads them.

        :return: {notice id: dict}
        """
        self.check_access("read")
        values = {}
        for notice in self.sudo():
            currency = notice.currency_id
            values[notice.id] = {
                "notice": notice,
                "account": notice.account_id,
                "company": notice.company_id,
                "date": format_date(self.env, notice.date),
                "date_shutoff": format_date(self.env, notice.date_shutoff)
                if notice.date_shutoff
                else "",
                "past_due": format_amount(self.env, notice.amount_past_due, currency),
                "fee": format_amount(self.env, notice.amount_fee, currency)
                if notice.amount_fee
                else "",
            }
        return values
