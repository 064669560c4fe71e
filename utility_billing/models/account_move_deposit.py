# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from ..lib.bill_explain import deposit_label, explain_entry
from .account_move_bill import _money


class AccountMove(models.Model):
    _inherit = "account.move"  # pylint: disable=consider-merging-classes-inherited

    utility_bill_kind = fields.Selection(
        selection_add=[("deposit", "Deposit")], ondelete={"deposit": "set null"}
    )
    utility_deposit_id = fields.Many2one(
        "utility.customer.deposit",
        string="Customer Deposit",
        index="btree_not_null",
        copy=False,
        readonly=True,
        help="The customer deposit this charge bills or this entry applies.",
    )

    def _get_bill_deposit_messages(self, date_format="%m/%d/%Y"):
        """The deposit charges each bill lists: billed since the account's previous
        bill (the same window as its adjustments), "Customer deposit billed
        03/02/2025: $150.00". The charge stays its own entry crediting Customer
        Deposits; the bill only names it, and its amount due counts it.

        :return: {move id: [str]}
        """
        found = self._get_bill_entries_since_previous(
            [("move_type", "=", "out_invoice"), ("utility_bill_kind", "=", "deposit")],
            ["invoice_date", "amount_total_signed"],
        )
        bills = self.browse(list(found))
        return {
            bill.id: [
                explain_entry(
                    deposit_label(charge.invoice_date or charge.date, date_format),
                    _money(charge.amount_total_signed),
                    bill.currency_id.symbol or "",
                )
                for charge in found[bill.id]
            ]
            for bill in bills
        }
