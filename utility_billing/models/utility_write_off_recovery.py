# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
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
        required=True,
        index=True,
        check_company=True,
        domain="[('state', '=', 'posted'), ('amount_remaining', '>', 0)]",
        tracking=True,
    )
    account_id = fields.Many2one(
        related="line_id.account_id", store=True, index=True, string="Account"
    )
    company_id = fields.Many2one(
        related="line_id.company_id", store=True, precompute=True, index=True
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
            elif recovery.line_id.state != "posted":
                problems.append(self.env._("The write-off of this account is not posted."))
            elif currency.compare_amounts(recovery.amount, 0) <= 0:
                problems.append(self.env._("Enter the amount recovered."))
            elif currency.compare_amounts(recovery.amount, recovery.line_id.amount_remaining) > 0:
                problems.append(
                    self.env._(
                        "%(amount)s is more than what is still written off on %(account)s "
                        "(%(remaining)s); post the rest as an ordinary payment.",
                        amount=format_amount(self.env, recovery.amount, currency),
                        account=recovery.account_id.display_name,
                        remaining=format_amount(
                            self.env, recovery.line_id.amount_remaining, currency
                        ),
                    )
                )
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
            recovery.account_id.message_post(
                body=self.env._(
                    "Recovered after write-off: %(amount)s (%(write_off)s).",
                    amount=format_amount(self.env, recovery.amount, recovery.currency_id),
                    write_off=recovery.line_id.write_off_id.name,
                )
            )
        self.env["utility.payment.poster"].sudo()._apply_open_credits(self.account_id)
        # The balance is read from the ledger, not stored: read it again.
        self.env["utility.account"].invalidate_model(["amount_balance"])
        return True

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
        the payment the agency remits (net) settles the rest."""
        self.ensure_one()
        company = self.company_id
        written = self.line_id.move_line_ids[:1]
        account = self.account_id
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
