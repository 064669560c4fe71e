# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import io
from datetime import date
from decimal import Decimal

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged
from odoo.tools.pdf import PdfFileReader

from ..lib.statement import Entry, build_statement
from .common_payment import PaymentCommon

CASHIER = "base.group_user,utility_billing.group_utility_cashier"


@tagged("post_install", "-at_install")
class TestAccountStatement(PaymentCommon):
    """The statement of account and the account form's history, against the ledger.

    One account's life, amounts by hand (dollars and cents):

    ====== ========================================== ======== =========
    date   movement                                    amount   balance
    ====== ========================================== ======== =========
    01/15  bill: water 40.00 + sewer 20.00             +60.00    60.00
    01/25  cash payment                                -50.00    10.00
    ------ statement from 02/01: opening balance                 10.00
    02/15  bill: water 33.33 + garbage 15.00           +48.33    58.33
    03/01  check 1001                                  -40.00    18.33
    03/05  check returned (NSF): payment reversed      +40.00    58.33
    03/05  returned payment fee                        +25.00    83.33
    03/12  adjustment (leak credit)                     -3.50    79.83
    03/20  cash payment                                -20.00    59.83
    04/02  bill after the statement's last day         +12.00   (71.83)
    ====== ========================================== ======== =========
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.fee_account = cls.env["account.account"].create(
            {"code": "459200", "name": "NSF fees", "account_type": "income_other"}
        )
        cls.company.utility_nsf_fee_account_id = cls.fee_account
        cls.company.utility_nsf_fee_amount = 25.0
        cls.cashier = new_test_user(cls.env, login="ub_stmt_cashier", groups=CASHIER)

    def _adjustment(self, account, on_date, amount):
        """A clerk's credit adjustment: receivable credited, revenue debited."""
        move = self.env["account.move"].create(
            {
                "move_type": "entry",
                "date": on_date,
                "journal_id": self.company_data["default_journal_misc"].id,
                "ref": "Leak adjustment",
                "utility_account_id": account.id,
                "line_ids": [
                    Command.create(
                        {
                            "account_id": self.receivable.id,
                            "partner_id": account.partner_id.id,
                            "credit": amount,
                            "utility_account_id": account.id,
                        }
                    ),
                    Command.create({"account_id": self.income[self.water].id, "debit": amount}),
                ],
            }
        )
        move.action_post()
        return move

    def _life(self):
        account = self.account
        self._post_bill(account, date(2025, 1, 15), {self.water: 40.0, self.sewer: 20.0})
        self._payment([(account, 50.0)], date=date(2025, 1, 25), tender="cash")
        bill = self._post_bill(account, date(2025, 2, 15), {self.water: 33.33, self.garbage: 15.0})
        check = self._payment(
            [(account, 40.0)], date=date(2025, 3, 1), tender="check", check_number="1001"
        )
        check._return_payments("nsf", date_returned=date(2025, 3, 5))
        self._adjustment(account, date(2025, 3, 12), 3.5)
        self._payment([(account, 20.0)], date=date(2025, 3, 20), tender="cash")
        self._post_bill(account, date(2025, 4, 2), {self.garbage: 12.0})
        return bill, check

    def _ledger_balance(self, account, before=None, until=None):
        domain = [
            ("utility_account_id", "=", account.id),
            ("account_id.account_type", "=", "asset_receivable"),
            ("parent_state", "=", "posted"),
        ]
        if before:
            domain.append(("date", "<", before))
        if until:
            domain.append(("date", "<=", until))
        return self.env["account.move.line"]._read_group(domain, [], ["balance:sum"])[0][0]

    def test_running_balance_matches_the_ledger_to_the_cent(self):
        _bill, check = self._life()
        statement = self.env["utility.account.statement"].create(
            {
                "account_id": self.account.id,
                "date_from": date(2025, 2, 1),
                "date_to": date(2025, 3, 31),
            }
        )
        result = statement._get_statement()
        self.assertEqual(result.opening, Decimal("10.00"))
        self.assertEqual(
            [(entry.date, entry.amount, entry.balance) for entry in result.entries],
            [
                (date(2025, 2, 15), Decimal("48.33"), Decimal("58.33")),
                (date(2025, 3, 1), Decimal("-40.00"), Decimal("18.33")),
                (date(2025, 3, 5), Decimal("40.00"), Decimal("58.33")),
                (date(2025, 3, 5), Decimal("25.00"), Decimal("83.33")),
                (date(2025, 3, 12), Decimal("-3.50"), Decimal("79.83")),
                (date(2025, 3, 20), Decimal("-20.00"), Decimal("59.83")),
            ],
        )
        self.assertEqual(result.charges, Decimal("113.33"))
        self.assertEqual(result.credits, Decimal("63.50"))
        self.assertEqual(result.closing, Decimal("59.83"))
        # The ledger says the same, to the cent.
        ledger_opening = self._ledger_balance(self.account, before=date(2025, 2, 1))
        ledger_closing = self._ledger_balance(self.account, until=date(2025, 3, 31))
        self.assertEqual(
            (round(ledger_opening, 2), round(ledger_closing, 2)),
            (float(result.opening), float(result.closing)),
        )
        self.assertAlmostEqual(statement.amount_closing, 59.83, places=2)
        # To today the statement's closing is the account's balance due.
        statement.date_to = date.today()
        self.assertAlmostEqual(statement.amount_closing, 71.83, places=2)
        self.account.invalidate_recordset(["amount_balance"])
        self.assertAlmostEqual(self.account.amount_balance, 71.83, places=2)
        # What the clerk reads: kinds, the user's date format, amounts.
        values = statement._get_report_values()
        kinds = [row["kind"] for row in values["rows"]]
        self.assertEqual(
            kinds,
            [
                "Cycle Bill",
                "Payment",
                "Payment Reversed",
                "Fee",
                "Adjustment",
                "Payment",
                "Cycle Bill",
            ],
        )
        self.assertEqual(values["rows"][0]["date"], "02/15/2025")
        self.assertEqual(values["rows"][1]["reference"], check.name)
        self.assertIn("$ 10.00", values["opening"].replace("\xa0", " "))
        self.assertIn("Opening balance", statement.statement_html)
        self.assertIn("71.83", statement.statement_html)

    def test_printed_statement_and_every_role(self):
        self._life()
        statement = (
            self.env["utility.account.statement"]
            .with_user(self.cashier)
            .create({"account_id": self.account.id, "date_from": date(2025, 2, 1)})
        )
        # A cashier reads what is owed and why, though bills are not theirs to open.
        self.assertAlmostEqual(statement.amount_closing, 71.83, places=2)
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html(
                "utility_billing.action_report_utility_account_statement", statement.ids
            )[0]
            .decode()
        )
        self.assertIn("STATEMENT OF ACCOUNT", html)
        self.assertIn(self.account.name, html)
        self.assertIn("Payment Reversed", html)
        self.assertIn("71.83", html)
        action = statement.action_print()
        self.assertEqual(action["report_name"], "utility_billing.report_utility_account_statement")
        # The account form's counts, for the cashier too.
        account = self.account.with_user(self.cashier)
        self.assertEqual(
            (account.bill_count, account.open_bill_count, account.payment_count),
            (4, 3, 3),
        )

    def test_statement_pdf_is_drawn_by_reportlab(self):
        """The printed statement is the screen's, drawn without wkhtmltopdf (a
        counter prints it while the customer waits), for every role."""
        self._life()
        statement = (
            self.env["utility.account.statement"]
            .with_user(self.cashier)
            .create({"account_id": self.account.id, "date_from": date(2025, 2, 1)})
        )
        pdf, kind = (
            self.env["ir.actions.report"]
            .with_user(self.cashier)
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(
                "utility_billing.action_report_utility_account_statement", statement.ids
            )
        )
        self.assertEqual(kind, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
        self.assertIn(b"ReportLab", pdf)
        reader = PdfFileReader(io.BytesIO(pdf))
        # Words as read (a cell may wrap a label over two lines).
        text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
        values = statement._get_report_values()
        for expected in ("STATEMENT OF ACCOUNT", self.account.name, "Opening balance",
                         "Payment Reversed", "Cycle Bill", values["rows"][0]["date"],
                         "Closing balance", "71.83"):  # fmt: skip
            self.assertIn(expected, text)
        # The QWeb version stays for whoever asks for it (as HTML in tests).
        qweb, kind = (
            self.env["ir.actions.report"]
            .with_context(utility_statement_qweb=True)
            ._render_qweb_pdf(
                "utility_billing.action_report_utility_account_statement", statement.ids
            )
        )
        self.assertEqual(kind, "html")
        self.assertIn(b"STATEMENT OF ACCOUNT", qweb)

    def test_bad_range_is_refused(self):
        statement = self.env["utility.account.statement"].create(
            {
                "account_id": self.account.id,
                "date_from": date(2025, 3, 1),
                "date_to": date(2025, 2, 1),
            }
        )
        with self.assertRaisesRegex(UserError, "first day is after its last day"):
            statement.action_print()

    def test_lib_running_balance(self):
        entries = [
            Entry(date(2025, 3, 2), Decimal("-0.01"), (2,)),
            Entry(date(2025, 3, 1), Decimal("100.10"), (1,)),
            Entry(date(2025, 3, 2), Decimal("0.02"), (1,)),
        ]
        result = build_statement(Decimal("-5.00"), entries)
        self.assertEqual(
            [entry.balance for entry in result.entries],
            [Decimal("95.10"), Decimal("95.12"), Decimal("95.11")],
        )
        self.assertEqual((result.charges, result.credits), (Decimal("100.12"), Decimal("0.01")))
        self.assertEqual(result.closing, Decimal("95.11"))

    def test_statement_and_receipt_print_the_remit_to_address(self):
        """The printed statement and the counter's receipt say where to mail
        payments: the remit-to address of the settings."""
        self.company.write(
            {
                "utility_remit_to_name": "Prairie City Utility Billing",
                "utility_remit_to_address": "P.O. Box 310\nPrairie City, IA 50228-0310",
            }
        )
        self._life()
        statement = self.env["utility.account.statement"].create(
            {"account_id": self.account.id, "date_from": date(2025, 2, 1)}
        )
        pdf, _kind = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(
                "utility_billing.action_report_utility_account_statement", statement.ids
            )
        )
        reader = PdfFileReader(io.BytesIO(pdf))
        text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
        self.assertIn(
            "Please mail payments to: Prairie City Utility Billing P.O. Box 310 "
            "Prairie City, IA 50228-0310",
            text,
        )
        payment = self._payment([(self.account, 5.0)], date=date(2025, 3, 25), tender="cash")
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html(
                "utility_billing.action_report_utility_payment_receipt", payment.ids
            )[0]
            .decode()
        )
        self.assertIn("Mail future payments to:", html)
        self.assertIn("P.O. Box 310", html)
