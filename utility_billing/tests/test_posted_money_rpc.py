# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Posted money is immutable, states and actors change through actions only:
the attacks of issue 15 (part A) replayed over JSON-RPC, as a hostile clerk's
script would send them, each refused with a clear message and changing nothing.
"""

from datetime import date

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from ..models.utility_locked_fields_mixin import as_action
from .common_cashier import CashierCommon
from .common_rpc import RpcCase, RpcError

PAYMENT_FIELDS = ["tender", "amount", "date", "state", "move_id", "partner_id"]


@tagged("post_install", "-at_install")
class TestPostedMoneyRpc(CashierCommon, RpcCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bank = cls.company_data["default_journal_bank"]
        for user in (cls.csr, cls.specialist):
            user.write(
                {"company_ids": [Command.set(cls.company.ids)], "company_id": cls.company.id}
            )

    def _read(self, payment):
        payment.invalidate_recordset()
        return payment.read(PAYMENT_FIELDS)[0]

    # ------------------------------------------------------------------
    # A.1 A posted payment, its lines and allocations
    # ------------------------------------------------------------------
    def test_posted_payment_is_changed_by_void_and_return_only(self):
        _wizard, payment = self._receive([(self.account, 40.0)])
        before = self._read(payment)
        self.assertEqual(before["state"], "posted")
        move = payment.move_id
        line = payment.line_ids
        allocation = payment.allocation_ids[:1]
        self.assertTrue(allocation)
        for user in (self.cashier, self.csr, self.specialist, self.supervisor):
            for vals in ({"tender": "card"}, {"date": "2024-01-01"}, {"partner_id": False}):
                self.assertRpcRefused(
                    self.rpc(user, "utility.payment", "write", payment.ids, vals),
                    "UserError",
                    "A posted payment cannot be changed",
                )
            self.assertRpcRefused(
                self.rpc(user, "utility.payment", "write", payment.ids, {"state": "draft"}),
                message="through Return Payment only",
            )
            self.assertRpcRefused(
                self.rpc(user, "utility.payment", "unlink", payment.ids),
                "UserError",
                "never deleted",
            )
            # The amount is the lines' sum: the lines are final too.
            self.assertRpcRefused(
                self.rpc(user, "utility.payment.line", "write", line.ids, {"amount": 1.0}),
                "UserError",
                "lines of a posted payment",
            )
            self.assertRpcRefused(
                self.rpc(user, "utility.payment.line", "unlink", line.ids), "UserError"
            )
            self.assertRpcRefused(
                self.rpc(
                    user,
                    "utility.payment",
                    "write",
                    payment.ids,
                    {"line_ids": [Command.create({"account_id": self.account2.id, "amount": 1})]},
                ),
                "UserError",
            )
        # Allocations: a supervisor (who may write them) cannot either.
        refused = self.rpc(
            self.supervisor, "utility.payment.allocation", "write", allocation.ids, {"amount": 1}
        )
        self.assertRpcRefused(refused, "UserError", "never edited by hand")
        self.assertRpcRefused(
            self.rpc(self.supervisor, "utility.payment.allocation", "unlink", allocation.ids),
            "UserError",
        )
        self.assertRpcRefused(
            self.rpc(
                self.supervisor,
                "utility.payment.allocation",
                "create",
                {
                    "payment_id": payment.id,
                    "account_id": self.account.id,
                    "bill_id": self.old_bill.id,
                    "amount": 5.0,
                },
            ),
            "UserError",
        )
        # Nobody is exempt, not even the superuser in code.
        with self.assertRaisesRegex(UserError, "cannot be changed"), self.cr.savepoint():
            payment.write({"tender": "check"})
        with self.assertRaisesRegex(AccessError, "voided through Void"), self.cr.savepoint():
            payment.write({"void_approved_by_id": self.supervisor.id})
        self.assertEqual(self._read(payment), before)
        self.assertEqual((move.state, line.amount, allocation.amount > 1), ("posted", 40.0, True))
        # The way that is open: Void, in the cashier's own drawer.
        self._void(payment)
        self.assertEqual(payment.state, "void")
        self.assertFalse(payment.allocation_ids.filtered("is_active"))

    # ------------------------------------------------------------------
    # A.2 Deposits: state, prepared by, approved by
    # ------------------------------------------------------------------
    def test_deposit_state_and_actors_change_through_its_actions(self):
        self._receive([(self.account, 40.0)])
        self._count(cash=[(100.0, 1), (20.0, 2)])
        self.assertRpcRefused(
            self.rpc(
                self.csr,
                "utility.deposit",
                "create",
                {"journal_id": self.bank.id, "state": "posted", "user_approved_id": self.uid},
            ),
            message="never typed in",
        )
        deposit = (
            self.env["utility.deposit"]
            .with_user(self.supervisor)
            .create({"journal_id": self.bank.id, "date": date(2025, 3, 1)})
        )
        deposit.action_load_sessions()
        self.assertEqual(deposit.session_ids, self.session)
        for user, vals in (
            (self.csr, {"state": "posted"}),
            (self.csr, {"user_approved_id": self.supervisor2.id}),
            (self.supervisor, {"user_prepared_id": self.supervisor2.id}),
            (self.supervisor, {"date_approved": "2025-03-01 10:00:00"}),
        ):
            self.assertRpcRefused(self.rpc(user, "utility.deposit", "write", deposit.ids, vals))
        deposit.action_count_from_receipts()
        deposit.action_prepare()
        self.assertEqual(deposit.user_prepared_id, self.supervisor)
        self.assertRpcRefused(
            self.rpc(self.supervisor, "utility.deposit", "action_approve", deposit.ids),
            "UserError",
            "another supervisor approves it",
        )
        self.assertRpcRefused(
            self.rpc(self.supervisor2, "utility.deposit", "write", deposit.ids, {"state": "draft"})
        )
        self.assertTrue(
            self.rpc(self.supervisor2, "utility.deposit", "action_approve", deposit.ids)
        )
        deposit.invalidate_recordset()
        self.assertEqual(
            (deposit.state, deposit.user_prepared_id, deposit.user_approved_id),
            ("posted", self.supervisor, self.supervisor2),
        )
        self.assertEqual(deposit.sudo().move_id.state, "posted")
        self.assertRpcRefused(
            self.rpc(
                self.supervisor2, "utility.deposit", "write", deposit.ids, {"bag_number": "X"}
            ),
            "UserError",
            "posted or cancelled deposit",
        )
        self.assertRpcRefused(
            self.rpc(self.supervisor2, "utility.deposit", "unlink", deposit.ids), "UserError"
        )
        self.assertRpcRefused(
            self.rpc(
                self.supervisor2,
                "utility.payment",
                "write",
                deposit.payment_ids.ids,
                {"deposit_id": False},
            )
        )
        self.assertEqual(deposit.payment_ids.state, "posted")

    # ------------------------------------------------------------------
    # A.3 Who counted, who approves
    # ------------------------------------------------------------------
    def test_count_approver_is_neither_the_counter_nor_the_cashier(self):
        self._receive([(self.account, 40.0)])
        # Sue counts Carla's drawer $20 short: beyond the tolerance, it waits.
        self._count(user=self.supervisor, cash=[(100.0, 1), (20.0, 1)])
        self.session.invalidate_recordset()
        self.assertEqual(
            (self.session.state, self.session.user_counted_id), ("to_approve", self.supervisor)
        )
        self.assertRpcRefused(
            self.rpc(
                self.supervisor, "utility.cashier.session", "action_approve_count", self.session.ids
            ),
            "UserError",
            "Nobody approves their own drawer or a count they entered",
        )
        self.assertRpcRefused(
            self.rpc(
                self.supervisor,
                "utility.cashier.session",
                "write",
                self.session.ids,
                {"user_counted_id": self.supervisor2.id},
            )
        )
        self.assertTrue(
            self.rpc(
                self.supervisor2,
                "utility.cashier.session",
                "action_approve_count",
                self.session.ids,
            )
        )
        self.session.invalidate_recordset()
        self.assertEqual(
            (self.session.state, self.session.approved_by_id), ("closed", self.supervisor2)
        )
        self.assertEqual(self.session.amount_over_short, -20.0)

    # ------------------------------------------------------------------
    # A.4 The blind count is blind; the float is locked once used
    # ------------------------------------------------------------------
    def test_blind_count_hides_the_totals_from_the_drawers_cashier(self):
        self._receive([(self.account, 40.0)])
        totals = ["amount_taken_cash", "amount_taken_total", "amount_expected_cash"]
        read = self.rpc(self.cashier, "utility.cashier.session", "read", self.session.ids, totals)
        self.assertEqual(read[0]["amount_taken_cash"], 0.0)
        self.assertEqual(read[0]["amount_taken_total"], 0.0)
        self.assertEqual(read[0]["amount_expected_cash"], 0.0)
        read = self.rpc(
            self.supervisor, "utility.cashier.session", "read", self.session.ids, totals
        )
        self.assertEqual(read[0]["amount_taken_cash"], 40.0)
        self.assertRpcRefused(
            self.rpc(
                self.cashier,
                "utility.cashier.session",
                "write",
                self.session.ids,
                {"amount_opening": 60.0},
            ),
            "UserError",
            "already took payments",
        )
        self._count(cash=[(100.0, 1), (20.0, 2)])
        read = self.rpc(self.cashier, "utility.cashier.session", "read", self.session.ids, totals)
        self.assertEqual(read[0]["amount_expected_cash"], 140.0)
        self.assertEqual(read[0]["amount_taken_cash"], 40.0)

    # ------------------------------------------------------------------
    # A.5 Another cashier's drawer and drafts
    # ------------------------------------------------------------------
    def test_other_clerks_cannot_touch_a_cashiers_drawer(self):
        session = self._open_session(self.cashier2, 100.0)
        draft = (
            self.env["utility.payment"]
            .with_user(self.cashier2)
            .create(
                {
                    "session_id": session.id,
                    "line_ids": [Command.create({"account_id": self.account.id, "amount": 9.0})],
                }
            )
        )
        for user in (self.csr, self.specialist):
            self.assertRpcRefused(
                self.rpc(
                    user, "utility.cashier.session", "write", session.ids, {"amount_opening": 123}
                ),
                message="Only the cashier of session",
            )
            self.assertRpcRefused(
                self.rpc(user, "utility.payment", "unlink", draft.ids),
                message="Only the cashier of the drawer",
            )
            self.assertRpcRefused(
                self.rpc(user, "utility.payment", "write", draft.ids, {"tender": "check"}),
                message="Only the cashier of the drawer",
            )
        self.assertTrue(draft.exists())
        self.assertEqual(session.amount_opening, 100.0)
        self.assertTrue(self.rpc(self.cashier2, "utility.payment", "unlink", draft.ids))
        self.assertFalse(draft.exists())

    # ------------------------------------------------------------------
    # A.6 Posted runs and account states
    # ------------------------------------------------------------------
    def test_posted_run_and_account_state_change_through_actions_only(self):
        run = self._new_run()
        self.assertRpcRefused(
            self.rpc(self.specialist, "utility.billing.run", "write", run.ids, {"state": "rated"}),
            message="through its buttons only",
        )
        # As Post Bills leaves it (test_billing_run posts runs for real).
        as_action(run).state = "posted"
        self.assertRpcRefused(
            self.rpc(self.specialist, "utility.billing.run", "write", run.ids, {"state": "draft"})
        )
        self.assertRpcRefused(
            self.rpc(self.specialist, "utility.billing.run", "write", run.ids, {"chunk_size": 5}),
            "UserError",
            "cannot be changed, reset or deleted",
        )
        self.assertRpcRefused(
            self.rpc(self.supervisor, "utility.billing.run", "unlink", run.ids), "UserError"
        )
        self.assertEqual(run.state, "posted")
        self.assertRpcRefused(
            self.rpc(self.csr, "utility.account", "write", self.account.ids, {"state": "closed"}),
            message="Activate, Final Bill, Close",
        )
        self.assertRpcRefused(
            self.rpc(self.csr, "utility.account", "action_close", self.account.ids),
            "UserError",
            "Only pending or final-billed accounts can be closed",
        )
        self.assertEqual(self.account.state, "active")

    # ------------------------------------------------------------------
    # A.7 Bank numbers: the last four below Billing Specialist
    # ------------------------------------------------------------------
    def test_bank_numbers_are_masked_below_billing_specialist(self):
        bank = self.env["res.partner.bank"].create(
            {
                "partner_id": self.account.partner_id.id,
                "acc_number": "000123456789",
                "aba_routing": "091000019",
            }
        )
        enrollment = self.env["utility.autopay.enrollment"].create(
            {"account_id": self.account.id, "bank_id": bank.id, "date_start": date(2025, 1, 1)}
        )
        secret = ["acc_number", "aba_routing", "display_name"]
        # A city may let its clerks export lists: the numbers stay masked there too.
        export = self.env.ref("base.group_allow_export")
        (self.cashier | self.csr).write({"groups_id": [Command.link(export.id)]})
        for user in (self.cashier, self.csr):
            read = self.rpc(user, "res.partner.bank", "read", bank.ids, secret)[0]
            self.assertEqual(
                (read["acc_number"], read["aba_routing"]), ("****6789", "****0019"), user.name
            )
            self.assertNotIn("123456789", read["display_name"])
            found = self.rpc(
                user, "res.partner.bank", "search_read", [("id", "=", bank.id)], ["acc_number"]
            )
            self.assertEqual(found[0]["acc_number"], "****6789")
            read = self.rpc(user, "utility.autopay.enrollment", "read", enrollment.ids, secret)
            self.assertNotIsInstance(read, RpcError, read)
            read = read[0]
            self.assertEqual((read["acc_number"], read["aba_routing"]), ("****6789", "****0019"))
            self.assertNotIn("123456789", read["display_name"])
            exported = self.rpc(
                user,
                "utility.autopay.enrollment",
                "export_data",
                enrollment.ids,
                ["acc_number", "aba_routing", "bank_id/acc_number", "bank_id"],
            )
            self.assertNotIsInstance(exported, RpcError, exported)
            exported = exported["datas"][0]
            self.assertEqual(exported[:3], ["****6789", "****0019", "****6789"])
            self.assertNotIn("123456789", exported[3])
        # A billing specialist drafts the debits: the whole numbers.
        read = self.rpc(
            self.specialist, "utility.autopay.enrollment", "read", enrollment.ids, secret
        )[0]
        self.assertEqual((read["acc_number"], read["aba_routing"]), ("000123456789", "091000019"))

    # ------------------------------------------------------------------
    # A.8 No card number in a utility record's chatter, over RPC either
    # ------------------------------------------------------------------
    def test_chatter_refuses_or_masks_card_numbers_over_rpc(self):
        refused = self.rpc(
            self.csr,
            "utility.account",
            "message_post",
            self.account.ids,
            body="Paid with 4111 1111 1111 1111",
            message_type="comment",
        )
        self.assertRpcRefused(refused, "ValidationError", "****1111")
        created = self.rpc(
            self.csr,
            "mail.message",
            "create",
            {
                "model": "utility.account",
                "res_id": self.account.id,
                "body": "Paid with 4111111111111111",
                "message_type": "notification",
            },
        )
        self.assertIsInstance(created, int)
        body = self.env["mail.message"].browse(created).body
        self.assertIn("****1111", body)
        self.assertNotIn("4111111111111111", body)
