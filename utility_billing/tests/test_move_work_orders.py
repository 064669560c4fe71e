# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Move-out and move-in with a crew: the final-read and opening-read orders.

Fixtures of ``BillingCommon`` (see ``test_account_lifecycle``): a move-out on
February 20 with the meter at 110 is a final bill of 36.22. Sending a crew must
not change a cent: the crew's 110 gives the same posted bill as the clerk's 110,
through the same ``utility.account._move_out``.

Both are Castle Rock, CO practice (https://www.crgov.com/1496/Start-Stop-or-Transfer-Service):
"a final meter reading will be taken on your move-out date" and "your final bill
will be mailed to your forwarding address".
"""

from datetime import date, timedelta

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import Form, new_test_user, tagged

from .common_billing import BillingCommon

MOVE_OUT = date(2025, 2, 20)


@tagged("post_install", "-at_install")
class TestMoveWorkOrders(BillingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bank_journal = cls.company_data["default_journal_bank"]
        cls.crew_user = new_test_user(
            cls.env, login="ub_move_crew", groups="utility_billing.group_utility_field"
        )

    def _billed_accounts(self, count):
        accounts = self._make_accounts(count)
        accounts.date_start = date(2024, 1, 1)
        run = self._new_run()
        run.action_compute()
        run.action_post()
        for account in accounts:
            self._pay(account, 150.0)
        return accounts

    def _pay(self, account, amount):
        payment = self.env["utility.payment"].create(
            {
                "date": date(2025, 2, 18),
                "source": "lockbox",
                "journal_id": self.bank_journal.id,
                "line_ids": [Command.create({"account_id": account.id, "amount": amount})],
            }
        )
        payment.action_post()

    def _move_out_form(self, account, mode, value=110.0):
        Wizard = self.env["utility.account.move.out"].with_user(self.specialist)
        with Form(Wizard.with_context(default_account_id=account.id)) as form:
            form.date_end = MOVE_OUT
            form.final_read_mode = mode
            form.fwd_street = "PO Box 12"
            form.fwd_city = "Ames"
            form.refund_journal_id = self.bank_journal
            if mode == "now":
                with form.line_ids.edit(0) as line:
                    line.value = value
        return form.save().action_confirm()

    def _complete(self, order, value=110.0):
        # The crew sees the orders of its team.
        order.team_id.utility_user_ids = [Command.link(self.crew_user.id)]
        order = order.with_user(self.crew_user)
        order.write({"result": "completed", "reading_value": value, "is_dials_checked": True})
        order.action_complete()
        return order

    def test_move_out_with_a_crew_posts_the_same_final_bill_once(self):
        direct, crewed = self._billed_accounts(2)
        action = self._move_out_form(direct, "now")
        direct_bill = self.env["account.move"].browse(action["res_id"])

        action = self._move_out_form(crewed, "crew")
        order = self.env["utility.work.order"].browse(action["res_id"])
        meter = crewed.service_ids.meter_id
        self.assertEqual(
            (order.kind, order.type, order.meter_id, order.date_scheduled, order.account_id),
            (
                "final_read",
                self.env.ref("utility_billing.work_order_type_final_read"),
                meter,
                MOVE_OUT,
                crewed,
            ),
        )
        self.assertEqual(
            (order.move_out_settlement, order.move_out_street, order.move_out_user_id),
            ("refund", "PO Box 12", self.specialist),
        )
        # Nothing happens to the account until the crew has read the meter.
        self.assertEqual(crewed.state, "active")
        self.assertNotEqual(crewed.mailing_partner_id.street, "PO Box 12")
        # The crew cannot change what the clerk chose.
        with self.assertRaises(UserError):
            order.with_user(self.specialist).write({"move_out_settlement": "keep"})

        self._complete(order)
        bill = order.final_bill_id
        self.assertEqual(bill.state, "posted")
        self.assertEqual(bill.utility_bill_kind, "final")
        # Same cents as the clerk's move-out with the reading typed in.
        self.assertEqual(bill.amount_total, direct_bill.amount_total)
        self.assertAlmostEqual(bill.amount_total, 36.22)
        self.assertEqual(
            sorted(bill.invoice_line_ids.mapped(lambda line: (line.name, line.price_subtotal))),
            sorted(
                direct_bill.invoice_line_ids.mapped(lambda line: (line.name, line.price_subtotal))
            ),
        )
        self.assertEqual(crewed.refund_payment_ids.amount, direct.refund_payment_ids.amount)
        self.assertAlmostEqual(crewed.refund_payment_ids.amount, 39.78)
        self.assertEqual((crewed.state, crewed.date_end), ("final_billed", MOVE_OUT))
        self.assertEqual(crewed.mailing_partner_id.street, "PO Box 12")
        # The final reading is the crew's, source work order, on the move-out date.
        self.assertEqual(
            (order.reading_id.date, order.reading_id.value, order.reading_id.source),
            (MOVE_OUT, 110.0, "work_order"),
        )
        # Exactly once: completing again or cancelling posts nothing more.
        bills = self.env["account.move"].search_count([("utility_account_id", "=", crewed.id)])
        with self.assertRaises(UserError):
            self._complete(order)
        with self.assertRaises(UserError):
            order.with_user(self.crew_user).action_complete()
        with self.assertRaises(UserError):
            order.with_user(self.specialist).action_cancel()
        self.assertEqual(
            self.env["account.move"].search_count([("utility_account_id", "=", crewed.id)]),
            bills,
        )
        self.assertEqual(len(crewed.refund_payment_ids), 1)

    def test_cancelled_final_read_leaves_the_account_active(self):
        account = self._billed_accounts(1)
        action = self._move_out_form(account, "crew")
        order = self.env["utility.work.order"].browse(action["res_id"])
        # A second crew for the same move-out is refused.
        with self.assertRaises(UserError):
            self._move_out_form(account, "crew")
        order.with_user(self.specialist).action_cancel()
        self.assertEqual(order.state, "cancelled")
        self.assertEqual(account.state, "active")
        self.assertFalse(order.final_bill_id)
        self.assertIn("stays active", account.message_ids[0].body)
        with self.assertRaises(UserError):
            self._complete(order)
        self.assertEqual(account.state, "active")
        self.assertFalse(
            self.env["account.move"].search(
                [("utility_account_id", "=", account.id), ("utility_bill_kind", "=", "final")]
            )
        )

    def test_move_in_with_verification_orders_an_opening_check(self):
        account = self._billed_accounts(1)
        location = account.location_id
        meter = account.service_ids.meter_id
        self._move_out_form(account, "now")
        Wizard = self.env["utility.account.move.in"].with_user(self.csr)
        with Form(Wizard.with_context(default_location_id=location.id)) as form:
            form.name = "Nora Newcomer"
            form.date_start = MOVE_OUT
            form.is_verify_opening = True
        action = form.save().action_confirm()
        new = self.env["utility.account"].browse(action["res_id"])
        order = self.env["utility.work.order"].search([("account_id", "=", new.id)])
        self.assertEqual(
            (order.kind, order.meter_id, order.date_scheduled, order.is_opening_check),
            ("opening_read", meter, MOVE_OUT + timedelta(days=1), True),
        )
        self.assertEqual(order.type, self.env.ref("utility_billing.work_order_type_opening_read"))
        self._complete(order, value=110.4)
        reading = order.reading_id
        self.assertEqual(
            (reading.read_type, reading.source, reading.work_order_id, reading.value),
            ("check", "work_order", order, 110.4),
        )
        # Who is billed does not change.
        self.assertEqual(reading.service_id.account_id, new)
        self.assertEqual((new.state, new.partner_id.name), ("active", "Nora Newcomer"))

    def test_direct_move_out_cancels_the_accounts_open_orders(self):
        account, neighbour = self._billed_accounts(2)
        Order = self.env["utility.work.order"]
        disconnect = Order._create_for("disconnect", account, amount_due=10.0)
        leak = Order._create_for("leak", account)
        other = Order._create_for("leak", neighbour)
        self._move_out_form(account, "now")
        for order in disconnect | leak:
            self.assertEqual(order.state, "cancelled")
            self.assertEqual(order.cancel_reason, "The customer moved out on 02/20/2025.")
        self.assertEqual(other.state, "open", "the neighbour's order is not touched")
        bodies = account.message_ids.mapped("body")
        self.assertTrue(
            any(
                f"open work orders cancelled: {disconnect.name} (" in body and leak.name in body
                for body in bodies
            )
        )
        self.assertFalse(any("the account stays active" in body for body in bodies))

    def test_crew_move_out_cancels_the_other_orders_not_its_own(self):
        account = self._billed_accounts(1)
        self._move_out_form(account, "crew")
        final = self.env["utility.work.order"].search([("account_id", "=", account.id)])
        leak = self.env["utility.work.order"]._create_for("leak", account)
        self._complete(final)
        self.assertEqual((final.state, leak.state), ("done", "cancelled"))
