# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Deposits and payment files in the demo town.

Yesterday's closed drawers wait in a bank deposit, counted and prepared, for a
supervisor to approve; this morning's lockbox file is imported: two dozen
customers paid their bill by mail (half keyed by account number, half read from
the stub's scan line), and one check came with a stub nobody can match: it
waits in the suspense queue.
"""

import base64
import io
from datetime import timedelta
from decimal import Decimal

from odoo import api, fields, models

from ..lib import csv_cells
from ..lib.scan_line import build_scan_line

LOCKBOX_PAYMENTS = 24


class UtilityDemoTown(models.AbstractModel):
    _inherit = "utility.demo.town"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _generate_payment_files(self):
        """Build the demo deposit and lockbox file (after the bills and the drawers)."""
        company = self.env.company
        bank = self.env["account.journal"].search(
            [*self.env["account.journal"]._check_company_domain(company), ("type", "=", "bank")],
            limit=1,
        )
        if not bank:
            return False  # no chart of accounts: nothing can be posted
        self._demo_deposit(bank)
        self._demo_lockbox_file(bank)
        return True

    def _demo_deposit(self, bank):
        """The closed drawers' cash and checks, counted into the bag and prepared."""
        sessions = self.env["utility.cashier.session"].search(
            [("company_id", "=", bank.company_id.id), ("state", "=", "closed"),
             ("deposit_id", "=", False)]
        )  # fmt: skip
        if not sessions:
            return self.env["utility.deposit"]
        deposit = self.env["utility.deposit"].create(
            {
                "journal_id": bank.id,
                "bag_number": "PC-0412",
                "session_ids": [fields.Command.set(sessions.ids)],
            }
        )
        if not deposit.payment_ids:
            deposit.unlink()
            return self.env["utility.deposit"]
        deposit.action_count_from_receipts()
        deposit.action_prepare()
        return deposit

    def _demo_lockbox_file(self, bank):
        """This morning's lockbox file: bills paid by mail and one unknown stub."""
        paid = self.env["utility.account"].union(
            *(
                account
                for [account] in self.env["utility.payment.line"]._read_group(
                    [("account_id", "!=", False)], ["account_id"]
                )
            )
        )
        accounts = (
            self.env["utility.account"]
            .search([("state", "=", "active"), ("id", "not in", paid.ids)], order="name")
            .filtered(lambda account: account.amount_balance > 0)[:LOCKBOX_PAYMENTS]
        )
        if not accounts:
            return self.env["utility.payment.file"]
        today = fields.Date.context_today(self)
        out = io.StringIO()
        writer = csv_cells.writer(out)
        writer.writerow(
            ["Deposit Date", "Batch", "Item", "Account Number", "Scan Line", "Amount",
             "Check Number", "Remitter"]
        )  # fmt: skip
        day = today.strftime("%m/%d/%Y")
        for item, account in enumerate(accounts, start=1):
            amount = Decimal(str(account.amount_balance)).quantize(Decimal("0.01"))
            by_stub = item % 2 == 0
            scan = build_scan_line(account.name, amount, today + timedelta(days=10))
            writer.writerow(
                [
                    day,
                    1,
                    item,
                    "" if by_stub else account.name,
                    scan if by_stub else "",
                    f"{amount:.2f}",
                    str(4100 + item),
                    account.partner_id.name,
                ]
            )
        # A check whose stub belongs to no account of the city.
        writer.writerow([day, 1, len(accounts) + 1, "UA-99817", "", "48.20", "7731", "R. Mendez"])
        wizard = self.env["utility.payment.file.import"].create(
            {
                "file_data": base64.b64encode(out.getvalue().encode()),
                "file_name": f"lockbox-{today:%Y%m%d}.csv",
                "layout_id": self.env.ref("utility_billing.payment_file_layout_lockbox_csv").id,
                "journal_id": bank.id,
                "date": today,
            }
        )
        action = wizard.action_import()
        return self.env["utility.payment.file"].browse(action["res_id"])
