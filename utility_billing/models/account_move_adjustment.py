# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict
from datetime import timedelta

from odoo import fields, models

from ..lib.bill_explain import explain_adjustment
from .account_move_bill import NOT_BILL_KINDS, _money

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

    def _get_bill_entries_since_previous(self, domain, fnames=()):
        """The entries of each bill's account matching ``domain`` posted since the
        account's previous bill up to the bill's date (as the bill's summary
        counts them), oldest first. A deposit charge or a fee is not a bill: it
        never starts a new "since the previous bill" (``NOT_BILL_KINDS``).

        A fixed number of queries for the whole batch, whatever its size.

        :param domain: what an entry is (adjustment credit notes, deposit charges)
        :param fnames: fields of the entries to read with them
        :return: {move id: account.move recordset}
        """
        bills = self.filtered("utility_account_id")
        if not bills:
            return {}
        last_day = max(bills.mapped("date"))
        first_day = min(bills.mapped("date")) - timedelta(days=PREVIOUS_BILL_DAYS)
        Move = self.env["account.move"].sudo()
        entries = Move.search_fetch(
            [
                *domain,
                ("utility_account_id", "in", bills.utility_account_id.ids),
                ("state", "=", "posted"),
                ("date", ">=", first_day),
                ("date", "<=", last_day),
            ],
            ["utility_account_id", "date", *fnames],
            order="date, id",
        )
        if not entries:
            return {}
        # Previous bills only of the accounts with an entry.
        invoices = Move.search_fetch(
            [
                ("utility_account_id", "in", entries.utility_account_id.ids),
                ("state", "=", "posted"),
                ("move_type", "=", "out_invoice"),
                ("utility_bill_kind", "not in", NOT_BILL_KINDS),
                ("date", ">=", first_day),
                ("date", "<=", last_day),
            ],
            ["utility_account_id", "date"],
        )
        invoices_by_account = defaultdict(list)
        for invoice in invoices:
            invoices_by_account[invoice.utility_account_id.id].append((invoice.date, invoice.id))
        entries_by_account = defaultdict(list)
        for entry in entries:
            entries_by_account[entry.utility_account_id.id].append(entry)
        result = {}
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
            found = Move.browse(
                [
                    entry.id
                    for entry in entries_by_account[account_id]
                    if entry != bill and previous < entry.date <= bill.date
                ]
            )
            if found:
                result[bill.id] = found
        return result

    def _get_bill_adjustment_messages(self):
        """The adjustments each bill explains: their credit notes posted since the
        account's previous bill, "Leak adjustment for the March bill: -$42.17".

        :return: {move id: [str]}
        """
        found = self._get_bill_entries_since_previous(
            [
                ("move_type", "=", "out_refund"),
                ("utility_adjustment_id", "!=", False),
                ("reversed_entry_id", "!=", False),
            ],
            ["utility_adjustment_id", "reversed_entry_id", "amount_total_signed"],
        )
        if not found:
            return {}
        notes = self.env["account.move"].sudo().union(*found.values())
        notes.utility_adjustment_id.kind_id.fetch(["name"])
        notes.reversed_entry_id.fetch(["invoice_date", "date"])
        bills = self.browse(list(found))
        return {
            bill.id: [
                explain_adjustment(
                    note.utility_adjustment_id.kind_id.name,
                    note.reversed_entry_id.invoice_date or note.reversed_entry_id.date,
                    _money(note.amount_total_signed),
                    bill.currency_id.symbol or "",
                    date_printed=bill.invoice_date or bill.date,
                )
                for note in found[bill.id]
            ]
            for bill in bills
        }
