# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Utility Billing: Online Payments",
    "summary": "Customers pay their utility account on the portal through Odoo's "
    "payment providers; the money is posted by the utility's payment poster",
    "version": "18.0.1.0.0",
    "category": "Accounting/Utility Billing",
    "website": "https://github.com/utility-billing/utility_billing",
    "author": "utility_billing developers",
    "license": "LGPL-3",
    "depends": ["utility_billing", "account_payment"],
    "data": [
        "views/portal_templates.xml",
        "views/utility_payment_views.xml",
    ],
    "demo": ["demo/payment_provider_demo.xml"],
    "auto_install": True,
}
