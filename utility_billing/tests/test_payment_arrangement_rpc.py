# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Payment arrangements over JSON-RPC, as a clerk's script would try: a CSR
cannot approve a plan above their limit nor their own, nobody types a state,
an approver or an amount in; a supervisor approves another clerk's plan."""

from datetime import date

from odoo import Command
from odoo.tests import new_test_user, tagged

from .common_payment import PaymentCommon
from .common_rpc import RpcCase


@tagged("post_install", "-at_install")
class TestPaymentArrangementRpc(PaymentCommon, RpcCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.utility_arrangement_limit_csr = 3
        cls.company.utility_arrangement_limit_supervisor = 12
        cls.csr, cls.supervisor = (
            new_test_user(
                cls.env,
                login=f"ub_parpc_{role}",
                groups=f"base.group_user,utility_billing.group_utility_{role}",
                company_id=cls.company.id,
                company_ids=[Command.set(cls.company.ids)],
            )
            for role in ("csr", "supervisor")
        )
        cls._post_bill(cls.account, date(2025, 1, 15), {cls.water: 120.0, cls.sewer: 67.45})

    def _plan(self, count):
        arrangement = (
            self.env["utility.payment.arrangement"]
            .with_user(self.csr)
            .create(
                {
                    "account_id": self.account.id,
                    "date_start": date(2025, 2, 20),
                    "installment_count": count,
                    "date_first": date(2025, 3, 20),
                }
            )
        )
        arrangement.action_confirm()
        return arrangement

    def test_csr_cannot_approve_above_their_limit_nor_their_own(self):
        arrangement = self._plan(6)
        self.assertEqual(arrangement.state, "to_approve")
        Model = "utility.payment.arrangement"
        self.assertRpcRefused(
            self.rpc(self.csr, Model, "action_approve", arrangement.ids),
            "AccessError",
            "Only a supervisor approves",
        )
        for vals in (
            {"state": "active"},
            {"approver_id": self.csr.id},
            {"amount_covered": 1.0},
            {"approval_reason": False},
        ):
            self.assertRpcRefused(self.rpc(self.csr, Model, "write", arrangement.ids, vals))
        self.assertRpcRefused(
            self.rpc(
                self.csr,
                "utility.payment.arrangement.line",
                "write",
                arrangement.line_ids[:1].ids,
                {"amount": 1.0},
            )
        )
        self.assertRpcRefused(
            self.rpc(
                self.csr,
                Model,
                "create",
                {"account_id": self.account.id, "state": "active", "amount_covered": 1.0},
            )
        )
        arrangement.invalidate_recordset()
        self.assertEqual(arrangement.state, "to_approve")
        self.assertFalse(arrangement.approver_id)
        self.assertEqual(arrangement.amount_covered, 187.45)
        self.assertEqual(self.rpc(self.supervisor, Model, "action_approve", arrangement.ids), True)
        arrangement.invalidate_recordset()
        self.assertEqual(arrangement.state, "active")
        self.assertEqual(arrangement.approver_id, self.supervisor)

    def test_a_supervisor_does_not_approve_their_own(self):
        arrangement = (
            self.env["utility.payment.arrangement"]
            .with_user(self.supervisor)
            .create({"account_id": self.account.id, "date_start": date(2025, 2, 20)})
        )
        arrangement.action_compute_schedule()
        arrangement._as_action().write(
            {"state": "to_approve", "requested_by_id": self.supervisor.id}
        )
        self.assertRpcRefused(
            self.rpc(
                self.supervisor, "utility.payment.arrangement", "action_approve", arrangement.ids
            ),
            "UserError",
            "their own",
        )
        arrangement.invalidate_recordset()
        self.assertEqual(arrangement.state, "to_approve")
