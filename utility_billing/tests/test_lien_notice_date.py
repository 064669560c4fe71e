# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common_lien import INTENT_REPORT, LienCommon


@tagged("post_install", "-at_install")
class TestLienNoticeDate(LienCommon):
    """Only a notice that reaches the owner dates it.

    Lockland, OH, § 1040.05 (d)
    (https://codelibrary.amlegal.com/codes/lockland/latest/lockland_oh/0-0-0-10145):
    written notice of the impending certification "at least 30 days prior to
    the certification". The HTML preview of the Notice of Intent on 05/05/2025
    tells nobody: no date, Certify still refused. The PDF printed on 05/10/2025
    dates it (certify on or after 06/09/2025); printed again on 05/20/2025 the
    date stays 05/10/2025.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._post_bill(cls.account, date(2025, 3, 1), {cls.water: 80.0, cls.sewer: 42.35})

    def _preview(self, lien, day):
        with self._today(day):
            return (
                self.env["ir.actions.report"]
                .with_user(self.clerk)
                ._render_qweb_html(INTENT_REPORT, lien.ids)[0]
                .decode()
            )

    def test_preview_dates_nothing_pdf_dates_once(self):
        lien = self._lien(self.account)
        html = self._preview(lien, date(2025, 5, 5))
        self.assertIn("NOTICE OF INTENT TO LIEN", html)
        self.assertFalse(lien.date_notice)
        with self._today(date(2025, 6, 9)), self.assertRaisesRegex(UserError, "first"):
            lien.action_certify()
        self.assertIn("NOTICE OF INTENT TO LIEN", self._print_notice(lien, date(2025, 5, 10)))
        self.assertEqual(lien.date_notice, date(2025, 5, 10))
        self.assertEqual(lien.date_certify_from, date(2025, 6, 9))
        self._print_notice(lien, date(2025, 5, 20))
        self._preview(lien, date(2025, 5, 21))
        self.assertEqual(lien.date_notice, date(2025, 5, 10))
        with self._today(date(2025, 6, 8)), self.assertRaisesRegex(UserError, "06/09/2025"):
            lien.action_certify()
        with self._today(date(2025, 6, 9)):
            lien.action_certify()
        self.assertEqual((lien.state, lien.amount_certified), ("certified", 272.35))
