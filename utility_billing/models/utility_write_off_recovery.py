# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import format_amount

from ..lib.rating import round_cents, to_decimal

BILLING_GROUP = "utility_billing.group_utility_billing"


class UtilityWriteOffRecovery(models.Model):
    """Money collected on an account after it was written off.

    A write-off does not forgive the debt (Deltona, FL staff report on the
    Write-Off of Uncollectible Accounts Policy: "this does not erase or
    forgive the debt"): when the customer pays, the clerk posts the payment
    at the counter as usual (it waits as a credit on the account, which owes
    nothing on the books), then records the recovery. Posting it reinstates
    the receivable (debit receivable, credit bad-debt expense, up to what is
    still written off) and applies the waiting payment to it, so the expense
    shows the net loss and the payment is matched like any other.
    """

    _name = "utility.write.off.recovery"
    _description = "Recovery After Write-off"
    _inherit = ["mail.thread", "utility.locked.fields.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

    line_id = fields.Many2one(
        "utility.write.off.line",
        string="Written-off Account",
        index=True,
        check_company=True,
        domain="[('state', '=', 'posted'), ('amount_remaining', '>', 0)]",
        tracking=True,
    )
    # An account at the agency that was never written off: the agency's
    # collection pays its bills (the fee from the receivable to the fee expense,
    # the remitted rest as a payment); nothing is reinstated.
    referral_id = fields.Many2one(
        "utility.agency.referral",
        string="Agency Referral",
        index=True,
        check_company=True,
        domain="[('state', 'in', ('referred', 'exported')), ('write_off_line_id', '=', False)]",
        tracking=True,
    )
    account_id = fields.Many2one(
        "utility.account",
        compute="_compute_account_id",
        store=True,
        precompute=True,
        index=True,
    )
    company_id = fields.Many2one(
        related="account_id.company_id", store=True, precompute=True, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    date = fields.Date(required=True, default=fields.Date.context_today, tracking=True)
    amount = fields.Monetary(string="Amount Recovered", required=True, tracking=True)
    amount_remaining = fields.Monetary(related="line_id.amount_remaining")
    is_agency = fields.Boolean(
        string="Collected by the Agency",
        help="The collection agency collected it and remits it less its fee: the fee "
        "goes to the agency fee expense account.",
    )
    amount_agency_fee = fields.Monetary(string="Agency Fee", readonly=True, tracking=True)
    note = fields.Char(help="Where the money came from (the customer, a lien, the agency).")
    state = fields.Selection(
        [("draft", "Draft"), ("posted", "Posted")],
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
    )
    move_id = fields.Many2one(
        "account.move", string="Journal Entry", readonly=True, check_company=True, copy=False
    )
    posted_by_id = fields.Many2one("res.users", readonly=True)

    @api.depends("line_id", "referral_id")
    def _compute_account_id(self):
        for recovery in self:
            recovery.account_id = recovery.line_id.account_id or recovery.referral_id.account_id

    @api.model_create_multi
    def create(self, vals_list):
        # Before the company's record rule would refuse a recovery of no account
        # with a message a clerk cannot act on.
        if any(not vals.get("line_id") and not vals.get("referral_id") for vals in vals_list):
            raise ValidationError(
                self.env._("Choose the written-off account or the agency referral.")
            )
        return super().create(vals_list)

    @api.constrains("line_id", "referral_id")
    def _check_line_or_referral(self):
        if any(not recovery.line_id and not recovery.referral_id for recovery in self):
            raise ValidationError(
                self.env._("Choose the written-off account or the agency referral.")
            )

    @api.onchange("referral_id")
    def _onchange_referral_id(self):
        if self.referral_id and not self.line_id:
            self.is_agency = True

    @api.depends("line_id", "amount")
    def _compute_display_name(self):
        for recovery in self:
            recovery.display_name = self.env._(
                "Recovery %(amount)s on %(account)s",
                amount=format_amount(self.env, recovery.amount, recovery.currency_id),
                account=recovery.account_id.name or "",
            )

    def _get_action_fields(self):
        return {"state", "move_id", "posted_by_id", "amount_agency_fee"}

    def _get_locked_records(self):
        return self.filtered(lambda r: r.state == "posted")

    def action_post(self):
        """Reinstate the receivable and apply the account's waiting payment."""
        if not self.env.user.has_group(BILLING_GROUP):
            raise AccessError(self.env._("Only billing staff record recoveries."))
        problems = []
        for recovery in self:
            currency = recovery.currency_id
            if recovery.state != "draft":
                problems.append(self.env._("%(r)s is already posted.", r=recovery.display_name))
            elif currency.compare_amounts(recovery.amount, 0) <= 0:
                problems.append(self.env._("Enter the amount recovered."))
            elif recovery.line_id:
                problems += recovery._get_write_off_problems()
            else:
                problems += recovery._get_agency_problems()
            if recovery.is_agency and not recovery.company_id.utility_agency_fee_account_id:
                problems.append(
                    self.env._(
                        "Set the agency fee expense account in the Utility Billing settings."
                    )
                )
        if problems:
            raise UserError("\n".join(problems))
        for recovery in self:
            fee = recovery._get_agency_fee()
            move = recovery._post_entry(fee)
            recovery._as_action().write(
                {
                    "state": "posted",
                    "move_id": move.id,
                    "posted_by_id": self.env.uid,
                    "amount_agency_fee": float(fee),
                }
            )
            recovery.account_id.message_post(body=recovery._get_posted_message())
        self.env["utility.payment.poster"].sudo()._apply_open_credits(self.account_id)
        # The balance is read from the ledger, not stored: read it again.
        self.env["utility.account"].invalidate_model(["amount_balance"])
        agency = self.filtered("is_agency")
        if agency:
            self.env["utility.agency.referral"]._flag_paid_in_full(
                agency.account_id, max(agency.mapped("date"))
            )
        return True

    def _get_write_off_problems(self):
        self.ensure_one()
        currency = self.currency_id
        if self.line_id.state != "posted":
            return [self.env._("The write-off of this account is not posted.")]
        if currency.compare_amounts(self.amount, self.line_id.amount_remaining) > 0:
            return [
                self.env._(
                    "%(amount)s is more than what is still written off on %(account)s "
                    "(%(remaining)s); post the rest as an ordinary payment.",
                    amount=format_amount(self.env, self.amount, currency),
                    account=self.account_id.display_name,
                    remaining=format_amount(self.env, self.line_id.amount_remaining, currency),
                )
            ]
        return []

    def _get_agency_problems(self):
        """An agency collection on an account not written off: the referral is
        live, and the fee it leaves on the receivable is no more than the account
        owes (the remitted payment, taken before or after, pays the rest)."""
        self.ensure_one()
        currency = self.currency_id
        if not self.is_agency:
            return [
                self.env._(
                    "%(account)s was not written off: tick Collected by the Agency, or take "
                    "the money as an ordinary payment.",
                    account=self.account_id.display_name,
                )
            ]
        if self.referral_id.write_off_line_id:
            return [
                self.env._(
                    "%(account)s was written off: choose its write-off.",
                    account=self.account_id.display_name,
                )
            ]
        if self.referral_id.state not in ("referred", "exported"):
            return [
                self.env._(
                    "%(account)s is no longer at the agency (recalled).",
                    account=self.account_id.display_name,
                )
            ]
        fee = self._get_agency_fee()
        if currency.compare_amounts(float(fee), self.account_id.amount_balance) > 0:
            return [
                self.env._(
                    "The agency's fee of %(fee)s is more than %(account)s owes "
                    "(%(balance)s): check the amount the agency collected.",
                    fee=format_amount(self.env, float(fee), currency),
                    account=self.account_id.display_name,
                    balance=format_amount(self.env, self.account_id.amount_balance, currency),
                )
            ]
        return []

    def _get_posted_message(self):
        self.ensure_one()
        amount = format_amount(self.env, self.amount, self.currency_id)
        if self.line_id:
            return self.env._(
                "Recovered after write-off: %(amount)s (%(write_off)s).",
                amount=amount,
                write_off=self.line_id.write_off_id.name,
            )
        return self.env._(
            "Collected by the agency: %(amount)s, of which its fee %(fee)s.",
            amount=amount,
            fee=format_amount(self.env, self.amount_agency_fee, self.currency_id),
        )

    def _get_agency_fee(self):
        """The agency's contingency fee on what it collected, to the cent (half up):
        Big Spring, TX's 30% of $65.50 is $19.65."""
        self.ensure_one()
        if not self.is_agency:
            return to_decimal(0)
        percent = to_decimal(self.company_id.utility_agency_fee_percent)
        return round_cents(to_decimal(self.amount) * percent / 100)

    def _post_entry(self, fee):
        """Debit the receivable the write-off credited, credit bad-debt expense;
        the agency's ``fee`` (Decimal) goes from the receivable to its expense, so
        the payment the agency remits (net) settles the rest. Without a write-off
        only the fee moves: the receivable is paid by the gross, fee plus payment."""
        self.ensure_one()
        company = self.company_id
        account = self.account_id
        if not self.line_id:
            label = self.env._("Collected by the agency: %(account)s", account=account.name)
            return company._post_utility_bad_debt_entry(
                self.date,
                label,
                self._get_agency_fee_lines(self._get_receivable_account(), label, fee),
            )
        written = self.line_id.move_line_ids[:1]
        label = self.env._(
            "Recovery after write-off %(name)s: %(account)s",
            name=self.line_id.write_off_id.name,
            account=account.name,
        )
        return company._post_utility_bad_debt_entry(
            self.date,
            label,
            [
                {
                    "name": label,
                    "account_id": written.account_id.id,
                    "partner_id": (written.partner_id or account.partner_id).id,
                    "utility_account_id": account.id,
                    "debit": self.amount,
                    "date_maturity": self.date,
                },
                *self._get_agency_fee_lines(written.account_id, label, fee),
            ],
        )

    def _get_receivable_account(self):
        """The receivable the account's bills are on (else the customer's)."""
        self.ensure_one()
        item = (
            self.env["account.move.line"]
            .sudo()
            .search(
                [
                    ("utility_account_id", "=", self.account_id.id),
                    ("account_id.account_type", "=", "asset_receivable"),
                    ("parent_state", "=", "posted"),
                ],
                order="date desc, id desc",
                limit=1,
            )
        )
        partner = self.account_id.partner_id.with_company(self.company_id)
        return item.account_id or partner.property_account_receivable_id

    def _get_agency_fee_lines(self, receivable, label, fee):
        if not fee:
            return []
        account = self.account_id
        return [
            {
                "name": self.env._("%(label)s: agency fee", label=label),
                "account_id": receivable.id,
                "partner_id": account.partner_id.id,
                "utility_account_id": account.id,
                "credit": float(fee),
            },
            {
                "name": self.env._("%(label)s: agency fee", label=label),
                "account_id": self.company_id.utility_agency_fee_account_id.id,
                "debit": float(fee),
            },
        ]
