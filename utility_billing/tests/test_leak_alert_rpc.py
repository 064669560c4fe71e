# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Leak alerts over JSON-RPC (``/web/dataset/call_kw``): a cashier reads them,
customer service resolves them, and nobody writes their state or their
figures, whatever the client sends."""

from odoo.tests import tagged

from .common_leak import LeakCommon
from .common_rpc import RpcCase

MODEL = "utility.leak.alert"


@tagged("post_install", "-at_install")
class TestLeakAlertRpc(LeakCommon, RpcCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._write_hours(cls.meter1, [2.0] * 30)
        cls.alert = cls.env["utility.leak.alert"]._check_meters(cls.meter1)

    def test_cashier_reads_only(self):
        self.env.flush_all()
        cashier = self.users["cashier"]
        rows = self.rpc(cashier, MODEL, "read", self.alert.ids, ["state", "kind", "summary"])
        self.assertEqual(rows[0]["state"], "notified")
        self.assertIn("without stopping for 30 hours", rows[0]["summary"])
        for method in ("action_resolve", "action_dismiss"):
            self.assertRpcRefused(self.rpc(cashier, MODEL, method, self.alert.ids))
        self.assertRpcRefused(self.rpc(cashier, MODEL, "write", self.alert.ids, {"note": "x"}))
        self.assertRpcRefused(self.rpc(cashier, MODEL, "unlink", self.alert.ids))
        self.alert.invalidate_recordset()
        self.assertEqual(self.alert.state, "notified")

    def test_csr_resolves_but_writes_no_state(self):
        self.env.flush_all()
        csr = self.users["csr"]
        for vals in ({"state": "resolved"}, {"usage_gallons": 0}, {"closed_by_id": csr.id}):
            self.assertRpcRefused(self.rpc(csr, MODEL, "write", self.alert.ids, vals))
        # A client sending the guard's context key gets no rights from it.
        self.assertRpcRefused(
            self.rpc(
                csr,
                MODEL,
                "write",
                self.alert.ids,
                {"state": "resolved"},
                context={"utility_locked_action": True},
            )
        )
        self.assertRpcRefused(
            self.rpc(
                csr,
                MODEL,
                "create",
                [{"meter_id": self.meter2.id, "kind": "jump", "date_start": "2026-01-01"}],
            )
        )
        self.assertTrue(self.rpc(csr, MODEL, "write", self.alert.ids, {"note": "Toilet fixed."}))
        self.assertTrue(self.rpc(csr, MODEL, "action_resolve", self.alert.ids))
        self.alert.invalidate_recordset()
        self.assertEqual((self.alert.state, self.alert.closed_by_id), ("resolved", csr))
        self.assertEqual(self.alert.note, "Toilet fixed.")
        refused = self.rpc(csr, MODEL, "action_dismiss", self.alert.ids)
        self.assertRpcRefused(refused, "UserError", "already closed")
