# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common_lien import LienCommon


@tagged("post_install", "-at_install")
class TestLienRules(LienCommon):
    """Which charges a lien certifies, and the wait after the notice of intent.

    Age: Newton Falls, OH, Codified Ord. 929.085
    (https://codelibrary.amlegal.com/codes/newtonfalls/latest/newtonfalls_oh/0-0-0-28339):
    a charge "not paid prior to thirty-one (31) days after the date upon which
    it is due" may be certified, with a $150.00 administrative fee. Certified
    on 06/02/2025, with the setting at 31 days:

    - bill of 03/01/2025 due 03/21/2025, 122.35: 73 days past due, certified;
    - bill of 04/12/2025 due 05/02/2025, 58.20: exactly 31 days, certified;
    - bill of 05/01/2025 due 05/21/2025, 64.10: 12 days, stays on the bills.

    Certified 122.35 + 58.20 = 180.55, fee 150.00, total 330.55; the account
    then owes 122.35 + 58.20 + 64.10 + 150.00 = 394.65.

    Wait: Lockland, OH, § 1040.05 (d)
    (https://codelibrary.amlegal.com/codes/lockland/latest/lockland_oh/0-0-0-10145):
    written notice of the impending certification "at least 30 days prior to
    the certification". Notice printed 05/10/2025: 05/10 + 30 days = 06/09/2025,
    so 06/02 is refused and 06/09 certifies.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._post_bill(cls.account, date(2025, 3, 1), {cls.water: 80.0, cls.sewer: 42.35})
        cls._post_bill(cls.account, date(2025, 4, 12), {cls.water: 58.20})
        cls._post_bill(cls.account, date(2025, 5, 1), {cls.water: 64.10})
        cls._post_bill(cls.account2, date(2025, 5, 1), {cls.water: 64.10})

    def test_only_charges_old_enough_are_certified(self):
        lien = self._lien(self.account)
        self._print_notice(lien, date(2025, 5, 1))
        with self._today(date(2025, 6, 2)):
            lien.action_certify()
        self.assertEqual(
            (lien.amount_delinquent, lien.amount_fee, lien.amount_certified),
            (180.55, 150.0, 330.55),
        )
        fee = lien.fee_move_id
        self.assertEqual((fee.state, fee.utility_bill_kind), ("posted", "fee"))
        self.assertEqual(fee.invoice_date, date(2025, 6, 2))
        income = fee.line_ids.filtered(lambda line: line.account_id == self.fee_income)
        self.assertEqual((income.debit, income.credit), (0.0, 150.0))
        receivable = fee.line_ids.filtered(lambda line: line.account_id == self.receivable)
        self.assertEqual((receivable.debit, receivable.utility_account_id), (150.0, self.account))
        # The young bill stays on the account's bills.
        self.env["utility.account"].invalidate_model(["amount_balance"])
        self.assertEqual(self.account.amount_balance, 394.65)

    def test_a_shorter_setting_certifies_the_younger_bill_too(self):
        """At 12 days the bill due 05/21/2025 is old enough on 06/02/2025:
        122.35 + 58.20 + 64.10 = 244.65, with the fee 394.65."""
        self.company.utility_lien_min_age_days = 12
        lien = self._lien(self.account)
        self._print_notice(lien, date(2025, 5, 1))
        with self._today(date(2025, 6, 2)):
            lien.action_certify()
        self.assertEqual((lien.amount_delinquent, lien.amount_certified), (244.65, 394.65))

    def test_notice_states_what_would_be_certified(self):
        """Printed 06/02/2025: 122.35 + 58.20 = 180.55 past due 31 days or
        more, of a balance of 244.65."""
        lien = self._lien(self.account)
        html = self._print_notice(lien, date(2025, 6, 2))
        self.assertIn("180.55", html)
        self.assertIn("244.65", html)
        self.assertIn("31 days or more", " ".join(html.split()))

    def test_nothing_old_enough_is_refused_and_nothing_billed(self):
        """Account 2's only bill is 12 days past due on 06/02/2025."""
        lien = self._lien(self.account2)
        self._print_notice(lien, date(2025, 5, 1))
        with (
            self._today(date(2025, 6, 2)),
            self.assertRaisesRegex(UserError, "nothing past due 31 days or more"),
        ):
            lien.action_certify()
        self.assertEqual((lien.state, lien.amount_certified), ("to_certify", 0.0))
        self.assertFalse(
            self.env["account.move"].search(
                [("utility_account_id", "=", self.account2.id), ("utility_bill_kind", "=", "fee")]
            )
        )

    def test_certify_waits_after_the_notice(self):
        self.env = self.env(
            context=dict(self.env.context, tracking_disable=False, mail_notrack=False)
        )
        lien = self._lien(self.account)
        self.env.cr.precommit.run()  # created in an earlier request
        with (
            self._today(date(2025, 6, 2)),
            self.assertRaisesRegex(UserError, "print or e-mail the Notice of Intent"),
        ):
            lien.action_certify()
        self._print_notice(lien, date(2025, 5, 10))
        self.env.cr.precommit.run()
        self.assertEqual(lien.date_notice, date(2025, 5, 10))
        self.assertEqual(lien.date_certify_from, date(2025, 6, 9))
        # A reprint keeps the day the owner was first told.
        self._print_notice(lien, date(2025, 5, 20))
        self.assertEqual(lien.date_notice, date(2025, 5, 10))
        with (
            self._today(date(2025, 6, 2)),
            self.assertRaisesRegex(UserError, "on or after 06/09/2025"),
        ):
            lien.action_certify()
        self.assertEqual(lien.state, "to_certify")
        self.assertFalse(lien.fee_move_id)
        with self._today(date(2025, 6, 9)):
            lien.action_certify()
        self.assertEqual((lien.state, lien.date_certified), ("certified", date(2025, 6, 9)))
        # The notice's date is the record of what the owner was told: no hand edits.
        for vals in ({"date_notice": date(2025, 1, 1)}, {"date_notice": False}):
            with self.assertRaises(AccessError):
                lien.with_user(self.clerk).write(vals)
        with self.assertRaises(AccessError):
            self.env["utility.lien"].with_user(self.clerk).create(
                {"account_id": self.account2.id, "date_notice": date(2025, 1, 1)}
            )
        # ... and its date shows in the lien's history.
        self.env.cr.precommit.run()
        tracked = lien.sudo().message_ids.tracking_value_ids.field_id.mapped("name")
        self.assertIn("date_notice", tracked)
