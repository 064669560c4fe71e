# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Pay Now on the portal's utility account page, through HTTP as a browser
calls it, with payment_demo's provider.

Terry's account has one bill of 58.33 (water 43.33 + sewer 15.00): the page
offers Pay Now for 58.33; the payment form's transaction route creates a
transaction of 58.33 linked to the account; once the demo provider confirms
it, the bill is paid. Casey can neither open Terry's payment page nor create
a transaction on Terry's account (404, nothing created).
"""

import json
from datetime import date

from odoo.tests import HttpCase, new_test_user, tagged

from .common import OnlinePaymentCommon


@tagged("post_install", "-at_install")
class TestPortalPay(OnlinePaymentCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bill = cls._post_bill(
            cls.account, date(2025, 3, 15), {cls.water: 43.33, cls.sewer: 15.0}
        )
        cls.terry, cls.casey = cls.account.partner_id, cls.account2.partner_id
        cls.terry_user, cls.casey_user = (
            new_test_user(
                cls.env,
                login=f"ub_pay_{login}",
                groups="base.group_portal",
                name=partner.name,
                partner_id=partner.id,
            )
            for login, partner in (("terry", cls.terry), ("casey", cls.casey))
        )

    def _json(self, url, params):
        response = self.url_open(
            url,
            data=json.dumps({"jsonrpc": "2.0", "method": "call", "id": 1, "params": params}),
            headers={"Content-Type": "application/json"},
        )
        return response.json()

    def _tx_params(self):
        return {
            "provider_id": self.provider.id,
            "payment_method_id": self.payment_method_id,
            "token_id": None,
            "flow": "direct",
            "tokenization_requested": False,
            "landing_route": f"/my/utility/accounts/{self.account.id}",
        }

    def test_pay_now_pays_the_balance(self):
        """The account page has Pay Now; its page shows the demo provider's
        payment form for 58.33; the transaction route creates a 58.33
        transaction of the account; confirmed, the bill is paid by the poster."""
        self.authenticate(self.terry_user.login, self.terry_user.login)
        page = self.url_open(f"/my/utility/accounts/{self.account.id}").text
        self.assertIn(f"/my/utility/accounts/{self.account.id}/pay", page)
        self.assertIn("Pay Now", page)
        pay = self.url_open(f"/my/utility/accounts/{self.account.id}/pay")
        self.assertEqual(pay.status_code, 200)
        self.assertIn("o_payment_form", pay.text)
        self.assertIn(f'data-provider-id="{self.provider.id}"', pay.text)
        self.assertIn('data-amount="58.33"', pay.text)
        self.assertIn(f"/my/utility/accounts/{self.account.id}/transaction", pay.text)
        result = self._json(
            f"/my/utility/accounts/{self.account.id}/transaction",
            dict(self._tx_params(), amount=58.33),
        )
        self.assertIn("result", result, result)
        tx = self.env["payment.transaction"].search(
            [("reference", "=", result["result"]["reference"])]
        )
        self.assertEqual(tx.utility_account_id, self.account)
        self.assertEqual(tx.amount, 58.33)
        self.assertEqual(tx.partner_id, self.terry)
        self._confirm(tx)
        self.assertEqual(tx.utility_payment_id.state, "posted")
        self.assertEqual(self.bill.amount_residual, 0.0)
        # Paid: the page offers no Pay Now any more.
        page = self.url_open(f"/my/utility/accounts/{self.account.id}").text
        self.assertNotIn("o_utility_pay_now", page)

    def test_bad_amount_changes_nothing(self):
        """An amount of zero or less: a plain message, no transaction."""
        self.authenticate(self.terry_user.login, self.terry_user.login)
        count = self.env["payment.transaction"].search_count([])
        page = self.url_open(f"/my/utility/accounts/{self.account.id}/pay?amount=-5").text
        self.assertIn("Enter an amount to pay greater than zero.", page)
        result = self._json(
            f"/my/utility/accounts/{self.account.id}/transaction",
            dict(self._tx_params(), amount=0),
        )
        self.assertIn("error", result)
        self.assertIn("greater than zero", result["error"]["data"]["message"])
        self.assertEqual(self.env["payment.transaction"].search_count([]), count)

    def test_other_customer_cannot_pay_terrys_account(self):
        """Casey: Terry's payment page is 404 and its transaction route refuses
        (not found); no transaction is created."""
        self.authenticate(self.casey_user.login, self.casey_user.login)
        count = self.env["payment.transaction"].search_count([])
        response = self.url_open(f"/my/utility/accounts/{self.account.id}/pay")
        self.assertEqual(response.status_code, 404)
        result = self._json(
            f"/my/utility/accounts/{self.account.id}/transaction",
            dict(self._tx_params(), amount=58.33),
        )
        self.assertIn("error", result)
        self.assertIn("NotFound", result["error"]["data"]["name"])
        self.assertEqual(self.env["payment.transaction"].search_count([]), count)
