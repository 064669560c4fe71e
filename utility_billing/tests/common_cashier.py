# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Fixtures of the cashiering tests: two cashiers, two supervisors, open bills.

``CashierCommon`` builds on ``PaymentCommon`` (accounts with water, sewer and
garbage, :meth:`_post_bill`) and adds the people of a counter: cashiers Carla
and Cody, supervisors Sue and Sam, Carla's open session with a $100 float, a
$5 over / short tolerance, and helpers that work as the clerk would: the
counter wizard, the blind count wizard, the void wizard.
"""

from datetime import date

from odoo import Command
from odoo.tests import new_test_user

from .common_payment import PaymentCommon

__all__ = ["CashierCommon"]

CASHIER_GROUPS = "base.group_user,utility_billing.group_utility_cashier"
SUPERVISOR_GROUPS = "base.group_user,utility_billing.group_utility_supervisor"


class CashierCommon(PaymentCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.utility_over_short_tolerance = 5.0
        cls.cashier = new_test_user(cls.env, login="ub_carla", groups=CASHIER_GROUPS, name="Carla")
        cls.cashier2 = new_test_user(cls.env, login="ub_cody", groups=CASHIER_GROUPS, name="Cody")
        cls.supervisor = new_test_user(
            cls.env, login="ub_sue", groups=SUPERVISOR_GROUPS, name="Sue"
        )
        cls.supervisor2 = new_test_user(
            cls.env, login="ub_sam", groups=SUPERVISOR_GROUPS, name="Sam"
        )
        for user in (cls.cashier, cls.cashier2, cls.supervisor, cls.supervisor2):
            user.write(
                {"company_ids": [Command.set(cls.company.ids)], "company_id": cls.company.id}
            )
        cls.old_bill = cls._post_bill(
            cls.account, date(2025, 1, 15), {cls.water: 40.0, cls.garbage: 15.0}
        )
        cls.new_bill = cls._post_bill(
            cls.account, date(2025, 2, 15), {cls.water: 30.0, cls.sewer: 20.0}
        )
        cls.session = cls._open_session(cls.cashier, 100.0)

    @classmethod
    def _open_session(cls, user, amount_opening=0.0):
        return (
            cls.env["utility.cashier.session"]
            .with_user(user)
            .with_company(cls.company)
            .create({"amount_opening": amount_opening})
        )

    def _balance(self, account):
        """The account's balance read from the ledger now (it is not stored)."""
        account.invalidate_recordset(["amount_balance"])
        return account.amount_balance

    def _receive(self, lines, tender="cash", user=None, session=None, **vals):
        """Take a payment at the counter through the wizard, as ``user`` (default:
        Carla): ``lines`` is [(utility account or misc receipt type, amount or None
        for the balance due)]."""
        user = user or self.cashier
        session = session or self.session
        Receive = self.env["utility.payment.receive"].with_user(user).with_company(self.company)
        wizard = Receive.create(
            dict(
                {
                    "session_id": session.id,
                    "tender": tender,
                    "line_ids": [
                        Command.create(
                            {
                                "account_id": target.id
                                if target._name == "utility.account"
                                else False,
                                "misc_type_id": target.id
                                if target._name == "utility.misc.receipt.type"
                                else False,
                                **({} if amount is None else {"amount": amount}),
                            }
                        )
                        for target, amount in lines
                    ],
                },
                **vals,
            )
        )
        return wizard, wizard._post_payment()

    def _count(self, session=None, user=None, cash=(), **totals):
        """Blind count through the close wizard: ``cash`` is [(denomination, quantity)],
        ``totals`` the amount_check / amount_card / amount_money_order of the wizard."""
        session = session or self.session
        user = user or session.user_id
        wizard = (
            self.env["utility.cashier.session.close"]
            .with_user(user)
            .with_company(self.company)
            .create({"session_id": session.id, **totals})
        )
        quantities = dict(cash)
        for line in wizard.line_ids:
            if line.kind == "bill" or line.denomination < 1.0:
                line.quantity = quantities.pop(line.denomination, 0)
        self.assertFalse(quantities, "a denomination the drawer does not have")
        wizard.action_confirm()
        return session

    def _void(self, payment, reason="Keyed on the wrong account", user=None):
        wizard = (
            self.env["utility.payment.void"]
            .with_user(user or self.cashier)
            .with_company(self.company)
            .create({"payment_ids": [Command.set(payment.ids)], "reason": reason})
        )
        wizard.action_confirm()
        return payment
