# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import csv
import io
from datetime import date

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from ..models.utility_lien import COUNTY_FILE_COLUMNS, COUNTY_RELEASE_COLUMNS
from .common_lien import TODAY, LienCommon


@tagged("post_install", "-at_install")
class TestLien(LienCommon):
    """Lien certification, the county file and the release, cents by hand.

    Rule: Newton Falls, OH, Codified Ordinances 929.085
    (https://codelibrary.amlegal.com/codes/newtonfalls/latest/newtonfalls_oh/0-0-0-28339):
    charges unpaid 31 days after due "may be certified ... to the County
    Auditor"; "An administrative fee of one hundred fifty dollars ($150.00)
    shall be added and assessed for all delinquent sewer fee charges that are
    certified".

    - Bill of 03/01/2025 due 03/21/2025: water 80.00 + sewer 42.35 = 122.35,
      unpaid on 06/02/2025: 73 days past due, 122.35 certifiable.
    - Notice of Intent printed 05/01/2025; Lockland, OH, § 1040.05 (d)
      (https://codelibrary.amlegal.com/codes/lockland/latest/lockland_oh/0-0-0-10145):
      written notice "at least 30 days prior to the certification": 05/01 + 30
      days = 05/31/2025, so 06/02/2025 may certify.
    - Certified: fee invoice 150.00 (lien fee income), total certified 272.35.
    - Paid 272.35: the lien is released.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.owner = cls.env["res.partner"].create({"name": "Lee Landlord", "city": "Prairie City"})
        cls.account.location_id.owner_id = cls.owner
        cls._post_bill(cls.account, date(2025, 3, 1), {cls.water: 80.0, cls.sewer: 42.35})

    def test_certify_export_file_and_release(self):
        lien = self._lien(self.account)
        self.assertEqual(lien.owner_id, self.owner)
        self._print_notice(lien)
        self.assertEqual(lien.date_notice, date(2025, 5, 1))
        with self._today():
            lien.action_certify()
        self.assertEqual(lien.state, "certified")
        self.assertEqual(
            (lien.amount_delinquent, lien.amount_fee, lien.amount_certified),
            (122.35, 150.0, 272.35),
        )
        fee = lien.fee_move_id
        self.assertEqual(
            (fee.state, fee.utility_bill_kind, fee.amount_total), ("posted", "fee", 150.0)
        )
        income = fee.line_ids.filtered(lambda line: line.account_id == self.fee_income)
        self.assertEqual((income.debit, income.credit), (0.0, 150.0))
        receivable = fee.line_ids.filtered(lambda line: line.account_id == self.receivable)
        self.assertEqual((receivable.debit, receivable.utility_account_id), (150.0, self.account))
        self.env["utility.account"].invalidate_model(["amount_balance"])
        self.assertEqual(self.account.amount_balance, 272.35)
        # The county's file, once.
        with self._today():
            action = lien.action_export_county()
        attachment = self.env["ir.attachment"].browse(
            int(action["url"].split("/")[3].split("?")[0])
        )
        rows = list(csv.reader(io.StringIO(base64.b64decode(attachment.datas).decode())))
        self.assertEqual(tuple(rows[0]), COUNTY_FILE_COLUMNS)
        self.assertEqual(
            rows[1][:2] + rows[1][4:],
            [self.account.name, "Lee Landlord", "06/02/2025", "122.35", "150.00", "272.35"],
        )
        with self.assertRaisesRegex(UserError, "already sent to the county"):
            lien.action_export_county()
        # Filing needs the county's number; release needs the account paid.
        with self.assertRaisesRegex(UserError, "recording number"):
            lien.action_file()
        lien.filing_reference = "2025-004417"
        lien.action_file()
        self.assertEqual(lien.state, "filed")
        with self.assertRaisesRegex(UserError, "still owes"):
            lien.action_release()
        self._payment([(self.account, 272.35)], date=TODAY)
        self.env["utility.account"].invalidate_model(["amount_balance"])
        lien.action_release()
        self.assertEqual(lien.state, "released")
        # The letters print: notice of intent and release.
        Report = self.env["ir.actions.report"]
        intent = Report._render_qweb_html(
            "utility_billing.action_report_utility_lien_intent", lien.ids
        )[0].decode()
        self.assertIn("NOTICE OF INTENT TO LIEN", intent)
        self.assertIn("Lee Landlord", intent)
        release = Report._render_qweb_html(
            "utility_billing.action_report_utility_lien_release", lien.ids
        )[0].decode()
        self.assertIn("RELEASE OF LIEN", release)
        self.assertIn("272.35", release)
        self.assertIn("2025-004417", release)
        # Posted means posted.
        with self.assertRaises(AccessError):
            lien.write({"state": "certified"})

    def test_nothing_delinquent_is_not_certified(self):
        """Account 2 has no bill: no lien, no fee invoice."""
        lien = self._lien(self.account2)
        self._print_notice(lien)
        with self._today(), self.assertRaisesRegex(UserError, "nothing past due"):
            lien.action_certify()
        self.assertEqual(lien.state, "to_certify")
        self.assertFalse(
            self.env["account.move"].search(
                [("utility_account_id", "=", self.account2.id), ("utility_bill_kind", "=", "fee")]
            )
        )

    def test_second_lien_on_the_same_account_is_refused(self):
        first = self._lien(self.account)
        self._print_notice(first)
        with self._today():
            first.action_certify()
        with self.assertRaisesRegex(UserError, "already have a lien not released"):
            self._lien(self.account)
        with self.assertRaisesRegex(UserError, "already have a lien not released"):
            self.env["utility.lien"].create(
                [{"account_id": self.account2.id}, {"account_id": self.account2.id}]
            )
        # Once released, the property may be liened again.
        self._payment([(self.account, 272.35)], date=TODAY)
        self.env["utility.account"].invalidate_model(["amount_balance"])
        first.action_release()
        self.assertEqual(self._lien(self.account).state, "to_certify")

    def _csv_rows(self, action):
        attachment = self.env["ir.attachment"].browse(
            int(action["url"].split("/")[3].split("?")[0])
        )
        return list(csv.reader(io.StringIO(base64.b64decode(attachment.datas).decode())))

    def test_county_release_file_sends_each_release_once(self):
        """Certified 06/02/2025 for 272.35, filed as 2025-004417, paid and
        released 06/20/2025: one row in the county's release file, never two."""
        lien = self._lien(self.account)
        self._print_notice(lien)
        with self._today():
            lien.action_certify()
        lien.filing_reference = "2025-004417"
        lien.action_file()
        with self.assertRaisesRegex(UserError, "not yet sent"):
            lien.action_export_county_release()
        self._payment([(self.account, 272.35)], date=TODAY)
        self.env["utility.account"].invalidate_model(["amount_balance"])
        with self._today(date(2025, 6, 20)):
            lien.action_release()
        waiting = self._lien(self.account2)
        with self._today(date(2025, 6, 21)):
            action = (lien | waiting).action_export_county_release()
        rows = self._csv_rows(action)
        self.assertEqual(tuple(rows[0]), COUNTY_RELEASE_COLUMNS)
        self.assertEqual(len(rows), 2)
        self.assertEqual(
            rows[1][:2] + rows[1][3:],
            [
                self.account.name,
                "Lee Landlord",
                "2025-004417",
                "06/02/2025",
                "272.35",
                "06/20/2025",
            ],
        )
        self.assertEqual(lien.date_release_exported, date(2025, 6, 21))
        with self.assertRaisesRegex(UserError, "not yet sent"):
            lien.action_export_county_release()
        with self.assertRaises(AccessError):
            lien.write({"date_release_exported": False})
