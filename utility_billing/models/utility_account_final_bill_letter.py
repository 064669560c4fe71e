# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models
from odoo.tools import format_amount, format_date

FINAL_BILL_TEMPLATE = "utility_billing.mail_template_utility_final_bill_letter"


class UtilityAccount(models.Model):
    """The final-bill letter after a move-out (El Reno, OK: the deposit applied
    to the final bill, the rest refunded "to the forwarding address you
    provided"): the final bill, what paid it, what was refunded, what is left."""

    _inherit = "utility.account"  # pylint: disable=consider-merging-classes-inherited

    def _get_final_bill_letter_values(self):
        """:return: {account id: dict} of what the final-bill letter says, formatted."""
        self.check_access("read")
        accounts = self.sudo()
        final_by_account = accounts._get_last_bills([("utility_bill_kind", "=", "final")])
        today = fields.Date.context_today(self)
        values = {}
        for account in accounts:
            currency = account.currency_id
            bill = final_by_account.get(account.id)

            def money(amount, currency=currency):
                return format_amount(self.env, amount, currency)

            deposits = account.deposit_ids.filtered(lambda d: d.state in ("applied", "refunded"))
            refunds = account.refund_payment_ids.filtered(lambda p: p.state != "canceled")
            values[account.id] = {
                "account": account,
                "company": account.company_id,
                "date": format_date(self.env, today),
                "bill": bill,
                "bill_date": format_date(self.env, bill.invoice_date) if bill else "",
                "period": (
                    f"{format_date(self.env, bill.utility_period_start)} - "
                    f"{format_date(self.env, bill.utility_period_end)}"
                )
                if bill and bill.utility_period_start
                else "",
                "bill_amount": money(bill.amount_total) if bill else "",
                "bill_paid": money(bill.amount_total - bill.amount_residual) if bill else "",
                "deposit": money(
                    sum(deposits.mapped("amount")) + sum(deposits.mapped("amount_interest"))
                )
                if deposits
                else "",
                "refunded": money(sum(refunds.mapped("amount"))) if refunds else "",
                "balance": money(account.amount_balance),
                "owes": currency.compare_amounts(account.amount_balance, 0) > 0,
                "mail_to": account.mailing_partner_id or account.partner_id,
            }
        return values

    def action_send_final_bill_letter(self):
        """Post the final-bill letter, its PDF attached: e-mailed when the
        customer has an e-mail, else kept on the chatter to print (to the
        forwarding address)."""
        self._check_letter_sender(
            self.env._("Only customer service staff send final-bill letters.")
        )
        self._check_letter_states(
            ("final_billed", "closed"),
            self.env._("A final-bill letter is for an account final billed or closed:"),
        )
        return self._send_letter(FINAL_BILL_TEMPLATE)
