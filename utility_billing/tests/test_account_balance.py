# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

from ..models.utility_locked_fields_mixin import as_action


@tagged("post_install", "-at_install")
class TestAccountBalance(AccountTestInvoicingCommon):
    """The account balance is read from the general ledger, to the cent."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The accountant of the common test case also works the utility counter.
        cls.env.user.groups_id += cls.env.ref("utility_billing.group_utility_supervisor")
        location = cls.env["utility.service.location"].create({"street": "1 Ledger Ln"})
        cls.account = cls.env["utility.account"].create(
            {"partner_id": cls.partner_a.id, "location_id": location.id}
        )

    def _bill(self, amount):
        move = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.partner_a.id,
                "invoice_date": "2026-10-01",
                "utility_account_id": self.account.id,
                "invoice_line_ids": [
                    Command.create(
                        {"name": "Water", "quantity": 1, "price_unit": amount, "tax_ids": False}
                    )
                ],
            }
        )
        move.action_post()
        return move

    def test_balance_follows_the_ledger(self):
        self.assertEqual(self.account.amount_balance, 0.0)
        first = self._bill(45.37)
        self._bill(12.01)
        self.account.invalidate_recordset(["amount_balance"])
        self.assertAlmostEqual(self.account.amount_balance, 57.38, places=2)
        self.assertEqual(first.line_ids.utility_account_id, self.account)
        # A partial payment lowers the balance by exactly what was paid.
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=first.ids
        ).create({"amount": 20.00, "payment_date": "2026-10-05"})._create_payments()
        self.account.invalidate_recordset(["amount_balance"])
        self.assertAlmostEqual(self.account.amount_balance, 37.38, places=2)
        # A billed account cannot be deleted, and one with a balance cannot close.
        with self.assertRaisesRegex(UserError, "cannot be deleted"), self.cr.savepoint():
            self.account.unlink()
        as_action(self.account).state = "final_billed"  # what a final bill does
        with (
            self.assertRaisesRegex(UserError, "Settle or transfer the balance"),
            self.cr.savepoint(),
        ):
            self.account.action_close()
