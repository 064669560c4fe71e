# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from odoo.tests import new_test_user, tagged

from .common_payment import PaymentCommon

CASHIER = "base.group_user,utility_billing.group_utility_cashier"
# What a clerk reads of a bill in the account's lists.
COLUMNS = {
    "name",
    "invoice_date",
    "utility_period_start",
    "utility_period_end",
    "invoice_date_due",
    "amount_total_signed",
    "amount_residual_signed",
    "state",
    "payment_state",
}


@tagged("post_install", "-at_install")
class TestAccountBillList(PaymentCommon):
    """The account's smart buttons open the counter's light bills list.

    Odoo's invoice list computes, for every row, duplicated references
    (a search per page over all invoices), sequence gaps, activities and the
    sending status: at 100,000 accounts half of each request. The account's
    lists show only stored columns; Odoo's own list stays the accountants'.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cashier = new_test_user(cls.env, login="ub_bill_list_cashier", groups=CASHIER)

    def _list_spec(self, action):
        """The fields the web client reads for the action's list view."""
        view_id = {mode: view for view, mode in action["views"]}["list"]
        result = self.env["account.move"].with_user(self.cashier).get_views([(view_id, "list")])
        return result["views"]["list"], set(result["models"]["account.move"]["fields"])

    def test_buttons_open_the_light_list(self):
        light = self.env.ref("utility_billing.account_move_view_list_utility_bills")
        account = self.account.with_user(self.cashier)
        for method in ("action_view_open_bills", "action_view_all_bills",
                       "action_view_credits", "action_view_bills"):  # fmt: skip
            action = getattr(account, method)()
            self.assertEqual(action["views"][0], (light.id, "list"), method)
            self.assertEqual(action["res_model"], "account.move")
        # Odoo's own invoice list is untouched: still the default list of invoices.
        odoo_action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_out_invoice_type"
        )
        self.assertNotIn(light.id, [view for view, _mode in odoo_action["views"]])
        self.assertNotEqual(self.env["ir.ui.view"].default_view("account.move", "list"), light.id)

    def test_list_reads_only_stored_columns(self):
        views, columns = self._list_spec(self.account.action_view_all_bills())
        self.assertLessEqual(COLUMNS, columns)
        self.assertNotIn("duplicated_ref_ids", views["arch"])
        fields_ = self.env["account.move"]._fields
        computed = {name for name in columns if not fields_[name].store}
        # The currency of the amounts (related to the company) is the only non-stored one.
        self.assertEqual(computed, {"company_currency_id"})

    def test_cashier_reads_the_bills_with_their_amounts(self):
        """A cashier opens the account's bills (Open Bills: the unpaid one only)
        and reads number, dates, period, total and amount due."""
        self._post_bill(self.account, date(2025, 1, 15), {self.water: 40.0, self.sewer: 20.0})
        self._payment([(self.account, 60.0)], date=date(2025, 1, 25), tender="cash")
        self._post_bill(self.account, date(2025, 2, 15), {self.water: 33.33, self.garbage: 15.0})
        self._post_bill(self.account2, date(2025, 2, 15), {self.water: 99.0})
        account = self.account.with_user(self.cashier)
        for method, expected in (
            ("action_view_all_bills", [(48.33, 48.33, "not_paid"), (60.0, 0.0, "paid")]),
            ("action_view_open_bills", [(48.33, 48.33, "not_paid")]),
        ):
            action = getattr(account, method)()
            _views, columns = self._list_spec(action)
            records = (
                self.env["account.move"]
                .with_user(self.cashier)
                .with_context(**action["context"])
                .web_search_read(
                    action["domain"],
                    {name: {} for name in columns},
                    order="invoice_date desc",
                )["records"]
            )
            self.assertEqual(
                [
                    (r["amount_total_signed"], r["amount_residual_signed"], r["payment_state"])
                    for r in records
                ],
                expected,
                method,
            )
            self.assertTrue(all(r["name"] and r["invoice_date_due"] for r in records))
