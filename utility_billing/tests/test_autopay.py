# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Autopay: enrollment, the NACHA debit file and its payments, the bank's returns."""

from datetime import date

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common_autopay import AutopayCommon

DUE = date(2025, 2, 4)  # a Tuesday


def pos(record, first, last):
    """Field at 1-based inclusive positions, as the NACHA record layout prints them."""
    return record[first - 1 : last]


@tagged("post_install", "-at_install")
class TestAutopay(AutopayCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # account: 55 due on DUE, 30 due a month later; account2: 20 due on DUE.
        cls.bill = cls._post_bill(
            cls.account, date(2025, 1, 15), {cls.water: 40.0, cls.garbage: 15.0}
        )
        cls.bill_later = cls._post_bill(cls.account, date(2025, 2, 15), {cls.water: 30.0})
        cls.bill2 = cls._post_bill(cls.account2, date(2025, 1, 15), {cls.sewer: 20.0})
        cls.enrollment = cls._enroll(cls.account)
        cls.enrollment2 = cls._enroll(
            cls.account2,
            bank_id=cls._bank(cls.account2, routing="091000019").id,
            account_type="savings",
        )

    # ------------------------------------------------------------------
    # Enrollment
    # ------------------------------------------------------------------
    def test_enrollment_validates_the_bank_account(self):
        with self.assertRaisesRegex(ValidationError, "021000022 fails its check digit"), \
                self.cr.savepoint():  # fmt: skip
            self._enroll(self.account3, bank_id=self._bank(self.account3, "021000022").id)
        with self.assertRaisesRegex(ValidationError, "'12345' must be 9 digits"), \
                self.cr.savepoint():  # fmt: skip
            self._enroll(self.account3, bank_id=self._bank(self.account3, "12345").id)
        with self.assertRaisesRegex(ValidationError, "must be 1 to 17 letters or digits"), \
                self.cr.savepoint():  # fmt: skip
            self._enroll(
                self.account3,
                bank_id=self._bank(self.account3, number="1234567890 1234567890").id,
            )
        self.assertFalse(self.account3.is_autopay)
        enrollment = self._enroll(self.account3, confirm=False)
        self.assertEqual(enrollment.state, "draft")
        self.assertFalse(self.account3.is_autopay)
        enrollment.action_confirm()
        self.assertEqual(enrollment.state, "active")
        self.assertTrue(self.account3.is_autopay)
        self.assertEqual(enrollment.user_id, self.env.user)
        self.assertTrue(enrollment.date_enrolled)
        # The bank account of a live enrollment keeps a valid routing number.
        with self.assertRaisesRegex(ValidationError, "fails its check digit"), \
                self.cr.savepoint():  # fmt: skip
            enrollment.aba_routing = "021000022"
        with self.assertRaisesRegex(ValidationError, "one live autopay enrollment"), \
                self.cr.savepoint():  # fmt: skip
            self._enroll(self.account3)
        enrollment.action_cancel(reason="Customer asked")
        self.assertEqual(enrollment.state, "cancelled")
        self.assertEqual(enrollment.cancel_reason, "Customer asked")
        self.assertTrue(enrollment.date_end)
        self.assertFalse(self.account3.is_autopay)

    # ------------------------------------------------------------------
    # The debit file
    # ------------------------------------------------------------------
    def _generated(self):
        self._enroll(self.account3)  # owes nothing: not drafted
        autopay_file = self._autopay_file(DUE)
        records = self._file_records(autopay_file)
        self.assertEqual(len(records), 10)
        self.assertTrue(all(len(record) == 94 for record in records))
        return autopay_file, records

    def test_debit_file_headers_and_controls(self):
        autopay_file, records = self._generated()
        self.assertEqual(autopay_file.state, "generated")
        self.assertTrue(autopay_file.name.startswith("ACH/"))
        self.assertEqual(autopay_file.file_name, autopay_file.name.replace("/", "-") + ".ach")
        self.assertEqual(autopay_file.date_effective, DUE)
        self.assertEqual(autopay_file.line_ids.account_id, self.account | self.account2)
        self.assertAlmostEqual(autopay_file.amount_total, 75.0)
        header, batch, _entry, _entry2, control, file_control, *fill = records

        self.assertEqual(pos(header, 1, 3), "101")
        self.assertEqual(pos(header, 4, 13), " 071000013")
        self.assertEqual(pos(header, 14, 23), "1426000123")
        self.assertEqual(pos(header, 34, 40), "A094101")
        self.assertEqual(pos(header, 41, 63), "FIRST PRAIRIE BANK".ljust(23))
        self.assertEqual(pos(header, 64, 86), "CITY OF PRAIRIE CITY".ljust(23))

        self.assertEqual(pos(batch, 1, 4), "5225")
        self.assertEqual(pos(batch, 5, 20), "PRAIRIE CITY UTI")
        self.assertEqual(pos(batch, 41, 50), "1426000123")
        self.assertEqual(pos(batch, 51, 53), "PPD")
        self.assertEqual(pos(batch, 54, 63), "UTILITY   ")
        self.assertEqual(pos(batch, 64, 69), "FEB 04")
        self.assertEqual(pos(batch, 70, 75), "250204")
        self.assertEqual(pos(batch, 79, 94), "1071000010000001")

        entry_hash = 2100002 + 9100001
        self.assertEqual(pos(control, 1, 4), "8225")
        self.assertEqual(pos(control, 5, 10), "000002")
        self.assertEqual(pos(control, 11, 20), f"{entry_hash:010d}")
        self.assertEqual(pos(control, 21, 32), "000000007500")
        self.assertEqual(pos(control, 33, 44), "000000000000")
        self.assertEqual(pos(control, 45, 54), "1426000123")
        self.assertEqual(pos(control, 80, 94), "071000010000001")
        self.assertEqual(pos(file_control, 1, 21), "9000001000001" + "00000002")
        self.assertEqual(pos(file_control, 22, 31), f"{entry_hash:010d}")
        self.assertEqual(pos(file_control, 32, 55), "000000007500" + "000000000000")
        self.assertEqual(fill, ["9" * 94] * 4)

    def test_debit_file_entries(self):
        autopay_file, records = self._generated()
        by_account = {pos(entry, 40, 54).strip(): entry for entry in records[2:4]}
        first = by_account[self.account.name]
        line = autopay_file.line_ids.filtered(lambda x: x.account_id == self.account)
        self.assertEqual(pos(first, 1, 3), "627")
        self.assertEqual(pos(first, 4, 12), "021000021")
        self.assertEqual(pos(first, 13, 29), self.enrollment.bank_id.acc_number.ljust(17))
        self.assertEqual(pos(first, 30, 39), "0000005500")
        self.assertEqual(pos(first, 40, 54), self.account.name.ljust(15))
        self.assertEqual(pos(first, 55, 76), self.account.partner_id.name.upper().ljust(22))
        self.assertEqual(pos(first, 79, 79), "0")
        self.assertEqual(pos(first, 80, 94), line.trace_number)
        self.assertTrue(line.trace_number.startswith("07100001"))
        self.assertEqual(line.payment_id.reference, line.trace_number)
        second = by_account[self.account2.name]
        self.assertEqual(pos(second, 1, 3), "637")  # savings debit
        self.assertEqual(pos(second, 4, 12), "091000019")
        self.assertEqual(pos(second, 30, 39), "0000002000")

    def test_the_debits_post_payments_that_pay_the_bills(self):
        autopay_file = self._autopay_file(DUE)
        payments = autopay_file.payment_ids
        self.assertEqual(len(payments), 2)
        self.assertEqual(set(payments.mapped("state")), {"draft"})
        self.assertEqual(set(payments.mapped("source")), {"autopay"})
        self.assertEqual(set(payments.mapped("tender")), {"ach"})
        self.assertEqual(set(payments.mapped("date")), {DUE})
        self.assertEqual(
            sorted(payments.mapped("reference")),
            sorted(autopay_file.line_ids.mapped("trace_number")),
        )
        self.assertEqual(self.bill.payment_state, "not_paid")
        autopay_file.action_post()
        self.assertEqual(autopay_file.state, "posted")
        self.assertEqual(set(payments.mapped("state")), {"posted"})
        self.assertEqual(self.bill.payment_state, "paid")
        self.assertEqual(self.bill2.payment_state, "paid")
        self.assertEqual(self.bill_later.payment_state, "not_paid")
        self.assertAlmostEqual(self.account.amount_balance, 30.0)
        self.assertAlmostEqual(self.account2.amount_balance, 0.0)
        # One entry for the file, dated the settlement date, in the bank journal.
        move = payments.move_id
        self.assertEqual(len(move), 1)
        self.assertEqual(move.date, DUE)
        self.assertEqual(move.journal_id, self.bank_journal)
        money = move.line_ids.filtered("debit")
        self.assertAlmostEqual(money.debit, 75.0)
        self.assertEqual(
            money.account_id,
            self.env["utility.payment.poster"]._get_outstanding_receipts_account(self.bank_journal),
        )
        self.assertEqual(sorted(move.line_ids.filtered("credit").mapped("credit")), [20.0, 55.0])

    def test_amount_due_counts_bills_due_by_then_less_credits(self):
        small = self._post_bill(self.account3, date(2025, 1, 1), {self.garbage: 10.0})
        self._online_payment(self.account3, 15.0, date(2025, 1, 5))  # 5 left as credit
        self.assertEqual(small.payment_state, "paid")
        self._post_bill(self.account3, date(2025, 1, 15), {self.water: 30.0})
        self._post_bill(self.account3, date(2025, 2, 1), {self.water: 12.0})  # due 2025-02-21
        self._enroll(self.account3)
        autopay_file = self._autopay_file(DUE)
        line = autopay_file.line_ids.filtered(lambda x: x.account_id == self.account3)
        self.assertAlmostEqual(line.amount, 25.0)

    def test_nothing_is_drafted_for_zero_or_credit(self):
        self._online_payment(self.account, 85.0, date(2025, 1, 20))  # pays everything
        self._online_payment(self.account2, 30.0, date(2025, 1, 20))  # 10 in credit
        self._enroll(self.account3)  # never billed
        self.assertAlmostEqual(self.account2.amount_balance, -10.0)
        with self.assertRaisesRegex(UserError, "Nothing to draft"), self.cr.savepoint():
            self._autopay_file(DUE)
        self.assertFalse(
            self.env["utility.payment"].search([("source", "=", "autopay")]),
            "nothing drafted, no payment",
        )

    def test_cash_only_accounts_are_left_out(self):
        self.account2.is_cash_only = True
        autopay_file = self._autopay_file(DUE)
        self.assertEqual(autopay_file.line_ids.account_id, self.account)
        self.assertIn(f"{self.account2.name}: cash only.", autopay_file.note)

    def test_settings_are_checked_first(self):
        self.company.write(
            {
                "utility_ach_immediate_destination": "071000014",
                "utility_ach_odfi_routing": False,
                "utility_ach_company_identification": False,
                "utility_ach_immediate_origin": False,
                "vat": False,
            }
        )
        with self.assertRaisesRegex(
            UserError,
            r"(?s)Complete the autopay settings.*immediate destination: routing number "
            r"071000014 fails its check digit.*originating DFI.*company identification",
        ):
            self._autopay_file(DUE)
        # The tax id stands in for the company identification.
        self.company.write({"utility_ach_immediate_destination": "071000013", "vat": "42-6000123"})
        records = self._file_records(self._autopay_file(DUE))
        self.assertEqual(pos(records[1], 41, 50), "1426000123")

    def test_a_waiting_file_blocks_the_next_and_cancel_drops_its_payments(self):
        first = self._autopay_file(DUE)
        second = self._autopay_file(DUE, generate=False)
        with self.assertRaisesRegex(UserError, "Post or cancel"), self.cr.savepoint():
            second.action_generate()
        payments = first.payment_ids
        first.action_cancel()
        self.assertEqual(first.state, "cancelled")
        self.assertFalse(payments.exists())
        second.action_generate()
        self.assertEqual(len(second.payment_ids), 2)
        self.assertNotEqual(second.file_id_modifier, first.file_id_modifier)
        with self.assertRaisesRegex(UserError, "return its debits"), self.cr.savepoint():
            second.action_post()
            second.action_cancel()

    def test_trace_numbers_are_unique_across_files(self):
        first = self._autopay_file(DUE, post=True)
        second = self._autopay_file(date(2025, 3, 7), post=True)
        self.assertEqual(second.line_ids.account_id, self.account)
        self.assertAlmostEqual(second.amount_total, 30.0)
        traces = first.line_ids.mapped("trace_number") + second.line_ids.mapped("trace_number")
        self.assertEqual(len(set(traces)), 3)
        self.assertEqual(self.bill_later.payment_state, "paid")
        self.assertEqual(second.date_effective, date(2025, 3, 7))

    def test_prenote_first_then_drafts(self):
        self.enrollment.action_cancel()
        enrollment = self._enroll(self.account, is_prenote=True, bank_id=self.enrollment.bank_id.id)
        self.assertEqual(enrollment.state, "prenote")
        first = self._autopay_file(DUE, post=True)
        prenote = first.line_ids.filtered(lambda x: x.account_id == self.account)
        self.assertTrue(prenote.is_prenote)
        self.assertEqual(prenote.transaction_code, "28")
        self.assertFalse(prenote.payment_id)
        self.assertEqual(enrollment.prenote_trace, prenote.trace_number)
        records = self._file_records(first)
        entry = next(r for r in records if r[:1] == "6" and pos(r, 80, 94) == prenote.trace_number)
        self.assertEqual(pos(entry, 2, 3), "28")
        self.assertEqual(pos(entry, 30, 39), "0000000000")
        self.assertEqual(self.bill.payment_state, "not_paid")
        # Three banking days after Tuesday's prenote: Friday.
        with self.assertRaisesRegex(UserError, "Nothing to draft"), self.cr.savepoint():
            self._autopay_file(date(2025, 2, 6))
        third = self._autopay_file(date(2025, 2, 7), post=True)
        self.assertEqual(enrollment.state, "active")
        self.assertEqual(third.line_ids.account_id, self.account)
        self.assertEqual(self.bill.payment_state, "paid")

    # ------------------------------------------------------------------
    # Returns
    # ------------------------------------------------------------------
    def _posted_file(self):
        autopay_file = self._autopay_file(DUE, post=True)
        payment = autopay_file.payment_ids.filtered(lambda p: p.line_ids.account_id == self.account)
        payment2 = autopay_file.payment_ids - payment
        return autopay_file, payment, payment2

    def test_returns_file_reverses_the_payment(self):
        _autopay_file, payment, payment2 = self._posted_file()
        returns = self._returns_file(
            f"trace_number,reason_code,amount,date\n{payment.reference},R01,55.00,2025-02-10\n"
        )
        returns.action_import()
        self.assertEqual(returns.state, "done")
        self.assertTrue(returns.name.startswith("ACHR/"))
        self.assertEqual(returns.line_ids.payment_id, payment)
        self.assertEqual(returns.return_count, 1)
        self.assertAlmostEqual(returns.amount_total, 55.0)
        self.assertEqual(payment.state, "returned")
        self.assertEqual(payment.return_reason, "nsf")
        self.assertEqual(payment.ach_return_code, "R01")
        self.assertEqual(payment.date_returned, date(2025, 2, 10))
        self.assertFalse(any(payment.allocation_ids.mapped("is_active")))
        # The bill is owed again; the other debit of the file is untouched.
        self.assertEqual(self.bill.payment_state, "not_paid")
        self.assertAlmostEqual(self.bill.amount_residual, 55.0)
        self.assertEqual(payment2.state, "posted")
        self.assertTrue(all(payment2.allocation_ids.mapped("is_active")))
        self.assertEqual(self.bill2.payment_state, "paid")
        # Its own entry: the receivable back, the bank's outstanding receipts credited.
        entry = payment.return_move_id
        self.assertEqual(entry.state, "posted")
        self.assertEqual(entry.date, date(2025, 2, 10))
        self.assertEqual(
            sorted(
                (line.account_id.account_type, line.debit, line.credit) for line in entry.line_ids
            ),
            [("asset_current", 0.0, 55.0), ("asset_receivable", 55.0, 0.0)],
        )
        self.assertAlmostEqual(payment.return_fee_move_id.amount_total, 25.0)
        self.assertAlmostEqual(self.account.amount_balance, 55.0 + 30.0 + 25.0)
        self.assertTrue(
            self.env["mail.mail"].search(
                [("model", "=", "utility.payment"), ("res_id", "=", payment.id)]
            )
        )

    def test_nacha_returns_file_and_reason_codes(self):
        _autopay_file, payment, payment2 = self._posted_file()
        header = "101 071000013 0710000132502100800A094101" + " " * 54
        entry = (
            "626" + "07100001" + "3" + "0001".ljust(17) + "0000002000" + " " * 39 + "1"
            + "071000010009999"
        )  # fmt: skip
        addenda = "799R02" + payment2.reference + " " * 6 + "09100001" + " " * 44 + "0" * 15
        text = "\n".join(
            [header, "5225" + " " * 65 + "250211" + " " * 19, entry, addenda, "8" * 94, "9" * 94]
        )
        returns = self._returns_file(text, file_name="returns.ach")
        returns.action_import()
        self.assertEqual(payment2.state, "returned")
        self.assertEqual(payment2.return_reason, "account_closed")
        self.assertEqual(payment2.date_returned, date(2025, 2, 11))
        self.assertEqual(payment.state, "posted")
        self.assertEqual(self.bill2.payment_state, "not_paid")

    def test_a_payment_is_returned_once(self):
        _autopay_file, payment, payment2 = self._posted_file()
        head = "trace_number,reason_code,amount,date\n"
        row = f"{payment.reference},R01,55.00,2025-02-10\n"
        twice = self._returns_file(head + row + row)
        with self.assertRaisesRegex(
            UserError, r"Row 3 \(trace \d{15}\): the same debit is already returned by row 2"
        ), self.cr.savepoint():  # fmt: skip
            twice.action_import()
        self.assertEqual(payment.state, "posted", "a refused file changes nothing")
        self._returns_file(head + row).action_import()
        self.assertEqual(payment.state, "returned")
        bad = self._returns_file(
            head
            + row
            + "071000019999999,R01,10.00,2025-02-10\n"
            + f"{payment2.reference},R01,19.99,2025-02-10\n"
        )
        with self.assertRaisesRegex(UserError, "Nothing was imported") as error, \
                self.cr.savepoint():  # fmt: skip
            bad.action_import()
        message = str(error.exception)
        self.assertIn(f"payment {payment.name} was already returned on", message)
        self.assertIn("Row 3 (trace 071000019999999): no autopay debit has this trace", message)
        self.assertRegex(
            message, r"the returned amount .{0,3}19\.99.{0,3} is not the debit's .{0,3}20\.00"
        )
        self.assertEqual(payment2.state, "posted")
        # Asked to, the good rows go through and the bad ones are listed.
        partial = self._returns_file(
            head + row + f"{payment2.reference},R08,20.00,2025-02-12\n", is_skip_errors=True
        )
        partial.action_import()
        self.assertEqual(payment2.state, "returned")
        self.assertEqual(payment2.return_reason, "stop_payment")
        self.assertEqual(partial.return_count, 1)
        self.assertIn("already returned", partial.note)

    def test_a_returned_prenote_cancels_the_enrollment(self):
        enrollment = self._enroll(self.account3, is_prenote=True)
        self._autopay_file(DUE, post=True)
        self.assertTrue(enrollment.prenote_trace)
        header = "101 071000013 0710000132502100800A094101" + " " * 54
        entry = "626" + "07100001" + "3" + "1".ljust(17) + "0" * 10 + " " * 39 + "1" + "0" * 15
        addenda = "799R03" + enrollment.prenote_trace + " " * 6 + "02100002" + " " * 44 + "0" * 15
        returns = self._returns_file(
            "\n".join([header, "5225" + " " * 90, entry, addenda, "8" * 94, "9" * 94])
        )
        returns.action_import()
        self.assertEqual(returns.line_ids.state, "prenote")
        self.assertEqual(enrollment.state, "cancelled")
        self.assertIn("Prenote returned R03", enrollment.cancel_reason)
        self.assertFalse(self.account3.is_autopay)

    def test_demo_town_autopay(self):
        (self.enrollment | self.enrollment2).action_cancel()
        self._post_bill(self.account3, date(2025, 1, 15), {self.garbage: 15.0})
        accounts = self.account | self.account2 | self.account3
        accounts.is_autopay = True
        self.company.utility_ach_immediate_destination = False
        accounts.date_start = date(2024, 1, 1)
        self.assertTrue(self.env["utility.demo.town"]._generate_autopay())
        self.assertEqual(self.company.utility_ach_immediate_destination, "071000013")
        enrollments = accounts.autopay_enrollment_ids.filtered(
            lambda e: e.bank_id.acc_number[:2] == "40"
        )
        self.assertEqual(sorted(enrollments.mapped("state")), ["active", "cancelled", "prenote"])
        autopay_file = self.env["utility.autopay.file"].search([])
        self.assertEqual(len(autopay_file), 1)
        self.assertEqual(autopay_file.state, "posted")
        self.assertEqual(autopay_file.date_due, date(2025, 3, 7))
        self.assertEqual(len(autopay_file.payment_ids), 1)
        self.assertEqual(autopay_file.payment_ids.state, "returned")
        self.assertAlmostEqual(autopay_file.payment_ids.return_fee_move_id.amount_total, 25.0)

    # ------------------------------------------------------------------
    # Access
    # ------------------------------------------------------------------
    def test_access_rules(self):
        users = {
            role: new_test_user(
                self.env,
                login=f"ap_{role}",
                groups=f"base.group_user,utility_billing.group_utility_{role}",
                company_id=self.company.id,
                company_ids=[Command.set(self.company.ids)],
            )
            for role in ("cashier", "csr", "billing")
        }
        cashier = self.env(user=users["cashier"])
        self.assertEqual(
            cashier["utility.autopay.enrollment"].browse(self.enrollment.id).account_id,
            self.account,
            "a cashier sees who is on autopay",
        )
        with self.assertRaises(AccessError):
            cashier["utility.autopay.enrollment"].create(
                {"account_id": self.account3.id, "bank_id": self._bank(self.account3).id}
            )
        with self.assertRaises(AccessError):
            cashier["utility.autopay.file"].create({"date_due": DUE})
        with self.assertRaises(AccessError):
            cashier["utility.ach.return.file"].search([])
        csr = self.env(user=users["csr"])
        bank = csr["res.partner.bank"].create(
            {
                "partner_id": self.account3.partner_id.id,
                "acc_number": "55501234",
                "aba_routing": "011000015",
            }
        )
        enrollment = csr["utility.autopay.enrollment"].create(
            {"account_id": self.account3.id, "bank_id": bank.id}
        )
        enrollment.action_confirm()
        self.assertEqual(enrollment.state, "active")
        with self.assertRaises(AccessError):
            csr["utility.autopay.file"].create({"date_due": DUE})
        billing = self.env(user=users["billing"])
        autopay_file = billing["utility.autopay.file"].create({"date_due": DUE})
        autopay_file.action_generate()
        autopay_file.action_post()
        self.assertEqual(self.bill.payment_state, "paid")
        payment = autopay_file.payment_ids.filtered(lambda p: p.line_ids.account_id == self.account)
        returns = billing["utility.ach.return.file"].create(
            {
                "file_data": "dHJhY2VfbnVtYmVyLHJlYXNvbl9jb2RlLGFtb3VudCxkYXRlCg==",
                "file_name": "empty.csv",
            }
        )
        with self.assertRaisesRegex(UserError, "no return"), self.cr.savepoint():
            returns.action_import()
        returns.file_data = self._returns_file(
            f"trace_number,reason_code,amount,date\n{payment.reference},R01,55.00,2025-02-10\n"
        ).file_data
        returns.action_import()
        self.assertEqual(payment.state, "returned")
