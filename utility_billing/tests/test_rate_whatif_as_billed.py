# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Rate what-if: each bill priced again with what it was priced with.

Final bills, back-bills and corrected bills are priced again by their days,
as billed: Modesto, CA's water (1-inch meter $36.83 + $2.02 per CCF, proposed
$38.55 + $2.11: https://modestogov.com/FAQ.aspx?QID=758) and garbage (a
90-gallon toter $51.25 a month: https://modestogov.com/1564/Garbage-Rates).

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

from ..models.utility_locked_fields_mixin import as_action
from .common_rate_whatif import RateWhatifCommon

DECEMBER = date(2024, 12, 3)
JANUARY = date(2025, 1, 3)
FEBRUARY = date(2025, 2, 3)
MARCH = date(2025, 3, 3)


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
        cls.modesto, cls.proposed = cls._modesto_proposal("MOD-B")

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

        whatif = self._new_whatif(self.harbor_proposed, "5", name="Harbor Hills proposal")
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

    def test_final_bill_and_back_bill_are_priced_by_their_days(self):
        """Garbage connected late: the December cycle bill has water only (20
        CCF: 36.83 + 40.40 = $77.23). Back-bill of garbage December 3 to February
        17: two months and 14 of the 28 days of the third, 51.25 x 2.5 =
        128.125 -> $128.13. Final bill on February 20: water January 3 to
        February 20, a month and 17 of 28 days, 36.83 x 45/28 = 59.1910 ->
        59.19 + 30 CCF x 2.02 = 60.60: $119.79; garbage 3 of 28 days, 51.25 x
        3/28 = 5.4910 -> $5.49. Billed 77.23 + 128.13 + 119.79 + 5.49 =
        $330.64, priced again the same (every bill reproduced). Proposed water:
        38.55 + 20 x 2.11 = $80.75 and 38.55 x 45/28 = 61.9554 -> 61.96 + 30 x
        2.11 = 63.30: $125.26; garbage keeps what it billed: $339.63, +$8.99."""
        garbage_schedule = self._schedule(
            "MOD-G", self.garbage, [{"name": "Toter", "component": "cart", "price_unit": 51.25}]
        )
        account = self._account([(self.modesto, {})], meter_unit="ccf", meter_size="1")
        account.date_start = date(2024, 1, 1)
        water = account.service_ids
        self._read(account, 20, DECEMBER, JANUARY)
        cycle = self._bill(account, JANUARY)
        self._assert_bill(cycle, "77.23", ["36.83", "40.40"])
        # The toter was delivered on December 3; the service is entered late.
        garbage = self.env["utility.account.service"].create(
            {
                "account_id": account.id,
                "date_start": DECEMBER,
                "service_type_id": self.garbage.id,
                "rate_schedule_id": garbage_schedule.id,
                "cart_count": 1,
            }
        )
        as_action(garbage).state = "active"
        back = account._action_back_bill(
            garbage, DECEMBER, date(2025, 2, 17), "Garbage connected late", date_invoice=FEBRUARY
        )
        self._assert_bill(back, "128.13", ["128.13"])
        final = account._action_final_bill(
            date(2025, 2, 20), reading_values={water.id: 50.0}, date_invoice=date(2025, 2, 21)
        )
        self._assert_bill(final, "125.28", ["59.19", "60.60", "5.49"])

        whatif = self._new_whatif(self.proposed, "15", name="Modesto proposal")
        whatif.action_compute()
        self.assertEqual(whatif.special_bill_count, 2)
        self.assertEqual(whatif.bill_count, 4)
        self.assertEqual(self._money(whatif.amount_billed), Decimal("330.64"))
        self.assertEqual(self._money(whatif.amount_rerated), Decimal("330.64"))
        self.assertEqual(whatif.difference_bill_count, 0)
        self.assertEqual(self._money(whatif.amount_proposed), Decimal("339.63"))
        self.assertEqual(self._money(whatif.amount_change), Decimal("8.99"))
        by_service = {
            line.service_type_id: (
                self._money(line.amount_billed),
                self._money(line.amount_proposed),
            )
            for line in whatif.revenue_line_ids
        }
        self.assertEqual(
            by_service,
            {
                self.water: (Decimal("197.02"), Decimal("206.01")),
                self.garbage: (Decimal("133.62"), Decimal("133.62")),
            },
        )
        # Typical customers are a month's bill: the final bill's days are not one.
        typical = whatif.bill_line_ids.filtered(lambda b: b.kind == "percentile")
        self.assertEqual(set(typical.mapped("usage")), {20.0})

        # The final reading was 45, not 50: the final bill is cancelled and
        # rebilled (by its days, as the final bill): water 59.19 + 25 x 2.02 =
        # 50.50, garbage 5.49: $115.18. The what-if prices the corrected bill,
        # never the cancelled one: billed 77.23 + 128.13 + 115.18 = $320.54;
        # proposed 80.75 + 128.13 + 61.96 + 25 x 2.11 = 52.75 + 5.49 = $329.08.
        reading = water.meter_id.reading_ids.filtered(lambda r: r.date == date(2025, 2, 20))
        corrected = final._action_cancel_rebill(
            "Final reading misread", reading_values={reading.id: 45.0}, date_invoice=MARCH
        )
        self._assert_bill(corrected, "115.18", ["59.19", "50.50", "5.49"])
        whatif.action_reset_to_draft()
        whatif.action_compute()
        self.assertEqual(whatif.special_bill_count, 2)
        self.assertEqual(self._money(whatif.amount_billed), Decimal("320.54"))
        self.assertEqual(self._money(whatif.amount_rerated), Decimal("320.54"))
        self.assertEqual(whatif.difference_bill_count, 0)
        self.assertEqual(self._money(whatif.amount_proposed), Decimal("329.08"))

    def test_bill_on_demand_is_priced_as_a_run_prices_it(self):
        """December to January billed by the run (20 CCF: $77.23); the customer
        asks for a bill on January 20 (10 CCF), rated as a run rates it: a whole
        base charge, 36.83 + 10 x 2.02 = $57.03. Billed $134.26, priced again
        the same; proposed 38.55 + 20 x 2.11 = $80.75 and 38.55 + 10 x 2.11 =
        $59.65: $140.40."""
        account = self._account([(self.modesto, {})], meter_unit="ccf", meter_size="1")
        self._read(account, 20, DECEMBER, JANUARY)
        self._assert_bill(self._bill(account, JANUARY), "77.23", ["36.83", "40.40"])
        self._read_meters(account.service_ids.meter_id, date(2025, 1, 20), [30.0])
        demand = account._action_bill_on_demand(date(2025, 1, 20), date_invoice=date(2025, 1, 21))
        self.assertEqual(demand.utility_bill_kind, "demand")
        self._assert_bill(demand, "57.03", ["36.83", "20.20"])
        whatif = self._new_whatif(self.proposed, "15")
        whatif.action_compute()
        self.assertEqual(whatif.special_bill_count, 1)
        self.assertEqual(self._money(whatif.amount_billed), Decimal("134.26"))
        self.assertEqual(self._money(whatif.amount_rerated), Decimal("134.26"))
        self.assertEqual(whatif.difference_bill_count, 0)
        self.assertEqual(self._money(whatif.amount_proposed), Decimal("140.40"))

    def test_meter_size_changed_is_priced_per_bill_as_billed(self):
        """Canby Utility, OR, residential water
        (https://www.canbyutility.org/faqs/residential-customers-water-rates/):
        base $21.36 for a 5/8-3/4 inch meter, $30.78 for 1 inch, $1.82 per CCF
        in the first tier; from May 1, 2024 $24.42, $35.19 and $2.08 (the
        proposal here). A 5/8 meter billed 5 CCF: 21.36 + 9.10 = $30.46; then a
        1-inch meter, 5 CCF: 30.78 + 9.10 = $39.88. Priced again with each
        bill's size: $70.34 (today's size for both: $79.76). Proposed: 24.42 +
        10.40 = $34.82 and 35.19 + 10.40 = $45.59: $80.41."""
        small, large = self._meter_size("5/8"), self._meter_size("1")

        def lines(small_base, large_base, unit):
            return [
                {
                    "name": "Base",
                    "component": "fixed",
                    "amount": small_base,
                    "meter_size": small.id,
                },
                {
                    "name": "Base",
                    "component": "fixed",
                    "amount": large_base,
                    "meter_size": large.id,
                },
                {"name": "Water", "component": "unit", "price_unit": unit},
            ]

        canby = self._schedule("CAN-W", self.water, lines(21.36, 30.78, 1.82), usage_unit="ccf")
        proposed = self.env["utility.rate.version"].create(
            {
                "schedule_id": canby.id,
                "date_start": "2025-07-01",
                "is_proposed": True,
                "line_ids": [
                    Command.create(dict(vals, sequence=10 * (i + 1)))
                    for i, vals in enumerate(lines(24.42, 35.19, 2.08))
                ],
            }
        )
        account = self._account([(canby, {})], meter_unit="ccf", meter_size="5/8")
        self._read(account, 5, DECEMBER, JANUARY)
        self._assert_bill(self._bill(account, JANUARY), "30.46", ["21.36", "9.10"])
        account.service_ids.meter_id.size = large
        self._read_meters(account.service_ids.meter_id, FEBRUARY, [10.0])
        self._assert_bill(self._bill(account, FEBRUARY), "39.88", ["30.78", "9.10"])
        whatif = self._new_whatif(proposed, "5", name="Canby proposal")
        whatif.action_compute()
        self.assertEqual(self._money(whatif.amount_billed), Decimal("70.34"))
        self.assertEqual(self._money(whatif.amount_rerated), Decimal("70.34"))
        self.assertEqual(whatif.difference_bill_count, 0)
        self.assertEqual(self._money(whatif.amount_proposed), Decimal("80.41"))
