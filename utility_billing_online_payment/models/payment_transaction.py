# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""An online payment of a utility account is posted by the utility's poster.

Odoo's ``account_payment`` turns a confirmed transaction into an
``account.payment`` reconciled with the invoices it names. For a utility
account that would bypass the product's payment path (allocation oldest first
across the account's open bills, receipt numbers, the payment history the
clerks and the portal read, exactly-once references). So a transaction for a
utility account, whether started from the account's page or from Odoo's
"Pay Now" on one of its bills, creates no ``account.payment``: once it is done,
its post-processing creates one ``utility.payment`` (source and tender
Online, reference = the transaction's) and posts it through
``utility.payment.poster``, once.
"""

from odoo import Command, api, fields, models
from odoo.exceptions import ValidationError


class PaymentTransaction(models.Model):
    _inherit = "payment.transaction"

    utility_account_id = fields.Many2one(
        "utility.account",
        readonly=True,
        index="btree_not_null",
        help="The utility account this online payment pays.",
    )
    utility_payment_id = fields.Many2one(
        "utility.payment",
        readonly=True,
        copy=False,
        help="The utility payment posted for this transaction once it was done.",
    )

    # ------------------------------------------------------------------
    # Which account
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        transactions = super().create(vals_list)
        transactions._set_utility_account_from_bills()
        transactions._check_utility_payment()
        return transactions

    def _set_utility_account_from_bills(self):
        """Odoo's "Pay Now" on a utility bill pays the bill's account.

        :raise ValidationError: when a transaction mixes utility bills with other
            invoices, or bills of several utility accounts (each account's
            money is allocated by its own rule)
        """
        for transaction in self.filtered(lambda tx: not tx.utility_account_id):
            invoices = transaction.invoice_ids
            bills = invoices.filtered("utility_account_id")
            if not bills:
                continue
            if bills != invoices or len(bills.utility_account_id) > 1:
                raise ValidationError(
                    self.env._(
                        "Utility bills are paid one utility account at a time, apart from "
                        "other invoices: pay them from your utility account's page."
                    )
                )
            transaction.utility_account_id = bills.utility_account_id

    def _check_utility_payment(self):
        for transaction in self.filtered("utility_account_id"):
            account = transaction.utility_account_id
            if transaction.company_id != account.company_id:
                raise ValidationError(
                    self.env._("This payment service does not take payments for this utility.")
                )
            if transaction.currency_id != account.company_id.currency_id:
                raise ValidationError(
                    self.env._(
                        "Utility accounts are paid in %(currency)s only.",
                        currency=account.company_id.currency_id.name,
                    )
                )

    # ------------------------------------------------------------------
    # Post-processing: the poster, not account.payment
    # ------------------------------------------------------------------
    def _create_payment(self, **extra_create_values):
        """No ``account.payment`` for a utility account: its payment is posted
        by the utility's poster (:meth:`_post_utility_payments`)."""
        self.ensure_one()
        if self.utility_account_id:
            return self.env["account.payment"]
        return super()._create_payment(**extra_create_values)

    def _post_process(self):
        result = super()._post_process()
        self._post_utility_payments()
        return result

    def _post_utility_payments(self):
        """Post the utility payment of each done transaction of a utility
        account, exactly once: the transactions are locked, then only those
        without a utility payment are posted (a second post-processing, or two
        at once, post nothing more).

        :return: the posted ``utility.payment`` records
        """
        todo = self.filtered(
            lambda tx: (
                tx.state == "done"
                and tx.utility_account_id
                and tx.operation != "validation"
                and tx.currency_id.compare_amounts(tx.amount, 0) > 0
            )
        )
        if not todo:
            return self.env["utility.payment"]
        self.env.cr.execute(
            "SELECT id FROM payment_transaction WHERE id = ANY(%s) ORDER BY id FOR UPDATE",
            [todo.ids],
        )
        todo.invalidate_recordset(["utility_payment_id"])
        todo = todo.filtered(lambda tx: not tx.utility_payment_id)
        if not todo:
            return self.env["utility.payment"]
        payments = (
            self.env["utility.payment"]
            .sudo()
            .create([transaction._prepare_utility_payment_values() for transaction in todo])
        )
        for transaction, payment in zip(todo, payments, strict=True):
            transaction.utility_payment_id = payment
        payments._post_payments()
        for transaction, payment in zip(todo, payments, strict=True):
            transaction.utility_account_id.message_post(
                body=self.env._(
                    "Paid online: %(amount)s, receipt %(receipt)s (payment %(reference)s).",
                    amount=payment.currency_id.format(payment.amount),
                    receipt=payment.name,
                    reference=transaction.reference,
                )
            )
        return payments

    def _prepare_utility_payment_values(self):
        self.ensure_one()
        return {
            "company_id": self.utility_account_id.company_id.id,
            "date": fields.Date.context_today(self),
            "partner_id": self.partner_id.id,
            "source": "online",
            "tender": "online",
            "reference": self.reference,
            "journal_id": self.provider_id.journal_id.id,
            "payment_transaction_id": self.id,
            "line_ids": [
                Command.create({"account_id": self.utility_account_id.id, "amount": self.amount})
            ],
        }
