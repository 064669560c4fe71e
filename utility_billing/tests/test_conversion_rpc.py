# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A conversion over JSON-RPC: a CSR neither creates nor loads one, and nobody
types a batch's status, whatever the client sends."""

import base64

from odoo.tests import tagged

from .common_conversion import ConversionCommon, accounts_csv
from .common_rpc import RpcCase


@tagged("post_install", "-at_install")
class TestConversionRpc(ConversionCommon, RpcCase):
    def test_csr_cannot_load_a_conversion(self):
        data = base64.b64encode(accounts_csv().encode()).decode()
        self.assertRpcRefused(
            self.rpc(
                self.csr,
                "utility.conversion.batch",
                "create",
                [{"name": "x.csv", "file_data": data}],
            )
        )
        batch = self._batch()
        batch.action_check()
        self.env.flush_all()
        for method in ("action_check", "action_load", "action_finish", "action_rollback"):
            self.assertRpcRefused(self.rpc(self.csr, "utility.conversion.batch", method, batch.ids))
        # Nobody types the status: the billing specialist neither.
        self.assertRpcRefused(
            self.rpc(
                self.specialist, "utility.conversion.batch", "write", batch.ids, {"state": "done"}
            ),
            message="change through its buttons only",
        )
        self.assertRpcRefused(
            self.rpc(self.specialist, "utility.conversion.batch", "action_rollback", batch.ids)
        )
        self.assertEqual(batch.state, "checked")
        self.assertFalse(batch.account_ids)
        # The billing specialist loads it.
        self.rpc(self.specialist, "utility.conversion.batch", "action_load", batch.ids)
        batch.invalidate_recordset()
        self.assertEqual(batch.state, "loaded")
        self.assertEqual(len(batch.account_ids), 3)

    def test_csr_cannot_compare_parallel_bills(self):
        data = base64.b64encode(b"account,service,amount\n70001,WATER,10.00\n")
        comparison = (
            self.env["utility.conversion.comparison"]
            .with_user(self.specialist)
            .create(
                {
                    "name": "bills.csv",
                    "file_data": data,
                    "cycle_id": self.cycle.id,
                    "date_from": "2025-02-01",
                    "date_to": "2025-02-10",
                }
            )
        )
        self.env.flush_all()
        Comparison = "utility.conversion.comparison"
        self.assertRpcRefused(self.rpc(self.csr, Comparison, "action_compare", comparison.ids))
        self.assertRpcRefused(self.rpc(self.csr, Comparison, "read", comparison.ids, ["name"]))
        # The results are Compare's: nobody types them.
        self.assertRpcRefused(
            self.rpc(
                self.specialist, Comparison, "write", comparison.ids, {"amount_difference": 0.0}
            ),
            message="written by Compare only",
        )
        self.rpc(self.specialist, Comparison, "action_compare", comparison.ids)
        comparison.invalidate_recordset()
        self.assertEqual(comparison.state, "compared")
        self.assertEqual(comparison.legacy_only_count, 1)
