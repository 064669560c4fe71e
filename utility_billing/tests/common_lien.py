# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date
from unittest.mock import patch

from odoo import fields
from odoo.tests import new_test_user

from .common_payment import PaymentCommon

BILLING = "base.group_user,utility_billing.group_utility_billing"
TODAY = date(2025, 6, 2)
NOTICE_DAY = date(2025, 5, 1)
INTENT_REPORT = "utility_billing.action_report_utility_lien_intent"


class LienCommon(PaymentCommon):
    """The lien fee's income account, a billing specialist, and the clerk's
    steps: create a lien, print its Notice of Intent on a given day."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.fee_income = cls.env["account.account"].create(
            {"name": "Lien Certification Fees", "code": "400300", "account_type": "income"}
        )
        cls.company.utility_lien_fee_account_id = cls.fee_income
        cls.company.utility_lien_min_age_days = 31
        cls.company.utility_lien_notice_days = 30
        cls.clerk = new_test_user(cls.env, login="ub_lien_billing", groups=BILLING)

    def _lien(self, account):
        return self.env["utility.lien"].with_user(self.clerk).create({"account_id": account.id})

    def _today(self, day=TODAY):
        return patch.object(fields.Date, "context_today", lambda *a, **k: day)

    def _print_notice(self, liens, day=NOTICE_DAY):
        """The clerk prints the Notice of Intent to Lien (Print menu: a PDF) on
        ``day``; the test runner renders the PDF's HTML, with the PDF's data."""
        with self._today(day):
            return (
                self.env["ir.actions.report"]
                .with_user(self.clerk)
                ._render_qweb_pdf(INTENT_REPORT, liens.ids)[0]
                .decode()
            )
