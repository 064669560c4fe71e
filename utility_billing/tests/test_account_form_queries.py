# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The account form's and list's computed figures cost the same few queries
for one account as for a page of them (README "Speed of the clerk screens"):
no query per account in the balance, the smart-button counts or level pay."""

from odoo.tests import tagged

from .common import UtilityCommon

# What the Accounts list and the account form compute (not stored).
COMPUTED = (
    "amount_balance",
    "open_bill_count",
    "bill_count",
    "credit_count",
    "payment_count",
    "exception_count",
    "return_count_12m",
    "work_order_count",
    "amount_deferred",
    "amount_current_due",
)


@tagged("post_install", "-at_install")
class TestAccountFormQueries(UtilityCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Location = cls.env["utility.service.location"]
        cls.accounts = cls.account | cls.env["utility.account"].create(
            [
                {
                    "partner_id": cls.env["res.partner"].create({"name": f"Page {i}"}).id,
                    "location_id": Location.create({"street": f"{i} Page St"}).id,
                }
                for i in range(9)
            ]
        )

    def _queries(self, accounts, user):
        accounts = accounts.with_user(user)
        self.env.invalidate_all()
        # The records themselves are read first (as the list and form do).
        accounts.fetch(["name", "company_id", "currency_id"])
        before = self.env.cr.sql_log_count
        accounts.read(list(COMPUTED))
        return self.env.cr.sql_log_count - before

    def test_computes_do_not_query_per_account(self):
        for role in ("cashier", "supervisor"):
            user = self.users[role]
            self._queries(self.accounts, user)  # access rules and caches, once
            one = self._queries(self.account, user)
            page = self._queries(self.accounts, user)
            self.assertEqual(one, page, f"{role}: {one} queries for one account, {page} for ten")
            self.assertLessEqual(page, 25, role)
