# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Adjustment approval and denial letters (PDF and e-mail).

Bedford, IN, § 52.19 (https://codelibrary.amlegal.com/codes/bedfordin/latest/
bedford_in/0-0-0-34304): "A copy of the approval/denial will be mailed to the
requester." A 12.50 billing-error credit on the February bill (74.00) is
posted and explained; a 60.00 one above the clerk's 50.00 limit is rejected.
"""

import io

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged
from odoo.tools.pdf import PdfReader

from .common_billing import BillingCommon

APPROVAL = "utility_billing.action_report_utility_adjustment_approval"
DENIAL = "utility_billing.action_report_utility_adjustment_denial"


@tagged("post_install", "-at_install")
class TestAdjustmentLetters(BillingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account = cls._make_accounts(1, prefix="AL")
        cls.account.partner_id.email = "terry@example.com"
        cls.cashier = new_test_user(
            cls.env,
            login="ub_al_cashier",
            groups="base.group_user,utility_billing.group_utility_cashier",
        )
        cls.supervisor = new_test_user(
            cls.env,
            login="ub_al_supervisor",
            groups="base.group_user,utility_billing.group_utility_supervisor",
        )
        cls.kind = cls.env.ref("utility_billing.adjustment_kind_billing_error")

    def setUp(self):
        super().setUp()
        run = self._new_run()
        run.action_compute()
        run.action_post()
        self.bill = run.move_ids

    def _adjustment(self, amount):
        adjustment = (
            self.env["utility.adjustment"]
            .with_user(self.csr)
            .create(
                {
                    "move_id": self.bill.id,
                    "kind_id": self.kind.id,
                    "reason": "Billed at the commercial rate",
                    "amount_requested": amount,
                }
            )
        )
        adjustment.with_user(self.csr).action_submit()
        return adjustment

    def _pdf_text(self, report, adjustment):
        pdf, kind = (
            self.env["ir.actions.report"]
            .with_user(self.csr)
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(report, adjustment.ids)
        )
        self.assertEqual(kind, "pdf")
        return " ".join(
            " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages
        )

    def test_approval_letter(self):
        adjustment = self._adjustment(12.5)
        self.assertEqual(adjustment.state, "posted")
        self.assertAlmostEqual(self.bill.amount_residual, 74.0 - 12.5)
        with self.assertRaisesRegex(UserError, "only for a rejected adjustment"):
            adjustment.with_user(self.csr).action_send_denial_letter()
        text = self._pdf_text(APPROVAL, adjustment)
        self.assertIn("ADJUSTMENT APPROVED", text)
        # Printed in another year than the bill: the year is said.
        self.assertIn("Billing Error adjustment for the February 2025 bill", text)
        self.assertIn("12.50", text)
        self.assertIn(adjustment.credit_note_id.name, text)
        adjustment.with_user(self.csr).action_send_approval_letter()
        message = adjustment.message_ids[0]
        self.assertIn("adjustment approved", message.subject)
        self.assertIn("12.50", message.body)
        self.assertEqual(message.partner_ids, self.account.partner_id)
        self.assertIn("Adjustment Approved", message.attachment_ids[0].name)

    def test_denial_letter(self):
        self.company.utility_adjust_limit_csr = 50.0
        adjustment = self._adjustment(60.0)
        self.assertEqual(adjustment.state, "to_approve")
        with self.assertRaisesRegex(UserError, "only for a posted adjustment"):
            adjustment.with_user(self.csr).action_send_approval_letter()
        adjustment.with_user(self.supervisor).action_reject("No proof of the commercial rate")
        text = self._pdf_text(DENIAL, adjustment)
        self.assertIn("ADJUSTMENT DENIED", text)
        self.assertIn("No proof of the commercial rate", text)
        adjustment.with_user(self.csr).action_send_denial_letter()
        message = adjustment.message_ids[0]
        self.assertIn("adjustment request", message.subject)
        self.assertIn("No proof of the commercial rate", message.body)
        self.assertIn("Adjustment Denied", message.attachment_ids[0].name)
        with self.assertRaises(AccessError):
            adjustment.with_user(self.cashier).action_send_denial_letter()
