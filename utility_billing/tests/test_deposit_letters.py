# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import io
from datetime import date

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged
from odoo.tools.pdf import PdfReader

from .common_billing import BillingCommon

RECEIPT = "utility_billing.action_report_utility_deposit_receipt"
REFUND = "utility_billing.action_report_utility_deposit_refund"


@tagged("post_install", "-at_install")
class TestDepositLetters(BillingCommon):
    """Deposit receipt and refund letters (PDF and e-mail).

    A $40.00 deposit held; once released with $1.20 interest, $41.20 goes to the
    account's balance.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account = cls._make_accounts(1, readings=False, prefix="DL")
        cls.account.partner_id.email = "terry@example.com"
        cls.cashier = new_test_user(
            cls.env,
            login="ub_dl_cashier",
            groups="base.group_user,utility_billing.group_utility_cashier",
        )
        cls.deposit = (
            cls.env["utility.customer.deposit"]
            .sudo()
            .create({"account_id": cls.account.id, "date": date(2025, 1, 3), "amount": 40.0})
        )

    def _html(self, report, deposits, user=None):
        Report = self.env["ir.actions.report"].with_user(user or self.csr)
        return Report._render_qweb_html(report, deposits.ids)[0].decode()

    def test_receipt_pdf_and_mail(self):
        html = self._html(RECEIPT, self.deposit)
        self.assertIn("DEPOSIT RECEIPT", html)
        self.assertIn(self.account.name, html)
        self.assertIn("40.00", html)
        self.assertIn("01/03/2025", html)
        pdf, kind = (
            self.env["ir.actions.report"]
            .with_user(self.csr)
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(RECEIPT, self.deposit.ids)
        )
        self.assertEqual(kind, "pdf")
        text = " ".join(
            " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages
        )
        self.assertIn("DEPOSIT RECEIPT", text)
        self.assertIn("40.00", text)

        self.deposit.with_user(self.csr).action_send_receipt()
        message = self.deposit.message_ids[0]
        self.assertIn("deposit receipt", message.subject)
        self.assertIn("40.00", message.body)
        self.assertEqual(message.partner_ids, self.account.partner_id)
        self.assertTrue(message.attachment_ids)
        self.assertIn("Deposit Receipt", message.attachment_ids[0].name)

    def test_refund_letter(self):
        with self.assertRaisesRegex(UserError, "only for a deposit applied or refunded"):
            self.deposit.with_user(self.csr).action_send_refund_letter()
        self.deposit.sudo().write(
            {"state": "applied", "amount_interest": 1.20, "date_release": date(2026, 3, 2)}
        )
        html = self._html(REFUND, self.deposit)
        self.assertIn("DEPOSIT REFUND", html)
        for figure in ("40.00", "1.20", "41.20", "03/02/2026"):
            self.assertIn(figure, html)
        self.deposit.with_user(self.csr).action_send_refund_letter()
        message = self.deposit.message_ids[0]
        self.assertIn("your deposit", message.subject)
        self.assertIn("Deposit Refund", message.attachment_ids[0].name)

    def test_waived_deposit_gets_no_receipt(self):
        self.deposit.sudo().state = "waived"
        with self.assertRaisesRegex(UserError, "only for a deposit billed"):
            self.deposit.with_user(self.csr).action_send_receipt()

    def test_cashier_cannot_send_letters(self):
        with self.assertRaises(AccessError):
            self.deposit.with_user(self.cashier).action_send_receipt()
