# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import csv
import io
from datetime import date

from odoo.exceptions import UserError
from odoo.tests import tagged

from ..models.utility_agency_referral import AGENCY_FILE_COLUMNS
from .test_agency_rule import AgencyRuleCommon


@tagged("post_install", "-at_install")
class TestAgencyRecall(AgencyRuleCommon):
    """A full payment at the office while the account is at the agency flags the
    referral (Paid in Full On) for the clerk to recall; the next agency file
    tells the agency to stop (Action RECALL, with the date paid).

    Account 3 owes 33.00 (bill of 04/01/2025), referred on 05/01/2025: 20.00 paid
    on 06/02 leaves 13.00 (not flagged); 13.00 more on 06/03 pays it in full
    (flagged 06/03/2025).
    """

    def _rows(self, action):
        attachment = self.env["ir.attachment"].browse(
            int(action["url"].split("/")[3].split("?")[0])
        )
        return list(csv.reader(io.StringIO(base64.b64decode(attachment.datas).decode())))

    def test_full_payment_flags_the_referral(self):
        referral = self._refer(self.account3)
        self._payment([(self.account3, 20.0)], date=date(2025, 6, 2))
        self.assertFalse(referral.date_paid)
        self._payment([(self.account3, 13.0)], date=date(2025, 6, 3))
        self.assertEqual(referral.date_paid, date(2025, 6, 3))
        self.assertIn("Paid in full on", referral.message_ids[0].body)
        # Flagged, not recalled: the clerk recalls it.
        self.assertEqual(referral.state, "referred")
        self.assertTrue(self.account3.is_at_agency)
        Referral = self.env["utility.agency.referral"].with_user(self.preparer)
        self.assertEqual(
            Referral.search([("date_paid", "!=", False), ("state", "!=", "recalled")]), referral
        )
        referral.with_user(self.preparer).action_recall()
        self.assertEqual(referral.state, "recalled")
        self.assertTrue(referral.date_recalled)
        self.account3.invalidate_recordset()
        self.assertFalse(self.account3.is_at_agency)

    def test_recall_goes_in_the_next_file_once(self):
        referral = self._refer(self.account3)
        rows = self._rows(referral.with_user(self.preparer).action_export())
        self.assertEqual(tuple(rows[0]), AGENCY_FILE_COLUMNS)
        self.assertEqual(rows[1][0], self.account3.name)
        self.assertEqual(rows[1][12:], ["NEW", ""])
        self._payment([(self.account3, 33.0)], date=date(2025, 6, 3))
        self.assertEqual(referral.date_paid, date(2025, 6, 3))
        referral.with_user(self.preparer).action_recall()
        rows = self._rows(referral.with_user(self.preparer).action_export())
        self.assertEqual(len(rows), 2)
        self.assertEqual(rows[1][10], "33.00")
        self.assertEqual(rows[1][12:], ["RECALL", "06/03/2025"])
        self.assertTrue(referral.date_recall_sent)
        with self.assertRaisesRegex(UserError, "already sent"):
            referral.with_user(self.preparer).action_export()

    def test_recall_never_sent_is_not_in_a_file(self):
        """The agency never had it: nothing to tell it."""
        referral = self._refer(self.account3)
        referral.with_user(self.preparer).action_recall()
        with self.assertRaisesRegex(UserError, "already sent"):
            referral.with_user(self.preparer).action_export()
        self.assertFalse(referral.date_recall_sent)
