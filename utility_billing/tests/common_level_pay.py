# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Fixtures of the level-pay tests: the 2024 bills 40, 42, 45, 50, 60, 75, 90,
85, 65, 50, 44, 41 = 687.00 on one account."""

from datetime import date

from .common_billing import BillingCommon

BILLS_2024 = [40, 42, 45, 50, 60, 75, 90, 85, 65, 50, 44, 41]
ENROLL = date(2025, 1, 1)


class LevelPayCommon(BillingCommon):
    """An account with the 2024 bills of ``BILLS_2024``, and helpers to bill and pay."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bank_journal = cls.company_data["default_journal_bank"]
        cls.account = cls._make_accounts(1, readings=False)
        cls._bills(
            cls.account,
            [(date(2024, month, 15), amount) for month, amount in enumerate(BILLS_2024, 1)],
        )

    @classmethod
    def _bills(cls, account, dated_amounts):
        return cls.env["utility.bill.builder"]._create_posted_moves(
            [
                {
                    "partner_id": account.partner_id.id,
                    "journal_id": cls.journal.id,
                    "invoice_date": day,
                    "invoice_date_due": day,
                    "utility_account_id": account.id,
                    "utility_location_id": account.location_id.id,
                    "utility_bill_kind": "cycle",
                    "lines": [
                        {
                            "name": "Water charges",
                            "product_id": cls.water.product_id.id,
                            "account_id": cls.income[cls.water].id,
                            "quantity": 1.0,
                            "price_unit": float(amount),
                            "utility_service_type_id": cls.water.id,
                        }
                    ],
                }
                for day, amount in dated_amounts
            ]
        )

    def _pay(self, amount, day):
        payment = self.env["utility.payment"].create(
            {
                "date": day,
                "source": "lockbox",
                "journal_id": self.bank_journal.id,
                "line_ids": [(0, 0, {"account_id": self.account.id, "amount": amount})],
            }
        )
        payment.action_post()
        self.account.invalidate_recordset()
