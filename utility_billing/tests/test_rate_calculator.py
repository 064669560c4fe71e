# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The rate calculator: a clerk sees a bill line by line before any billing run."""

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import UtilityCommon


def version(date_start, lines, multiplier=1.5):
    return Command.create(
        {
            "date_start": date_start,
            "outside_multiplier": multiplier,
            "line_ids": [Command.create(line) for line in lines],
        }
    )


@tagged("post_install", "-at_install")
class TestRateCalculator(UtilityCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        water, sewer, garbage, storm = (
            cls.schedules[t] for t in (cls.water, cls.sewer, cls.garbage, cls.stormwater)
        )
        water.write(
            {
                "version_ids": [
                    version(
                        "2025-07-01",
                        [
                            {
                                "name": 'Base 5/8"',
                                "component": "fixed",
                                "meter_size": cls._meter_size("5/8").id,
                                "amount": 18.50,
                            },
                            {
                                "name": 'Base 3/4"',
                                "component": "fixed",
                                "meter_size": cls._meter_size("3/4").id,
                                "amount": 22.75,
                            },
                            {
                                "name": "Water usage",
                                "sequence": 20,
                                "component": "block",
                                "block_ids": [
                                    Command.create({"quantity_from": q, "price_unit": p})
                                    for q, p in ((0, 4.25), (5, 5.10), (15, 6.35), (30, 7.90))
                                ],
                            },
                            {
                                "name": "Senior discount",
                                "sequence": 90,
                                "component": "discount",
                                "discount_program": "senior",
                                "percent": 10.0,
                            },
                        ],
                    )
                ]
            }
        )
        sewer.write(
            {
                "volume_basis": "water",
                "volume_percent": 90.0,
                "volume_cap": 12.0,
                "version_ids": [
                    version(
                        "2025-07-01",
                        [
                            {"name": "Sewer base", "component": "fixed", "amount": 21.0},
                            {
                                "name": "Sewer volume",
                                "sequence": 20,
                                "component": "unit",
                                "price_unit": 6.45,
                            },
                        ],
                    )
                ],
            }
        )
        garbage.write(
            {
                "version_ids": [
                    version(
                        "2025-07-01",
                        [
                            {
                                "name": f"Garbage {size} gal cart",
                                "component": "cart",
                                "cart_size": cls._cart_size(size).id,
                                "price_unit": price,
                            }
                            for size, price in (("35", 14.25), ("64", 18.75), ("96", 23.40))
                        ],
                        multiplier=1.0,
                    )
                ]
            }
        )
        storm.write(
            {
                "version_ids": [
                    version(
                        "2025-07-01",
                        [{"name": "Stormwater", "component": "eru", "price_unit": 6.80}],
                        multiplier=1.0,
                    )
                ]
            }
        )
        cls.account.discount_program = "senior"
        cls._add_service(
            cls.account, cls.water, meter_id=cls._create_meter(size=cls._meter_size("3/4").id).id
        )
        cls._add_service(cls.account, cls.sewer)
        cls._add_service(cls.account, cls.garbage, cart_count=1, cart_size=cls._cart_size("96").id)
        cls._add_service(cls.account, cls.stormwater, eru_count=1.5)
        cls.september = {"date_from": "2025-09-05", "date_to": "2025-10-05"}

    def _lines(self, calculator):
        return [
            (line.service_type_id.code, line.name, line.quantity, line.price_unit, line.amount)
            for line in calculator.line_ids
        ]

    def test_bill_of_an_account_line_by_line(self):
        calculator = self.env["utility.rate.calculator"].create(
            dict(self.september, account_id=self.account.id, usage=8.0)
        )
        self.assertEqual(calculator.schedule_ids, self.account.service_ids.rate_schedule_id)
        self.assertEqual(
            (
                calculator.customer_class.code,
                calculator.is_inside_city,
                calculator.meter_size.code,
                calculator.cart_count,
                calculator.cart_size.code,
                calculator.eru_count,
                calculator.discount_program,
                calculator.usage_unit,
                calculator.period_factor,
                calculator.days,
            ),
            ("residential", True, "3/4", 1, "96", 1.5, "senior", "kgal", 1.0, 30),
        )
        action = calculator.action_compute()
        self.assertEqual(
            self._lines(calculator),
            [
                ("WATER", 'Base 3/4"', 1.0, 22.75, 22.75),
                ("WATER", "Water usage 0-5 kgal", 5.0, 4.25, 21.25),
                ("WATER", "Water usage 5-8 kgal", 3.0, 5.10, 15.30),
                ("WATER", "Senior discount", 1.0, -5.93, -5.93),  # 10 % of 59.30
                ("SEWER", "Sewer base", 1.0, 21.0, 21.0),
                ("SEWER", "Sewer volume", 7.2, 6.45, 46.44),  # 90 % of 8 kgal
                ("GARBAGE", "Garbage 96 gal cart", 1.0, 23.40, 23.40),
                ("STORM", "Stormwater", 1.5, 6.80, 10.20),
            ],
        )
        self.assertAlmostEqual(calculator.amount_total, 154.41, places=2)
        self.assertEqual(
            (action["res_model"], action["res_id"], action["target"]),
            ("utility.rate.calculator", calculator.id, "new"),
        )
        # Computing again replaces the lines.
        calculator.usage = 0.0
        calculator.action_compute()
        self.assertAlmostEqual(calculator.amount_total, 22.75 + 21.0 + 23.40 + 10.20 - 2.28)

    def test_what_if_outside_city_without_an_account(self):
        calculator = self.env["utility.rate.calculator"].create(
            dict(
                self.september,
                schedule_ids=[
                    Command.set([self.schedules[self.water].id, self.schedules[self.sewer].id])
                ],
                is_inside_city=False,
                meter_size=self._meter_size("5/8").id,
                usage=10.0,
            )
        )
        self.assertEqual(calculator.customer_class.code, "residential")
        calculator.action_compute()
        self.assertEqual(
            [line.amount for line in calculator.line_ids],
            [27.75, 31.88, 38.25, 31.50, 87.08],  # 5 x 6.375; 9 x 9.675 = 87.075
        )
        self.assertAlmostEqual(calculator.amount_total, 216.46, places=2)

    def test_usage_in_gallons_is_converted(self):
        calculator = self.env["utility.rate.calculator"].create(
            dict(self.september, account_id=self.account.id, usage=8000.0)
        )
        calculator.usage_unit = "gallon"
        calculator.action_compute()
        self.assertAlmostEqual(calculator.amount_total, 154.41, places=2)

    def test_sixty_day_bill(self):
        calculator = self.env["utility.rate.calculator"].create(
            {
                "date_from": "2025-09-05",
                "date_to": "2025-11-04",
                "period_factor": 2.0,
                "schedule_ids": [Command.set(self.schedules[self.water].ids)],
                "usage": 16.0,
            }
        )
        calculator.action_compute()
        # 2 x 18.50; blocks doubled: 10 x 4.25 + 6 x 5.10
        self.assertEqual([line.amount for line in calculator.line_ids], [37.0, 42.5, 30.6])

    def test_bad_input_is_explained(self):
        calculator = self.env["utility.rate.calculator"].create(dict(self.september, usage=1.0))
        with self.assertRaisesRegex(UserError, "Pick at least one rate schedule"):
            calculator.action_compute()
        calculator.write(
            {
                "schedule_ids": [Command.set(self.schedules[self.water].ids)],
                "meter_size": self._meter_size("1").id,
            }
        )
        with self.assertRaisesRegex(UserError, "no base charge for meter size 1"):
            calculator.action_compute()
        calculator.write({"meter_size": self._meter_size("5/8").id, "date_from": "2025-06-01"})
        with self.assertRaisesRegex(UserError, "no version in force on 06/01/2025"):
            calculator.action_compute()
        self.assertFalse(calculator.line_ids)

    def test_csr_uses_the_calculator_a_cashier_does_not(self):
        env = self.env(user=self.users["csr"])
        calculator = env["utility.rate.calculator"].create(
            dict(self.september, account_id=self.account.id, usage=8.0)
        )
        calculator.action_compute()
        self.assertAlmostEqual(calculator.amount_total, 154.41, places=2)
        with self.assertRaises(AccessError):
            self.env(user=self.users["cashier"])["utility.rate.calculator"].create(
                dict(self.september, usage=1.0)
            )
