# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A payment that cancelled a disconnect is undone (voided, or returned by the
bank): the shut-off amount is no longer paid, so the disconnect goes back on the
crew's list."""

from datetime import date

from odoo import Command
from odoo.tests import new_test_user, tagged

from ..models.utility_locked_fields_mixin import as_action
from .common_payment import PaymentCommon


@tagged("post_install", "-at_install")
class TestWorkOrderPaymentUndo(PaymentCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Order = cls.env["utility.work.order"]
        cls.supervisor = new_test_user(
            cls.env, login="ub_undo_sup", groups="utility_billing.group_utility_supervisor"
        )
        cls.supervisor.write(
            {"company_ids": [Command.set(cls.company.ids)], "company_id": cls.company.id}
        )
        cls.crew = cls.env["fsm.team"].create({"name": "Shut-off crew"})
        cls._post_bill(cls.account, date(2025, 1, 15), {cls.water: 40.0, cls.sewer: 20.0})

    def _disconnect(self):
        return self.Order._create_for(
            "disconnect",
            self.account,
            team_id=self.crew.id,
            amount_due=60.0,
            date_scheduled=date(2025, 3, 3),
        )

    def _void(self, payment):
        payment._request_void("Keyed on the wrong account")
        payment.with_user(self.supervisor).action_approve_void()
        self.assertEqual(payment.state, "void")

    def test_voided_payment_reopens_the_disconnect_it_cancelled(self):
        order = self._disconnect()
        first = self._payment([(self.account, 20.0)])
        second = self._payment([(self.account, 40.0)])
        self.assertEqual(order.state, "cancelled")
        self.assertTrue(order.is_cancelled_by_payment)
        self.assertEqual(order.payment_ids, first | second)
        self._void(second)
        self.assertEqual(order.state, "open", "back on the crew's list")
        self.assertEqual(order.amount_paid, 20.0)
        self.assertEqual(order.payment_ids, first)
        self.assertFalse(order.cancel_reason)
        self.assertFalse(order.is_cancelled_by_payment)
        self.assertEqual(order.fsm_order_id.stage_id, self.env.ref("fieldservice.fsm_stage_new"))
        self.assertGreaterEqual(order.date_scheduled, date.today(), "rescheduled, not in the past")
        self.assertIn(
            order, self.Order.search([("team_id", "=", self.crew.id), ("state", "=", "open")])
        )
        said = "is back on the crew's list: payment"
        self.assertTrue(any(said in body for body in self.account.message_ids.mapped("body")))
        self.assertTrue(any(said in body for body in order.message_ids.mapped("body")))
        # Paying again cancels it again.
        self._payment([(self.account, 40.0)])
        self.assertEqual(order.state, "cancelled")

    def test_voided_part_payment_lowers_what_is_paid(self):
        order = self._disconnect()
        first = self._payment([(self.account, 20.0)])
        self._void(first)
        self.assertEqual((order.state, order.amount_paid), ("open", 0.0))
        self.assertFalse(order.payment_ids)

    def test_payment_returned_by_the_bank_reopens_the_disconnect(self):
        order = self._disconnect()
        check = self._payment([(self.account, 60.0)])
        self.assertEqual(order.state, "cancelled")
        check._return_payments("nsf", date(2025, 3, 5), charge_fee=False)
        self.assertEqual(check.state, "returned")
        self.assertEqual((order.state, order.amount_paid), ("open", 0.0))
        self.assertTrue(
            any("returned by the bank" in body for body in self.account.message_ids.mapped("body"))
        )

    def test_a_disconnect_cancelled_otherwise_stays_cancelled(self):
        """An arrangement cancelled it: the void changes what was paid, not the
        office's decision. A moved-out account is not sent a crew either."""
        arranged = self._disconnect()
        part = self._payment([(self.account, 20.0)])
        self.Order._cancel_disconnects(self.account, "Payment arrangement made.")
        self._void(part)
        self.assertEqual((arranged.state, arranged.amount_paid), ("cancelled", 0.0))
        self.assertEqual(arranged.cancel_reason, "Payment arrangement made.")

        paid = self.Order._create_for(
            "disconnect", self.account2, team_id=self.crew.id, amount_due=30.0
        )
        payment = self._payment([(self.account2, 30.0)])
        self.assertEqual(paid.state, "cancelled")
        as_action(self.account2).state = "closed"
        self._void(payment)
        self.assertEqual((paid.state, paid.amount_paid), ("cancelled", 0.0))
