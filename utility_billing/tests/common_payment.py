# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Fixtures of the payment tests: accounts with posted bills to pay.

``PaymentCommon`` builds on ``BillingCommon`` (company, journals, income
accounts per service, schedules, accounts with water, sewer and garbage) and
posts bills with :meth:`_post_bill`, an amount per service, through the
product's invoice writer, so payments meet the same invoices as in production.
"""

from datetime import date, timedelta
from unittest.mock import patch

from .common_billing import BillingCommon

__all__ = ["PaymentCommon"]


class PaymentCommon(BillingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.accounts = cls._make_accounts(3, readings=False, prefix="PAY")
        cls.account, cls.account2, cls.account3 = cls.accounts
        cls.water.payment_priority = 30
        cls.sewer.payment_priority = 10
        cls.garbage.payment_priority = 20

    @classmethod
    def _post_bill(cls, account, invoice_date, amounts, due_days=20):
        """Post a bill of ``amounts`` ({service type: amount}) on ``account``."""
        header = {
            "partner_id": account.partner_id.id,
            "journal_id": cls.journal.id,
            "invoice_date": invoice_date,
            "invoice_date_due": invoice_date + timedelta(days=due_days),
            "utility_account_id": account.id,
            "utility_location_id": account.location_id.id,
            "utility_bill_kind": "cycle",
        }
        lines = [
            {
                "name": f"{service_type.name} charges",
                "product_id": service_type.product_id.id,
                "account_id": cls.income[service_type].id,
                "quantity": 1.0,
                "price_unit": amount,
                "utility_service_type_id": service_type.id,
            }
            for service_type, amount in amounts.items()
        ]
        return cls.env["utility.bill.builder"]._create_posted_moves([dict(header, lines=lines)])

    def _payment(self, lines, post=True, **vals):
        """A payment of ``lines`` ([(utility account or misc type, amount)])."""
        payment = self.env["utility.payment"].create(
            dict(
                {
                    "date": vals.pop("date", date(2025, 3, 1)),
                    "line_ids": [
                        (
                            0,
                            0,
                            {
                                "account_id": target.id
                                if target._name == "utility.account"
                                else False,
                                "misc_type_id": target.id
                                if target._name == "utility.misc.receipt.type"
                                else False,
                                "amount": amount,
                            },
                        )
                        for target, amount in lines
                    ],
                },
                **vals,
            )
        )
        if post:
            payment.action_post()
        return payment

    def _post_lockbox_payments(self, lines):
        """Post one lockbox payment per (account, amount) of ``lines``, all in one
        journal entry, as a lockbox file groups them (see utility.payment.file)."""
        Payment = self.env["utility.payment"]
        payments = Payment.concat(
            *(
                self._payment(
                    [(account, amount)],
                    post=False,
                    source="lockbox",
                    journal_id=self.company_data["default_journal_bank"].id,
                )
                for account, amount in lines
            )
        )
        with patch.object(type(Payment), "_get_move_group_key", lambda payment: ("lockbox", 1)):
            payments.action_post()
        return payments
