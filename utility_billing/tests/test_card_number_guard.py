# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""One card-number guard, on every path that stored card numbers (issue 15, A.8):
the chatter of utility records and the free-text columns of payment files."""

import base64
from datetime import date

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from ..lib import payment_files
from .common_payment import PaymentCommon

VISA = "4111 1111 1111 1111"
MASTERCARD = "5500-0000-0000-0004"
ONLINE = payment_files.PaymentLayoutConfig(
    date_formats=("YYYY-MM-DD",),
    columns={
        "reference": "Transaction ID",
        "amount": "Amount",
        "account": "Account Number",
        "payer": "Customer Name",
        "note": "Payment Method",
    },
)


def test_payment_file_free_text_columns_are_masked_as_read():
    content = (
        "Transaction ID,Amount,Account Number,Customer Name,Payment Method\n"
        f"T-1,12.50,UA0001,Pat {MASTERCARD},Visa {VISA}\n"
        "T-2,3.00,UA0002,Lee,Visa ending 1111\n"
    )
    rows = payment_files.parse(content, ONLINE).rows
    assert [(row.payer, row.note) for row in rows] == [
        ("Pat ****0004", "Visa ****1111"),
        ("Lee", "Visa ending 1111"),
    ]
    # The reference is the processor's, never rewritten.
    assert [row.reference for row in rows] == ["T-1", "T-2"]


@tagged("post_install", "-at_install")
class TestCardNumberGuard(PaymentCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bank = cls.company_data["default_journal_bank"]
        cls.layout = cls.env.ref("utility_billing.payment_file_layout_lockbox_csv")
        cls.layout.journal_id = cls.bank
        cls._post_bill(cls.account, date(2025, 2, 15), {cls.water: 40.0})

    def test_a_note_with_a_card_number_is_refused_on_a_utility_record(self):
        account = self.account.with_user(self.csr)
        with self.assertRaisesRegex(ValidationError, r"\*\*\*\*1111"), self.cr.savepoint():
            account.message_post(body=f"Customer paid by card {VISA}", message_type="comment")
        note = account.message_post(body="Customer paid by card ending 1111")
        with self.assertRaisesRegex(ValidationError, "looks like a card number"):
            account.env["mail.message"].browse(note.id).write({"body": f"card {VISA}"})
        self.assertNotIn("4111", " ".join(self.account.message_ids.mapped("body")))

    def test_a_system_message_keeps_only_the_last_four(self):
        message = self.account.message_post(
            body=f"Processor says: card {VISA} declined", message_type="notification"
        )
        self.assertIn("****1111", message.body)
        self.assertNotIn(VISA, message.body)
        # Other records' chatter is not the utility's business.
        partner_note = self.account.partner_id.message_post(body="Ref 4111111111111111")
        self.assertIn("4111111111111111", partner_note.body)

    def test_lockbox_check_number_and_remitter_keep_only_the_last_four(self):
        content = (
            "Deposit Date,Batch,Item,Account Number,Scan Line,Amount,Check Number,Remitter\n"
            f"03/14/2025,1,1,{self.account.name},,40.00,{VISA},Pat {MASTERCARD}\n"
            f"03/14/2025,1,2,UA999999,,9.00,{VISA},Lee {MASTERCARD}\n"
        ).encode()
        wizard = (
            self.env["utility.payment.file.import"]
            .with_user(self.csr)
            .create(
                {
                    "file_data": base64.b64encode(content),
                    "file_name": "lockbox.csv",
                    "layout_id": self.layout.id,
                    "date": date(2025, 3, 14),
                }
            )
        )
        file = self.env["utility.payment.file"].browse(wizard.action_import()["res_id"])
        payment = file.payment_ids
        self.assertEqual(payment.state, "posted")
        self.assertEqual(payment.check_number, "****1111")
        # The unknown account waits in suspense with what the bank sent, masked.
        suspense = file.line_ids.filtered(lambda line: line.state == "suspense")
        self.assertEqual((suspense.payer_name, suspense.check_number), ("Lee ****0004", "****1111"))
        stored = " ".join(
            str(value)
            for record in (payment, file, *file.line_ids, *wizard.line_ids)
            for value in record.read()[0].values()
        )
        self.assertNotIn("1111 1111", stored)
        self.assertNotIn("0000-0000", stored)
