# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common_cashier import CashierCommon


@tagged("post_install", "-at_install")
class TestCashierSecurity(CashierCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_session = cls._open_session(cls.cashier2, 50.0)

    def test_a_cashier_sees_only_their_own_sessions_and_payments(self):
        _wizard, mine = self._receive([(self.account, 10.0)])
        _wizard, theirs = self._receive(
            [(self.account, 10.0)], user=self.cashier2, session=self.other_session
        )
        bank = self.company_data["default_journal_bank"]
        lockbox = self._payment(
            [(self.account, 5.0)], source="lockbox", reference="LB-1", journal_id=bank.id
        )
        env = self.env(user=self.cashier)
        self.assertEqual(env["utility.cashier.session"].search([]), self.session)
        self.assertEqual(env["utility.payment"].search([]), mine)
        self.assertEqual(env["utility.payment.line"].search([]), mine.line_ids)
        self.assertEqual(env["utility.payment.allocation"].search([]), mine.allocation_ids)
        for record in (self.other_session, theirs, lockbox, theirs.line_ids):
            with self.assertRaises(AccessError):
                record.with_user(self.cashier).read(["display_name"])
        # Supervisors see every drawer and payment.
        env = self.env(user=self.supervisor)
        self.assertEqual(
            env["utility.cashier.session"].search(
                [("id", "in", (self.session | self.other_session).ids)]
            ),
            self.session | self.other_session,
        )
        self.assertEqual(
            len(env["utility.payment"].search([("id", "in", (mine | theirs | lockbox).ids)])), 3
        )

    def test_a_cashier_cannot_take_payments_in_another_drawer(self):
        with self.assertRaises(AccessError), self.cr.savepoint():
            self._receive([(self.account, 10.0)], session=self.other_session)
        with self.assertRaises(AccessError), self.cr.savepoint():
            self.env["utility.payment"].with_user(self.cashier).create(
                {
                    "session_id": self.other_session.id,
                    "line_ids": [Command.create({"account_id": self.account.id, "amount": 5.0})],
                }
            )
        with self.assertRaises(AccessError), self.cr.savepoint():
            self._count(session=self.other_session, user=self.cashier, cash=[(50.0, 1)])

    def test_a_cashier_writes_no_journal_entry(self):
        Move = self.env["account.move"].with_user(self.cashier)
        with self.assertRaises(AccessError), self.cr.savepoint():
            Move.create(
                {
                    "move_type": "entry",
                    "journal_id": self.company._get_utility_receipt_journal().id,
                    "date": date(2025, 3, 1),
                    "line_ids": [
                        Command.create({"account_id": self.receivable.id, "debit": 5.0}),
                        Command.create({"account_id": self.receivable.id, "credit": 5.0}),
                    ],
                }
            )
        with self.assertRaises(AccessError), self.cr.savepoint():
            self.old_bill.with_user(self.cashier).write({"ref": "adjusted"})
        with self.assertRaises(AccessError), self.cr.savepoint():
            self.old_bill.with_user(self.cashier).button_draft()
        # ... yet the payment they take posts its entry (through the core, under sudo).
        _wizard, payment = self._receive([(self.account, 10.0)])
        self.assertEqual(payment.move_id.state, "posted")
        self.assertEqual(payment.move_id.create_uid, self.cashier)

    def test_a_cashier_approves_nothing(self):
        _wizard, payment = self._receive([(self.account, 20.0)])
        self._count(cash=[(100.0, 1)])  # 20 short: waits for a supervisor
        self.assertEqual(self.session.state, "to_approve")
        session = self.session.with_user(self.cashier)
        with self.assertRaises(AccessError), self.cr.savepoint():
            session.action_approve_count()
        with self.assertRaises(AccessError), self.cr.savepoint():
            session.action_recount()
        self.session.with_user(self.supervisor).action_approve_count()
        self._void(payment)
        with self.assertRaises(AccessError), self.cr.savepoint():
            payment.with_user(self.cashier).action_approve_void()
        with self.assertRaises(AccessError), self.cr.savepoint():
            payment.with_user(self.cashier2).action_approve_void()
        self.assertEqual(payment.state, "posted")

    def test_every_action_leaves_a_trail(self):
        self.env = self.env(context=dict(self.env.context, tracking_disable=False,
                                         mail_notrack=False))  # fmt: skip
        # Drop what the fixtures queued without tracking: the callbacks run with
        # the context they were queued in.
        self.env.cr.precommit.clear()
        session = self.session.with_env(self.env)
        # The float is corrected before the first payment (then it is locked).
        session.with_user(self.cashier).amount_opening = 120.0
        _wizard, payment = self._receive([(self.account, 20.0)], session=session)
        self.env.cr.precommit.run()  # tracking values are written at commit
        self.env.invalidate_all()
        self.assertIn(
            "amount_opening", session.sudo().message_ids.tracking_value_ids.field_id.mapped("name")
        )
        self._void(payment, reason="Twice")
        self.env.cr.precommit.run()
        self.env.invalidate_all()
        tracked = payment.sudo().message_ids.tracking_value_ids.field_id.mapped("name")
        self.assertIn("void_reason", tracked)
        self.assertIn("state", tracked)
        self.assertIn("Payment voided", " ".join(payment.message_ids.mapped("body")))
        self._count(session=session, cash=[(100.0, 1), (20.0, 1)])
        self.assertIn("Drawer counted by Carla", " ".join(session.message_ids.mapped("body")))
        counted = session.message_ids.filtered(lambda m: "Drawer counted" in (m.body or ""))
        self.assertEqual(counted.author_id, self.cashier.partner_id)
