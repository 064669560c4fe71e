# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from odoo.tests import tagged

from .test_agency_rule import AgencyRuleCommon

SUMMARY = "Recall from the agency"


@tagged("post_install", "-at_install")
class TestAgencyRecallActivity(AgencyRuleCommon):
    """A referral paid in full while at the agency gives the collections clerk a
    to-do "Recall from the agency", once.

    Account 3 owes 33.00 (bill of 04/01/2025), referred on 05/01/2025 by the
    billing specialist: 20.00 paid on 06/02 leaves 13.00 (no to-do); 13.00 on
    06/03 pays it in full: one to-do for the clerk who referred it, due
    06/03/2025; 5.00 more on 06/04 (a credit) makes no second one. Recall marks
    it done.
    """

    def _todos(self, referral):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "utility.agency.referral"),
                ("res_id", "=", referral.id),
                ("summary", "=", SUMMARY),
            ]
        )

    def test_paid_in_full_gives_the_referring_clerk_one_todo(self):
        referral = self._refer(self.account3)
        self._payment([(self.account3, 20.0)], date=date(2025, 6, 2))
        self.assertFalse(self._todos(referral))
        self._payment([(self.account3, 13.0)], date=date(2025, 6, 3))
        self.assertEqual(referral.date_paid, date(2025, 6, 3))
        todo = self._todos(referral)
        self.assertEqual(len(todo), 1)
        self.assertEqual(
            (todo.user_id, todo.date_deadline, todo.activity_type_id),
            (self.preparer, date(2025, 6, 3), self.env.ref("mail.mail_activity_data_todo")),
        )
        self.assertIn("06/03/2025", str(todo.note))
        # The clerk sees it as their own to-do on the referral.
        mine = self.env["utility.agency.referral"].with_user(self.preparer)
        self.assertEqual(mine.search([("activity_user_id", "=", self.preparer.id)]), referral)
        self._payment([(self.account3, 5.0)], date=date(2025, 6, 4))
        self.assertEqual(len(self._todos(referral)), 1)
        self.assertEqual(referral.date_paid, date(2025, 6, 3))
        # Recall is what the to-do asked: done, in the referral's history.
        referral.with_user(self.preparer).action_recall()
        self.assertFalse(self._todos(referral))
        self.assertIn(SUMMARY, "".join(referral.message_ids.mapped("body")))

    def test_configured_user_gets_the_todo(self):
        """Settings > Agency Recalls To: the supervisor gets it, not the clerk."""
        self.company.utility_agency_recall_user_id = self.approver
        referral = self._refer(self.account3)
        self._payment([(self.account3, 33.0)], date=date(2025, 6, 3))
        self.assertEqual(self._todos(referral).user_id, self.approver)

    def test_part_payment_gives_no_todo(self):
        referral = self._refer(self.account3)
        self._payment([(self.account3, 32.99)], date=date(2025, 6, 3))
        self.assertFalse(referral.date_paid)
        self.assertFalse(self._todos(referral))
