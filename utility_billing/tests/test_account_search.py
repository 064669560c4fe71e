# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The counter's account search stays an index search however big the city is.

What ``benchmarks/bench_clerk_screens.py`` measured at 100,000 accounts (README
"Speed") rests on these: pg_trgm is there, the account number, the
customer's name and the premise's name and street are on the accounts table
with trigram indexes, the search box and the take-payment lookup search
those columns, and PostgreSQL can answer that search from the indexes alone.
"""

from lxml import etree

from odoo import Command
from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from .common import UtilityCommon

TRIGRAM_COLUMNS = ("name", "partner_name", "location_name", "location_street")


@tagged("post_install", "-at_install")
class TestAccountSearch(UtilityCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other = cls.env["utility.account"].create(
            {
                "partner_id": cls.env["res.partner"].create({"name": "Dana Elmwood"}).id,
                "location_id": cls.env["utility.service.location"]
                .create({"street": "1520 Elm Street", "street2": "Apt 4", "route_id": cls.route.id})
                .id,
            }
        )

    def _search_box_domain(self, text):
        """The domain the Accounts search box gives for ``text`` (its first field)."""
        arch = self.env.ref("utility_billing.utility_account_view_search").arch
        field = etree.fromstring(arch).xpath("//field[@name='name']")[0]
        return safe_eval(field.get("filter_domain"), {"self": text})

    def test_trigram_indexes_exist(self):
        self.env.cr.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        self.assertTrue(self.env.cr.fetchone(), "pg_trgm is created at install")
        self.assertTrue(self.env.registry.has_trigram)
        self.env.cr.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = 'utility_account' "
            "AND indexdef LIKE '%%gin_trgm_ops%%'"
        )
        indexed = " ".join(row[0] for row in self.env.cr.fetchall())
        for column in TRIGRAM_COLUMNS:
            self.assertIn(f"({column} gin_trgm_ops)", indexed)

    def test_search_by_number_customer_and_address(self):
        Account = self.env["utility.account"]
        for text in (self.other.name, "elmwood", "1520 elm", "Apt 4"):
            found = Account.search(self._search_box_domain(text))
            self.assertEqual(found, self.other, text)
            # The take-payment dialog's account lookup (name_search) finds it too.
            self.assertIn(self.other.id, [i for i, _n in Account.name_search(text)], text)
        # A premise renamed by a clerk is found by its new name and by its street.
        self.other.location_id.name = "Elm Street Laundromat"
        self.assertEqual(Account.search(self._search_box_domain("laundromat")), self.other)
        self.assertEqual(Account.search(self._search_box_domain("1520 Elm")), self.other)
        # A customer's new name is searched at once (stored, kept up to date).
        self.other.partner_id.name = "Dana Birch"
        self.assertEqual(Account.search(self._search_box_domain("birch")), self.other)
        self.assertFalse(Account.search(self._search_box_domain("elmwood")))

    def test_search_is_answered_from_the_indexes(self):
        """Without sequential scans and plain index scans, PostgreSQL can only
        answer with the trigram indexes: the plan shows each of them and reads
        neither the customers nor the premises tables."""
        query = self.env["utility.account"]._search(self._search_box_domain("1520 elm"))
        sql = query.select()
        self.env.flush_all()
        cr = self.env.cr
        cr.execute("SET LOCAL enable_seqscan = off")
        cr.execute("SET LOCAL enable_indexscan = off")
        cr.execute(f"EXPLAIN {sql.code}", sql.params)  # pylint: disable=sql-injection
        plan = "\n".join(row[0] for row in cr.fetchall())
        for column in TRIGRAM_COLUMNS:
            self.assertIn(f"utility_account__{column}_index", plan)
        self.assertNotIn("Seq Scan", plan)
        self.assertNotIn("res_partner", plan)
        self.assertNotIn("utility_service_location", plan)

    def _payment_search_domain(self, text, string):
        """The domain the Payments search box gives for ``text`` in ``string``."""
        arch = self.env.ref("utility_billing.utility_payment_view_search").arch
        field = etree.fromstring(arch).xpath(f"//field[@string='{string}']")[0]
        return safe_eval(field.get("filter_domain"), {"self": text})

    def test_payments_search_by_service_address_uses_the_indexes(self):
        """Payments > search "Service Address": the premise's name and street
        stored on the account, answered by their trigram indexes (the plan reads
        no premise), and it finds the payment by premise name or street."""
        payment = self.env["utility.payment"].create(
            {"line_ids": [Command.create({"account_id": self.other.id, "amount": 12.5})]}
        )
        self.other.location_id.name = "Elm Street Laundromat"
        Payment = self.env["utility.payment"]
        for text in ("1520 elm", "laundromat"):
            found = Payment.search(self._payment_search_domain(text, "Service Address"))
            self.assertEqual(found, payment, text)
        self.assertFalse(
            Payment.search(self._payment_search_domain("Oak Avenue", "Service Address"))
        )
        sql = Payment._search(self._payment_search_domain("1520 elm", "Service Address")).select()
        self.env.flush_all()
        cr = self.env.cr
        cr.execute("SET LOCAL enable_seqscan = off")
        cr.execute("SET LOCAL enable_indexscan = off")
        cr.execute(f"EXPLAIN {sql.code}", sql.params)  # pylint: disable=sql-injection
        plan = "\n".join(row[0] for row in cr.fetchall())
        for column in ("location_name", "location_street"):
            self.assertIn(f"utility_account__{column}_index", plan)
        self.assertNotIn("utility_service_location", plan)
