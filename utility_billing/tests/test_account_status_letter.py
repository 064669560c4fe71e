# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import io
from datetime import date

from odoo import Command
from odoo.tests import new_test_user, tagged
from odoo.tools.pdf import PdfReader

from .common_billing import PREVIOUS_READ, BillingCommon

REPORT = "utility_billing.action_report_utility_account_status_letter"


@tagged("post_install", "-at_install")
class TestAccountStatusLetter(BillingCommon):
    """The account status letter, printed by a cashier at the counter.

    One bill of 7 kgal on the common schedules: water 10.00 + 5 x 2.00 + 2 x 3.00
    = 26.00, sewer 5.00 + 7 x 4.00 = 33.00, garbage 15.00: 74.00. A cash payment
    of 30.00 on 02/20/2025 leaves 44.00; a deposit of 40.00 is held.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account = cls._make_accounts(1, prefix="SL")
        cls.cashier = new_test_user(
            cls.env,
            login="ub_sl_cashier",
            groups="base.group_user,utility_billing.group_utility_cashier",
        )

    def test_status_letter_figures_and_pdf(self):
        run = self._new_run()
        run.action_compute()
        run.action_post()
        bill = run.move_ids
        self.assertEqual(bill.amount_total, 74.0)
        payment = self.env["utility.payment"].create(
            {
                "date": date(2025, 2, 20),
                "tender": "cash",
                "line_ids": [Command.create({"account_id": self.account.id, "amount": 30.0})],
            }
        )
        payment.action_post()
        self.env["utility.customer.deposit"].sudo().create(
            {"account_id": self.account.id, "date": PREVIOUS_READ, "amount": 40.0}
        )
        Report = self.env["ir.actions.report"].with_user(self.cashier)
        data = self.account.with_user(self.cashier)._get_status_letter_data()[self.account.id]
        self.assertEqual(data["bill"]["name"], bill.name)
        html = Report._render_qweb_html(REPORT, self.account.ids)[0].decode()
        self.assertIn("ACCOUNT STATUS", html)
        self.assertIn(bill.name, html)
        for figure in ("74.00", "30.00", "44.00", "40.00", "02/20/2025"):
            self.assertIn(figure, html)
        status = dict(self.account._fields["state"]._description_selection(self.env))
        self.assertIn(status[self.account.state], html)
        for service_type in (self.water, self.sewer, self.garbage):
            self.assertIn(service_type.name, html)
        pdf, kind = Report.with_context(force_report_rendering=True)._render_qweb_pdf(
            REPORT, self.account.ids
        )
        self.assertEqual(kind, "pdf")
        text = " ".join(
            " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages
        )
        self.assertIn("ACCOUNT STATUS", text)
        self.assertIn("44.00", text)

    def test_new_account_says_no_bill_and_no_payment(self):
        html = (
            self.env["ir.actions.report"]
            .with_user(self.cashier)
            ._render_qweb_html(REPORT, self.account.ids)[0]
            .decode()
        )
        self.assertIn("No bill yet.", html)
        self.assertIn("No payment yet.", html)
