# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The final-bill letter after a move-out (PDF and e-mail).

El Reno, OK (https://www.elrenook.gov/FAQ.aspx?QID=79): at move-out the credit is
applied to the final bill and what is over refunded "to the forwarding address
you provided". 150.00 paid on the 74.00 bill: 76.00 of credit; the February 20
move-out bills 36.22 (17/28 of a period and 3 kgal, see ``test_account_lifecycle``),
paid by the credit, and 76.00 - 36.22 = 39.78 is refunded.
"""

import io
from datetime import date

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged
from odoo.tools.pdf import PdfReader

from .common_billing import BillingCommon

LETTER = "utility_billing.action_report_utility_final_bill_letter"


@tagged("post_install", "-at_install")
class TestFinalBillLetter(BillingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bank_journal = cls.company_data["default_journal_bank"]
        cls.account = cls._make_accounts(1, prefix="FB")
        cls.account.date_start = date(2024, 1, 1)
        cls.account.partner_id.email = "terry@example.com"
        cls.cashier = new_test_user(
            cls.env,
            login="ub_fb_cashier",
            groups="base.group_user,utility_billing.group_utility_cashier",
        )

    def test_final_bill_letter(self):
        account = self.account
        with self.assertRaisesRegex(UserError, "final billed or closed"):
            account.with_user(self.csr).action_send_final_bill_letter()
        run = self._new_run()
        run.action_compute()
        run.action_post()
        payment = self.env["utility.payment"].create(
            {
                "date": date(2025, 2, 18),
                "source": "lockbox",
                "journal_id": self.bank_journal.id,
                "line_ids": [(0, 0, {"account_id": account.id, "amount": 150.0})],
            }
        )
        payment.action_post()
        meter = account.service_ids.meter_id
        bill = account._move_out(
            date(2025, 2, 20),
            {meter.id: 110.0},
            forwarding={"street": "PO Box 12", "city": "Ames", "zip": "50010"},
            settlement="refund",
            refund_journal=self.bank_journal,
        )
        self.assertAlmostEqual(bill.amount_total, 36.22)
        self.assertAlmostEqual(account.refund_payment_ids.amount, 39.78)
        pdf, _kind = (
            self.env["ir.actions.report"]
            .with_user(self.csr)
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(LETTER, account.ids)
        )
        text = " ".join(
            " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages
        )
        self.assertIn("FINAL BILL", text)
        self.assertIn(bill.name, text)
        self.assertIn("36.22", text)
        self.assertIn("39.78", text)
        self.assertIn("PO Box 12", text)
        self.assertIn("Nothing is owed", text)
        account.with_user(self.csr).action_send_final_bill_letter()
        message = account.message_ids[0]
        self.assertIn("your final bill", message.subject)
        self.assertIn("Final Bill Letter", message.attachment_ids[0].name)
        with self.assertRaises(AccessError):
            account.with_user(self.cashier).action_send_final_bill_letter()
