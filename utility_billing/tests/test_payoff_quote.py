# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import io
from datetime import date
from decimal import Decimal

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged
from odoo.tools.pdf import PdfReader

from .common_billing import CURRENT_READ, PREVIOUS_READ, BillingCommon

REPORT = "utility_billing.action_report_utility_account_payoff_quote"


@tagged("post_install", "-at_install")
class TestPayoffQuote(BillingCommon):
    """Payoff quote through a date, cents by hand.

    Flat schedules (prices per month): water $28.00 base + $5.00 per kgal,
    sewer $14.00 base, garbage $28.00 per cart (one cart). The meter read 100.0
    on 01/03/2025 and 106.2 on 02/03/2025: 6.2 kgal in 31 days, 0.2 kgal a day.

    - Bill for 01/03 to 02/03: water 28.00 + 6.2 x 5.00 = 59.00, sewer 14.00,
      garbage 28.00: 101.00, unpaid.
    - Quote through 02/16: 02/03 to 02/16 is 14 days of the 28-day cycle month
      02/03 to 03/03, so base charges x 14/28: water 14.00 + 2.8 kgal x 5.00 =
      28.00, sewer 7.00, garbage 14.00: 49.00 estimated.
    - Deposit held 40.00: payoff 101.00 + 49.00 - 40.00 = 110.00.
    - Each day after (02/17, 1/28 of a month): water 1.00 + 0.2 x 5.00 = 2.00,
      sewer 0.50, garbage 1.00: 3.50 a day.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.schedules = {
            cls.water: cls._create_schedule(
                "PQ-W",
                cls.water,
                [
                    {"name": "Base", "sequence": 10, "component": "fixed", "amount": 28.0},
                    {"name": "Usage", "sequence": 20, "component": "unit", "price_unit": 5.0},
                ],
            ),
            cls.sewer: cls._create_schedule(
                "PQ-S",
                cls.sewer,
                [{"name": "Base", "sequence": 10, "component": "fixed", "amount": 14.0}],
            ),
            cls.garbage: cls._create_schedule(
                "PQ-G",
                cls.garbage,
                [{"name": "Cart", "sequence": 10, "component": "cart", "price_unit": 28.0}],
            ),
        }
        cls.account = cls._make_accounts(1, usage=6.2, prefix="PQ")
        cls.cashier = new_test_user(
            cls.env,
            login="ub_pq_cashier",
            groups="base.group_user,utility_billing.group_utility_cashier",
        )

    def setUp(self):
        super().setUp()
        run = self._new_run()
        run.action_compute()
        run.action_post()
        self.bill = run.move_ids
        self.assertEqual(self.bill.amount_total, 101.0)
        self.assertEqual(self.bill.utility_period_end, CURRENT_READ)

    def _hold_deposit(self, amount):
        self.env["utility.customer.deposit"].sudo().create(
            {"account_id": self.account.id, "date": PREVIOUS_READ, "amount": amount}
        )

    def test_quote_by_hand(self):
        self._hold_deposit(40.0)
        quote = self.account._get_payoff_quote(date(2025, 2, 16))
        self.assertEqual(quote.date_from, CURRENT_READ)
        self.assertEqual(quote.days, 14)
        self.assertEqual(quote.usage_per_day, Decimal("0.2"))
        self.assertEqual(quote.balance, Decimal("101.00"))
        self.assertEqual(quote.estimated, Decimal("49.00"))
        self.assertEqual(quote.deposit, Decimal("40.00"))
        self.assertEqual(quote.total, Decimal("110.00"))
        self.assertEqual(quote.per_day, Decimal("3.50"))

    def test_quote_without_deposit_and_after_a_payment(self):
        self._payment_cash(60.0)
        quote = self.account._get_payoff_quote(date(2025, 2, 16))
        self.assertEqual(quote.balance, Decimal("41.00"))
        self.assertEqual(quote.deposit, Decimal("0.00"))
        self.assertEqual(quote.total, Decimal("90.00"))

    def _payment_cash(self, amount):
        payment = self.env["utility.payment"].create(
            {
                "date": date(2025, 2, 20),
                "tender": "cash",
                "line_ids": [Command.create({"account_id": self.account.id, "amount": amount})],
            }
        )
        payment.action_post()
        return payment

    def test_last_billed_day_quotes_no_estimate(self):
        quote = self.account._get_payoff_quote(date(2025, 2, 2))
        self.assertEqual((quote.days, quote.estimated), (0, Decimal("0.00")))
        self.assertEqual(quote.total, Decimal("101.00"))

    def test_date_inside_billed_period_refused(self):
        wizard = self.env["utility.account.payoff.quote"].create(
            {"account_id": self.account.id, "date": date(2025, 1, 20)}
        )
        self.assertEqual(wizard.amount_total, 0.0)
        with self.assertRaisesRegex(UserError, "before the end of the last bill"):
            wizard.action_print()

    def test_letter_pdf_and_figures(self):
        self._hold_deposit(40.0)
        csr = self.csr
        wizard = (
            self.env["utility.account.payoff.quote"]
            .with_user(csr)
            .create(
                {
                    "account_id": self.account.id,
                    "date": date(2025, 2, 16),
                    "requested_by": "Estate of Pat Example",
                }
            )
        )
        self.assertEqual(wizard.amount_total, 110.0)
        self.assertEqual(wizard.amount_per_day, 3.5)
        Report = self.env["ir.actions.report"].with_user(csr)
        html = Report._render_qweb_html(REPORT, wizard.ids)[0].decode()
        for figure in ("101.00", "49.00", "40.00", "110.00", "3.50", "Estate of Pat Example"):
            self.assertIn(figure, html)
        self.assertIn("PAYOFF QUOTE", html)
        self.assertIn(self.env.company.name, html)
        self.assertIn("14 days", html)
        # The real PDF (wkhtmltopdf), the figures in its text.
        pdf, kind = Report.with_context(force_report_rendering=True)._render_qweb_pdf(
            REPORT, wizard.ids
        )
        self.assertEqual(kind, "pdf")
        reader = PdfReader(io.BytesIO(pdf))
        text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
        self.assertIn("PAYOFF QUOTE", text)
        self.assertIn("110.00", text)
        self.assertIn("3.50", text)
        self.assertEqual(
            wizard.action_print()["report_name"],
            "utility_billing.report_utility_account_payoff_quote",
        )

    def test_cashier_cannot_quote(self):
        with self.assertRaises(AccessError):
            self.env["utility.account.payoff.quote"].with_user(self.cashier).create(
                {"account_id": self.account.id, "date": date(2025, 2, 16)}
            )
