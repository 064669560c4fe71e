# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Level-pay enrollment and true-up letters (PDF and e-mail).

Pasco, WA, 3.65.170 (https://pasco.municipal.codes/PMC/3.65.170): the customer is
told the budget amount and must adjust an automatic payment to it. 2024 bills
of 687.00 / 12 = 57.25 (``LevelPayCommon``); spread true-up (SMUD: a deficit
"applied evenly over the next 12 months").
"""

import io
from datetime import date

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged
from odoo.tools.pdf import PdfReader

from .common_level_pay import ENROLL, LevelPayCommon

ENROLLMENT = "utility_billing.action_report_utility_level_pay_enrollment"
TRUE_UP = "utility_billing.action_report_utility_level_pay_true_up"


@tagged("post_install", "-at_install")
class TestLevelPayLetters(LevelPayCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account.partner_id.email = "terry@example.com"
        cls.cashier = new_test_user(
            cls.env,
            login="ub_lpl_cashier",
            groups="base.group_user,utility_billing.group_utility_cashier",
        )

    def _pdf_text(self, report):
        pdf, _kind = (
            self.env["ir.actions.report"]
            .with_user(self.csr)
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(report, self.account.ids)
        )
        return " ".join(
            " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages
        )

    def test_enrollment_and_true_up_letters(self):
        with self.assertRaisesRegex(UserError, "accounts on level pay"):
            self.account.with_user(self.csr).action_send_level_pay_enrollment_letter()
        self.company.write(
            {"utility_level_pay_method": "div12", "utility_level_pay_true_up": "spread"}
        )
        self._pay(687.0, date(2024, 12, 20))
        self.account._level_pay_enroll(ENROLL)
        text = self._pdf_text(ENROLLMENT)
        self.assertIn("LEVEL PAY ENROLLMENT", text)
        self.assertIn("57.25", text)
        self.assertIn("01/01/2026", text)  # the true-up
        self.account.with_user(self.csr).action_send_level_pay_enrollment_letter()
        message = self.account.message_ids[0]
        self.assertIn("level pay enrollment", message.subject)
        self.assertIn("57.25", message.body)
        self.assertIn("Level Pay Enrollment", message.attachment_ids[0].name)
        # A year of 90.00 bills (1,080.00) against 12 installments of 57.25 (687.00):
        # 393.00 deferred, spread: (1,080.00 + 393.00) / 12 = 122.75.
        self._bills(self.account, [(date(2025, month, 15), 90) for month in range(1, 13)])
        self.account.invalidate_recordset()
        self.account._level_pay_true_up(date(2026, 1, 1))
        self.assertEqual(self.account.level_pay_amount, 122.75)
        text = self._pdf_text(TRUE_UP)
        self.assertIn("LEVEL PAY TRUE-UP", text)
        self.assertIn("393.00", text)
        self.assertIn("122.75", text)
        self.account.with_user(self.csr).action_send_level_pay_true_up_letter()
        self.assertIn("level pay true-up", self.account.message_ids[0].subject)
        with self.assertRaises(AccessError):
            self.account.with_user(self.cashier).action_send_level_pay_true_up_letter()
