# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Rate schedules in the database: versions, constraints and the bridge to lib.rating."""

from datetime import date
from decimal import Decimal

from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger
from odoo.tools.convert import convert_file

from ..lib.rating import RatingInput
from .common import UtilityCommon

D = Decimal


def water_schedule_vals(code, service_type, tax_ids=()):
    """A water schedule with a rate change on 2026-07-01 (all values in one create)."""
    size_5_8 = service_type.env.ref("utility_billing.meter_size_5_8").id

    def lines(base, prices):
        return [
            Command.create(
                {
                    "name": 'Base 5/8"',
                    "sequence": 10,
                    "component": "fixed",
                    "meter_size": size_5_8,
                    "amount": base,
                    "tax_ids": [Command.set(list(tax_ids))],
                }
            ),
            Command.create(
                {
                    "name": "Water usage",
                    "sequence": 20,
                    "component": "block",
                    "block_ids": [
                        Command.create({"quantity_from": q, "price_unit": p})
                        for q, p in zip((0, 5, 15, 30), prices, strict=True)
                    ],
                }
            ),
            Command.create(
                {
                    "name": "Senior discount",
                    "sequence": 90,
                    "component": "discount",
                    "discount_program": "senior",
                    "percent": 10.0,
                }
            ),
            Command.create(
                {"name": "NSF fee", "component": "fee", "fee_code": "nsf", "amount": 30.0}
            ),
            Command.create(
                {
                    "name": "Late fee",
                    "component": "fee",
                    "fee_code": "late_fee",
                    "percent": 10.0,
                }
            ),
        ]

    return {
        "name": f"Water {code}",
        "code": code,
        "service_type_id": service_type.id,
        "usage_unit": "kgal",
        "scale_blocks_with_period": True,
        "version_ids": [
            Command.create(
                {
                    "date_start": "2025-07-01",
                    "outside_multiplier": 1.5,
                    "line_ids": lines(18.50, (4.25, 5.10, 6.35, 7.90)),
                }
            ),
            Command.create(
                {
                    "date_start": "2026-07-01",
                    "outside_multiplier": 1.5,
                    "line_ids": lines(19.25, (4.42, 5.30, 6.60, 8.22)),
                }
            ),
        ],
    }


