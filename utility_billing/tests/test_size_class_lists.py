# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Meter sizes, cart sizes and customer classes are the city's lists.

Rates by a 10-inch meter, a 95-gallon cart and a small commercial class are
billed by a billing run to the posted invoice; a supervisor adds an entry, a
clerk cannot (ORM and JSON-RPC); an upgraded database keeps its old keys.
"""

from datetime import date

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged
from odoo.tests.common import TransactionCase

from ..models.utility_coded_mixin import saved_column
from .common import ROLE_GROUPS
from .common_rate_rules import RateRulesCommon
from .common_rpc import RpcCase


@tagged("post_install", "-at_install")
class TestSizeClassRates(RateRulesCommon):
    def _mahanoy(self):
        """Mahanoy City, PA, Municipal Authority, "Service & Rates"
        (https://mahanoywater.com/service-rates/, approved November 21, 2012):
        service charge by meter size, which entitles the customer to an
        allowance: 5/8 inch $18.46 for 875 gallons, 8 inch $1,476.61 and
        10 inch $6,367.87 for 4,989 gallons; above it, next 4,114 gallons
        (875 to 4,989) $0.00977273 a gallon, next 49,862 gallons (4,989 to
        54,851) $0.00665775, all over 54,851 gallons $0.00463924 (here per
        1,000 gallons: 9.77273, 6.65775, 4.63924)."""

        def minimum(code, amount, allowance):
            return {
                "name": "Service charge",
                "component": "minimum",
                "amount": amount,
                "allowance": allowance,
                "meter_size": self._meter_size(code).id,
            }

        return self._schedule(
            "MC-W",
            self.water,
            [
                minimum("5/8", 18.46, 0.875),
                minimum("8", 1476.61, 4.989),
                minimum("10", 6367.87, 4.989),
                {
                    "name": "Water",
                    "component": "block",
                    "block_ids": [
                        (0, 0, {"quantity_from": 0, "price_unit": 9.77273}),
                        (0, 0, {"quantity_from": 4.989, "price_unit": 6.65775}),
                        (0, 0, {"quantity_from": 54.851, "price_unit": 4.63924}),
                    ],
                },
            ],
        )

    def test_ten_inch_meter_pays_its_own_service_charge(self):
        """Mahanoy City's 10-inch meter (see :meth:`_mahanoy`), 14,989 gallons
        in a month: service charge 6,367.87 covers 4,989 gallons; the 10,000
        gallons above it fall in the 4,989-54,851 block: 10 x 6.65775 =
        66.5775 -> 66.58. Bill: 6,367.87 + 66.58 = 6,434.45. A 10-inch meter
        was refused before meter sizes became the city's list."""
        account = self._account([(self._mahanoy(), {})], meter_size="10")
        self._read(account, "14.989", date(2025, 1, 3), date(2025, 2, 3))
        move = self._bill(account, date(2025, 2, 3))
        self._assert_bill(move, "6434.45", ["6367.87", "66.58"])

    def test_block_label_reads_the_range_billed(self):
        """Mahanoy City's 10-inch meter (see :meth:`_mahanoy`), 19,978 gallons
        read: the service charge covers 4,989 gallons, the 14,989 above it are
        billed in the 4,989-54,851 block: 14.989 x 6.65775 = 99.79301475 ->
        99.79; bill 6,367.87 + 99.79 = 6,467.66. The block's line on the
        posted invoice says the range billed, from the allowance to the usage
        (4.989-19.978 kgal), not the block's published top (54.851 kgal)."""
        account = self._account([(self._mahanoy(), {})], meter_size="10")
        self._read(account, "19.978", date(2025, 1, 3), date(2025, 2, 3))
        move = self._bill(account, date(2025, 2, 3))
        self._assert_bill(move, "6467.66", ["6367.87", "99.79"])
        self.assertEqual(move.state, "posted")
        block = move.invoice_line_ids.filtered(lambda line: line.price_subtotal == 99.79)
        self.assertEqual(block.name, "Water 4.989-19.978 kgal: 19.978 kgal (01/03-02/03)")

    def test_a_size_without_its_charge_is_an_exception(self):
        """A 12-inch meter on a schedule that prices none: the run holds the
        account with a plain reason and bills nothing."""
        account = self._account([(self._mahanoy(), {})], meter_size="12")
        self._read(account, 20, date(2025, 1, 3), date(2025, 2, 3))
        run = self._new_run(
            cycle=account.cycle_id,
            date_from=date(2025, 2, 1),
            date_to=date(2025, 2, 5),
            date_invoice=date(2025, 2, 8),
            date_due=date(2025, 2, 28),
            date_penalty=date(2025, 3, 5),
        )
        self._rate_run(run)
        line = run.line_ids.filtered(lambda line: line.account_id == account)
        self.assertEqual(line.state, "exception")
        self.assertIn("no base charge for meter size 12", line.message)
        self.assertFalse(line.charge_ids)

    def test_ninety_five_gallon_cart(self):
        """A city code of ordinances on ecode360 (https://ecode360.com/44533193,
        Ordinances O-2022-018 to O-2024-005): monthly fee by cart selection,
        95-gallon solid waste with 95-gallon recycling $18.35, 65-gallon with
        65-gallon recycling $15.49. One 95-gallon cart: 18.35 (water at $0
        here: 0.00)."""
        water = self._schedule("EC-W", self.water, [{"name": "Water", "component": "unit"}])
        garbage = self._schedule(
            "EC-G",
            self.garbage,
            [
                {
                    "name": f"Solid waste {code} gal",
                    "component": "cart",
                    "cart_size": self._cart_size(code).id,
                    "price_unit": price,
                }
                for code, price in (("65", 15.49), ("95", 18.35))
            ],
        )
        account = self._account(
            [(water, {}), (garbage, {"cart_count": 1, "cart_size": self._cart_size("95").id})]
        )
        self._read(account, 5, date(2025, 1, 3), date(2025, 2, 3))
        move = self._bill(account, date(2025, 2, 3))
        self._assert_bill(move, "18.35", ["0.00", "18.35"])

    def test_small_commercial_class(self):
        """Webster City, IA, "Water Rates" (https://webstercity.com/?p=5407):
        monthly base rate residential $10.00, small commercial $20.00, large
        commercial $200.00; first 20 units $5.17 a unit, next 20 units $4.27,
        over 40 units $3.07 (a unit: 100 cubic feet).

        A small commercial customer using 30 units: 20.00 + 20 x 5.17 +
        10 x 4.27 = 20.00 + 103.40 + 42.70 = 166.10."""
        schedule = self._schedule(
            "WC-W",
            self.water,
            [
                *(
                    {
                        "name": "Base rate",
                        "component": "fixed",
                        "amount": amount,
                        "customer_class": self._customer_class(code).id,
                    }
                    for code, amount in (
                        ("residential", 10.00),
                        ("small_commercial", 20.00),
                        ("large_commercial", 200.00),
                    )
                ),
                {
                    "name": "Water",
                    "component": "block",
                    "block_ids": [
                        (0, 0, {"quantity_from": 0, "price_unit": 5.17}),
                        (0, 0, {"quantity_from": 20, "price_unit": 4.27}),
                        (0, 0, {"quantity_from": 40, "price_unit": 3.07}),
                    ],
                },
            ],
            usage_unit="ccf",
        )
        account = self._account(
            [(schedule, {})], meter_unit="ccf", customer_class="small_commercial"
        )
        self._read(account, 30, date(2025, 1, 3), date(2025, 2, 3))
        move = self._bill(account, date(2025, 2, 3))
        self._assert_bill(move, "166.10", ["20.00", "103.40", "42.70"])
        run_line = move.utility_billing_run_id.line_ids.filtered(
            lambda line: line.account_id == account
        )
        self.assertEqual(run_line.customer_class.code, "small_commercial")


@tagged("post_install", "-at_install")
class TestSizeClassAccess(RpcCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.supervisor = new_test_user(
            cls.env,
            login="sz_supervisor",
            groups=f"base.group_user,{ROLE_GROUPS['supervisor']}",
        )
        cls.csr = new_test_user(
            cls.env, login="sz_csr", groups=f"base.group_user,{ROLE_GROUPS['csr']}"
        )

    def test_supervisor_adds_a_class_a_clerk_cannot(self):
        Class = self.env["utility.customer.class"]
        vals = {"name": "Church", "code": "church"}
        with self.assertRaises(AccessError):
            Class.with_user(self.csr).create(vals)
        church = Class.with_user(self.supervisor).create(vals)
        self.assertEqual(Class.with_user(self.csr).search([("code", "=", "church")]), church)
        with self.assertRaises(AccessError):
            church.with_user(self.csr).write({"name": "Churches"})
        church.with_user(self.supervisor).action_archive()
        self.assertFalse(church.active)

    def test_over_rpc(self):
        self.assertRpcRefused(
            self.rpc(self.csr, "utility.meter.size", "create", {"name": '15"', "code": "15"}),
        )
        size_id = self.rpc(
            self.supervisor,
            "utility.meter.size",
            "create",
            {"name": '15"', "code": "15", "diameter": 15},
        )
        self.assertEqual(self.env["utility.meter.size"].browse(size_id).code, "15")
        cart = self.env.ref("utility_billing.cart_size_95")
        self.assertRpcRefused(
            self.rpc(self.csr, "utility.cart.size", "write", [cart.id], {"gallons": 94})
        )
        self.assertEqual(cart.gallons, 95)
        self.assertEqual(
            self.rpc(self.csr, "utility.cart.size", "read", [cart.id], ["code"]),
            [{"id": cart.id, "code": "95"}],
        )
        # The same code twice: a plain refusal, nothing created.
        count = self.env["utility.meter.size"].search_count([])
        self.assertRpcRefused(
            self.rpc(
                self.supervisor,
                "utility.meter.size",
                "create",
                {"name": "Fifteen", "code": "15", "diameter": 15},
            ),
            error="ValidationError",
            message="This code is used by another entry already.",
        )
        self.assertEqual(self.env["utility.meter.size"].search_count([]), count)


@tagged("post_install", "-at_install")
class TestSelectionMigration(TransactionCase):
    def test_old_keys_are_linked_to_their_entries(self):
        """What the 18.0.1.1.0 upgrade does to a database built before it:
        the old selection key kept in a saved column (pre-migrate) links each
        row to the entry of that code; a key no entry has gets one."""
        meters = self.env["utility.meter"].create(
            [{"name": f"MIG-{n}", "unit": "gallon", "dials": 6} for n in range(3)]
        )
        saved = saved_column("size")
        self.env.flush_all()
        cr = self.env.cr
        cr.execute(f"ALTER TABLE utility_meter ADD COLUMN {saved} varchar")
        cr.execute(
            f"UPDATE utility_meter SET {saved} = CASE id WHEN %s THEN '10' WHEN %s THEN '1.5' "
            "ELSE '20' END WHERE id IN %s",
            [meters[0].id, meters[1].id, tuple(meters.ids)],
        )
        linked = self.env["utility.coded.mixin"]._migrate_selection_columns(
            [("utility_meter", "size", "utility.meter.size")]
        )
        self.assertEqual(linked[("utility_meter", "size")], 3)
        self.assertEqual(meters.mapped("size.code"), ["10", "1.5", "20"])
        self.assertEqual(meters[0].size, self.env.ref("utility_billing.meter_size_10"))
        self.assertEqual(meters[2].size.diameter, 20.0)
        cr.execute(
            "SELECT 1 FROM information_schema.columns "
            "WHERE table_name = 'utility_meter' AND column_name = %s",
            [saved],
        )
        self.assertFalse(cr.fetchall(), "the saved keys are dropped")
