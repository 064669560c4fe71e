# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models
from odoo.tools import format_amount, format_date

RECEIPT_TEMPLATE = "utility_billing.mail_template_utility_deposit_receipt"
REFUND_TEMPLATE = "utility_billing.mail_template_utility_deposit_refund"


class UtilityCustomerDeposit(models.Model):
    _inherit = "utility.customer.deposit"  # pylint: disable=consider-merging-classes-inherited

    def _get_letter_values(self):
        """What the deposit receipt and refund letters say, amounts formatted.

        :return: {deposit id: dict}
        """
        self.check_access("read")
        values = {}
        for deposit in self.sudo():
            currency = deposit.currency_id

            def money(amount, currency=currency):
                return format_amount(self.env, amount, currency)

            released = currency.round(deposit.amount + deposit.amount_interest)
            refund = deposit.refund_payment_id
            values[deposit.id] = {
                "deposit": deposit,
                "account": deposit.account_id,
                "company": deposit.company_id,
                "date": format_date(self.env, deposit.date),
                "date_release": format_date(self.env, deposit.date_release),
                "amount": money(deposit.amount),
                "paid": money(deposit.amount_paid),
                "unpaid": money(currency.round(deposit.amount - deposit.amount_paid)),
                "installments": deposit.installment_count,
                "interest": money(deposit.amount_interest),
                "released": money(released),
                "refunded": money(refund.amount) if refund else "",
                "applied": money(currency.round(released - (refund.amount if refund else 0.0))),
                "refund_name": refund.name or "",
            }
        return values

    def _send_deposit_letter(self, template_xmlid):
        """Post the letter, its PDF attached, on each deposit: e-mailed to a
        customer who has an e-mail, else kept on the chatter as a note to print."""
        self._check_letter_sender(self.env._("Only customer service staff send deposit letters."))
        self._send_letter(template_xmlid)

    def action_send_receipt(self):
        self._check_letter_states(
            ("billed", "applied", "refunded"),
            self.env._("A receipt is only for a deposit billed to the customer:"),
        )
        self._send_deposit_letter(RECEIPT_TEMPLATE)

    def action_send_refund_letter(self):
        self._check_letter_states(
            ("applied", "refunded"),
            self.env._("A refund letter is only for a deposit applied or refunded:"),
        )
        self._send_deposit_letter(REFUND_TEMPLATE)
