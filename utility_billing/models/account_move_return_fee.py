# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from ..lib.bill_explain import explain_entry, fee_label
from .account_move_bill import _money


class AccountMove(models.Model):
    _inherit = "account.move"  # pylint: disable=consider-merging-classes-inherited
    # Returned payment (NSF) fees are small invoices of their own on the account.
    utility_bill_kind = fields.Selection(
        selection_add=[("fee", "Fee")], ondelete={"fee": "set null"}
    )

    def _get_bill_fee_messages(self, date_format="%m/%d/%Y"):
        """The fees each bill lists: the fee invoices (late, returned payment,
        reconnect, door hanger) posted since the account's previous bill, "Late
        fee on INV/2025/00012: 60.00 unpaid after 02/09/2025 (charged
        02/10/2025): $6.00". Each fee stays its own invoice; the bill names it,
        and its amount due counts it.

        :return: {move id: [str]}
        """
        found = self._get_bill_entries_since_previous(
            [("move_type", "=", "out_invoice"), ("utility_bill_kind", "=", "fee")],
            ["invoice_date", "amount_total_signed", "invoice_line_ids"],
        )
        bills = self.browse(list(found))
        bills.fetch(["currency_id"])
        return {
            bill.id: [
                explain_entry(
                    fee_label(
                        fee.invoice_line_ids[:1].name or fee.name,
                        fee.invoice_date or fee.date,
                        date_format,
                    ),
                    _money(fee.amount_total_signed),
                    bill.currency_id.symbol or "",
                )
                for fee in found[bill.id]
            ]
            for bill in bills
        }
