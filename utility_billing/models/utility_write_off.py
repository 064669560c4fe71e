# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict
from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import format_amount, format_date

BILLING_GROUP = "utility_billing.group_utility_billing"
SUPERVISOR_GROUP = "utility_billing.group_utility_supervisor"
# Written only by the action methods (utility.locked.fields.mixin).
PROTECTED_FIELDS = {
    "state",
    "prepared_by_id",
    "approver_id",
    "date_approved",
    "move_id",
    "rejection_reason",
}


class UtilityWriteOff(models.Model):
    """A batch of uncollectible accounts written off as bad debt.

    The rule (Union City, IN, Code § 40.03): an account more than 90 days past
    due (the company's *Write-off After*) is eligible; the clerk prepares the
    list, the council approves it, then the clerk adjusts the accounts. Here
    a billing specialist prepares the batch with the council's approval
    reference and submits it; a supervisor other than the preparer approves,
    which posts one journal entry: the bad-debt expense debited with the
    batch's total, each account's receivable credited with its open balance
    and reconciled with its open items, so the account shows nothing owed
    and the ledger keeps who owed what (see ``utility.write.off.recovery``).
    """

    _name = "utility.write.off"
    _description = "Bad Debt Write-off"
    _inherit = ["mail.thread", "mail.activity.mixin", "utility.locked.fields.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(readonly=True, copy=False, default=lambda self: self.env._("New"))
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    date = fields.Date(
        string="Write-off Date",
        required=True,
        default=fields.Date.context_today,
        tracking=True,
        help="Date of the journal entry; eligibility (days past due) is counted to it.",
    )
    approval_reference = fields.Char(
        string="Council Approval",
        tracking=True,
        help="The council's (or board's) resolution or minutes that approved this "
        "write-off, e.g. Resolution 2025-14 of 03/11/2025.",
    )
    reason = fields.Text(tracking=True)
    line_ids = fields.One2many("utility.write.off.line", "write_off_id", string="Accounts")
    account_count = fields.Integer(string="Accounts Written Off", compute="_compute_account_count")
    amount_total = fields.Monetary(
        string="Total", compute="_compute_totals", store=True, tracking=True
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("to_approve", "Waiting for Approval"),
            ("posted", "Posted"),
            ("rejected", "Rejected"),
        ],
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
        index=True,
    )
    prepared_by_id = fields.Many2one("res.users", readonly=True, tracking=True)
    approver_id = fields.Many2one("res.users", string="Approved By", readonly=True, tracking=True)
    date_approved = fields.Date(readonly=True)
    rejection_reason = fields.Char(readonly=True, tracking=True)
    move_id = fields.Many2one(
        "account.move", string="Journal Entry", readonly=True, check_company=True, copy=False
    )

    @api.depends("line_ids.amount")
    def _compute_totals(self):
        for write_off in self:
            write_off.amount_total = sum(write_off.line_ids.mapped("amount"))

    @api.depends("line_ids")
    def _compute_account_count(self):
        for write_off in self:
            write_off.account_count = len(write_off.line_ids)

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        for record in records:
            name = (
                self.env["ir.sequence"]
                .with_company(record.company_id)
                .next_by_code("utility.write.off")
            )
            record._as_action().write({"name": name or record.name})
        return records

    # ------------------------------------------------------------------
    # Protection
    # ------------------------------------------------------------------
    def _get_action_fields(self):
        return set(PROTECTED_FIELDS)

    def _get_locked_records(self):
        return self.filtered(lambda w: w.state != "draft")

    # ------------------------------------------------------------------
    # Eligibility, read from the ledger
    # ------------------------------------------------------------------
    def _get_eligibility(self, accounts):
        """Why each account of ``accounts`` may be written off on the batch's date,
        or what stops it.

        :return: ({account id: reason}, {account id: problem}), in plain words
        """
        self.ensure_one()
        currency = self.currency_id
        days = self.company_id.utility_write_off_days
        facts = accounts._get_shutoff_facts(self.date - timedelta(days=days))
        eligible, problems = {}, {}
        for account in accounts:
            if currency.compare_amounts(account.amount_balance, 0) <= 0:
                problems[account.id] = self.env._(
                    "%(account)s owes nothing.", account=account.display_name
                )
            elif account.state in ("closed", "final_billed"):
                eligible[account.id] = self.env._("Closed account")
            elif facts[account.id]["date_oldest_due"]:
                eligible[account.id] = self.env._(
                    "Past due since %(date)s",
                    date=format_date(self.env, facts[account.id]["date_oldest_due"]),
                )
            else:
                problems[account.id] = self.env._(
                    "%(account)s is open and not past due more than %(days)s days.",
                    account=account.display_name,
                    days=days,
                )
        return eligible, problems

    def _get_pending_accounts(self):
        """Accounts of the batch already on another write-off waiting or posted
        with an open balance (one write-off at a time per account)."""
        self.ensure_one()
        others = self.env["utility.write.off.line"].search(
            [
                ("account_id", "in", self.line_ids.account_id.ids),
                ("write_off_id", "!=", self.id),
                ("write_off_id.state", "=", "to_approve"),
            ]
        )
        return others.account_id

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_add_eligible(self):
        """Fill a draft batch with every account of the company eligible on its date
        and not already on it."""
        self._check_preparer()
        for write_off in self:
            if write_off.state != "draft":
                raise UserError(self.env._("Only a draft write-off can be changed."))
            owing = write_off.company_id._get_utility_owing_balances()
            accounts = self.env["utility.account"].union(*owing) - write_off.line_ids.account_id
            eligible, _problems = write_off._get_eligibility(accounts)
            write_off.line_ids = [
                Command.create({"account_id": account_id}) for account_id in sorted(eligible)
            ]
        return True

    def action_submit(self):
        """Check the batch and read each account's open balance from the ledger;
        the batch then waits for a supervisor."""
        self._check_preparer()
        for write_off in self:
            if write_off.state != "draft":
                raise UserError(self.env._("Only a draft write-off can be submitted."))
            problems = write_off._get_problems()
            if problems:
                raise UserError(
                    self.env._(
                        "The write-off was not submitted:\n%(problems)s",
                        problems="\n".join(f"- {p}" for p in problems),
                    )
                )
            accounts = write_off.line_ids.account_id
            eligible, _problems = write_off._get_eligibility(accounts)
            for line in write_off.line_ids:
                line._as_action().write(
                    {
                        "amount": line.account_id.amount_balance,
                        "eligibility": eligible[line.account_id.id],
                    }
                )
            write_off._as_action().write({"state": "to_approve", "prepared_by_id": self.env.uid})
        return True

    def _get_problems(self):
        """Everything that stops the batch, all at once."""
        self.ensure_one()
        problems = []
        if not (self.approval_reference or "").strip():
            problems.append(
                self.env._("Enter the council's approval reference (resolution or minutes).")
            )
        if not self.line_ids:
            problems.append(self.env._("Add the accounts to write off."))
        company = self.company_id
        if not company.utility_bad_debt_account_id:
            problems.append(
                self.env._("Set the bad debt expense account in the Utility Billing settings.")
            )
        if not company._get_utility_write_off_journal():
            problems.append(self.env._("The company has no miscellaneous journal."))
        _eligible, not_eligible = self._get_eligibility(self.line_ids.account_id)
        problems.extend(not_eligible.values())
        problems.extend(
            self.env._(
                "%(account)s is already on another write-off waiting for approval.",
                account=account.display_name,
            )
            for account in self._get_pending_accounts()
        )
        return problems

    def action_approve(self):
        """Post the write-off: one entry for the batch, each account's receivable
        reconciled with it."""
        self._check_approver()
        for write_off in self:
            changed = write_off.line_ids.filtered(
                lambda line: (
                    line.currency_id.compare_amounts(line.amount, line.account_id.amount_balance)
                    != 0
                )
            )
            if changed:
                raise UserError(
                    self.env._(
                        "The balance of these accounts changed since the write-off was "
                        "submitted; reject it and prepare it again:\n%(accounts)s",
                        accounts="\n".join(f"- {a.display_name}" for a in changed.account_id),
                    )
                )
            move = write_off._post_entry()
            write_off._as_action().write(
                {
                    "state": "posted",
                    "approver_id": self.env.uid,
                    "date_approved": fields.Date.context_today(self),
                    "move_id": move.id,
                }
            )
            for line in write_off.line_ids:
                line.account_id.message_post(
                    body=self.env._(
                        "Written off as bad debt: %(amount)s (%(write_off)s, %(reference)s).",
                        amount=format_amount(self.env, line.amount, write_off.currency_id),
                        write_off=write_off.name,
                        reference=write_off.approval_reference,
                    )
                )
        return True

    def action_refer_to_agency(self):
        """Refer the posted batch's accounts still written off to the agency."""
        for write_off in self:
            if write_off.state != "posted":
                raise UserError(self.env._("Only a posted write-off is referred to the agency."))
            lines = write_off.line_ids.filtered(
                lambda line: not line.currency_id.is_zero(line.amount_remaining)
            )
            self.env["utility.agency.referral"]._refer(
                lines.account_id, fields.Date.context_today(self), lines
            )
        return True

    def action_reject(self, reason=None):
        self._check_approver()
        self._as_action().write(
            {
                "state": "rejected",
                "approver_id": self.env.uid,
                "rejection_reason": reason or self.env._("Rejected"),
            }
        )
        return True

    def _check_preparer(self):
        if not self.env.user.has_group(BILLING_GROUP):
            raise AccessError(self.env._("Only billing staff prepare write-offs."))

    def _check_approver(self):
        if not self.env.user.has_group(SUPERVISOR_GROUP):
            raise AccessError(self.env._("Only a supervisor approves or rejects write-offs."))
        for write_off in self:
            if write_off.state != "to_approve":
                raise UserError(self.env._("Only write-offs waiting for approval can be decided."))
            if write_off.prepared_by_id == self.env.user:
                raise UserError(self.env._("Nobody approves or rejects their own write-off."))

    # ------------------------------------------------------------------
    # The journal entry
    # ------------------------------------------------------------------
    def _post_entry(self):
        """Debit bad-debt expense with the total; credit, per account and
        receivable account, the open items' residual; reconcile each with its
        open items. One entry, one ``create``, one reconcile per account.

        :return: the posted account.move
        """
        self.ensure_one()
        AML = self.env["account.move.line"].sudo()
        company = self.company_id
        accounts = self.line_ids.account_id
        open_items = AML.search(
            [
                ("utility_account_id", "in", accounts.ids),
                ("account_id.account_type", "=", "asset_receivable"),
                ("parent_state", "=", "posted"),
                ("reconciled", "=", False),
                ("amount_residual", "!=", 0),
            ]
        )
        residuals = defaultdict(float)
        for item in open_items:
            residuals[(item.utility_account_id, item.account_id, item.partner_id)] += (
                item.amount_residual
            )
        currency = self.currency_id
        label = self.env._(
            "Bad debt write-off %(name)s (%(reference)s)",
            name=self.name,
            reference=self.approval_reference,
        )
        line_vals = [
            {
                "name": f"{label}: {account.name}",
                "account_id": receivable.id,
                "partner_id": partner.id,
                "utility_account_id": account.id,
                "credit": currency.round(amount),
            }
            for (account, receivable, partner), amount in residuals.items()
            if not currency.is_zero(amount)
        ]
        move = company._post_utility_bad_debt_entry(self.date, label, line_vals)
        by_key = defaultdict(AML.browse)
        for item in open_items | move.line_ids:
            if item.account_id.account_type == "asset_receivable":
                by_key[(item.utility_account_id, item.account_id, item.partner_id)] |= item
        for items in by_key.values():
            items.reconcile()
        written = {account: AML.browse() for account in accounts}
        for item in move.line_ids.filtered("utility_account_id"):
            written[item.utility_account_id] |= item
        for line in self.line_ids:
            line._as_action().write({"move_line_ids": [Command.set(written[line.account_id].ids)]})
        # The balance is read from the ledger, not stored: read it again.
        self.env["utility.account"].invalidate_model(["amount_balance"])
        return move
