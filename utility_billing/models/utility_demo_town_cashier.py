# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Cashiering in the demo town: yesterday's closed drawer and today's open one.

Casey, a cashier, took payments of every tender yesterday, had one voided by a
supervisor after the close, and counted her drawer a quarter short. The
administrator's own drawer is open today with a few payments and a void, so
Cashiering > My Session shows a working counter right after install.
"""

from datetime import datetime, time, timedelta
from decimal import Decimal

from odoo import Command, api, fields, models

from ..lib import cashiering

DEMO_CASHIER_LOGIN = "demo_cashier"
MISC_TYPES = (
    ("PERMIT", "Building Permit", "428100", "Building Permit Fees", "income_other"),
    ("SALESTAX", "Sales Tax Return", "231100", "Sales Tax Collected", "liability_current"),
    ("DOGLIC", "Dog License", "428200", "Animal License Fees", "income_other"),
)


def _tendered(amount):
    """What a customer hands over for ``amount``: the next twenty."""
    return float((Decimal(str(amount)) // 20 + 1) * 20)


def _breakdown(amount):
    """Bills and coins making ``amount`` (largest first), for a demo count."""
    left = Decimal(str(amount))
    counts = []
    for value, kind in cashiering.DENOMINATIONS:
        if kind == "bill" and value == Decimal("2.00"):
            continue  # nobody has two-dollar bills in the drawer
        quantity = int(left // value)
        if quantity:
            counts.append((value, kind, quantity))
            left -= value * quantity
    return counts


class UtilityDemoTown(models.AbstractModel):
    _inherit = "utility.demo.town"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _generate_cashiering(self):
        """Build the demo cashier sessions (after the bills, so payments pay them)."""
        company = self.env.company
        if not self.env["account.account"].search_count(
            [("company_ids", "in", company.ids)], limit=1
        ):
            return False  # no chart of accounts: nothing can be posted
        misc_types = self._demo_misc_receipt_types(company)
        accounts = self._demo_accounts_to_pay()
        if len(accounts) < 10:
            return False
        cashier = self._demo_cashier_user()
        today = fields.Date.context_today(self)
        yesterday = today - timedelta(days=1)
        self._demo_closed_session(cashier, yesterday, accounts[:6], misc_types)
        self._demo_open_session(self.env.ref("base.user_admin"), today, accounts[6:10], misc_types)
        return True

    def _demo_misc_receipt_types(self, company):
        Account = self.env["account.account"].with_company(company)
        Type = self.env["utility.misc.receipt.type"]
        types = Type.search([("code", "in", [code for code, *_rest in MISC_TYPES])])
        existing = {t.code: t for t in types}
        vals_list = []
        for code, name, account_code, account_name, account_type in MISC_TYPES:
            if code in existing:
                continue
            account = Account.search(
                [("code", "=", account_code), ("company_ids", "in", company.ids)], limit=1
            ) or Account.create(
                {"code": account_code, "name": account_name, "account_type": account_type}
            )
            vals_list.append({"code": code, "name": name, "account_id": account.id})
        return types | Type.create(vals_list)

    def _demo_accounts_to_pay(self):
        """Active accounts, those owing something first (a balance read from the ledger)."""
        accounts = self.env["utility.account"].search([("state", "=", "active")], order="name")
        owing = accounts.filtered(lambda a: a.amount_balance > 0)
        return owing + (accounts - owing)

    def _demo_cashier_user(self):
        user = self.env["res.users"].search([("login", "=", DEMO_CASHIER_LOGIN)], limit=1)
        if user:
            return user
        return (
            self.env["res.users"]
            .with_context(no_reset_password=True)
            .create(
                {
                    "name": "Casey Cashier",
                    "login": DEMO_CASHIER_LOGIN,
                    "password": DEMO_CASHIER_LOGIN,
                    "email": "casey.cashier@example.com",
                    "groups_id": [
                        Command.link(self.env.ref("base.group_user").id),
                        Command.link(self.env.ref("utility_billing.group_utility_cashier").id),
                    ],
                }
            )
        )

    def _demo_take(self, session, day, account, amount, tender, **vals):
        """One counter payment on ``account`` (or a receipt type), posted as the cashier."""
        target = (
            {"account_id": account.id}
            if account._name == "utility.account"
            else {"misc_type_id": account.id}
        )
        payment = (
            self.env["utility.payment"]
            .with_user(session.user_id)
            .create(
                dict(
                    {
                        "session_id": session.id,
                        "source": "counter",
                        "date": day,
                        "tender": tender,
                        "partner_id": account.partner_id.id
                        if account._name == "utility.account"
                        else False,
                        "line_ids": [Command.create(dict(target, amount=amount))],
                    },
                    **vals,
                )
            )
        )
        payment._post_payments()
        return payment

    def _demo_amount(self, account, fallback):
        balance = account.amount_balance
        return round(balance, 2) if balance > 0 else fallback

    def _demo_closed_session(self, cashier, day, accounts, misc_types):
        session = self.env["utility.cashier.session"].create(
            {"user_id": cashier.id, "amount_opening": 150.0}
        )
        session.sudo().date_open = datetime.combine(day, time(14, 0))
        a1, a2, a3, a4, a5, a6 = accounts
        permit = misc_types.filtered(lambda t: t.code == "PERMIT")
        take = self._demo_take
        amount = self._demo_amount(a1, 48.60)
        take(session, day, a1, amount, "cash", amount_tendered=_tendered(amount))
        take(session, day, a2, self._demo_amount(a2, 72.15), "cash")
        take(session, day, a3, 100.0, "check", check_number="1043", check_bank="First State Bank")
        take(
            session, day, a4, self._demo_amount(a4, 55.00), "card",
            card_brand="visa", card_last4="4242", card_reference="AUTH 836112",
        )  # fmt: skip
        take(session, day, a5, self._demo_amount(a5, 39.90), "money_order", check_number="MO-77812")
        take(session, day, permit, 125.0, "check", check_number="2210", check_bank="Prairie CU")
        mistake = take(session, day, a6, 20.0, "cash")
        # Counted a quarter short (inside the tolerance): closed at once.
        expected = Decimal("150.00") + sum(
            (
                Decimal(str(p.amount))
                for p in session.payment_ids
                if p.tender == "cash" and p.state == "posted"
            ),
            Decimal(0),
        )
        count_vals = [
            {
                "tender": "cash",
                "kind": kind,
                "denomination": float(value),
                "quantity": quantity,
            }
            for value, kind, quantity in _breakdown(expected - Decimal("0.25"))
        ]
        for tender in ("check", "card", "money_order"):
            paid = session.payment_ids.filtered(
                lambda p, t=tender: p.tender == t and p.state == "posted"
            )
            count_vals.append(
                {"tender": tender, "quantity": len(paid), "amount": sum(paid.mapped("amount"))}
            )
        session.with_user(cashier)._count(count_vals, note="Quarter missing, probably change.")
        evening = datetime.combine(day, time(23, 0))
        # Back-dated to the day it happened (demo history).
        session.sudo()._as_action().write({"date_count": evening, "date_close": evening})
        # The next morning the mistaken payment is found: keyed on the wrong account.
        mistake.with_user(cashier)._request_void("Keyed on the wrong account; re-entered.")
        supervisor = self.env.ref("base.user_admin")
        if mistake.void_requested_by_id != supervisor:
            mistake.with_user(supervisor).action_approve_void()
        return session

    def _demo_open_session(self, user, day, accounts, misc_types):
        Session = self.env["utility.cashier.session"].with_user(user)
        session = Session._get_open_session() or Session.create({"amount_opening": 100.0})
        a1, a2, a3, a4 = accounts
        tax = misc_types.filtered(lambda t: t.code == "SALESTAX")
        take = self._demo_take
        amount = self._demo_amount(a1, 64.25)
        take(session, day, a1, amount, "cash", amount_tendered=_tendered(amount))
        take(session, day, a2, 80.0, "check", check_number="5512", check_bank="Heartland Bank")
        take(
            session, day, a3, self._demo_amount(a3, 42.10), "card",
            card_brand="mastercard", card_last4="5100", card_reference="AUTH 220931",
        )  # fmt: skip
        take(session, day, tax, 312.40, "check", check_number="8801", check_bank="First State Bank")
        wrong = take(session, day, a4, 15.0, "money_order", check_number="MO-55120")
        wrong.with_user(user)._request_void("Customer brought the wrong money order.")
        return session
