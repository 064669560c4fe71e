# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_amount, format_date


class UtilityAccountPayoffQuote(models.TransientModel):
    """Payoff quote through a date, for an estate, a title company or a
    bankruptcy trustee: the balance in the ledger, the charges estimated to the
    date, less the deposit held, and what each day after it adds.

    The figures come from ``utility.account._get_payoff_quote``; this form only
    asks for the date and prints the letter.
    """

    _name = "utility.account.payoff.quote"
    _description = "Payoff Quote"
    _check_company_auto = True

    account_id = fields.Many2one("utility.account", required=True, check_company=True)
    company_id = fields.Many2one(related="account_id.company_id")
    currency_id = fields.Many2one(related="account_id.currency_id")
    partner_id = fields.Many2one(related="account_id.partner_id")
    date = fields.Date(string="Payoff Through", required=True, default=fields.Date.context_today)
    requested_by = fields.Char(
        help="Who asked for the quote (estate, title company, trustee): printed on the letter."
    )
    amount_balance = fields.Monetary(string="Balance Billed", compute="_compute_quote")
    amount_estimated = fields.Monetary(string="Charges Not Yet Billed", compute="_compute_quote")
    amount_deposit = fields.Monetary(string="Deposit Held", compute="_compute_quote")
    amount_total = fields.Monetary(string="Payoff Amount", compute="_compute_quote")
    amount_per_day = fields.Monetary(string="Each Day After", compute="_compute_quote")

    @api.depends("account_id", "date")
    def _compute_quote(self):
        for wizard in self:
            quote = None
            if wizard.account_id and wizard.date:
                # On screen a bad date shows zeros; printing gives the message.
                try:
                    quote = wizard.account_id._get_payoff_quote(wizard.date)
                except UserError:
                    quote = None
            wizard.update(
                {
                    "amount_balance": float(quote.balance) if quote else 0.0,
                    "amount_estimated": float(quote.estimated) if quote else 0.0,
                    "amount_deposit": float(quote.deposit) if quote else 0.0,
                    "amount_total": float(quote.total) if quote else 0.0,
                    "amount_per_day": float(quote.per_day) if quote else 0.0,
                }
            )

    def _get_report_values(self):
        """What the letter shows, amounts and dates formatted."""
        self.ensure_one()
        quote = self.account_id._get_payoff_quote(self.date)
        account = self.account_id.sudo()
        currency = account.currency_id

        def money(amount):
            return format_amount(self.env, float(amount), currency)

        return {
            "account": account,
            "company": account.company_id,
            "requested_by": self.requested_by or "",
            "date": format_date(self.env, quote.date),
            "date_from": format_date(self.env, quote.date_from),
            "days": quote.days,
            "date_printed": format_date(self.env, fields.Date.context_today(self)),
            "balance": money(quote.balance),
            "estimated": money(quote.estimated),
            "deposit": money(quote.deposit) if quote.deposit else "",
            "total": money(quote.total),
            "per_day": money(quote.per_day),
        }

    def action_print(self):
        self.ensure_one()
        self.account_id._get_payoff_quote(self.date)  # a bad date is refused before the PDF
        report = self.env.ref("utility_billing.action_report_utility_account_payoff_quote")
        return report.report_action(self, config=False)
