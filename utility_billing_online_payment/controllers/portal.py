# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Pay Now on the customer portal's utility account page (SPEC 2.9, payments
through Odoo's payment providers).

The page shows Odoo's payment form (``payment.form``) for the balance due, or
an amount the customer types; its transaction route creates a transaction
linked to the account, found among the logged-in customer's own accounts like
every other route of the utility portal (another customer's account is "not
found"). The money is posted by the utility's poster once the provider
confirms it (``models/payment_transaction.py``).
"""

from odoo import http
from odoo.exceptions import ValidationError
from odoo.http import request

from odoo.addons.account_payment.controllers.portal import (
    PortalAccount as PaymentPortalAccount,
)
from odoo.addons.utility_billing.controllers.portal import UtilityCustomerPortal


class UtilityOnlinePaymentPortal(UtilityCustomerPortal, PaymentPortalAccount):
    def _utility_pay_amount(self, account, amount):
        """What the customer pays: the amount typed, else the balance due."""
        currency = account.currency_id
        typed = self._cast_as_float(amount)
        return currency.round(typed if typed is not None else account.amount_balance)

    @http.route(
        ["/my/utility/accounts/<int:account_id>/pay"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_utility_pay(self, account_id, amount=None, **kw):
        account = self._utility_account_check_access(account_id)
        to_pay = self._utility_pay_amount(account, amount)
        if account.currency_id.compare_amounts(to_pay, 0) <= 0:
            return self._utility_account_redirect(
                account, error=request.env._("Enter an amount to pay greater than zero.")
            )
        values = self._prepare_portal_layout_values()
        values.update(
            self._get_common_page_view_values(
                invoices_data={
                    "partner": account.partner_id,
                    "company": account.company_id,
                    "total_amount": to_pay,
                    "currency": account.currency_id,
                    "amount_residual": to_pay,
                    "payment_reference": account.name,
                    "landing_route": f"/my/utility/accounts/{account.id}",
                    "transaction_route": f"/my/utility/accounts/{account.id}/transaction",
                },
            )
        )
        values.update(
            {
                "page_name": "utility_account_pay",
                "account": account,
                "amount": to_pay,
                "balance": account.amount_balance,
                "reference_prefix": account.name,
            }
        )
        return request.render("utility_billing_online_payment.portal_my_utility_pay", values)

    @http.route(
        ["/my/utility/accounts/<int:account_id>/transaction"],
        type="json",
        auth="user",
    )
    def portal_my_utility_transaction(self, account_id, amount=None, **kwargs):
        """Create the draft transaction of the payment form for the customer's
        own account; return its processing values."""
        account = self._utility_account_check_access(account_id)
        to_pay = self._utility_pay_amount(account, amount)
        if account.currency_id.compare_amounts(to_pay, 0) <= 0:
            raise ValidationError(request.env._("Enter an amount to pay greater than zero."))
        self._validate_transaction_kwargs(kwargs)
        kwargs.update(
            {
                "amount": to_pay,
                "currency_id": account.currency_id.id,
                "partner_id": request.env.user.partner_id.id,
                "reference_prefix": account.name,
            }
        )
        tx_sudo = self._create_transaction(
            custom_create_values={"utility_account_id": account.id}, **kwargs
        )
        return tx_sudo._get_processing_values()