@tagged("post_install", "-at_install")
class TestRateSchedule(UtilityCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tax = cls.env["account.tax"].create(
            {
                "name": "Utility tax 2 %",
                "amount": 2.0,
                "type_tax_use": "sale",
                "country_id": cls.env.ref("base.us").id,
            }
        )
        cls.schedule = cls.env["utility.rate.schedule"].create(
            water_schedule_vals("W-TEST", cls.water, tax_ids=cls.tax.ids)
        )
        cls.v2025, cls.v2026 = cls.schedule.version_ids.sorted("date_start")

    # ------------------------------------------------------------------
    # Versions
    # ------------------------------------------------------------------
    def test_version_date_end_is_the_day_before_the_next_version(self):
        self.assertEqual(self.v2025.date_end, date(2026, 6, 30))
        self.assertFalse(self.v2026.date_end)
        v2027 = self.env["utility.rate.version"].create(
            {"schedule_id": self.schedule.id, "date_start": "2027-01-01"}
        )
        self.assertEqual(self.v2026.date_end, date(2026, 12, 31))
        self.assertFalse(v2027.date_end)
        # A version slipped in between shortens the one before it.
        early = self.env["utility.rate.version"].create(
            {"schedule_id": self.schedule.id, "date_start": "2026-01-01"}
        )
        self.assertEqual(self.v2025.date_end, date(2025, 12, 31))
        self.assertEqual(early.date_end, date(2026, 6, 30))
        early.unlink()
        v2027.date_start = date(2028, 1, 1)
        self.assertEqual(self.v2025.date_end, date(2026, 6, 30))
        self.assertEqual(self.v2026.date_end, date(2027, 12, 31))

    def test_two_versions_cannot_start_the_same_day(self):
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            self.env["utility.rate.version"].create(
                {"schedule_id": self.schedule.id, "date_start": "2026-07-01"}
            )

    def test_copy_drafts_the_next_rate_change(self):
        copy = self.v2026.copy()
        self.assertEqual(copy.date_start, date(2027, 7, 1))
        self.assertEqual(len(copy.line_ids), 5)
        blocks = copy.line_ids.filtered(lambda line: line.component == "block").block_ids
        self.assertEqual(blocks.mapped("price_unit"), [4.42, 5.30, 6.60, 8.22])
        self.assertEqual(self.v2026.date_end, date(2027, 6, 30))

    def test_current_version_and_counts(self):
        self.assertEqual(self.schedule.version_count, 2)
        self.assertEqual(self.v2025.line_count, 5)
        self.assertIn(self.schedule.current_version_id, self.v2025 | self.v2026)
        action = self.schedule.action_view_versions()
        self.assertEqual(action["domain"], [("schedule_id", "=", self.schedule.id)])

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------
    def _block_line(self, blocks, component="block"):
        return self.env["utility.rate.line"].create(
            {
                "version_id": self.v2026.id,
                "name": "Bad blocks",
                "component": component,
                "block_ids": [
                    Command.create({"quantity_from": q, "price_unit": p}) for q, p in blocks
                ],
            }
        )

    def test_first_block_must_start_at_zero(self):
        with self.assertRaisesRegex(
            ValidationError, "Bad blocks: the first block must start at 0, not at 5."
        ):
            self._block_line([(5, 4.0), (10, 5.0)])

    def test_blocks_cannot_overlap(self):
        with self.assertRaisesRegex(
            ValidationError, "Bad blocks: blocks overlap, several blocks start at 5."
        ):
            self._block_line([(0, 4.0), (5, 5.0), (5, 6.0)])

    def test_block_line_needs_blocks(self):
        with self.assertRaisesRegex(ValidationError, "a block line needs at least one block"):
            self._block_line([])

    def test_only_block_lines_have_blocks(self):
        with self.assertRaisesRegex(ValidationError, "only block lines have blocks"):
            self._block_line([(0, 4.0)], component="unit")

    def test_editing_a_block_is_checked_too(self):
        line = self._block_line([(0, 4.0), (5, 5.0)])
        with self.assertRaisesRegex(ValidationError, "first block must start at 0, not at 1."):
            line.block_ids.sorted("quantity_from")[0].quantity_from = 1
        self.assertEqual(line.block_ids.sorted("quantity_from").mapped("quantity_to"), [5.0, 0.0])

    def test_negative_block_price_is_refused(self):
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            self._block_line([(0, -1.0)])

    def test_discount_needs_its_program(self):
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            self.env["utility.rate.line"].create(
                {
                    "version_id": self.v2026.id,
                    "name": "Discount",
                    "component": "discount",
                    "percent": 10.0,
                }
            )

    def test_fee_defined_once_per_version(self):
        with self.assertRaisesRegex(ValidationError, "each fee once per customer class"):
            self.env["utility.rate.line"].create(
                {
                    "version_id": self.v2026.id,
                    "name": "Second NSF fee",
                    "component": "fee",
                    "fee_code": "nsf",
                    "amount": 35.0,
                }
            )

    def test_volume_percent_between_0_and_100(self):
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            self.schedule.volume_percent = 120

    def test_multiplier_defaults_by_component(self):
        lines = self.v2025.line_ids
        by_component = {line.component: line.apply_outside_multiplier for line in lines}
        self.assertEqual(
            by_component, {"fixed": True, "block": True, "discount": False, "fee": False}
        )

    def test_price_changes_leave_a_trail_on_the_schedule(self):
        base = self.v2026.line_ids.filtered("meter_size")
        base.amount = 19.75
        first_block = self.v2026.line_ids.block_ids.sorted("quantity_from")[:1]
        first_block.price_unit = 4.5
        notes = self.schedule.message_ids.mapped("body")
        self.assertIn('Base 5/8": Amount 19.25 → 19.75', notes[1])
        self.assertIn("Water usage: block from 0, Unit Price 4.42 → 4.5", notes[0])

    def test_schedule_shows_what_stops_it_from_rating(self):
        self.assertFalse(self.schedule.rate_problems)
        empty = self.env["utility.rate.schedule"].create(
            {"name": "Empty", "code": "EMPTY", "service_type_id": self.water.id}
        )
        self.assertEqual(empty.rate_problems, "the schedule has no version")

    # ------------------------------------------------------------------
    # Bridge to lib.rating
    # ------------------------------------------------------------------
    def test_rate_plan_mirrors_the_records_exactly(self):
        plan = self.schedule._get_rate_plan()[self.schedule.id]
        self.assertEqual(plan.problems, ())
        self.assertEqual(
            [v.date_start for v in plan.versions], [date(2025, 7, 1), date(2026, 7, 1)]
        )
        first = plan.versions[0]
        self.assertEqual(first.outside_multiplier, D("1.5"))
        self.assertEqual(
            [line.component for line in first.lines], ["fixed", "fee", "fee", "block", "discount"]
        )
        block_line = first.lines[3]
        self.assertEqual(
            [(b.quantity_from, b.price_unit) for b in block_line.blocks],
            [(D(0), D("4.25")), (D(5), D("5.1")), (D(15), D("6.35")), (D(30), D("7.9"))],
        )
        self.assertEqual(first.lines[0].tax_ids, (self.tax.id,))
        self.assertEqual(first.lines[0].amount, D("18.5"))

    def test_rate_across_the_rate_change(self):
        """June 16 - July 15, 2026: 15 days at each version, 12 kgal."""
        result = self.schedule._rate(
            RatingInput(
                date(2026, 6, 16),
                date(2026, 7, 16),
                usage=D(12),
                meter_size="5/8",
                customer_class="residential",
            )
        )
        self.assertEqual(
            [line.amount for line in result.lines],
            [
                D("9.25"),  # 18.50 / 2
                D("10.63"),  # 2.5 x 4.25 = 10.625 (blocks halved: 0-2.5-7.5)
                D("17.85"),  # 3.5 x 5.10: the segment's 6 kgal less the first block
                D("9.63"),  # 19.25 / 2 = 9.625
                D("11.05"),  # 2.5 x 4.42
                D("18.55"),  # 3.5 x 5.30
            ],
        )
        self.assertEqual(result.amount_total, D("76.96"))
        self.assertEqual(result.lines[0].tax_ids, (self.tax.id,))
        self.assertEqual(
            result.lines[0].rate_line_id, self.v2025.line_ids.filtered("meter_size").id
        )

    def test_fee_amount(self):
        self.assertEqual(self.schedule._fee_amount("nsf", date(2026, 8, 1)), D("30.00"))
        self.assertEqual(
            self.schedule._fee_amount("late_fee", date(2026, 8, 1), D("84.35")), D("8.44")
        )
        self.assertIsNone(self.schedule._fee_amount("reconnect", date(2026, 8, 1)))

    def test_rate_plan_query_count_is_constant(self):
        schedules = self.env["utility.rate.schedule"].create(
            [water_schedule_vals(f"W-Q{n:02d}", self.water, self.tax.ids) for n in range(20)]
        )

        def count_queries(records):
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            plans = records._get_rate_plan()
            return self.env.cr.sql_log_count - before, plans

        one, plans_one = count_queries(schedules[:1])
        twenty, plans_twenty = count_queries(schedules)
        self.assertEqual(one, twenty, "reading 20 schedules costs the same queries as 1")
        self.assertLessEqual(twenty, 8)
        self.assertEqual(len(plans_twenty), 20)
        self.assertEqual(plans_one[schedules[0].id], plans_twenty[schedules[0].id])
        self.env.invalidate_all()
        with self.assertQueryCount(twenty):
            schedules._get_rate_plan()

    # ------------------------------------------------------------------
    # Access
    # ------------------------------------------------------------------
    def test_cashier_reads_but_cannot_edit_rates(self):
        env = self.env(user=self.users["cashier"])
        schedule = env["utility.rate.schedule"].browse(self.schedule.id)
        self.assertEqual(schedule.version_count, 2)
        self.assertIn(self.schedule.id, schedule._get_rate_plan())
        with self.assertRaises(AccessError):
            schedule.write({"name": "Free water"})
        with self.assertRaises(AccessError):
            env["utility.rate.line"].browse(self.v2026.line_ids.ids).write({"amount": 0.0})
        with self.assertRaises(AccessError):
            env["utility.rate.block"].browse(self.v2026.line_ids.block_ids.ids).write(
                {"price_unit": 0.0}
            )
        with self.assertRaises(AccessError):
            env["utility.rate.version"].create(
                {"schedule_id": self.schedule.id, "date_start": "2030-01-01"}
            )

    def test_supervisor_maintains_rates(self):
        env = self.env(user=self.users["supervisor"])
        block = env["utility.rate.block"].browse(self.v2026.line_ids.block_ids.ids[:1])
        block.price_unit = 4.5
        self.assertEqual(block.price_unit, 4.5)

    # ------------------------------------------------------------------
    # Demo rates (present when the database has demo data)
    # ------------------------------------------------------------------
    def test_demo_rates(self):
        if not self.env.ref("utility_billing.rate_schedule_water", raise_if_not_found=False):
            # The test database has no demo data: load the demo rates file itself, which
            # also proves the file loads on its own.
            convert_file(
                self.env,
                "utility_billing",
                "demo/utility_rate_schedule_demo.xml",
                {},
                mode="init",
                kind="demo",
            )
        water = self.env.ref("utility_billing.rate_schedule_water")
        plans = (
            water
            | self.env.ref("utility_billing.rate_schedule_sewer")
            | self.env.ref("utility_billing.rate_schedule_garbage")
            | self.env.ref("utility_billing.rate_schedule_stormwater")
            | self.env.ref("utility_billing.rate_schedule_water_irrigation")
            | self.env.ref("utility_billing.rate_schedule_fees")
        )._get_rate_plan()
        self.assertTrue(all(not plan.problems for plan in plans.values()))
        september = {
            "date_from": date(2025, 9, 5),
            "date_to": date(2025, 10, 5),
            "meter_size": "5/8",
            "customer_class": "residential",
        }
        # 18.50 + 5 x 4.25 + 3 x 5.10
        self.assertEqual(water._rate(RatingInput(usage=D(8), **september)).amount_total, D("55.05"))
        fees = self.env.ref("utility_billing.rate_schedule_fees")
        self.assertEqual(fees._fee_amount("door_hanger", date(2025, 9, 5)), D("15.00"))
        self.assertEqual(fees._fee_amount("late_fee", date(2025, 9, 5), D("55.05")), D("5.51"))
