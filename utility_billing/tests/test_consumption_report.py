# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Consumption by class, on posted bills, by the class each bill was priced with.

Harbor Hills Public Service District's monthly water rates
(https://hhpsd.com/about-our-water/rates-and-fees/): residential $16.50 base and
$1.47 per 1,000 gallons for the first 10,000 gallons; commercial $21.50 and $1.69.
"""

import io
from datetime import date

import openpyxl

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common_rate_rules import RateRulesCommon

DECEMBER = date(2024, 12, 3)
JANUARY = date(2025, 1, 3)
FEBRUARY = date(2025, 2, 3)


@tagged("post_install", "-at_install")
class TestConsumptionReport(RateRulesCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.residential = cls._customer_class("residential")
        cls.commercial = cls._customer_class("commercial")
        cls.harbor = cls._schedule(
            "HH-W",
            cls.water,
            [
                {"name": "Base", "component": "fixed", "amount": base, "customer_class": klass.id}
                for klass, base in ((cls.residential, 16.50), (cls.commercial, 21.50))
            ]
            + [
                {"name": "Water", "component": "unit", "price_unit": unit, "customer_class": k.id}
                for k, unit in ((cls.residential, 1.47), (cls.commercial, 1.69))
            ],
        )

    def _bill_history(self):
        """January: two residential bills, 5,000 gallons (16.50 + 5 x 1.47 =
        $23.85) and 8,000 gallons (16.50 + 8 x 1.47 = $28.26). The first
        customer becomes commercial: February, 5,000 gallons at 21.50 + 5 x
        1.69 = $29.95."""
        first = self._account([(self.harbor, {})], customer_class="residential")
        second = self._account([(self.harbor, {})], customer_class="residential")
        self.assertEqual(first.cycle_id, second.cycle_id)
        self._read(first, 5, DECEMBER, JANUARY)
        self._read(second, 8, DECEMBER, JANUARY)
        january = self._bill(first, JANUARY)
        self._assert_bill(january, "23.85", ["16.50", "7.35"])
        first.location_id.customer_class = self.commercial
        self._read_meters(first.service_ids.meter_id, FEBRUARY, [10.0])
        february = self._bill(first, FEBRUARY)
        self._assert_bill(february, "29.95", ["21.50", "8.45"])
        return first | second

    def _rows(self, accounts):
        return self.env["utility.consumption.report"].search([("account_id", "in", accounts.ids)])

    def test_usage_and_billed_by_class_and_month(self):
        accounts = self._bill_history()
        groups = self.env["utility.consumption.report"]._read_group(
            [("account_id", "in", accounts.ids)],
            ["service_type_id", "customer_class_id", "date:month"],
            ["__count", "usage:sum", "amount_billed:sum"],
        )
        self.assertEqual(
            sorted(
                (
                    service.code,
                    klass.code,
                    month.strftime("%Y-%m"),
                    count,
                    round(usage, 3),
                    round(amount, 2),
                )
                for service, klass, month, count, usage, amount in groups
            ),
            [
                ("WATER", "commercial", "2025-02", 1, 5.0, 29.95),
                ("WATER", "residential", "2025-01", 2, 13.0, 52.11),
            ],
        )

    def test_a_cancelled_bill_counts_once(self):
        """A billed period credited (cancel-and-rebill) is not consumption."""
        accounts = self._bill_history()
        rows = self._rows(accounts)
        self.assertEqual(len(rows), 3)
        period = self.env["utility.service.period"].browse(rows[:1].ids)
        period.sudo().state = "credited"
        self.env.flush_all()
        self.assertEqual(len(self._rows(accounts)), 2)

    def test_xlsx(self):
        accounts = self._bill_history()
        rows = self._rows(accounts)
        content, kind = self.env["ir.actions.report"]._render(
            "utility_billing.report_utility_consumption_xlsx", rows.ids
        )
        self.assertEqual(kind, "xlsx")
        book = openpyxl.load_workbook(io.BytesIO(content))
        self.assertEqual(book.sheetnames, ["By Class and Month", "Consumption by Class"])
        summary = list(book["By Class and Month"].iter_rows(values_only=True))
        self.assertEqual(
            summary[0], ("Service", "Class Billed", "Month", "Bills", "Usage", "Billed")
        )
        water = self.water.name
        self.assertEqual(
            sorted(summary[1:]),
            sorted(
                [
                    (water, self.commercial.name, "February 2025", 1, 5, 29.95),
                    (water, self.residential.name, "January 2025", 2, 13, 52.11),
                ]
            ),
        )
        detail = list(book["Consumption by Class"].iter_rows(values_only=True))
        self.assertEqual(len(detail), 4)
        self.assertEqual(sorted(row[-1] for row in detail[1:]), [23.85, 28.26, 29.95])

    def test_roles(self):
        accounts = self._bill_history()
        cashier = new_test_user(
            self.env, login="cons_cashier", groups="utility_billing.group_utility_cashier"
        )
        csr = new_test_user(self.env, login="cons_csr", groups="utility_billing.group_utility_csr")
        billing = new_test_user(
            self.env, login="cons_billing", groups="utility_billing.group_utility_billing"
        )
        for user in (cashier, csr):
            with self.assertRaises(AccessError):
                self.env["utility.consumption.report"].with_user(user).search([])
        for user in (billing, cashier | billing):
            user.write(
                {"company_ids": [(4, self.env.company.id)], "company_id": self.env.company.id}
            )
        self.assertEqual(
            len(
                self.env["utility.consumption.report"]
                .with_user(billing)
                .search([("account_id", "in", accounts.ids)])
            ),
            3,
        )
