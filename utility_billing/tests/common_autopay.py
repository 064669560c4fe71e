# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Fixtures of the autopay and returned payment tests.

``AutopayCommon`` builds on ``PaymentCommon`` (three accounts with water, sewer
and garbage, :meth:`_post_bill`, :meth:`_payment`): the company as a NACHA
originator, its bank journal, e-mail addresses for the notices, and
:meth:`_enroll` to put an account on autopay.
"""

import base64
from datetime import date

from .common_payment import PaymentCommon

__all__ = ["AutopayCommon"]

ODFI = "071000013"


class AutopayCommon(PaymentCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bank_journal = cls.company_data["default_journal_bank"]
        cls.company.write(
            {
                "utility_ach_immediate_destination": ODFI,
                "utility_ach_immediate_destination_name": "First Prairie Bank",
                "utility_ach_immediate_origin": "1426000123",
                "utility_ach_immediate_origin_name": "City of Prairie City",
                "utility_ach_company_name": "Prairie City Util",
                "utility_ach_company_identification": "1426000123",
                "utility_ach_odfi_routing": ODFI,
                "utility_ach_entry_description": "UTILITY",
                "utility_autopay_journal_id": cls.bank_journal.id,
                "utility_nsf_fee_amount": 25.0,
                "utility_cash_only_return_count": 2,
                "email": "utility@prairie-city.example.com",
            }
        )
        for index, account in enumerate(cls.accounts):
            account.partner_id.email = f"customer{index}@example.com"

    @classmethod
    def _bank(cls, account, routing="021000021", number=None):
        return cls.env["res.partner.bank"].create(
            {
                "partner_id": account.partner_id.id,
                "acc_number": number or f"0001234{account.id:05d}",
                "aba_routing": routing,
            }
        )

    @classmethod
    def _enroll(cls, account, confirm=True, **vals):
        enrollment = cls.env["utility.autopay.enrollment"].create(
            dict(
                {
                    "account_id": account.id,
                    "bank_id": vals.pop("bank_id", None) or cls._bank(account).id,
                    "date_start": date(2025, 1, 1),
                },
                **vals,
            )
        )
        if confirm:
            enrollment.action_confirm()
        return enrollment

    def _online_payment(self, account, amount, day):
        """A posted online payment of ``amount`` on ``account``."""
        return self._payment(
            [(account, amount)],
            date=day,
            source="online",
            tender="online",
            journal_id=self.bank_journal.id,
        )

    def _check_payment(self, account, amount, day, number="1001"):
        """A check taken at the counter, in the current user's open session."""
        Session = self.env["utility.cashier.session"]
        session = Session._get_open_session() or Session.create({})
        return self._payment(
            [(account, amount)],
            date=day,
            tender="check",
            check_number=number,
            session_id=session.id,
        )

    def _autopay_file(self, date_due, generate=True, post=False, **vals):
        autopay_file = self.env["utility.autopay.file"].create(dict({"date_due": date_due}, **vals))
        if generate:
            autopay_file.action_generate()
        if post:
            autopay_file.action_post()
        return autopay_file

    @staticmethod
    def _file_records(autopay_file):
        return base64.b64decode(autopay_file.file_data).decode("ascii").splitlines()

    def _returns_file(self, text, **vals):
        return self.env["utility.ach.return.file"].create(
            dict(
                {"file_data": base64.b64encode(text.encode()), "file_name": "returns.csv"},
                **vals,
            )
        )
