# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Fixtures of the online payment tests: the utility's accounts and bills
(``utility_billing``'s ``PaymentCommon``) and Odoo's payment test helpers
(``payment``'s ``PaymentCommon``) with ``payment_demo``'s provider on the
company's bank journal, its payment method's Outstanding Receipts account set
to an account of its own so the tests see where the money lands.
"""

from odoo.addons.payment.tests.common import PaymentCommon as OdooPaymentCommon
from odoo.addons.utility_billing.tests.common_payment import (
    PaymentCommon as UtilityPaymentCommon,
)

__all__ = ["OnlinePaymentCommon"]


class OnlinePaymentCommon(UtilityPaymentCommon, OdooPaymentCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bank_journal = cls.company_data["default_journal_bank"]
        cls.provider = cls._prepare_provider(
            "demo",
            company=cls.company,
            update_values={"journal_id": cls.bank_journal.id, "is_published": True},
        )
        cls.provider.available_currency_ids = [(6, 0, cls.company.currency_id.ids)]
        cls.provider.payment_method_ids.active = True
        cls.payment_method = cls.provider.payment_method_ids[:1]
        cls.payment_method_id = cls.payment_method.id
        cls.method_line = cls.bank_journal.inbound_payment_method_line_ids.filtered(
            lambda line: line.payment_provider_id == cls.provider
        )
        cls.online_receipts = cls.env["account.account"].create(
            {
                "name": "Online Payments in Transit",
                "code": "101409",
                "account_type": "asset_current",
                "reconcile": True,
            }
        )
        cls.method_line.payment_account_id = cls.online_receipts

    def setUp(self):
        # Odoo's helper would patch account_payment's post-processing away.
        self.enable_post_process_patcher = False
        super().setUp()

    def _utility_tx(self, partner, amount, **values):
        """A demo transaction of ``amount`` paid by ``partner``: give it
        ``utility_account_id`` (the account page's flow) or ``invoice_ids``
        (Odoo's invoice flow)."""
        return self._create_transaction(
            "direct",
            amount=amount,
            currency_id=self.company.currency_id.id,
            partner_id=partner.id,
            **values,
        )

    def _confirm(self, tx):
        """The demo provider confirms the payment, then Odoo post-processes it."""
        tx._handle_notification_data("demo", {"reference": tx.reference, "simulated_state": "done"})
        self.assertEqual(tx.state, "done")
        tx._post_process()
