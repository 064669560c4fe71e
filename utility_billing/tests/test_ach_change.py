# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Notifications of change (NOC) in the bank's ACH returns file."""

from datetime import date

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common_autopay import AutopayCommon
from .nacha_records import change_records

DUE = date(2025, 2, 4)  # a Tuesday
NEW_NUMBER = "98765432101"
HEADER = (
    "1"  # 1 record type
    + "01"  # 2-3 priority
    + " 071000013"  # 4-13 immediate destination: the city's bank
    + " 071000013"  # 14-23 immediate origin
    + "250211"  # 24-29 file creation date
    + "0800"  # 30-33 file creation time
    + "A"  # 34 file ID modifier
    + "094"  # 35-37 record size
    + "10"  # 38-39 blocking factor
    + "1"  # 40 format code
    + "CITY OF PRAIRIE CITY".ljust(23)  # 41-63
    + "FIRST PRAIRIE BANK".ljust(23)  # 64-86
    + " " * 8  # 87-94 reference code
)


def batch_header(sec="COR"):
    return (
        "5"  # 1 record type
        + "225"  # 2-4 service class: debits
        + "PRAIRIE CITY UTI"  # 5-20 company name
        + " " * 20  # 21-40 discretionary data
        + "1426000123"  # 41-50 company identification
        + sec  # 51-53 standard entry class
        + "UTILITY   "  # 54-63 entry description
        + " " * 6  # 64-69 descriptive date
        + "250211"  # 70-75 effective entry date
        + "   "  # 76-78 settlement date
        + "1"  # 79 originator status
        + "07100001"  # 80-87 originating DFI
        + "0000001"  # 88-94 batch number
    )


def return_records(seq, code, trace, cents):
    entry = (
        "6" + "26" + "02100002" + "1" + "000123400001".ljust(17) + f"{cents:010d}"
        + f"UA{seq:06d}".ljust(15) + "TERRY TESTER".ljust(22) + "  " + "1"
        + f"02100002{seq:07d}"
    )  # fmt: skip
    addenda = (
        "799" + code + trace + " " * 6 + "02100002" + " " * 44 + f"02100002{seq:07d}"
    )  # fmt: skip
    return [entry, addenda]


def nacha_file(changes=(), returns=()):
    """:param changes: (code, original trace, corrected data); :param returns: (code,
    original trace, cents)"""
    records = [HEADER]
    seq = 0
    if returns:
        records.append(batch_header("PPD"))
        for code, trace, cents in returns:
            seq += 1
            records += return_records(seq, code, trace, cents)
        records.append("8225" + "0" * 90)
    if changes:
        records.append(batch_header("COR"))
        for code, trace, corrected in changes:
            seq += 1
            records += change_records(seq, code, corrected, trace=trace)
        records.append("8225" + "0" * 90)
    records.append("9" + "0" * 93)
    assert all(len(record) == 94 for record in records)
    return "\n".join(records) + "\n"


