# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A cart delivery, pickup or exchange changes the service's carts from the day
the crew did it, and the next bill prorates the cart charge by days.

The rule: Englewood, OH, Codified Ordinances 1064
(https://codelibrary.amlegal.com/codes/englewood/latest/englewood_oh/0-0-0-59526):
"Based on the number of days per month, the customer shall pay the pro rata
share of days of service received during the billing period". Fixtures of
``BillingCommon``: garbage 15.00 a cart a month; the March bill's period is
February 3 - March 3, 28 days; water 77.00 and sewer 101.00 on 24 kgal.
"""

from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common_billing import BillingCommon


@tagged("post_install", "-at_install")
class TestCartProration(BillingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account = cls._make_accounts(1)
        cls.account.date_start = date(2024, 1, 1)
        cls.meter = cls.account.service_ids.meter_id
        cls.garbage_service = cls.account.service_ids.filtered(
            lambda s: s.service_type_id == cls.garbage
        )
        cls.crew_user = new_test_user(
            cls.env, login="ub_cart_crew", groups="utility_billing.group_utility_field"
        )
        cls.crew = cls.env["fsm.team"].create(
            {"name": "Sanitation", "utility_user_ids": [Command.link(cls.crew_user.id)]}
        )

    def _cart_order(self, kind, moment, count, size="96"):
        order = self.env["utility.work.order"]._create_for(
            kind, self.garbage_service, team_id=self.crew.id
        )
        with freeze_time(moment):
            order = order.with_user(self.crew_user)
            order.write(
                {
                    "result": "completed",
                    "cart_count_done": count,
                    "cart_size_done": self._cart_size(size).id,
                }
            )
            order.action_complete()
        return order

    def _garbage_lines(self, bill):
        return bill.invoice_line_ids.filtered(
            lambda line: line.utility_service_type_id == self.garbage
        ).sorted("id")

    def test_cart_delivery_is_prorated_on_the_next_bill(self):
        """One cart until February 20, two from then on: 17 days of one cart,
        15.00 x 17 / 28 = 9.107 = 9.11, and 11 days of two, 30.00 x 11 / 28 =
        11.786 = 11.79: 20.90 of garbage, 77.00 + 101.00 + 20.90 = 198.90.
        The February bill (January 3 - February 3) stays at one cart, 15.00."""
        self.assertEqual(self.garbage_service.cart_count, 1)
        order = self._cart_order("cart_delivery", "2025-02-20 15:00:00", 2)
        self.assertEqual(
            (self.garbage_service.cart_count, self.garbage_service.cart_size.code), (2, "96")
        )
        change = self.garbage_service.cart_change_ids
        self.assertEqual(
            (change.date, change.previous_cart_count, change.cart_count, change.work_order_id),
            (date(2025, 2, 20), 1, 2, order.sudo()),
        )
        february, march = self._bill_february_and_march(self.meter)
        self.assertEqual(self._garbage_lines(february).mapped("price_subtotal"), [15.0])
        lines = self._garbage_lines(march)
        self.assertEqual(lines.mapped("price_subtotal"), [9.11, 11.79])
        self.assertEqual(march.state, "posted")
        self.assertAlmostEqual(march.amount_total, 198.90)
        receivable = march.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        self.assertAlmostEqual(receivable.debit, 198.90)

    def test_delivery_then_pickup_in_one_period(self):
        """Two carts from February 10, back to one on February 24: 7 days of one
        (15.00 x 7 / 28 = 3.75), 14 days of two (30.00 x 14 / 28 = 15.00), 7
        days of one (3.75): 22.50."""
        self._cart_order("cart_delivery", "2025-02-10 15:00:00", 2)
        self._cart_order("cart_pickup", "2025-02-24 15:00:00", 1)
        _february, march = self._bill_february_and_march(self.meter)
        self.assertEqual(self._garbage_lines(march).mapped("price_subtotal"), [3.75, 15.0, 3.75])
        self.assertAlmostEqual(march.amount_total, 77.0 + 101.0 + 22.50)

    def test_a_city_that_does_not_prorate_bills_the_carts_at_the_period_end(self):
        """Rocky Mount, VA (https://www.rockymountva.org/FormCenter/Solid-Waste-Collection-4/
        Request-Additional-Carts-Exchange-Carts-46): "Fees are not pro-rated or
        adjusted": two carts on March 3, 2 x 15.00 = 30.00 for the whole period."""
        self.company.utility_cart_proration = False
        self._cart_order("cart_delivery", "2025-02-20 15:00:00", 2)
        february, march = self._bill_february_and_march(self.meter)
        self.assertEqual(self._garbage_lines(february).mapped("price_subtotal"), [15.0])
        self.assertEqual(self._garbage_lines(march).mapped("price_subtotal"), [30.0])
        self.assertAlmostEqual(march.amount_total, 77.0 + 101.0 + 30.0)

    def test_bad_cart_changes_change_nothing(self):
        self._cart_order("cart_delivery", "2025-02-20 15:00:00", 2)
        service = self.garbage_service
        for args, message in (
            ((date(2025, 2, 21), -1), "cannot be negative"),
            ((date(2025, 2, 19), 3), "last changed on 02/20/2025"),
            ((date(2023, 12, 1), 3), "started on"),
        ):
            with self.subTest(args=args), self.assertRaisesRegex(UserError, message):
                service._change_carts(*args)
        self.assertEqual((service.cart_count, len(service.cart_change_ids)), (2, 1))
        with self.assertRaises(UserError):
            service.cart_change_ids.write({"cart_count": 5})
        with self.assertRaises(AccessError):
            self.env["utility.service.cart.change"].create(
                {"service_id": service.id, "date": date(2025, 3, 1), "cart_count": 9}
            )
        order = self.env["utility.work.order"]._create_for(
            "cart_pickup", service, team_id=self.crew.id
        )
        order = order.with_user(self.crew_user)
        order.write(
            {
                "result": "completed",
                "cart_count_done": 3,
                "cart_size_done": self._cart_size("96").id,
            }
        )
        with freeze_time("2025-02-19 15:00:00"), self.assertRaisesRegex(UserError, "last changed"):
            order.action_complete()
        self.assertEqual(order.state, "open")
