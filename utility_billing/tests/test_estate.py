# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Estates: the hold from the date of death to the day the estate is settled,
letters, notices and the payoff quote addressed to the executor, and what was
billed after the date of death shown apart on the payoff quote.

Rule (North Carolina; UNC School of Government, "When a Customer Dies:
Navigating Utility Service After the Death of an Account Holder", Coates'
Canons, May 2025,
https://canons.sog.unc.edu/2025/05/when-a-customer-dies-navigating-utility-service-after-the-death-of-an-account-holder/):
"Charges incurred before death may be recoverable from the customer's estate,
if one is opened. But charges incurred after death generally cannot be
collected unless someone lawfully establishes a new account."
"""

from datetime import date
from decimal import Decimal

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common_payment import PaymentCommon
from .test_collection_notices import PAST_DUE_DATE, CollectionNoticeCommon

PAYOFF = "utility_billing.action_report_utility_account_payoff_quote"
STATUS = "utility_billing.action_report_utility_account_status_letter"


@tagged("post_install", "-at_install")
class TestEstate(PaymentCommon):
    """- Bill of 01/01/2025: water 60.00 + sewer 30.00 = 90.00 (before death).
    - The customer died on 02/14/2025; the estate was settled on 06/30/2025.
    - Bill of 03/01/2025: water 45.50 (after death).
    - Open balance 135.50 = 90.00 owed by the estate + 45.50 billed since.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._post_bill(cls.account, date(2025, 1, 1), {cls.water: 60.0, cls.sewer: 30.0})
        cls._post_bill(cls.account, date(2025, 3, 1), {cls.water: 45.5})
        cls.executor = cls.env["res.partner"].create(
            {
                "name": "Dana Whitfield",
                "street": "14 Elm Street",
                "city": "Springfield",
                "zip": "62701",
                "email": "dana.whitfield@example.com",
            }
        )
        cls.account.partner_id.write({"street": "9 Oak Lane", "city": "Springfield"})
        cls.account.write(
            {
                "is_estate": True,
                "date_of_death": date(2025, 2, 14),
                "executor_partner_id": cls.executor.id,
                "date_estate_settled": date(2025, 6, 30),
            }
        )

    def test_balance_split_at_the_date_of_death(self):
        self.assertEqual(self.account.amount_before_death, 90.0)
        self.assertEqual(self.account.amount_after_death, 45.5)
        self.assertEqual(self.account.amount_balance, 135.5)
        self.assertEqual(self.account2.amount_before_death, 0.0)
        split = self.account._get_open_balance_split({self.account.id: date(2025, 2, 14)})
        self.assertEqual(split[self.account.id], (Decimal("90.00"), Decimal("45.50")))

    def test_estate_holds_only_from_death_until_settled(self):
        for day, held in (
            (date(2025, 2, 13), False),
            (date(2025, 2, 14), True),
            (date(2025, 6, 29), True),
            (date(2025, 6, 30), False),
        ):
            for step in ("late_fee", "notice", "door_hanger", "shutoff"):
                holds = self.account._get_collection_holds(day, step)
                self.assertEqual(self.account.id in holds, held, (day, step))
                if held:
                    self.assertEqual(holds[self.account.id], "estate")
        self.account.date_estate_settled = False
        holds = self.account._get_collection_holds(date(2026, 1, 1), "shutoff")
        self.assertEqual(holds[self.account.id], "estate", "not settled yet: still held")

    def test_settled_on_is_tracked(self):
        env = self.env(context=dict(self.env.context, tracking_disable=False, mail_notrack=False))
        self.env.cr.precommit.clear()
        self.account.with_env(env).date_estate_settled = date(2025, 7, 15)
        self.env.cr.precommit.run()  # tracking values are written at commit
        self.env.invalidate_all()
        tracked = self.account.message_ids.tracking_value_ids.field_id.mapped("name")
        self.assertIn("date_estate_settled", tracked)

    def test_letters_go_to_the_executor(self):
        self.assertEqual(self.account.letter_partner_id, self.executor)
        self.assertEqual(self.account2.letter_partner_id, self.account2.partner_id)
        addressee = self.account._get_letter_addressee()
        self.assertEqual(
            addressee["name"],
            f"Estate of {self.account.partner_id.name}, c/o Dana Whitfield",
        )
        self.assertIn("14 Elm Street", addressee["address"])
        html = self.env["ir.actions.report"]._render_qweb_html(STATUS, self.account.ids)[0]
        html = html.decode()
        self.assertIn(f"Estate of {self.account.partner_id.name}, c/o Dana Whitfield", html)
        self.assertIn("14 Elm Street", html)
        self.assertNotIn("9 Oak Lane", html, "never addressed to the deceased's address")

    def test_account_e_mails_go_to_the_executor(self):
        """The account's letters by e-mail (welcome, final bill, level pay, the
        deposit letters) go to the executor, "Dear Dana Whitfield"."""
        for xmlid in (
            "mail_template_utility_welcome",
            "mail_template_utility_final_bill_letter",
            "mail_template_utility_level_pay_enrollment",
        ):
            template = self.env.ref(f"utility_billing.{xmlid}")
            rendered = template._generate_template(self.account.ids, ("partner_to", "body_html"))[
                self.account.id
            ]
            self.assertEqual(rendered["partner_ids"], self.executor.ids, xmlid)
            self.assertIn("Dear Dana Whitfield", rendered["body_html"], xmlid)
        deposit = (
            self.env["utility.customer.deposit"]
            .sudo()
            .create({"account_id": self.account.id, "date": date(2025, 1, 1), "amount": 40.0})
        )
        self.assertEqual(deposit._get_letter_partner(), self.executor)
        template = self.env.ref("utility_billing.mail_template_utility_deposit_receipt")
        rendered = template._generate_template(deposit.ids, ("partner_to",))[deposit.id]
        self.assertEqual(rendered["partner_ids"], self.executor.ids)

    def test_payoff_quote_to_the_executor_with_charges_after_death_apart(self):
        """Payoff through 03/15/2025: balance billed 135.50, of which 90.00 billed
        before the date of death 02/14/2025 (owed by the estate) and 45.50 since."""
        self.account.date_start = date(2025, 3, 1)  # the quote estimates from here
        wizard = self.env["utility.account.payoff.quote"].create(
            {"account_id": self.account.id, "date": date(2025, 3, 15)}
        )
        self.assertEqual(wizard.amount_balance, 135.5)
        self.assertEqual(wizard.amount_before_death, 90.0)
        self.assertEqual(wizard.amount_after_death, 45.5)
        self.assertEqual(
            wizard._get_report_values()["split"]["estate"],
            {"date": "02/14/2025", "before": "$\xa090.00", "since": "$\xa045.50"},
        )
        html = self.env["ir.actions.report"]._render_qweb_html(PAYOFF, wizard.ids)[0].decode()
        self.assertIn("billed before the date of death", html)
        self.assertIn("02/14/2025", html)
        self.assertIn("billed after the date of death", html)
        self.assertIn("not a debt of the deceased", html)
        self.assertIn("c/o Dana Whitfield", html)
        self.assertIn("14 Elm Street", html)
        for figure in ("135.50", "90.00", "45.50"):
            self.assertIn(figure, html)

    def test_bad_estate_dates_are_refused(self):
        cases = (
            ({"date_of_death": date(2999, 1, 1)}, "cannot be in the future"),
            ({"date_estate_settled": date(2025, 2, 1)}, "cannot be settled before"),
            ({"executor_partner_id": self.account.partner_id.id}, "someone other than"),
        )
        for vals, message in cases:
            with self.assertRaisesRegex(ValidationError, message), self.cr.savepoint():
                self.account.write(vals)
            self.assertEqual(self.account.date_of_death, date(2025, 2, 14))
            self.assertEqual(self.account.date_estate_settled, date(2025, 6, 30))
            self.assertEqual(self.account.executor_partner_id, self.executor)
        with self.assertRaisesRegex(ValidationError, "date of death before"):
            self.account2.write({"is_estate": True, "date_estate_settled": date(2025, 6, 30)})


@tagged("post_install", "-at_install")
class TestEstateNotices(CollectionNoticeCommon):
    """The delinquency run's notices of an estate: held from the date of death
    until it is settled; once settled, the notice goes to the executor."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.executor = cls.env["res.partner"].create(
            {"name": "Dana Whitfield", "street": "14 Elm Street", "email": "dana@example.com"}
        )
        cls.account.write(
            {
                "is_paperless": True,
                "is_estate": True,
                "date_of_death": date(2025, 9, 1),
                "executor_partner_id": cls.executor.id,
            }
        )

    def _past_due_notice(self):
        run = self._run()
        run.date_notice = PAST_DUE_DATE
        run.action_notices_past_due()
        return run, run.notice_ids.filtered(
            lambda n: n.kind == "past_due" and n.account_id == self.account
        )

    def test_estate_being_settled_is_held(self):
        _run, notice = self._past_due_notice()
        self.assertEqual(notice.state, "held")
        self.assertEqual(notice.hold_reason, "estate")

    def test_settled_estate_notice_goes_to_the_executor(self):
        self.account.date_estate_settled = date(2025, 11, 11)  # the day before the notice
        run, notice = self._past_due_notice()
        self.assertEqual(notice.state, "to_send")
        self.assertEqual(notice.partner_id, self.executor)
        self.assertTrue(notice.is_email)
        run.with_context(discard_logo_check=True).action_send_notices()
        mail = self.env["mail.mail"].search(
            [("model", "=", notice._name), ("res_id", "=", notice.id)]
        )
        self.assertEqual(mail.recipient_ids, self.executor)
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html(
                "utility_billing.action_report_utility_collection_notice", notice.ids
            )[0]
            .decode()
        )
        self.assertIn(f"Estate of {self.account.partner_id.name}, c/o Dana Whitfield", html)
