# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The parallel cycle: the legacy system's bills against the billing run's
compute on the same reads, nothing posted.

Rate: Early, Texas, residential and commercial water inside the city limits
(https://earlytx.net/220/Water-Rates): $28.00 minimum base charge, $6.95 per
thousand gallons from 0 to 5,000 gallons, $7.95 from 5,000 to 10,000, $8.95
above 10,000. By hand:

- 7,000 gallons: 28.00 + 5 x 6.95 + 2 x 7.95 = 28.00 + 34.75 + 15.90 = 78.65
- 12,000 gallons: 28.00 + 34.75 + 5 x 7.95 + 2 x 8.95 = 28.00 + 34.75 + 39.75
  + 17.90 = 120.40 (the legacy system billed 120.35: five cents apart)
- 3,000 gallons: 28.00 + 3 x 6.95 = 28.00 + 20.85 = 48.85
"""

import base64
import csv
import io
from datetime import date

from odoo import Command
from odoo.exceptions import AccessError

from .common_conversion import ConversionCommon

HEADER = (
    "account,customer,service_street,class,route,services,meter,meter_unit,last_read,last_read_date"
)
LEGACY_BILLS = (
    "account,period,service,usage,amount\n"
    "70101,02/2025,WATER,7,78.65\n"
    "70102,02/2025,WATER,12,120.35\n"
    "70104,02/2025,WATER,0,28.00\n"
    "99999,02/2025,WATER,2,30.00\n"
)


class TestConversionComparison(ConversionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.early = cls._create_schedule(
            "EARLY-W",
            cls.water,
            [
                {
                    "name": "Minimum base charge",
                    "sequence": 10,
                    "component": "fixed",
                    "amount": 28.00,
                },
                {
                    "name": "Usage",
                    "sequence": 20,
                    "component": "block",
                    "block_ids": [
                        Command.create({"quantity_from": 0, "price_unit": 6.95}),
                        Command.create({"quantity_from": 5, "price_unit": 7.95}),
                        Command.create({"quantity_from": 10, "price_unit": 8.95}),
                    ],
                },
            ],
        )
        cls.early_cycle = cls.env["utility.billing.cycle"].create(
            {"name": "Early", "code": "EC1", "read_day_start": 1, "read_day_end": 10}
        )
        cls.env["utility.route"].create(
            {"name": "Early 1", "code": "EC1-1", "cycle_id": cls.early_cycle.id}
        )
        rows = [
            f"7010{n},Customer {n},{n} Main St,residential,EC1-1,WATER:EARLY-W,EM-{n},kgal,100,"
            "01/03/2025"
            for n in (1, 2, 3, 4)
        ]
        content = "\n".join([HEADER, *rows]) + "\n"
        batch = cls.env["utility.conversion.batch"].create(
            {
                "name": "early.csv",
                "file_data": base64.b64encode(content.encode()),
                "date_conversion": "2025-01-31",
            }
        )
        batch.action_check()
        assert batch.state == "checked", batch.problems
        batch.action_load()
        batch.action_finish()
        meters = {a.name: a.service_ids.meter_id for a in batch.account_ids}
        cls.env["utility.meter.reading"].create(
            [
                {"meter_id": meters[number].id, "date": date(2025, 2, 3), "value": value}
                for number, value in (("70101", 107.0), ("70102", 112.0), ("70103", 103.0))
            ]
        )

    def _comparison(self, content=LEGACY_BILLS, user=None):
        Comparison = self.env["utility.conversion.comparison"].with_user(user or self.specialist)
        return Comparison.with_company(self.company).create(
            {
                "name": "legacy_bills_feb.csv",
                "file_data": base64.b64encode(content.encode()),
                "cycle_id": self.early_cycle.id,
                "date_from": date(2025, 2, 1),
                "date_to": date(2025, 2, 10),
            }
        )

    def test_parallel_bills_compared_to_the_cent(self):
        moves = self.env["account.move"].search_count([])
        periods = self.env["utility.service.period"].sudo().search_count([])
        comparison = self._comparison()
        comparison.action_compare()
        self.assertEqual(comparison.state, "compared", comparison.problems)
        lines = {
            line.legacy_account: (
                line.status,
                line.amount_legacy,
                line.amount_ours,
                line.amount_difference,
            )
            for line in comparison.line_ids
        }
        self.assertEqual(
            lines,
            {
                "70101": ("match", 78.65, 78.65, 0.0),
                "70102": ("differs", 120.35, 120.40, 0.05),
                "70103": ("ours_only", 0.0, 48.85, 48.85),
                "70104": ("legacy_only", 28.00, 0.0, -28.00),
                "99999": ("legacy_only", 30.00, 0.0, -30.00),
            },
        )
        by_number = {line.legacy_account: line for line in comparison.line_ids}
        self.assertEqual(by_number["70102"].usage_ours, 12.0)
        self.assertEqual(by_number["70102"].usage_legacy, 12.0)
        self.assertEqual(by_number["99999"].note, "No such account here.")
        self.assertTrue(by_number["70104"].note)
        self.assertFalse(by_number["99999"].account_id)
        self.assertEqual(
            (
                comparison.account_count,
                comparison.match_count,
                comparison.differ_count,
                comparison.legacy_only_count,
                comparison.ours_only_count,
            ),
            (5, 1, 1, 2, 1),
        )
        # 78.65 + 120.35 + 28.00 + 30.00 = 257.00; 78.65 + 120.40 + 48.85 = 247.90
        self.assertEqual(comparison.amount_legacy, 257.00)
        self.assertEqual(comparison.amount_ours, 247.90)
        self.assertEqual(comparison.amount_difference, -9.10)
        # A dry run: nothing posted, no period billed.
        self.assertEqual(self.env["account.move"].search_count([]), moves)
        self.assertEqual(self.env["utility.service.period"].sudo().search_count([]), periods)

    def test_export_lists_the_differences(self):
        comparison = self._comparison()
        comparison.action_compare()
        action = comparison.action_export_differences()
        attachment = self.env["ir.attachment"].browse(
            int(action["url"].split("/")[3].split("?")[0])
        )
        rows = list(csv.reader(io.StringIO(base64.b64decode(attachment.datas).decode())))
        self.assertEqual(rows[0][:3], ["Account", "Customer", "Service"])
        self.assertEqual(
            [(row[0], row[5], row[6], row[7]) for row in rows[1:]],
            [
                ("70102", "120.35", "120.40", "0.05"),
                ("70103", "0.00", "48.85", "48.85"),
                ("70104", "28.00", "0.00", "-28.00"),
                ("99999", "30.00", "0.00", "-30.00"),
            ],
        )

    def test_bad_legacy_bills_are_refused(self):
        content = (
            "account,period,service,usage,amount\n"
            "70101,02/2025,WATER,7,78.65\n"
            "70101,02/2025,WATER,7,78.65\n"
            "70102,02/2025,GAS,12,1e3\n"
        )
        comparison = self._comparison(content)
        comparison.action_compare()
        self.assertEqual(comparison.state, "draft")
        self.assertFalse(comparison.line_ids)
        self.assertEqual(
            comparison.problems.split("\n"),
            [
                "Row 3 (account 70101): the WATER bill of account 70101 is also on row 2.",
                "Row 4 (account 70102): the amount '1e3' is not an amount in dollars and cents.",
                "Row 4 (account 70102): the service GAS is unknown.",
            ],
        )

    def test_csr_cannot_compare(self):
        with self.assertRaises(AccessError):
            self._comparison(user=self.csr)
        comparison = self._comparison()
        with self.assertRaises(AccessError):
            comparison.with_user(self.csr).action_compare()

    def test_demo_town_conversion(self):
        """The demo's Cedar Heights: 20 accounts converted and finished, and a
        parallel cycle with exactly two differences."""
        for code, service_type, lines, vals in (
            ("W-RC", self.water, self.schedules[self.water].version_ids.line_ids, {}),
            (
                "S-RES",
                self.sewer,
                self.schedules[self.sewer].version_ids.line_ids,
                {"volume_basis": "water"},
            ),
            ("G-CART", self.garbage, self.schedules[self.garbage].version_ids.line_ids, {}),
        ):
            line_vals = [
                {
                    "name": line.name,
                    "sequence": line.sequence,
                    "component": line.component,
                    "amount": line.amount,
                    "price_unit": line.price_unit,
                    "block_ids": [
                        Command.create(
                            {"quantity_from": block.quantity_from, "price_unit": block.price_unit}
                        )
                        for block in line.block_ids
                    ],
                }
                for line in lines
            ]
            self._create_schedule(code, service_type, line_vals, **vals)
        batch, comparison = self.env["utility.demo.town"]._generate_conversion()
        self.assertEqual(batch.state, "done")
        self.assertEqual(len(batch.account_ids), 20)
        self.assertTrue(batch.is_balanced)
        self.assertEqual(comparison.state, "compared", comparison.problems)
        self.assertEqual(
            (comparison.match_count, comparison.differ_count, comparison.ours_only_count),
            (18, 1, 1),
        )
        differs = comparison.line_ids.filtered(lambda line: line.status == "differs")
        self.assertEqual((differs.legacy_account, differs.amount_difference), ("CH-1006", 0.05))
        self.assertAlmostEqual(
            comparison.amount_difference,
            comparison.amount_ours - comparison.amount_legacy,
            places=2,
        )
