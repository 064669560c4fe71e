# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
from datetime import date
from decimal import Decimal

from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from ..lib.scan_line import build_scan_line
from ..models.utility_locked_fields_mixin import as_action
from .common_payment import PaymentCommon

HEADER = "Deposit Date,Batch,Item,Account Number,Scan Line,Amount,Check Number,Remitter\n"
DEPOSIT_DATE = date(2025, 3, 14)


@tagged("post_install", "-at_install")
class TestPaymentFile(PaymentCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bank = cls.company_data["default_journal_bank"]
        cls.layout = cls.env.ref("utility_billing.payment_file_layout_lockbox_csv")
        cls.layout.journal_id = cls.bank
        cls.bill = cls._post_bill(
            cls.account, date(2025, 2, 15), {cls.water: 40.0, cls.sewer: 20.0}
        )
        cls.bill2 = cls._post_bill(cls.account2, date(2025, 2, 15), {cls.garbage: 15.0})
        cls.outstanding = cls.env["utility.payment.poster"]._get_outstanding_receipts_account(
            cls.bank
        )
        cls.unapplied = cls.company._get_utility_suspense_account()
        cls.cashier = new_test_user(
            cls.env,
            login="ub_file_cashier",
            groups="base.group_user,utility_billing.group_utility_cashier",
        )
        cls.supervisor = new_test_user(
            cls.env,
            login="ub_file_supervisor",
            groups="base.group_user,utility_billing.group_utility_supervisor",
        )

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _file(self, *rows, batch=1):
        body = "".join(
            f"03/14/2025,{batch},{item},{account},{scan},{amount},{check},{payer}\n"
            for item, account, scan, amount, check, payer in rows
        )
        return (HEADER + body).encode()

    def _wizard(self, content, user=None, name="lockbox.csv"):
        env = self.env(user=user) if user else self.env
        return env["utility.payment.file.import"].create(
            {
                "file_data": base64.b64encode(content),
                "file_name": name,
                "layout_id": self.layout.id,
                "date": DEPOSIT_DATE,
            }
        )

    def _import(self, content, user=None, name="lockbox.csv"):
        wizard = self._wizard(content, user=user, name=name)
        action = wizard.action_import()
        return wizard.env["utility.payment.file"].browse(action["res_id"])

    def _stub(self, account, amount="60.00"):
        return build_scan_line(account.name, Decimal(amount), date(2025, 3, 7))

    # ------------------------------------------------------------------
    # Import and the file's entry
    # ------------------------------------------------------------------
    def test_import_posts_one_entry_per_file_with_its_suspense_items(self):
        content = self._file(
            (1, self.account.name, "", "60.00", "1001", "Pay One"),
            (2, "", self._stub(self.account2, "15.00"), "15.00", "1002", "Pay Two"),
            (3, "UA999999", "", "7.50", "1003", "Somebody"),
        )
        wizard = self._wizard(content, user=self.csr)
        wizard.action_check()
        self.assertEqual(
            (wizard.row_count, wizard.ok_count, wizard.suspense_count, wizard.error_count),
            (3, 2, 1, 0),
        )
        self.assertEqual(
            wizard.line_ids.sorted("line_number").mapped("status"), ["ok", "ok", "suspense"]
        )
        file = self.env["utility.payment.file"].browse(wizard.action_import()["res_id"])
        self.assertEqual(file.state, "imported")
        self.assertAlmostEqual(file.amount_total, 82.5)
        self.assertEqual(self.bill.payment_state, "paid")
        self.assertEqual(self.bill2.payment_state, "paid")
        payments = file.payment_ids
        self.assertEqual(len(payments), 2)
        self.assertEqual(set(payments.mapped("source")), {"lockbox"})
        self.assertEqual(set(payments.mapped("tender")), {"check"})
        self.assertEqual(set(payments.mapped("reference")), {"03/14/2025-1-1", "03/14/2025-1-2"})
        self.assertEqual(set(payments.mapped("date")), {DEPOSIT_DATE})
        if "check_number" in payments._fields:
            self.assertEqual(sorted(payments.mapped("check_number")), ["1001", "1002"])
        # One entry for the whole file: the bank gets one credit.
        move = file.move_id
        self.assertEqual(payments.move_id, move)
        self.assertEqual(move.journal_id, self.bank)
        self.assertEqual(move.state, "posted")
        debit = move.line_ids.filtered("debit")
        self.assertEqual(debit.account_id, self.outstanding)
        self.assertAlmostEqual(debit.debit, 82.5)
        unapplied = move.line_ids.filtered(lambda line: line.account_id == self.unapplied)
        self.assertAlmostEqual(unapplied.credit, 7.5)
        suspense = file.line_ids.filtered(lambda line: line.state == "suspense")
        self.assertEqual(suspense.suspense_move_line_id, unapplied)
        self.assertEqual(suspense.suspense_reason, "no account UA999999")
        self.assertEqual((file.suspense_count, file.payment_count), (1, 2))
        self.assertAlmostEqual(self.account.amount_balance, 0.0)
        # The bank statement line of the file matches the one debit, with Odoo's
        # own reconciliation (community has no widget: the tests of account do this).
        st_line = self.env["account.bank.statement.line"].create(
            {"journal_id": self.bank.id, "amount": 82.5, "payment_ref": file.name,
             "date": DEPOSIT_DATE}
        )  # fmt: skip
        _liquidity, st_suspense, _other = st_line._seek_for_lines()
        st_suspense.account_id = debit.account_id
        (st_suspense + debit).reconcile()
        self.assertTrue(st_line.is_reconciled)
        self.assertTrue(debit.reconciled)

    def test_changing_the_deposit_date_discards_the_preview(self):
        wizard = self._wizard(
            self._file(
                (1, self.account.name, "", "60.00", "1001", "Pay One"),
                (2, "UA999999", "", "7.50", "1003", "Somebody"),
            )
        )
        wizard.action_check()
        self.assertEqual((wizard.state, wizard.ok_count, wizard.suspense_count), ("checked", 1, 1))
        # The payments are dated the deposit day: a preview of another day is stale.
        wizard.date = date(2025, 3, 17)
        self.assertEqual(wizard.state, "draft")
        self.assertFalse(wizard.line_ids)
        self.assertEqual((wizard.row_count, wizard.ok_count, wizard.suspense_count), (0, 0, 0))
        file = self.env["utility.payment.file"].browse(wizard.action_import()["res_id"])
        self.assertEqual(file.date, date(2025, 3, 17))
        self.assertEqual(file.name, "lockbox.csv")
        self.assertEqual((file.row_count, file.rejected_count, file.suspense_count), (2, 0, 1))

    def test_file_of_suspense_items_only_has_its_own_entry(self):
        file = self._import(self._file((1, "NOPE-1", "", "12.00", "", ""), batch=7))
        self.assertFalse(file.payment_ids)
        self.assertEqual(file.move_id.state, "posted")
        self.assertAlmostEqual(
            file.move_id.line_ids.filtered(lambda line: line.account_id == self.outstanding).debit,
            12.0,
        )
        self.assertTrue(file.line_ids.suspense_move_line_id)

    # ------------------------------------------------------------------
    # Exactly once
    # ------------------------------------------------------------------
    def test_same_file_is_refused(self):
        content = self._file((1, self.account.name, "", "10.00", "1001", ""))
        self._import(content, name="first.csv")
        with self.assertRaisesRegex(UserError, r"already imported on .* \(first.csv, 1 transac"):
            self._wizard(content, name="again.csv").action_check()
        self.assertEqual(self.env["utility.payment.file"].search_count([]), 1)

    def test_transaction_already_imported_from_another_file_is_refused(self):
        first = self._import(
            self._file(
                (1, self.account.name, "", "10.00", "1001", ""),
                (2, "UNKNOWN", "", "5.00", "1002", ""),
            ),
            name="monday.csv",
        )
        # Tuesday's file repeats both transactions (one matched, one in suspense)
        # and brings a new one.
        content = self._file(
            (1, self.account.name, "", "10.00", "1001", ""),
            (2, "UNKNOWN", "", "5.00", "1002", ""),
            (3, self.account2.name, "", "15.00", "1003", ""),
        )
        wizard = self._wizard(content, name="tuesday.csv")
        with self.assertRaisesRegex(UserError, "Nothing was imported: 2 of 3 rows") as caught:
            wizard.action_import()
        message = str(caught.exception)
        self.assertIn(
            "line 2, column 'Deposit Date + Batch + Item': transaction 03/14/2025-1-1 was "
            "already imported from monday.csv (line 2)",
            message,
        )
        self.assertIn(
            "line 3, column 'Deposit Date + Batch + Item': transaction 03/14/2025-1-2 was "
            "already imported from monday.csv (line 3)",
            message,
        )
        self.assertEqual(self.env["utility.payment.file"].search_count([]), 1)
        second = self.env["utility.payment.file"].browse(wizard.action_import_valid()["res_id"])
        self.assertEqual(second.state, "partial")
        self.assertEqual(second.payment_ids.reference, "03/14/2025-1-3")
        self.assertEqual(len(first.payment_ids | second.payment_ids), 2)
        # The database refuses it too, whatever the code path.
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError), self.cr.savepoint():
            self.env["utility.payment.file.line"].create(
                {"file_id": second.id, "reference": "03/14/2025-1-2", "amount": 5.0,
                 "state": "suspense"}
            )  # fmt: skip

    # ------------------------------------------------------------------
    # Bad rows
    # ------------------------------------------------------------------
    def test_bad_rows_are_all_reported_and_nothing_is_imported_until_asked(self):
        content = (
            self._file(
                (1, self.account.name, "", "60.00", "1001", ""),
                (2, self.account2.name, "", "1S.00", "1002", ""),
                (3, self.account3.name, "", "0.00", "1003", ""),
                (4, "UA999999", "", "3.00", "1004", ""),
            )
            + b"03/14/2025,1,5,UA1\n"
        )
        wizard = self._wizard(content, user=self.csr)
        wizard.action_check()
        self.assertEqual((wizard.ok_count, wizard.suspense_count, wizard.error_count), (1, 1, 3))
        with self.assertRaises(UserError) as caught:
            wizard.action_import()
        self.assertEqual(
            str(caught.exception).split("\n\n")[1].splitlines(),
            [
                "line 3, column 'Amount': '1S.00' is not an amount with at most 2 decimals",
                "line 4, column 'Amount': '0.00' is not a payment: the amount must be more "
                "than zero",
                "line 6: 4 columns where the header has 8",
            ],
        )
        self.assertFalse(self.env["utility.payment.file"].search([]))
        self.assertFalse(self.env["utility.payment"].search([("source", "=", "lockbox")]))
        self.assertEqual(self.bill.payment_state, "not_paid")
        file = self.env["utility.payment.file"].browse(wizard.action_import_valid()["res_id"])
        self.assertEqual((file.state, file.row_count, file.rejected_count), ("partial", 5, 3))
        self.assertIn("line 3, column 'Amount'", file.rejected_rows)
        self.assertEqual(self.bill.payment_state, "paid")
        self.assertEqual(file.line_ids.mapped("state"), ["matched", "suspense"])
        # The corrected rows come in another file.
        fixed = self._import(
            self._file((2, self.account2.name, "", "15.00", "1002", "")), name="fixed.csv"
        )
        self.assertEqual(self.bill2.payment_state, "paid")
        self.assertEqual(fixed.state, "imported")

    def test_file_level_errors(self):
        with self.assertRaisesRegex(UserError, "the file is empty"):
            self._wizard(b"\n\n").action_check()
        with self.assertRaisesRegex(UserError, "the header row has no column 'Deposit Date'"):
            self._wizard(b"Id,Amount\n1,2\n").action_check()

    # ------------------------------------------------------------------
    # Matching
    # ------------------------------------------------------------------
    def test_scan_line_matching(self):
        stub = self._stub(self.account)
        misread = stub[:-1] + ("0" if stub[-1] != "0" else "1")
        as_action(self.account3).state = "closed"  # closed long ago (history)
        content = self._file(
            (1, "", stub, "60.00", "", ""),  # the stub alone
            (2, "", misread, "5.00", "", ""),  # the check digit catches the misread
            (3, self.account2.name, stub, "5.00", "", ""),  # column and stub disagree
            (4, self.account3.name.lower(), "", "5.00", "", ""),  # closed account
            (5, "", "", "5.00", "", "No Stub"),  # nothing to go by
        )
        wizard = self._wizard(content)
        wizard.action_check()
        rows = {line.line_number: line for line in wizard.line_ids}
        self.assertEqual(rows[2].status, "ok")
        self.assertEqual(rows[2].account_id, self.account)
        self.assertIn("unreadable scan line", rows[3].message)
        self.assertIn("check digit", rows[3].message)
        self.assertEqual(
            rows[4].message,
            f"ambiguous: {', '.join(sorted([self.account.name, self.account2.name]))} all match",
        )
        self.assertEqual(rows[5].message, f"account {self.account3.name} is closed")
        self.assertEqual(rows[6].message, "no account number and no scan line")
        file = self.env["utility.payment.file"].browse(wizard.action_import()["res_id"])
        self.assertEqual(self.bill.payment_state, "paid")
        closed = file.line_ids.filtered(lambda line: line.line_number == 5)
        # The closed account is proposed; the clerk decides.
        self.assertEqual((closed.state, closed.account_id), ("suspense", self.account3))
        self.assertEqual(file.suspense_count, 4)

    # ------------------------------------------------------------------
    # Suspense queue
    # ------------------------------------------------------------------
    def test_clerk_posts_a_suspense_item_to_the_account_they_pick(self):
        file = self._import(
            self._file(
                (1, "UA-WRONG", "", "60.00", "1001", "Pat Payer"),
                (2, "UA-WRONG2", "", "15.00", "1002", ""),
            )
        )
        items = file.line_ids.with_user(self.csr)
        item, item2 = items.sorted("line_number")
        with self.assertRaisesRegex(UserError, "Pick the account each payment is for first"):
            item.action_post_to_account()
        item.account_id = self.account
        item2.account_id = self.account2
        (item | item2).action_post_to_account()
        self.assertEqual((item.state, item.user_resolved_id), ("resolved", self.csr))
        self.assertEqual(self.bill.payment_state, "paid")
        self.assertEqual(self.bill2.payment_state, "paid")
        payment = item.payment_id
        self.assertTrue(payment.is_from_suspense)
        self.assertEqual((payment.state, payment.reference), ("posted", "03/14/2025-1-1"))
        self.assertNotEqual(payment.move_id, file.move_id)
        # The money left the unapplied payments account: both sides reconciled.
        self.assertTrue(item.suspense_move_line_id.reconciled)
        debit = payment.move_id.line_ids.filtered("debit")
        self.assertEqual(debit.account_id, self.unapplied)
        self.assertTrue(debit.reconciled)
        self.assertEqual(file.suspense_count, 0)
        self.assertEqual(file.payment_count, 2)
        with self.assertRaisesRegex(UserError, "is not in suspense"):
            item.action_post_to_account()
        with self.assertRaisesRegex(UserError, "Only a transaction in suspense"):
            item.account_id = self.account3

    def test_supervisor_returns_a_suspense_item_with_a_reason(self):
        file = self._import(self._file((1, "UA-NOBODY", "", "25.00", "1001", "Lost Soul")))
        item = file.line_ids
        with self.assertRaisesRegex(AccessError, "Only a utility supervisor"):
            item.with_user(self.csr).action_return()
        item = item.with_user(self.supervisor)
        with self.assertRaisesRegex(UserError, "Give the reason of the return first"):
            item.action_return()
        item.return_reason = "Not a city customer; check sent back"
        item.action_return()
        self.assertEqual(item.state, "returned")
        move = item.return_move_id
        self.assertEqual(move.journal_id, self.bank)
        self.assertEqual(move.state, "posted")
        self.assertTrue(item.suspense_move_line_id.reconciled)
        paid_out = move.line_ids.filtered("credit")
        self.assertEqual(paid_out.account_id.account_type, "asset_current")
        self.assertNotEqual(paid_out.account_id, self.unapplied)
        # Paid out: Odoo's Outstanding Payments of the bank, not its Outstanding Receipts.
        self.assertNotEqual(paid_out.account_id, self.outstanding)
        self.assertAlmostEqual(paid_out.credit, 25.0)
        self.assertFalse(item.payment_id)

    # ------------------------------------------------------------------
    # Access
    # ------------------------------------------------------------------
    def test_access_rules(self):
        file = self._import(self._file((1, self.account.name, "", "5.00", "1", "")))
        # A cashier neither sees nor imports payment files.
        with self.assertRaises(AccessError):
            file.with_user(self.cashier).read(["name"])
        with self.assertRaises(AccessError):
            self._wizard(self._file((2, self.account.name, "", "5.00", "2", "")), user=self.cashier)
        # A CSR imports and reads layouts, but does not change them.
        self.assertTrue(file.with_user(self.csr).line_ids)
        with self.assertRaises(AccessError):
            self.layout.with_user(self.csr).write({"amount_column": "Paid"})
        self.layout.with_user(self.supervisor).write({"amount_column": "Paid"})
        # Nobody deletes an imported file: it could be imported again.
        with self.assertRaisesRegex(UserError, "never deleted"):
            file.with_user(self.supervisor).unlink()
        # Another company's layouts are out of sight; shared ones are not.
        other = self.env["res.company"].create({"name": "Other Town"})
        theirs = self.layout.copy({"name": "Their lockbox", "company_id": other.id,
                                   "journal_id": False})  # fmt: skip
        visible = self.env["utility.payment.file.layout"].with_user(self.csr).search([])
        self.assertIn(self.layout, visible)
        self.assertNotIn(theirs, visible)

    def test_layout_changes_are_validated(self):
        layout = self.layout.copy({"name": "Tabbed lockbox"})
        layout.delimiter = "tab"
        self.assertEqual(layout._get_parser_config().delimiter, "\t")
        with (
            self.assertRaisesRegex(ValidationError, "the delimiter must be exactly one character"),
            self.cr.savepoint(),
        ):
            layout.delimiter = ";;"
        with (
            self.assertRaisesRegex(ValidationError, "a status column needs the statuses"),
            self.cr.savepoint(),
        ):
            layout.status_column = "Status"
        layout.write({"status_column": "Status", "accepted_statuses": "Settled"})
        self.assertEqual(layout._get_parser_config().accepted_statuses, {"SETTLED"})

    def test_layout_is_validated(self):
        with self.assertRaisesRegex(Exception, "no column for: account number or scan line"):
            self.env["utility.payment.file.layout"].create(
                {"name": "Bad", "reference_column": "Id", "amount_column": "Amount"}
            )
