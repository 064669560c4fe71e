# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict
from datetime import timedelta

from odoo import fields, models

from ..lib.bill_explain import explain_adjustment
from .account_move_bill import _money

# How far back a bill looks for its previous bill (a yearly cycle and a late run).
PREVIOUS_BILL_DAYS = 400


class AccountMove(models.Model):
    _inherit = "account.move"  # pylint: disable=consider-merging-classes-inherited

    utility_bill_kind = fields.Selection(
        selection_add=[("adjustment", "Adjustment")], ondelete={"adjustment": "set null"}
    )
    utility_adjustment_id = fields.Many2one(
        "utility.adjustment",
        string="Adjustment",
        index="btree_not_null",
        copy=False,
        readonly=True,
    )

    def action_open_adjustment(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Adjust Bill"),
            "res_model": "utility.adjustment",
            "view_mode": "form",
            "target": "current",
            "context": {"default_move_id": self.id},
        }

    def _get_bill_adjustment_messages(self):
        """The adjustments each bill explains: those posted since the account's
        previous bill up to the bill's date (as the bill's summary counts them),
        "Leak adjustment for the March bill: -$42.17", oldest first.

        Three queries for the whole batch, whatever its size.

        :return: {move id: [str]}
        """
        bills = self.filtered("utility_account_id")
        if not bills:
            return {}
        last_day = max(bills.mapped("date"))
        first_day = min(bills.mapped("date")) - timedelta(days=PREVIOUS_BILL_DAYS)
        accounts = bills.utility_account_id
        adjustments = (
            self.env["utility.adjustment"]
            .sudo()
            .search(
                [
                    ("account_id", "in", accounts.ids),
                    ("state", "=", "posted"),
                    ("credit_note_id.date", ">=", first_day),
                    ("credit_note_id.date", "<=", last_day),
                ],
                order="id",
            )
        )
        if not adjustments:
            return {}
        adjustments.fetch(["account_id", "amount", "kind_id", "move_id", "credit_note_id"])
        (adjustments.move_id | adjustments.credit_note_id).fetch(["date", "invoice_date"])
        invoices = (
            self.env["account.move"]
            .sudo()
            .search_fetch(
                [
                    ("utility_account_id", "in", accounts.ids),
                    ("move_type", "=", "out_invoice"),
                    ("state", "=", "posted"),
                    ("date", ">=", first_day),
                    ("date", "<=", last_day),
                ],
                ["utility_account_id", "date"],
            )
        )
        invoices_by_account = defaultdict(list)
        for invoice in invoices:
            invoices_by_account[invoice.utility_account_id.id].append((invoice.date, invoice.id))
        adjustments_by_account = defaultdict(list)
        for adjustment in adjustments.sorted(lambda a: (a.credit_note_id.date, a.id)):
            adjustments_by_account[adjustment.account_id.id].append(adjustment)
        messages = {}
        for bill in bills:
            account_id = bill.utility_account_id.id
            # The ledger's order: an earlier date, or the same date and an older bill.
            previous = max(
                (
                    day
                    for day, invoice_id in invoices_by_account[account_id]
                    if (day, invoice_id) < (bill.date, bill.id)
                ),
                default=first_day - timedelta(days=1),
            )
            texts = [
                explain_adjustment(
                    adjustment.kind_id.name,
                    adjustment.move_id.invoice_date or adjustment.move_id.date,
                    -_money(adjustment.amount),
                    bill.currency_id.symbol or "",
                    date_printed=bill.invoice_date or bill.date,
                )
                for adjustment in adjustments_by_account[account_id]
                if previous < adjustment.credit_note_id.date <= bill.date
            ]
            if texts:
                messages[bill.id] = texts
        return messages
