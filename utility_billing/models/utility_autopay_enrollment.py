# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A customer's authorization to draft the account's balance from a bank account."""

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..lib import nacha
from .res_partner_bank import mask_export, mask_read

LIVE_STATES = ("prenote", "active")


class UtilityAutopayEnrollment(models.Model):
    """Autopay enrollment of one utility account.

    Confirmed, it is ``active`` (drafted by every autopay file from its start
    date) or first ``prenote``: a zero-dollar test entry rides on the next file,
    and the account is drafted once three banking days have passed after it
    without a return. One live enrollment per account.
    """

    _name = "utility.autopay.enrollment"
    _description = "Autopay Enrollment"
    _inherit = ["mail.thread"]
    _order = "id desc"
    _check_company_auto = True

    account_id = fields.Many2one(
        "utility.account",
        string="Utility Account",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        ondelete="restrict",
    )
    company_id = fields.Many2one(
        related="account_id.company_id", store=True, precompute=True, index=True
    )
    partner_id = fields.Many2one(related="account_id.partner_id", string="Customer")
    bank_id = fields.Many2one(
        "res.partner.bank",
        string="Bank Account",
        required=True,
        tracking=True,
        ondelete="restrict",
        help="The customer's bank account the balance is drafted from.",
    )
    aba_routing = fields.Char(related="bank_id.aba_routing", readonly=False)
    acc_number = fields.Char(related="bank_id.acc_number", string="Account Number")
    account_type = fields.Selection(
        [("checking", "Checking"), ("savings", "Savings")],
        string="Bank Account Type",
        required=True,
        default="checking",
        tracking=True,
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("prenote", "Prenote Sent"),
            ("active", "Active"),
            ("cancelled", "Cancelled"),
        ],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        index=True,
        tracking=True,
    )
    date_start = fields.Date(
        string="Draft From",
        required=True,
        default=fields.Date.context_today,
        tracking=True,
        help="Autopay files for due dates from this day on draft the account.",
    )
    date_end = fields.Date(string="Cancelled On", readonly=True, copy=False, tracking=True)
    user_id = fields.Many2one(
        "res.users",
        string="Enrolled By",
        default=lambda self: self.env.user,
        readonly=True,
        copy=False,
    )
    date_enrolled = fields.Date(
        string="Enrolled On", default=fields.Date.context_today, readonly=True, copy=False
    )
    is_prenote = fields.Boolean(
        string="Send Prenote",
        help="Test the bank account with a zero-dollar entry before the first draft.",
    )
    prenote_trace = fields.Char(string="Prenote Trace Number", readonly=True, copy=False)
    date_prenote = fields.Date(string="Prenote Settles On", readonly=True, copy=False)
    cancel_reason = fields.Char(tracking=True, copy=False)
    note = fields.Text()

    def init(self):
        # One live enrollment per account: two would draft the balance twice.
        self.env.cr.execute(
            """
            CREATE UNIQUE INDEX IF NOT EXISTS utility_autopay_enrollment_live_uniq
                ON utility_autopay_enrollment (account_id)
             WHERE state IN ('prenote', 'active')
            """
        )

    @api.depends("account_id", "bank_id")
    def _compute_display_name(self):
        for enrollment in self:
            number = nacha.mask_last_four(enrollment.sudo().bank_id.acc_number)
            enrollment.display_name = " ".join(
                part for part in (enrollment.account_id.name, number) if part
            )

    # The customer's bank numbers: masked to the last four below Billing Specialist.
    def _read_format(self, fnames, load="_classic_read"):
        return mask_read(self, super()._read_format(fnames, load=load))

    def _export_rows(self, fields, *, _is_toplevel_call=True):
        rows = super()._export_rows(fields, _is_toplevel_call=_is_toplevel_call)
        return mask_export(self, fields, rows)

    # ------------------------------------------------------------------
    # Validation
    # ------------------------------------------------------------------
    def _bank_problems(self):
        """A message for each enrollment whose bank details cannot be drafted."""
        problems = []
        for enrollment in self:
            label = enrollment.account_id.name or ""
            bank = enrollment.bank_id
            routing_problem = nacha.routing_problem(bank.aba_routing)
            if routing_problem:
                problems.append(
                    self.env._("%(account)s: %(problem)s.", account=label, problem=routing_problem)
                )
            number = nacha.clean_account_number(bank.acc_number)
            if not number or len(number) > 17 or not number.replace("-", "").isalnum():
                problems.append(
                    self.env._(
                        "%(account)s: bank account number %(number)s must be 1 to 17 letters "
                        "or digits.",
                        account=label,
                        number=bank.acc_number,
                    )
                )
        return problems

    @api.constrains("bank_id", "account_id", "state")
    def _check_bank_details(self):
        problems = self.filtered(lambda e: e.state != "cancelled")._bank_problems()
        if problems:
            raise ValidationError("\n".join(problems))

    def _check_one_live_enrollment(self):
        """Refuse to make live a second enrollment of an account (checked before the
        write: the unique index behind it only says "duplicate key")."""
        live = self.search(
            [
                ("account_id", "in", self.account_id.ids),
                ("state", "in", LIVE_STATES),
                ("id", "not in", self.ids),
            ]
        ).account_id
        seen = self.env["utility.account"]
        for enrollment in self:
            if enrollment.account_id in seen:
                live |= enrollment.account_id
            seen |= enrollment.account_id
        if live:
            raise ValidationError(
                self.env._(
                    "An account has one live autopay enrollment at a time: cancel the old one "
                    "first (%(accounts)s).",
                    accounts=", ".join(live.mapped("name")),
                )
            )

    # ------------------------------------------------------------------
    # CRUD and actions
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        enrollments = super().create(vals_list)
        enrollments._sync_account_autopay()
        return enrollments

    def write(self, vals):
        result = super().write(vals)
        if "state" in vals or "account_id" in vals:
            self._sync_account_autopay()
        return result

    def _sync_account_autopay(self):
        """The account's Autopay flag says whether a live enrollment drafts it."""
        accounts = self.account_id
        if not accounts:
            return
        live = {
            account.id
            for account, _count in self.sudo()._read_group(
                [("account_id", "in", accounts.ids), ("state", "in", LIVE_STATES)],
                ["account_id"],
                ["__count"],
            )
        }
        for flag in (True, False):
            todo = accounts.filtered(lambda a, f=flag: (a.id in live) == f and a.is_autopay != f)
            if todo:
                todo.sudo().write({"is_autopay": flag})

    def action_confirm(self):
        """Start drafting: active at once, or after a prenote when asked for one."""
        not_draft = self.filtered(lambda e: e.state != "draft")
        if not_draft:
            raise UserError(
                self.env._(
                    "Only draft enrollments can be confirmed: %(enrollments)s",
                    enrollments=", ".join(not_draft.mapped("display_name")),
                )
            )
        closed = self.filtered(lambda e: e.account_id.state == "closed")
        if closed:
            raise UserError(
                self.env._(
                    "Closed accounts cannot be enrolled: %(accounts)s",
                    accounts=", ".join(closed.account_id.mapped("name")),
                )
            )
        self._check_one_live_enrollment()
        for is_prenote in (True, False):
            todo = self.filtered(lambda e, p=is_prenote: e.is_prenote == p)
            if todo:
                todo.write({"state": "prenote" if is_prenote else "active"})
        return True

    def action_cancel(self, reason=None):
        today = fields.Date.context_today(self)
        vals = {"state": "cancelled", "date_end": today}
        if reason:
            vals["cancel_reason"] = reason
        self.filtered(lambda e: e.state != "cancelled").write(vals)
        return True

    def action_reset_to_draft(self):
        self.filtered(lambda e: e.state == "cancelled").write(
            {"state": "draft", "date_end": False, "cancel_reason": False, "prenote_trace": False}
        )
        return True
