# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date
from decimal import Decimal

from odoo.tests import tagged

from .common_payment import PaymentCommon


@tagged("post_install", "-at_install")
class TestBankruptcy(PaymentCommon):
    """The bankruptcy stay's dates and the balance split at the petition date.

    Rule: 11 U.S.C. § 366(a), as the UNC School of Government explains it for
    a local government's water and sewer utility ("Discontinuing Utility
    Services when Customer Files for Bankruptcy", Coates' Canons, 11/04/2010,
    https://www.sog.unc.edu/blogs/coates-canons/discontinuing-utility-services-when-customer-files-bankruptcy):
    the prohibition "only applies for a limited time and only applies with
    respect to delinquencies incurred before the bankruptcy filing".

    - Bill of 01/01/2025: water 60.00 + sewer 30.00 = 90.00 (pre-petition).
    - Petition filed 02/10/2025; stay from 02/10/2025 through 06/30/2025.
    - Bill of 03/01/2025: water 45.50 (post-petition).
    - Pre-petition balance 90.00, post-petition 45.50, balance 135.50.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._post_bill(cls.account, date(2025, 1, 1), {cls.water: 60.0, cls.sewer: 30.0})
        cls._post_bill(cls.account, date(2025, 3, 1), {cls.water: 45.5})
        cls.account.write(
            {
                "is_bankruptcy": True,
                "bankruptcy_case_number": "25-10417",
                "date_petition": date(2025, 2, 10),
                "date_stay_end": date(2025, 6, 30),
            }
        )

    def test_pre_and_post_petition_balances_from_the_ledger(self):
        self.assertEqual(self.account.amount_pre_petition, 90.0)
        self.assertEqual(self.account.amount_post_petition, 45.5)
        self.assertEqual(self.account.amount_balance, 135.5)
        self.assertEqual(self.account2.amount_pre_petition, 0.0)

    def test_stay_holds_only_during_its_dates(self):
        for day, held in (
            (date(2025, 2, 9), False),
            (date(2025, 2, 10), True),
            (date(2025, 6, 30), True),
            (date(2025, 7, 1), False),
        ):
            for step in ("late_fee", "notice", "door_hanger", "shutoff"):
                holds = self.account._get_collection_holds(day, step)
                self.assertEqual(self.account.id in holds, held, (day, step))
                if held:
                    self.assertEqual(holds[self.account.id], "bankruptcy")

    def test_bankruptcy_without_dates_holds_as_before(self):
        self.account2.is_bankruptcy = True
        holds = self.account2._get_collection_holds(date(2025, 7, 1), "notice")
        self.assertEqual(holds[self.account2.id], "bankruptcy")

    def test_payoff_quote_shows_the_split(self):
        """The trustee's payoff quote: balance billed 135.50, of which 90.00 before
        the petition of 02/10/2025 and 45.50 since."""
        self.account.date_start = date(2025, 3, 1)  # the quote estimates from here
        wizard = self.env["utility.account.payoff.quote"].create(
            {"account_id": self.account.id, "date": date(2025, 3, 15), "requested_by": "Trustee"}
        )
        self.assertEqual(wizard.amount_balance, 135.5)
        self.assertEqual(wizard.amount_pre_petition, 90.0)
        self.assertEqual(wizard.amount_post_petition, 45.5)
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html(
                "utility_billing.action_report_utility_account_payoff_quote", wizard.ids
            )[0]
            .decode()
        )
        self.assertIn("owed before the bankruptcy petition of", html)
        self.assertIn("02/10/2025", html)
        self.assertIn("90.00", html)
        self.assertIn("45.50", html)

    def test_status_letter_shows_the_split_as_the_payoff_quote(self):
        """The account status letter splits the balance of 135.50 as the payoff
        quote does: 90.00 before the petition of 02/10/2025 (case 25-10417), 45.50
        since; both read ``_get_balance_split_values``."""
        data = self.account._get_status_letter_data()[self.account.id]
        self.assertEqual(
            data["split"]["petition"],
            {
                "date": "02/10/2025",
                "case_number": "25-10417",
                "before": "$\xa090.00",
                "since": "$\xa045.50",
            },
        )
        self.assertFalse(data["split"]["estate"])
        self.account.date_start = date(2025, 3, 1)
        wizard = self.env["utility.account.payoff.quote"].create(
            {"account_id": self.account.id, "date": date(2025, 3, 15)}
        )
        self.assertEqual(wizard._get_report_values()["split"], data["split"])
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html(
                "utility_billing.action_report_utility_account_status_letter", self.account.ids
            )[0]
            .decode()
        )
        self.assertIn("owed before the bankruptcy petition of", html)
        self.assertIn("case 25-10417", html)
        for figure in ("135.50", "90.00", "45.50"):
            self.assertIn(figure, html)

    def test_a_payment_after_the_petition_counts_on_its_own_side(self):
        """A payment of 20.00 on 03/05/2025 not matched to a bill lowers the
        post-petition balance: 45.50 - 20.00 = 25.50; pre-petition stays 90.00."""
        self.env["account.move.line"].invalidate_model()
        payment = self._payment([(self.account, 20.0)], date=date(2025, 3, 5))
        receivable = payment.move_id.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        receivable.remove_move_reconcile()
        self.account.invalidate_recordset()
        self.assertEqual(self.account.amount_pre_petition, 90.0)
        self.assertEqual(self.account.amount_post_petition, 25.5)
        split = self.account._get_open_balance_split({self.account.id: date(2025, 2, 10)})
        self.assertEqual(split[self.account.id], (Decimal("90.00"), Decimal("25.50")))