@tagged("post_install", "-at_install")
class TestAchChange(AutopayCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._post_bill(cls.account, date(2025, 1, 15), {cls.water: 40.0, cls.garbage: 15.0})
        cls._post_bill(cls.account2, date(2025, 1, 15), {cls.sewer: 20.0})
        cls.enrollment = cls._enroll(cls.account)
        cls.enrollment2 = cls._enroll(
            cls.account2,
            bank_id=cls._bank(cls.account2, routing="091000019").id,
            account_type="savings",
        )
        autopay_file = cls._autopay_file(cls, DUE, post=True)
        cls.payment = autopay_file.payment_ids.filtered(
            lambda p: p.line_ids.account_id == cls.account
        )
        cls.payment2 = autopay_file.payment_ids - cls.payment

    def _import(self, text, **vals):
        returns = self._returns_file(text, file_name="returns.ach", **vals)
        returns.action_import()
        return returns

    def _notes(self, enrollment):
        return enrollment.message_ids.mapped("body")

    def test_c01_and_c05_are_applied_and_noted(self):
        bank = self.enrollment.bank_id
        old_number = bank.acc_number
        returns = self._import(
            nacha_file(
                changes=[
                    ("C01", self.payment.reference, NEW_NUMBER),
                    ("C05", self.payment2.reference, "27"),
                ]
            )
        )
        self.assertEqual(returns.state, "done")
        self.assertEqual((returns.return_count, returns.change_count, returns.review_count),
                         (0, 2, 0))  # fmt: skip
        self.assertEqual(returns.line_ids.mapped("state"), ["change", "change"])
        self.assertEqual(returns.line_ids.mapped("reason_code"), ["C01", "C05"])
        line, line2 = returns.line_ids
        self.assertEqual(line.payment_id, self.payment)
        self.assertEqual(line.enrollment_id, self.enrollment)
        self.assertEqual(line.date_deadline, date(2025, 2, 20), "six banking days, Presidents Day")
        # C01: the enrollment drafts the corrected account number, same routing.
        new_bank = self.enrollment.bank_id
        self.assertNotEqual(new_bank, bank)
        self.assertEqual(new_bank.acc_number, NEW_NUMBER)
        self.assertEqual(new_bank.partner_id, self.account.partner_id)
        self.assertEqual(new_bank.aba_routing, "021000021")
        self.assertEqual(bank.acc_number, old_number, "the old bank account is kept as it was")
        change = f"bank account number ****{old_number[-4:]} → ****2101"
        self.assertEqual(line.change_note, change)
        self.assertTrue(
            any(
                "C01 Incorrect bank account number" in note and change in note
                for note in self._notes(self.enrollment)
            )
        )
        # C05: savings to checking.
        self.assertEqual(self.enrollment2.account_type, "checking")
        self.assertEqual(line2.change_note, "account type Savings → Checking")
        self.assertTrue(
            any(
                "C05 Incorrect transaction code" in note and "Savings → Checking" in note
                for note in self._notes(self.enrollment2)
            )
        )
        # A notification of change reverses nothing.
        self.assertEqual((self.payment | self.payment2).mapped("state"), ["posted", "posted"])
        # The next debit file drafts the corrected bank account.
        self._post_bill(self.account, date(2025, 2, 15), {self.water: 30.0})
        next_file = self._autopay_file(date(2025, 3, 31), post=True)
        entry = next_file.line_ids.filtered(lambda x: x.account_id == self.account)
        self.assertEqual(entry.bank_id, new_bank)
        entry2 = next_file.line_ids.filtered(lambda x: x.account_id == self.account2)
        self.assertFalse(entry2, "account2 owes nothing more")

    def test_c03_with_a_bad_routing_number_is_refused(self):
        bank = self.enrollment.bank_id
        returns = self._returns_file(
            nacha_file(changes=[("C03", self.payment.reference, "021000022   " + NEW_NUMBER)])
        )
        with self.assertRaisesRegex(
            UserError, r"Nothing was imported(.|\n)*Line 4: C03 corrected routing number "
            r"021000022 fails its check digit\."
        ), self.cr.savepoint():  # fmt: skip
            returns.action_import()
        self.assertEqual(returns.state, "draft")
        self.assertEqual(self.enrollment.bank_id, bank)
        self.assertEqual(bank.aba_routing, "021000021")
        # The good C03 moves both.
        self._import(
            nacha_file(changes=[("C03", self.payment.reference, "071000013   " + NEW_NUMBER)])
        )
        self.assertEqual(self.enrollment.bank_id.acc_number, NEW_NUMBER)
        self.assertEqual(self.enrollment.aba_routing, "071000013")
        self.assertEqual(bank.aba_routing, "021000021")

    def test_unknown_trace_is_reported(self):
        text = nacha_file(
            changes=[
                ("C02", "071000019999999", "071000013"),
                ("C02", self.payment2.reference, "071000013"),
            ]
        )
        returns = self._returns_file(text)
        with self.assertRaisesRegex(
            UserError, r"Row 3 \(trace 071000019999999\): notification of change C02: no "
            r"autopay debit or prenote has this trace number\."
        ), self.cr.savepoint():  # fmt: skip
            returns.action_import()
        self.assertEqual(self.enrollment2.aba_routing, "091000019")
        returns.is_skip_errors = True
        returns.action_import()
        self.assertEqual(returns.line_ids.trace_number, self.payment2.reference)
        self.assertIn("071000019999999", returns.note)
        self.assertEqual(self.enrollment2.aba_routing, "071000013")
        self.assertEqual(returns.line_ids.change_note, "routing number 091000019 → 071000013")

    def test_a_return_and_a_change_in_one_file(self):
        returns = self._import(
            nacha_file(
                returns=[("R01", self.payment.reference, 5500)],
                changes=[("C06", self.payment2.reference, NEW_NUMBER.ljust(17) + "   27")],
            )
        )
        self.assertEqual((returns.return_count, returns.change_count), (1, 1))
        self.assertAlmostEqual(returns.amount_total, 55.0)
        self.assertEqual(self.payment.state, "returned")
        self.assertEqual(self.payment.ach_return_code, "R01")
        self.assertEqual(self.payment2.state, "posted")
        self.assertEqual(self.enrollment2.bank_id.acc_number, NEW_NUMBER)
        self.assertEqual(self.enrollment2.aba_routing, "091000019")
        self.assertEqual(self.enrollment2.account_type, "checking")
        self.assertEqual(self.enrollment.bank_id.acc_number, f"0001234{self.account.id:05d}")

    def test_the_same_file_twice_is_refused(self):
        text = nacha_file(changes=[("C05", self.payment2.reference, "27")])
        first = self._import(text)
        self.assertEqual(len(first.checksum), 64)
        notes = len(self.enrollment2.message_ids)
        # The same bytes: refused whole, naming the first import.
        again = self._returns_file(text)
        with self.assertRaisesRegex(
            UserError, rf"already imported as {first.name} on .*: nothing was changed"
        ), self.cr.savepoint():  # fmt: skip
            again.action_import()
        # The same change in another file (other bytes): refused by its row.
        with self.assertRaisesRegex(
            UserError, rf"change C05 was already received in file {first.name} on"
        ), self.cr.savepoint():  # fmt: skip
            self._returns_file(text + "\n").action_import()
        self.assertEqual(again.state, "draft")
        self.assertEqual(len(self.enrollment2.message_ids), notes, "nothing noted twice")
        twice = self._returns_file(
            nacha_file(
                changes=[
                    ("C01", self.payment.reference, NEW_NUMBER),
                    ("C01", self.payment.reference, NEW_NUMBER),
                ]
            )
        )
        with self.assertRaisesRegex(UserError, "the same change C01 is already in row 3"), \
                self.cr.savepoint():  # fmt: skip
            twice.action_import()

    def test_other_codes_and_stale_changes_are_left_to_review(self):
        self.enrollment2.action_cancel()
        bank = self.enrollment.bank_id
        returns = self._import(
            nacha_file(
                changes=[
                    ("C04", self.payment.reference, "TERRY Q TESTER"),
                    ("C02", self.payment2.reference, "071000013"),
                ]
            )
        )
        self.assertEqual(returns.line_ids.mapped("state"), ["review", "review"])
        self.assertEqual(returns.review_count, 2)
        line, line2 = returns.line_ids
        self.assertIn("C04 Incorrect individual name: corrected data 'TERRY Q TESTER'",
                      line.change_note)  # fmt: skip
        self.assertIn("The enrollment is cancelled", line2.change_note)
        self.assertEqual(self.enrollment.bank_id, bank)
        self.assertEqual(self.enrollment2.aba_routing, "091000019")
        self.assertTrue(
            any("to review" in note and "TERRY Q TESTER" in note
                for note in self._notes(self.enrollment))
        )  # fmt: skip
        line.action_mark_reviewed()
        self.assertEqual(line.state, "reviewed")
        self.assertEqual(returns.review_count, 1)
        self.assertTrue(any("reviewed by" in note for note in self._notes(self.enrollment)))
        with self.assertRaisesRegex(UserError, "Only notifications of change to review"), \
                self.cr.savepoint():  # fmt: skip
            line.action_mark_reviewed()

    def test_a_change_of_a_prenote_corrects_its_enrollment(self):
        enrollment = self._enroll(self.account3, is_prenote=True)
        self._autopay_file(date(2025, 2, 5), post=True)
        self.assertTrue(enrollment.prenote_trace)
        returns = self._import(
            nacha_file(
                changes=[("C07", enrollment.prenote_trace, "071000013" + "44-55".ljust(17) + "32")]
            )
        )
        self.assertEqual(returns.line_ids.enrollment_id, enrollment)
        self.assertFalse(returns.line_ids.payment_id)
        self.assertEqual(enrollment.state, "prenote", "a change is no return of the prenote")
        self.assertEqual(enrollment.bank_id.acc_number, "44-55")
        self.assertEqual(enrollment.aba_routing, "071000013")
        self.assertEqual(enrollment.account_type, "savings")
        note = returns.line_ids.change_note
        self.assertIn("bank account number", note)
        self.assertIn("routing number 021000021 → 071000013", note)
        self.assertIn("account type Checking → Savings", note)

    def test_a_billing_clerk_imports_and_reviews_changes(self):
        users = {
            role: new_test_user(
                self.env,
                login=f"noc_{role}",
                groups=f"base.group_user,utility_billing.group_utility_{role}",
                company_id=self.company.id,
                company_ids=[Command.set(self.company.ids)],
            )
            for role in ("cashier", "billing")
        }
        with self.assertRaises(AccessError):
            self.env(user=users["cashier"])["utility.ach.return.line"].search([])
        billing = self.env(user=users["billing"])
        returns = billing["utility.ach.return.file"].create(
            {
                "file_data": self._returns_file(
                    nacha_file(
                        changes=[
                            ("C01", self.payment.reference, NEW_NUMBER),
                            ("C09", self.payment2.reference, "UA000777"),
                        ]
                    )
                ).file_data,
                "file_name": "noc.ach",
            }
        )
        returns.action_import()
        self.assertEqual(self.enrollment.bank_id.acc_number, NEW_NUMBER)
        review = billing["utility.ach.return.line"].search(
            [("state", "=", "review"), ("file_id", "=", returns.id)]
        )
        self.assertEqual(review.reason_code, "C09")
        review.action_mark_reviewed()
        self.assertEqual(review.state, "reviewed")
