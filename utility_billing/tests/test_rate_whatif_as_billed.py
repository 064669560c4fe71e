# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Rate what-if: each bill priced again with what it was priced with.

The city: Harbor Hills Public Service District's monthly water rates
(https://hhpsd.com/about-our-water/rates-and-fees/): residential $16.50 base
and $1.47 per 1,000 gallons for the first 10,000 gallons; commercial $21.50
and $1.69. The proposal priced here is a test's own (residential $18.00 +
$1.60, commercial $23.50 + $1.85): the usage stays in the first tier.
"""

from datetime import date
from decimal import Decimal

from odoo import Command
from odoo.tests import tagged

from .common_rate_whatif import RateWhatifCommon

DECEMBER = date(2024, 12, 3)
JANUARY = date(2025, 1, 3)
FEBRUARY = date(2025, 2, 3)


@tagged("post_install", "-at_install")
class TestRateWhatifAsBilled(RateWhatifCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        residential = cls._customer_class("residential")
        commercial = cls._customer_class("commercial")

        def lines(prices):
            return [
                dict(
                    {"name": "Base", "component": "fixed", "amount": base},
                    customer_class=klass.id,
                )
                for klass, base, _unit in prices
            ] + [
                dict(
                    {"name": "Water", "component": "unit", "price_unit": unit},
                    customer_class=klass.id,
                )
                for klass, _base, unit in prices
            ]

        cls.harbor = cls._schedule(
            "HH-W", cls.water, lines([(residential, 16.50, 1.47), (commercial, 21.50, 1.69)])
        )
        cls.harbor_proposed = cls.env["utility.rate.version"].create(
            {
                "schedule_id": cls.harbor.id,
                "date_start": "2025-07-01",
                "is_proposed": True,
                "line_ids": [
                    Command.create(dict(vals, sequence=10 * (i + 1)))
                    for i, vals in enumerate(
                        lines([(residential, 18.00, 1.60), (commercial, 23.50, 1.85)])
                    )
                ],
            }
        )
        cls.residential, cls.commercial = residential, commercial

    @staticmethod
    def _money(value):
        return Decimal(str(value)).quantize(Decimal("0.01"))

    def test_class_changed_mid_year_is_priced_per_bill_as_billed(self):
        """A residential customer becomes commercial in January. Billed: December
        to January, 5,000 gallons residential, 16.50 + 5 x 1.47 = $23.85; January
        to February, 5,000 gallons commercial, 21.50 + 5 x 1.69 = $29.95; $53.80.
        Priced again with each bill's class: $53.80, every bill reproduced (with
        today's class both would be commercial: $59.90). Proposed: 18.00 + 5 x
        1.60 = $26.00 and 23.50 + 5 x 1.85 = $32.75: $58.75, +$4.95."""
        account = self._account([(self.harbor, {})], customer_class="residential")
        self._read(account, 5, DECEMBER, JANUARY)
        december = self._bill(account, JANUARY)
        self._assert_bill(december, "23.85", ["16.50", "7.35"])
        account.location_id.customer_class = self.commercial
        self._read_meters(account.service_ids.meter_id, FEBRUARY, [10.0])
        january = self._bill(account, FEBRUARY)
        self._assert_bill(january, "29.95", ["21.50", "8.45"])
        periods = self.env["utility.service.period"].search(
            [("account_id", "=", account.id)], order="date_from"
        )
        self.assertEqual(periods.customer_class_id, self.residential | self.commercial)
        self.assertEqual(periods[0].customer_class_id, self.residential)
        self.assertEqual(periods.meter_size_id, self._meter_size("5/8"))
        self.assertEqual(periods.rate_schedule_id, self.harbor)

        whatif = self.env["utility.rate.whatif"].create(
            {
                "name": "Harbor Hills proposal",
                "date_from": date(2024, 3, 1),
                "date_to": date(2025, 2, 28),
                "version_ids": [Command.set(self.harbor_proposed.ids)],
                "usage_list": "5",
            }
        )
        whatif.action_compute()
        self.assertEqual(self._money(whatif.amount_billed), Decimal("53.80"))
        self.assertEqual(self._money(whatif.amount_rerated), Decimal("53.80"))
        self.assertEqual(whatif.difference_bill_count, 0)
        self.assertEqual(self._money(whatif.amount_proposed), Decimal("58.75"))
        self.assertEqual(self._money(whatif.amount_change), Decimal("4.95"))
        self.assertEqual(
            sorted(
                (
                    line.customer_class.code,
                    line.bill_count,
                    self._money(line.amount_billed),
                    self._money(line.amount_proposed),
                )
                for line in whatif.revenue_line_ids
            ),
            [
                ("commercial", 1, Decimal("29.95"), Decimal("32.75")),
                ("residential", 1, Decimal("23.85"), Decimal("26.00")),
            ],
        )
