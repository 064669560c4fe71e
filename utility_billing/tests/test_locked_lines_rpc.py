# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The children of final records are final too (issue 15, after part A):
a posted run's register lines and charges and a prepared deposit's cash count
change through their parent's actions only, and a service's status through
its buttons and work orders, over JSON-RPC as in the ORM
(``utility.locked.fields.mixin``, nobody exempt, ``sudo()`` included).
"""

from datetime import date

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from ..models.utility_locked_fields_mixin import as_action
from .common_cashier import CashierCommon
from .common_rpc import RpcCase

LINE_FIELDS = ["state", "amount_total", "message", "move_id"]


@tagged("post_install", "-at_install")
class TestLockedLinesRpc(CashierCommon, RpcCase):
    def _run_with_line(self):
        """A run rated by hand (one ready line of $70.00 with one charge)."""
        run = self._new_run()
        line = self.env["utility.billing.run.line"].create(
            {
                "run_id": run.id,
                "account_id": self.account.id,
                "partner_id": self.account.partner_id.id,
                "amount_total": 70.0,
            }
        )
        service = self.account.service_ids[:1]
        charge = self.env["utility.billing.run.charge"].create(
            {
                "line_id": line.id,
                "service_id": service.id,
                "service_type_id": service.service_type_id.id,
                "name": "Water - Base",
                "quantity": 1.0,
                "price_unit": 70.0,
                "amount": 70.0,
            }
        )
        return run, line, charge

    # ------------------------------------------------------------------
    # 1. The register of a posting or posted run
    # ------------------------------------------------------------------
    def test_posted_run_lines_change_through_the_run_only(self):
        run, line, charge = self._run_with_line()
        # Before posting, the register is the specialist's to correct.
        self.assertTrue(
            self.rpc(
                self.specialist, "utility.billing.run.line", "write", line.ids, {"message": "x"}
            )
        )
        for state in ("posting", "posted"):
            as_action(run).state = state  # as Post Bills leaves it
            for user in (self.specialist, self.supervisor):
                for vals in ({"amount_total": 1.0}, {"state": "exception"}, {"move_id": False}):
                    self.assertRpcRefused(
                        self.rpc(user, "utility.billing.run.line", "write", line.ids, vals),
                        "UserError",
                        "cannot be changed or deleted",
                    )
                # Only a supervisor may delete register lines at all (access rights).
                unlink_error = "AccessError" if user == self.specialist else "UserError"
                self.assertRpcRefused(
                    self.rpc(user, "utility.billing.run.line", "unlink", line.ids), unlink_error
                )
                self.assertRpcRefused(
                    self.rpc(
                        user, "utility.billing.run.charge", "write", charge.ids, {"amount": 1.0}
                    ),
                    "UserError",
                )
                self.assertRpcRefused(
                    self.rpc(user, "utility.billing.run.charge", "unlink", charge.ids),
                    unlink_error,
                )
                # A new account slipped into the register is refused as well.
                self.assertRpcRefused(
                    self.rpc(
                        user,
                        "utility.billing.run.line",
                        "create",
                        {"run_id": run.id, "account_id": self.account2.id, "amount_total": 1.0},
                    ),
                    "UserError",
                )
            # Nobody is exempt in the ORM either, the superuser included.
            with self.assertRaises(UserError):
                line.sudo().write({"amount_total": 1.0})
            with self.assertRaises(UserError):
                line.sudo().unlink()
            with self.assertRaises(UserError):
                charge.sudo().amount = 1.0
        line.invalidate_recordset()
        charge.invalidate_recordset()
        self.assertEqual(
            (line.amount_total, line.state, line.message, charge.amount), (70.0, "ok", "x", 70.0)
        )
        self.assertFalse(
            self.env["utility.billing.run.line"].search(
                [("run_id", "=", run.id), ("account_id", "=", self.account2.id)]
            )
        )
        # The run's own action still works on its register (test_billing_run_jobs
        # bills resolved exceptions on a posted run for real).
        as_action(line).write({"state": "exception", "message": "held"})
        self.assertEqual(line.state, "exception")

    # ------------------------------------------------------------------
    # 2. The cash count of a prepared, posted or cancelled deposit
    # ------------------------------------------------------------------
    def test_deposit_cash_count_is_locked_like_the_deposit(self):
        self._receive([(self.account, 40.0)])
        self._count(cash=[(100.0, 1), (20.0, 2)])
        deposit = (
            self.env["utility.deposit"]
            .with_user(self.supervisor)
            .create({"journal_id": self.company_data["default_journal_bank"].id,
                     "date": date(2025, 3, 1)})
        )  # fmt: skip
        deposit.action_load_sessions()
        deposit.action_count_from_receipts()
        counted = deposit.cash_line_ids.filtered("count")
        self.assertEqual(sum(counted.mapped("amount")), deposit.amount_cash)
        before = {line.id: line.count for line in deposit.cash_line_ids}
        twenty = deposit.cash_line_ids.filtered(lambda c: c.denomination == 20.0)[:1]
        # A draft count is the clerk's to correct.
        self.assertTrue(
            self.rpc(self.csr, "utility.deposit.cash.line", "write", twenty.ids, {"count": 9})
        )
        twenty.invalidate_recordset()
        self.assertEqual(twenty.count, 9)
        twenty.count = before[twenty.id]
        deposit.action_prepare()

        def assert_locked():
            for user in (self.csr, self.supervisor, self.supervisor2):
                self.assertRpcRefused(
                    self.rpc(user, "utility.deposit.cash.line", "write", twenty.ids, {"count": 9}),
                    "UserError",
                    "cash count of a prepared, posted or cancelled deposit",
                )
                # Only a supervisor may delete count lines at all (access rights).
                self.assertRpcRefused(
                    self.rpc(user, "utility.deposit.cash.line", "unlink", counted.ids),
                    "AccessError" if user == self.csr else "UserError",
                )
                self.assertRpcRefused(
                    self.rpc(
                        user,
                        "utility.deposit.cash.line",
                        "create",
                        {"deposit_id": deposit.id, "denomination": 50.0, "count": 1},
                    ),
                    "UserError",
                )
                # Through the deposit's own form (its one2many) just the same.
                self.assertRpcRefused(
                    self.rpc(
                        user,
                        "utility.deposit",
                        "write",
                        deposit.ids,
                        {"cash_line_ids": [(1, twenty.id, {"count": 9})]},
                    ),
                    "UserError",
                )
            with self.assertRaises(UserError):
                twenty.sudo().count = 9
            with self.assertRaises(UserError):
                counted.sudo().unlink()
            deposit.invalidate_recordset()
            self.assertEqual({line.id: line.count for line in deposit.cash_line_ids.sudo()}, before)

        assert_locked()
        # Reset to draft reopens the count (the deposit's own action).
        deposit.action_reset_to_draft()
        self.assertTrue(
            self.rpc(self.csr, "utility.deposit.cash.line", "write", twenty.ids, {"count": 9})
        )
        twenty.count = before[twenty.id]
        deposit.action_prepare()
        deposit.with_user(self.supervisor2).action_approve()
        self.assertEqual(deposit.state, "posted")
        assert_locked()

    # ------------------------------------------------------------------
    # 3. A service's status changes through its buttons and work orders
    # ------------------------------------------------------------------
    def test_service_state_changes_through_its_actions_only(self):
        service = self.account.service_ids.filtered(lambda s: s.service_type_id == self.garbage)
        self.assertEqual(service.state, "active")
        for user in (self.csr, self.specialist, self.supervisor):
            for state in ("suspended", "stopped", "disconnected", "pending"):
                self.assertRpcRefused(
                    self.rpc(
                        user, "utility.account.service", "write", service.ids, {"state": state}
                    ),
                    message="its status is never typed in",
                )
        # A new service starts pending: a client cannot create it active.
        self.assertRpcRefused(
            self.rpc(
                self.csr,
                "utility.account.service",
                "create",
                {
                    "account_id": self.account2.id,
                    "service_type_id": self.garbage.id,
                    "rate_schedule_id": service.rate_schedule_id.id,
                    "state": "active",
                },
            ),
            message="its status is never typed in",
        )
        with self.assertRaises(AccessError):
            service.sudo().state = "disconnected"
        # Other fields of the service stay the clerk's to edit.
        self.assertTrue(
            self.rpc(self.csr, "utility.account.service", "write", service.ids, {"cart_count": 2})
        )
        service.invalidate_recordset()
        self.assertEqual((service.state, service.cart_count), ("active", 2))
        # The buttons, over RPC as the web client sends them.
        self.rpc(self.csr, "utility.account.service", "action_suspend", service.ids)
        service.invalidate_recordset()
        self.assertEqual(service.state, "suspended")
        self.rpc(self.csr, "utility.account.service", "action_resume", service.ids)
        service.invalidate_recordset()
        self.assertEqual(service.state, "active")
        self.rpc(self.csr, "utility.account.service", "action_stop", service.ids)
        service.invalidate_recordset()
        self.assertEqual(service.state, "stopped")
        self.assertTrue(service.date_end)
