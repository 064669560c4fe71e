# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models

from ..lib.bill_pdf import format_money
from .account_move_bill import _money


class AccountMove(models.Model):
    _inherit = "account.move"  # pylint: disable=consider-merging-classes-inherited

    def _get_bill_arrangement_messages(self):
        """The payment arrangement each bill reminds of: the next installment and
        what is left, as of the bill's date (the arrangement active then).

        Two queries for the whole batch (arrangements, then the ledger of their
        covered bills).

        :return: {move id: [str]}
        """
        bills = self.filtered("utility_account_id")
        if not bills:
            return {}
        arrangements = (
            self.env["utility.payment.arrangement"]
            .sudo()
            .search(
                [
                    ("account_id", "in", bills.utility_account_id.ids),
                    ("state", "=", "active"),
                    ("date_start", "<=", max(bills.mapped("invoice_date"))),
                ]
            )
        )
        if not arrangements:
            return {}
        # Read from the ledger now: a payment may have posted since it was cached.
        arrangements.invalidate_recordset(
            ["amount_paid", "amount_remaining", "date_next_due", "amount_next_due"]
        )
        by_account = {arrangement.account_id.id: arrangement for arrangement in arrangements}
        date_format = (
            self.env["res.lang"]._get_data(code=self.env.lang or "en_US").date_format or "%m/%d/%Y"
        )
        messages = {}
        for bill in bills:
            arrangement = by_account.get(bill.utility_account_id.id)
            if not arrangement or arrangement.date_start > bill.invoice_date:
                continue
            symbol = bill.currency_id.symbol or ""
            text = self.env._(
                "Payment arrangement %(name)s: %(remaining)s left to pay on it.",
                name=arrangement.name,
                remaining=format_money(_money(arrangement.amount_remaining), symbol),
            )
            if arrangement.date_next_due:
                text += " " + self.env._(
                    "Next installment %(amount)s due %(date)s, with this bill's current charges.",
                    amount=format_money(_money(arrangement.amount_next_due), symbol),
                    date=arrangement.date_next_due.strftime(date_format),
                )
            messages[bill.id] = [text]
        return messages
