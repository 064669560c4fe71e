# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class UtilityPayment(models.Model):
    _inherit = "utility.payment"  # pylint: disable=consider-merging-classes-inherited

    payment_transaction_id = fields.Many2one(
        "payment.transaction",
        string="Online Transaction",
        readonly=True,
        copy=False,
        index="btree_not_null",
    )

    def _get_debit_account(self):
        """An online payment waits where Odoo puts the provider's money: the
        Outstanding Receipts account of the provider's payment method on its
        journal, else the journal's as the poster finds it."""
        self.ensure_one()
        transaction = self.payment_transaction_id
        if transaction:
            provider = transaction.provider_id
            method_line = provider.journal_id.inbound_payment_method_line_ids.filtered(
                lambda line: line.payment_provider_id == provider
            )[:1]
            if method_line.payment_account_id:
                return method_line.payment_account_id
        return super()._get_debit_account()
