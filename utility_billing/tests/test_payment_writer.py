# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The bulk writer of payment entries gives the rows the ORM path gives.

The same payments are posted twice from the same state, once through the ORM
(``utility_payment_orm_path``) and once through the bulk writer (its threshold
lowered so a handful of payments take it), each rolled back after a snapshot
of every stored column of what posting wrote or changed: the entry and its
lines, the bills and their receivable items, the partial and full reconciles,
the allocations. Ids, receipt numbers and timestamps are normalized.
"""

import re
from datetime import date
from unittest.mock import patch

from odoo.tests import tagged

from ..models import utility_payment_writer
from .common_payment import PaymentCommon

# is_manually_modified: the ORM's reconciliation writes on the bills it pays,
# which flags them; the flag only steers the vendor-bill auto-post wizard.
SKIPPED = {"id", "create_date", "write_date", "is_manually_modified"}
RECEIPT = re.compile(r"RCPT/\d+/\d+")


@tagged("post_install", "-at_install")
class TestPaymentWriter(PaymentCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bank = cls.company_data["default_journal_bank"]
        cls.account4 = cls._make_accounts(1, readings=False, prefix="PAYW")
        cls.bills = (
            cls._post_bill(cls.account, date(2025, 1, 15), {cls.water: 40.0, cls.garbage: 15.0})
            | cls._post_bill(cls.account, date(2025, 2, 15), {cls.water: 30.0, cls.sewer: 20.0})
            | cls._post_bill(cls.account2, date(2025, 2, 15), {cls.garbage: 15.0})
            | cls._post_bill(cls.account3, date(2025, 2, 15), {cls.water: 25.0})
            | cls._post_bill(cls.account4, date(2025, 2, 15), {cls.water: 33.0, cls.sewer: 7.0})
        )
        # An earlier counter payment left account4's bill partly paid: its full
        # reconcile will hold three lines.
        earlier = cls.env["utility.payment"].create(
            {"date": date(2025, 2, 20), "line_ids": [(0, 0, {"account_id": cls.account4.id,
                                                             "amount": 10.0})]}
        )  # fmt: skip
        earlier.action_post()
        permit_account = cls.env["account.account"].create(
            {"code": "42901", "name": "Permit revenue W", "account_type": "income_other"}
        )
        cls.permit = cls.env["utility.misc.receipt.type"].create(
            {"name": "Permit W", "code": "PERMITW", "account_id": permit_account.id}
        )

    def _post_batch(self, orm):
        """Post the batch as one entry (a lockbox file) and snapshot the ledger."""
        Payment = type(self.env["utility.payment"])
        lines = [
            [(self.account, 105.0)],  # both of its bills, in full
            [(self.account2, 5.0)],  # partial
            [(self.account3, 30.0)],  # 5 over: left as credit
            [(self.account4, 30.0), (self.permit, 12.5)],  # the rest of a partly paid bill
        ]
        payments = self.env["utility.payment"]
        for index, targets in enumerate(lines):
            payments |= self._payment(
                targets,
                post=False,
                source="lockbox",
                tender="check",
                reference=f"W-{index}",
                journal_id=self.bank.id,
                date=date(2025, 3, 10),
            )
        env = self.env(context=dict(self.env.context, utility_payment_orm_path=orm))
        with (
            patch.object(Payment, "_get_move_group_key", lambda payment: ("lockbox", 1)),
            patch.object(utility_payment_writer, "FAST_MIN_LINES", 2),
        ):
            payments.with_env(env)._post_payments()
        self.env.flush_all()
        return self._snapshot(payments)

    def _rows(self, table, ids):
        self.env.cr.execute(
            f"SELECT * FROM {table} WHERE id = ANY(%s) ORDER BY id",
            [list(ids)],
        )
        columns = [desc[0] for desc in self.env.cr.description]
        return [dict(zip(columns, row, strict=True)) for row in self.env.cr.fetchall()]

    def _snapshot(self, payments):
        """Every stored column of what posting wrote, with ids replaced by keys."""
        entry = payments.move_id
        items = self.bills.line_ids.filtered(lambda line: line.account_type == "asset_receivable")
        earlier_lines = items.matched_credit_ids.credit_move_id - entry.line_ids
        lines = entry.line_ids | items | earlier_lines
        partials = lines.matched_debit_ids | lines.matched_credit_ids
        fulls = lines.full_reconcile_id
        payment_key = {p.id: f"pay{i}" for i, p in enumerate(payments)}
        line_rows = self._rows("account_move_line", lines.ids)
        # Entry lines are told apart by what they are, not by their id.
        line_key = {}
        for row in line_rows:
            if row["move_id"] == entry.id:
                line_key[row["id"]] = (
                    "entry", row["account_id"], row["partner_id"], row["debit"], row["credit"],
                    row["utility_paid_item_id"],
                )  # fmt: skip
            else:
                line_key[row["id"]] = ("line", row["id"])
        partial_key = {
            row["id"]: ("partial", line_key[row["debit_move_id"]], line_key[row["credit_move_id"]])
            for row in self._rows("account_partial_reconcile", partials.ids)
        }
        full_key = {
            full.id: ("full", tuple(sorted(line_key[line.id] for line in full.reconciled_line_ids)))
            for full in fulls
        }

        def normalize_value(column, value, keys):
            if isinstance(value, str):
                value = RECEIPT.sub("RCPT", value)
            if column in keys and value:
                value = keys[column].get(value, value)
            if column == "matching_number" and value:
                number = int(value.lstrip("P"))
                value = (partial_key if value.startswith("P") else full_key).get(number)
            return value

        def normalize(row, keys):
            return {
                column: normalize_value(column, value, keys)
                for column, value in row.items()
                if column not in SKIPPED
            }

        keys = {
            "move_id": {entry.id: "entry"},
            "full_reconcile_id": full_key,
            "utility_payment_id": payment_key,
            "debit_move_id": line_key,
            "credit_move_id": line_key,
            "payment_id": payment_key,
        }
        return {
            "entry": [normalize(row, {}) for row in self._rows("account_move", entry.ids)],
            "bills": [normalize(row, {}) for row in self._rows("account_move", self.bills.ids)],
            "lines": sorted(
                (normalize(row, keys) for row in line_rows), key=lambda r: repr(sorted(r.items()))
            ),
            "partials": sorted(
                (
                    normalize(row, keys)
                    for row in self._rows("account_partial_reconcile", partials.ids)
                ),
                key=lambda r: repr(sorted(r.items())),
            ),
            "fulls": sorted(full_key.values()),
            "allocations": sorted(
                (
                    {k: v for k, v in normalize(row, keys).items() if k != "payment_line_id"}
                    for row in self._rows("utility_payment_allocation", payments.allocation_ids.ids)
                ),
                key=lambda r: repr(sorted(r.items())),
            ),
            "credits": sorted(payments.line_ids.mapped("amount_credit")),
            "ranks": sorted(
                (partner.id, partner.customer_rank)
                for partner in self.accounts.partner_id | self.account4.partner_id
            ),
        }

    def test_bulk_writer_gives_the_rows_of_the_orm(self):
        self.env.cr.execute("SAVEPOINT writer_test")
        orm = self._post_batch(orm=True)
        self.env.cr.execute("ROLLBACK TO SAVEPOINT writer_test")
        self.env.invalidate_all(flush=False)
        self.env.transaction.clear()
        # Odoo's journal numbering caches its last number for the transaction.
        self.env.cr.precommit.data.pop("sequence.mixin", None)
        Writer = type(self.env["utility.payment.writer"])
        expand = Writer._expand_credit_lines
        expanded = []

        def spy(writer, moves, expansions):
            expanded.append(sum(len(credits) for credits in expansions))
            return expand(writer, moves, expansions)

        Line = type(self.env["account.move.line"])
        reconcile_plan = Line._reconcile_plan

        def no_reconcile_plan(lines, plan):
            # Other modules may call it with nothing to reconcile (stock_account's
            # _post does, for its cost of goods sold lines): only a plan with
            # journal items in it would be the writer going through the ORM.
            if any(plan):
                raise AssertionError("the bulk writer reconciles without _reconcile_plan")
            return reconcile_plan(lines, plan)

        with (
            patch.object(Writer, "_expand_credit_lines", spy),
            patch.object(Line, "_reconcile_plan", no_reconcile_plan),
        ):
            fast = self._post_batch(orm=False)
        self.assertEqual(expanded, [7])
        self.assertEqual(len(fast["lines"]), len(orm["lines"]))
        parts = ("entry", "bills", "lines", "partials", "fulls", "allocations", "credits", "ranks")
        for part in parts:
            for fast_row, orm_row in zip(fast[part], orm[part], strict=True):
                self.assertEqual(fast_row, orm_row, part)
        # The batch did what it should.
        self.assertEqual(
            self.bills.mapped("payment_state"), ["paid", "paid", "partial", "paid", "paid"]
        )
        self.assertEqual(len(fast["fulls"]), 4)
        self.assertIn(3, [len(lines) for _full, lines in fast["fulls"]])

    def test_small_batches_and_cash_basis_take_the_orm(self):
        writer = self.env["utility.payment.writer"]
        self.assertTrue(writer._can_write_fast(self.company))
        self.assertFalse(
            writer.with_context(utility_payment_orm_path=True)._can_write_fast(self.company)
        )
        self.company.tax_exigibility = True
        self.assertFalse(writer._can_write_fast(self.company))
        self.company.tax_exigibility = False
        payment = self._payment([(self.account, 10.0)], post=False)
        with patch.object(
            type(writer), "_create_posted_entries", side_effect=AssertionError("small batch")
        ):
            payment.action_post()
        self.assertEqual(payment.state, "posted")
