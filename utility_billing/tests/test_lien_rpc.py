# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Liens over JSON-RPC: the notice's date, the letters, the proposals and the
county's release file are the billing specialist's, whatever the client."""

from datetime import date

from odoo.tests import new_test_user, tagged

from .common_lien import LienCommon
from .common_rpc import RpcCase

CSR = "base.group_user,utility_billing.group_utility_csr"


@tagged("post_install", "-at_install")
class TestLienRpc(LienCommon, RpcCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.utility_lien_propose_days = 60
        cls.company.utility_lien_propose_min_balance = 100.0
        cls._post_bill(cls.account, date(2024, 3, 1), {cls.water: 80.0, cls.sewer: 42.35})
        cls.account.partner_id.email = "owner.rpc@example.com"
        cls.csr = new_test_user(cls.env, login="ub_lien_rpc_csr", groups=CSR)

    def test_new_lien_actions_are_billing_only(self):
        lien = self._lien(self.account)
        self.env.flush_all()
        # Nobody dates the notice by hand: only printing or sending it does.
        for user in (self.csr, self.clerk):
            self.assertRpcRefused(
                self.rpc(user, "utility.lien", "write", lien.ids, {"date_notice": "2024-01-02"})
            )
        self.assertRpcRefused(
            self.rpc(
                self.clerk,
                "utility.lien",
                "create",
                [{"account_id": self.account2.id, "date_notice": "2024-01-02"}],
            )
        )
        # Customer service reads liens but neither sends letters, nor proposes,
        # nor sends the county's release file.
        for method in ("action_send_letter", "action_export_county_release", "action_certify"):
            self.assertRpcRefused(self.rpc(self.csr, "utility.lien", method, lien.ids))
        self.assertRpcRefused(self.rpc(self.csr, "utility.lien.propose", "create", [{}]))
        lien.invalidate_recordset()
        self.assertFalse(lien.date_notice)
        self.assertFalse(lien.sudo().message_ids.filtered("attachment_ids"))
        # The billing specialist sends the notice: it is dated today.
        result = self.rpc(self.clerk, "utility.lien", "action_send_letter", lien.ids)
        self.assertEqual(result["params"]["type"], "success")
        lien.invalidate_recordset()
        self.assertTrue(lien.date_notice)

    def test_proposals_over_rpc_create_each_lien_once(self):
        self.env.flush_all()
        defaults = self.rpc(self.clerk, "utility.lien.propose", "default_get", ["date", "line_ids"])
        lines = [
            command[2]
            for command in defaults["line_ids"]
            if command[2]["account_id"] == self.account.id
        ]
        self.assertEqual(len(lines), 1)
        lines[0]["is_selected"] = True
        wizard_id = self.rpc(
            self.clerk,
            "utility.lien.propose",
            "create",
            [{"line_ids": [[0, 0, lines[0]]]}],
        )[0]
        self.rpc(self.clerk, "utility.lien.propose", "action_create_liens", [wizard_id])
        again = self.rpc(self.clerk, "utility.lien.propose", "action_create_liens", [wizard_id])
        self.assertRpcRefused(again, "UserError", "nothing was created")
        self.assertEqual(
            self.env["utility.lien"].search_count([("account_id", "=", self.account.id)]), 1
        )
