# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Rate rules as cities publish them, billed through a billing run.

Every test bills one account through a billing run, posts it and reads the
posted invoice: its total and its lines, in cents computed by hand from the
city's published rates (cited in each docstring).
"""

from datetime import date
from decimal import Decimal

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from ..models.utility_locked_fields_mixin import as_action
from .common_rate_rules import RateRulesCommon


@tagged("post_install", "-at_install")
class TestPricesPerPeriod(RateRulesCommon):
    def test_quarterly_minimum_on_a_quarterly_bill(self):
        """Gorham, NH, Water & Sewer Department, "Quarterly Rate Charges"
        (https://www.gorhamnh.org/water-sewer-department/pages/quarterly-rate-charges):
        quarterly meter and billing charge $5.90; quarterly minimum for water
        $63.14 for 0 to 1,200 cubic feet; water $4.77 per 100 cubic feet.

        1,500 cubic feet (15 ccf) in a quarter:
        5.90 + 63.14 + (15 - 12) x 4.77 = 5.90 + 63.14 + 14.31 = 83.35.
        """
        account = self._quarterly_gorham()
        self._read(account, 15, date(2025, 1, 3), date(2025, 4, 3))
        move = self._bill(account, date(2025, 4, 3))
        self._assert_bill(move, "83.35", ["5.90", "63.14", "14.31"])

    def _quarterly_gorham(self):
        schedule = self._schedule(
            "GOR-Q",
            self.water,
            [
                {"name": "Meter and billing charge", "component": "fixed", "amount": 5.90},
                {
                    "name": "Quarterly minimum",
                    "component": "minimum",
                    "amount": 63.14,
                    "allowance": 12,
                },
                {"name": "Water", "component": "unit", "price_unit": 4.77},
            ],
            usage_unit="ccf",
            price_period="3",
        )
        return self._account([(schedule, {})], months=3, meter_unit="ccf")

    def test_quarterly_sewer_base_on_a_quarterly_bill(self):
        """Maple Grove, MN, "How are my sewer rates calculated?"
        (https://www.maplegrovemn.gov/FAQ.aspx?QID=164): sewer base charge
        $25.68 per quarter, flow charge $2.79 per 1,000 gallons; "an average
        residence uses approximately 20,000 gallons [...] resulting in an
        average sewer bill of $81.48": 25.68 + 20 x 2.79 = 25.68 + 55.80 = 81.48.
        """
        water = self._schedule(
            "MG-W",
            self.water,
            [{"name": "Water", "component": "unit", "price_unit": 0.0}],
            price_period="3",
        )
        sewer = self._schedule(
            "MG-S",
            self.sewer,
            [
                {"name": "Sewer base charge", "component": "fixed", "amount": 25.68},
                {"name": "Sewer flow", "component": "unit", "price_unit": 2.79},
            ],
            volume_basis="water",
            price_period="3",
        )
        account = self._account([(water, {}), (sewer, {})], months=3)
        self._read(account, 20, date(2025, 1, 3), date(2025, 4, 3))
        move = self._bill(account, date(2025, 4, 3))
        # The water line is priced at 0 here: this case is about the sewer.
        self._assert_bill(move, "81.48", ["0.00", "25.68", "55.80"])

    def test_bimonthly_prices_on_a_bimonthly_bill(self):
        """Council Bluffs Water Works, "Rate Schedule"
        (https://cbwaterworks.com/customer-service/customer/rate-schedule):
        bi-monthly minimum for a 5/8" meter $30.89 with a 7 CCF allowance;
        bi-monthly volume: first 3,000 cubic feet $4.32 per CCF, next 57,000
        $3.25.

        40 CCF in two months: 30.89 + (30 - 7) x 4.32 + (40 - 30) x 3.25
        = 30.89 + 99.36 + 32.50 = 162.75.
        """
        account = self._account([(self._council_bluffs("2"), {})], months=2, meter_unit="ccf")
        self._read(account, 40, date(2025, 1, 3), date(2025, 3, 3))
        move = self._bill(account, date(2025, 3, 3))
        self._assert_bill(move, "162.75", ["30.89", "99.36", "32.50"])

    def test_monthly_prices_on_a_sixty_day_bill(self):
        """Council Bluffs Water Works (same page), the monthly table on a
        two-month cycle, as today: the monthly minimum ($15.44 with 3 CCF) and
        the blocks (first 1,500 cubic feet $4.32, next $3.25) are doubled.

        40 CCF: 2 x 15.44 + (30 - 6) x 4.32 + (40 - 30) x 3.25
        = 30.88 + 103.68 + 32.50 = 167.06 (the city's own bi-monthly minimum is
        $30.89, which is why prices are entered for the period they are
        published for).
        """
        account = self._account([(self._council_bluffs("1"), {})], months=2, meter_unit="ccf")
        self._read(account, 40, date(2025, 1, 3), date(2025, 3, 3))
        move = self._bill(account, date(2025, 3, 3))
        self._assert_bill(move, "167.06", ["30.88", "103.68", "32.50"])

    def _council_bluffs(self, period):
        bimonthly = period == "2"
        return self._schedule(
            f"CB-{period}",
            self.water,
            [
                {
                    "name": "Minimum charge",
                    "component": "minimum",
                    "amount": 30.89 if bimonthly else 15.44,
                    "allowance": 7 if bimonthly else 3,
                    "meter_size": self.env.ref("utility_billing.meter_size_5_8").id,
                },
                {
                    "name": "Water",
                    "component": "block",
                    "block_ids": [
                        (0, 0, {"quantity_from": 0, "price_unit": 4.32}),
                        (0, 0, {"quantity_from": 30 if bimonthly else 15, "price_unit": 3.25}),
                    ],
                },
            ],
            usage_unit="ccf",
            price_period=period,
        )


# What a clerk types in the rate calculator for the move-in below: the cycle
# period (January 22nd to February 22nd) and the days of service.
MOVE_IN = {"date_to": date(2025, 2, 22), "service_days": 12}


@tagged("post_install", "-at_install")
class TestPartialPeriods(RateRulesCommon):
    """A move-in on January 22nd, read on February 3rd: 12 days of service out
    of a 31-day cycle period (January 22nd to February 22nd)."""

    def _move_in(self, proration, usage=1, **version):
        schedule = self._schedule(
            f"PP-{proration}",
            self.water,
            [{"name": "Customer charge", "component": "fixed", "amount": 13.11}],
            versions=dict({"proration": proration}, **version),
        )
        account = self._account([(schedule, {"date_start": date(2025, 1, 22)})])
        self._read(account, usage, date(2025, 1, 22), date(2025, 2, 3))
        return account

    def test_days_over_the_days_of_the_period(self):
        """Los Alamos County, NM, "Rates and Fees"
        (https://losalamosnm.us/Services/Public-Utilities/Rates-and-Fees):
        fixed customer charge $13.11 per month; prorated by days of service
        over the days of the period: 13.11 x 12 / 31 = 5.0748... = 5.07.
        """
        move = self._bill(self._move_in("days"), date(2025, 2, 3), MOVE_IN)
        self._assert_bill(move, "5.07", ["5.07"])

    def test_days_over_thirty(self):
        """Lafayette, LA, Code § 94-86 "Proration of charges"
        (http://lafayette-la.elaws.us/code/coor_laciricogocoor02_ch94_artiii_div1_sec94-86):
        flat charges are prorated on the basis of a 30-day period; with Los
        Alamos's $13.11 customer charge (page above): 13.11 x 12 / 30 = 5.244
        = 5.24.
        """
        move = self._bill(self._move_in("days_30"), date(2025, 2, 3), MOVE_IN)
        self._assert_bill(move, "5.24", ["5.24"])

    def test_divisor_under_a_threshold(self):
        """Lafayette, LA, § 94-86 (page above): service under 25 days is
        prorated on a 30-day basis; 12 days: 13.11 x 12 / 30 = 5.24. From 25
        days on the charge is whole (see the pure test)."""
        account = self._move_in("divisor", proration_divisor=30, proration_threshold=25)
        move = self._bill(account, date(2025, 2, 3), MOVE_IN)
        self._assert_bill(move, "5.24", ["5.24"])

    def test_full_minimum(self):
        """Howard, KS, Code § 15-426 (b)
        (https://codelibrary.amlegal.com/codes/howard/latest/howard_ks/0-0-0-3584):
        service of 17 consecutive days or more pays the full regular minimum;
        a version that does not prorate bills the whole $13.11."""
        move = self._bill(self._move_in("none"), date(2025, 2, 3), MOVE_IN)
        self._assert_bill(move, "13.11", ["13.11"])

    def _minimum_move_in(self, prorate_allowance):
        schedule = self._schedule(
            f"PPM-{prorate_allowance}",
            self.water,
            [
                {"name": "Minimum charge", "component": "minimum", "amount": 15.44, "allowance": 3},
                {"name": "Water", "component": "unit", "price_unit": 4.32},
            ],
            versions={"proration": "days_30", "prorate_allowance": prorate_allowance},
            usage_unit="ccf",
        )
        account = self._account([(schedule, {"date_start": date(2025, 1, 22)})], meter_unit="ccf")
        self._read(account, 2, date(2025, 1, 22), date(2025, 2, 3))
        return self._bill(account, date(2025, 2, 3), MOVE_IN)

    def test_allowance_prorated_with_the_minimum(self):
        """Council Bluffs Water Works (monthly 5/8" minimum $15.44 with 3 CCF,
        $4.32 per CCF above; https://cbwaterworks.com/customer-service/customer/rate-schedule)
        under a 30-day rule, 12 days, 2 CCF used: minimum 15.44 x 12/30 = 6.176
        = 6.18, allowance 3 x 12/30 = 1.2 CCF, 0.8 CCF x 4.32 = 3.456 = 3.46;
        total 9.64."""
        self._assert_bill(self._minimum_move_in(True), "9.64", ["6.18", "3.46"])

    def test_allowance_kept_whole(self):
        """Same, the allowance not prorated: 2 CCF fit in the 3 CCF allowance,
        the bill is the prorated minimum alone, 6.18."""
        self._assert_bill(self._minimum_move_in(False), "6.18", ["6.18"])


@tagged("post_install", "-at_install")
class TestWinterAverage(RateRulesCommon):
    """Mulvane, KS, "Sewer" (https://www.mulvanekansas.com/topic/?topicid=25&structureid=1):
    the sewer charge is based on the average water use of December, January
    and February; residential sewer is a $21.00 customer charge plus $5.25 per
    1,000 gallons of the average; new customers pay $42.00 a month until they
    have their own average, "based on the city average of 4,000 gallons"
    (21.00 + 4 x 5.25 = 42.00).

    The water is the test fixture's (base $10.00, $2.00 up to 5 kgal, $3.00
    above): 9 kgal in April = 10.00 + 10.00 + 12.00 = 32.00.
    """

    def _sewer_schedule(self, **vals):
        return self._schedule(
            "MUL-S",
            self.sewer,
            [
                {"name": "Customer charge", "component": "fixed", "amount": 21.00},
                {"name": "Sewer", "component": "unit", "price_unit": 5.25},
            ],
            **dict(
                {
                    "volume_basis": "winter_average",
                    "winter_month_start": "12",
                    "winter_month_count": 3,
                    "winter_bill_count": 3,
                    "winter_missing_rule": "default",
                    "winter_default_volume": 4.0,
                },
                **vals,
            ),
        )

    def _winter_account(self, history=(4, 5, 6, 5), april=9, **schedule_vals):
        """Readings of November 3rd to March 3rd billed (``history`` kgal a month),
        and April 3rd read with ``april`` kgal."""
        account = self._account(
            [(self.schedules[self.water], {}), (self._sewer_schedule(**schedule_vals), {})]
        )
        meter = account.service_ids.meter_id
        days = [date(2024, 11, 3), date(2024, 12, 3), date(2025, 1, 3)]
        days += [date(2025, 2, 3), date(2025, 3, 3)]
        values, total = [0.0], 0
        for used in history:
            total += used
            values.append(float(total))
        days = days[-len(values) :]
        readings = self.env["utility.meter.reading"].create(
            [
                {
                    "meter_id": meter.id,
                    "date": day,
                    "value": value,
                    "read_type": "actual" if value else "initial",
                }
                for day, value in zip(days, values, strict=True)
            ]
        )
        readings.sudo().write({"state": "billed"})
        self._read_meters(meter, date(2025, 4, 3), [float(total + april)])
        return account

    def _sewer_lines(self, move):
        return move.invoice_line_ids.filtered(
            lambda line: line.utility_service_type_id == self.sewer
        )

    def test_average_of_the_winter_bills(self):
        """December 4, January 5, February 6 kgal: average 5 kgal a month;
        sewer 21.00 + 5 x 5.25 = 21.00 + 26.25 = 47.25 whatever April used
        (9 kgal); with the water, 32.00 + 47.25 = 79.25."""
        account = self._winter_account()
        move = self._bill(account, date(2025, 4, 3))
        self._assert_bill(move, "79.25", ["10.00", "10.00", "12.00", "21.00", "26.25"])
        sewer = account.service_ids.filtered(lambda s: s.service_type_id == self.sewer)
        average = sewer.winter_average_id
        self.assertEqual(average.volume, 5.0)
        self.assertEqual((average.origin, average.bill_count), ("average", 3))
        self.assertEqual(average.date_window_start, date(2024, 12, 1))
        self.assertEqual(sorted(average.reading_ids.mapped("date")), [
            date(2024, 12, 3), date(2025, 1, 3), date(2025, 2, 3),
        ])  # fmt: skip
        self.assertIn("Winter average 5", sewer.message_ids[:1].body)
        with self.assertRaises(UserError):
            average.with_user(self.specialist).write({"volume": 1.0})

    def test_new_customer_pays_the_default_volume(self):
        """No bill in the window: the city average of 4 kgal, 21.00 + 21.00 =
        42.00, Mulvane's new-customer charge."""
        account = self._winter_account(history=(5,))
        move = self._bill(account, date(2025, 4, 3))
        self.assertEqual(sum(self._sewer_lines(move).mapped("price_subtotal")), 42.00)
        self.assertEqual(move.amount_total, 32.00 + 42.00)
        self.assertEqual(account.service_ids.winter_average_ids.origin, "default")

    def test_lesser_of_average_and_current_use(self):
        """West St. Paul, MN, "How is the sewer charge calculated?"
        (https://www.wspmn.gov/FAQ.aspx?QID=135): "if a customer's current actual
        water use is less than the winter months average, the customer's sewer
        bill is based on the actual water use." Mulvane's prices, average 5,
        April 3 kgal: sewer 21.00 + 3 x 5.25 = 36.75; water 10.00 + 6.00 = 16.00;
        total 52.75."""
        account = self._winter_account(april=3, winter_lesser_of_current=True)
        move = self._bill(account, date(2025, 4, 3))
        self._assert_bill(move, "52.75", ["10.00", "6.00", "21.00", "15.75"])

    def test_missing_average_is_an_exception_then_a_clerk_sets_it(self):
        """Averaging only the bills found, with none: the run holds the account
        with a plain message; the clerk overrides (5 kgal, with a reason) and
        the bill is 32.00 + 47.25 = 79.25."""
        account = self._winter_account(history=(5,), winter_missing_rule="partial")
        run = self._new_run(
            cycle=account.cycle_id,
            date_from=date(2025, 4, 1),
            date_to=date(2025, 4, 5),
            date_invoice=date(2025, 4, 8),
            date_due=date(2025, 4, 28),
            date_penalty=date(2025, 5, 3),
        )
        run.action_compute()
        line = run.line_ids
        self.assertEqual(line.state, "exception")
        self.assertIn("no winter average for December 2024 to February 2025", line.message)
        sewer = account.service_ids.filtered(lambda s: s.service_type_id == self.sewer)
        with self.assertRaises(UserError):
            self.env["utility.winter.average"]._create_override(sewer, 5.0, " ")
        self.assertFalse(sewer.winter_average_ids)
        wizard = (
            self.env["utility.winter.average.override"]
            .with_user(self.specialist)
            .with_context(default_service_id=sewer.id)
            .create({"volume": 5.0, "reason": "Checked with the customer's January bill"})
        )
        with freeze_time("2025-04-03"):
            wizard.action_confirm()
        override = sewer.winter_average_ids
        self.assertEqual(override.create_uid, self.specialist)
        self.assertEqual(override.origin, "override")
        self.assertEqual(sewer.winter_average_id, override)
        run.action_compute()
        self.assertEqual(run.line_ids.state, "ok", run.line_ids.message)
        run.action_post()
        self._assert_bill(run.move_ids, "79.25", ["10.00", "10.00", "12.00", "21.00", "26.25"])


@tagged("post_install", "-at_install")
class TestRulesCitiesPublish(RateRulesCommon):
    def _water_only(
        self, lines, usage=5, meter_unit="kgal", service_vals=None, account_vals=None, **vals
    ):
        schedule = self._schedule(f"RC-{len(lines)}-{usage}", self.water, lines, **vals)
        account = self._account(
            [(schedule, service_vals or {})], meter_unit=meter_unit, **(account_vals or {})
        )
        self._read(account, usage, date(2025, 1, 3), date(2025, 2, 3))
        return account

    def test_first_cart_and_each_additional(self):
        """Jackson, GA, "How do I get garbage service?"
        (https://www.cityofjacksonga.com/FAQ.aspx?QID=65): $10.00 per cart
        residential and $4.75 for each additional cart. Three carts:
        10.00 + 2 x 4.75 = 19.50 (water at $0 here: 0.00)."""
        water = self._schedule("JG-W", self.water, [{"name": "Water", "component": "unit"}])
        garbage = self._schedule(
            "JG-G",
            self.garbage,
            [
                {
                    "name": "Garbage",
                    "component": "cart",
                    "price_unit": 10.00,
                    "has_additional_price": True,
                    "additional_price_unit": 4.75,
                }
            ],
        )
        account = self._account([(water, {}), (garbage, {"cart_count": 3})])
        self._read(account, 5, date(2025, 1, 3), date(2025, 2, 3))
        move = self._bill(account, date(2025, 2, 3))
        self._assert_bill(move, "19.50", ["0.00", "10.00", "9.50"])

    def test_per_dwelling_unit(self):
        """Los Alamos County, NM, "Rates and Fees"
        (https://losalamosnm.us/Services/Public-Utilities/Rates-and-Fees):
        fixed customer charge $13.11 a month; multi-family properties with
        shared water meters $39.54 per dwelling unit a month. Eight units:
        13.11 + 8 x 39.54 = 13.11 + 316.32 = 329.43."""
        account = self._water_only(
            [
                {"name": "Customer charge", "component": "fixed", "amount": 13.11},
                {"name": "Fixed monthly charge", "component": "dwelling", "price_unit": 39.54},
            ],
            service_vals={"dwelling_unit_count": 8},
        )
        move = self._bill(account, date(2025, 2, 3))
        self._assert_bill(move, "329.43", ["13.11", "316.32"])

    def test_program_rate_replaces_the_normal_rate(self):
        """South Bend, IN, "Senior Trash Service Discount"
        (https://311.southbendin.gov/knowledgecenter/article/?id=KA-04571): the
        senior rate is $7.49 a month inside city limits, instead of the normal
        rate (here $20.00, any normal rate is replaced): the bill is 7.49."""
        account = self._water_only(
            [
                {"name": "Trash", "component": "fixed", "amount": 20.00},
                {
                    "name": "Senior trash rate",
                    "component": "fixed",
                    "amount": 7.49,
                    "discount_program": "senior",
                    "replaces_normal": True,
                },
            ],
            account_vals={"discount_program": "senior"},
        )
        move = self._bill(account, date(2025, 2, 3))
        self._assert_bill(move, "7.49", ["7.49"])

    def test_pass_through_per_thousand_gallons(self):
        """Corbett Water District, OR, "Meters: Cubic vs Gallons"
        (http://www.corbettwaterdistrict.com/Meters-Cubic-vs-Gallons.html):
        7.48 gallons in a cubic foot, $3.95 per 1,000 gallons. A cubic-foot
        meter reading 2,000 cubic feet: 14.96 x 3.95 = 59.092 = 59.09."""
        account = self._water_only(
            [{"name": "Water", "component": "passthrough", "price_unit": 3.95}],
            usage=2000,
            meter_unit="cubic_foot",
            usage_unit="cubic_foot",
        )
        move = self._bill(account, date(2025, 2, 3))
        self._assert_bill(move, "59.09", ["59.09"])

    def test_fee_code_the_city_names(self):
        """A supervisor adds a fee code; a fee schedule prices it and workflows
        find it by its code. Bad codes are refused."""
        self.env["utility.fee.code"].create({"code": "trip_charge", "name": "Trip Charge"})
        schedule = self._schedule(
            "FEES",
            self.water,
            [{"name": "Trip charge", "component": "fee", "fee_code": "trip_charge", "amount": 35}],
            is_fee_schedule=True,
        )
        self.assertEqual(schedule._fee_amount("trip_charge", date(2025, 2, 3)), Decimal("35.00"))
        self.assertIn("collection_fee", dict(schedule.version_ids.line_ids._selection_fee_code()))
        with self.assertRaises(ValidationError):
            schedule.version_ids.line_ids.fee_code = "no_such_fee"
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            self.env["utility.fee.code"].create({"code": "Bad Code", "name": "Bad"})


@tagged("post_install", "-at_install")
class TestReadableBillLines(RateRulesCommon):
    def test_lines_of_a_quarterly_bill_with_an_allowance(self):
        """Kittery Water District, ME, "Rates" (https://kitterywater.org/rates/):
        quarterly, 5/8" minimum $36.65 allowing 1,200 cubic feet, next 1,500
        cubic feet $2.48 per hundred, next 12,000 $2.05 per hundred. 20 CCF in a
        quarter: 36.65 + 8 x 2.48 = 36.65 + 19.84 = 56.49. The block line says
        the range it billed, from the allowance to the usage (12-20 ccf, not the
        block's top 27); the minimum says no usage; the label
        "Water" is not repeated as "Water - Water"."""
        schedule = self._schedule(
            "KIT-Q",
            self.water,
            [
                {"name": "Minimum", "component": "minimum", "amount": 36.65, "allowance": 12},
                {
                    "name": "Water",
                    "component": "block",
                    "block_ids": [
                        (0, 0, {"quantity_from": 0, "price_unit": 2.48}),
                        (0, 0, {"quantity_from": 27, "price_unit": 2.05}),
                    ],
                },
            ],
            usage_unit="ccf",
            price_period="3",
        )
        account = self._account([(schedule, {})], months=3, meter_unit="ccf")
        self._read(account, 20, date(2025, 1, 3), date(2025, 4, 3))
        move = self._bill(account, date(2025, 4, 3))
        self._assert_bill(move, "56.49", ["36.65", "19.84"])
        self.assertEqual(
            [name for name, _amount in self._lines(move)],
            ["Water - Minimum (01/03-04/03)", "Water 12-20 ccf: 20.000 ccf (01/03-04/03)"],
        )
        services = move._prepare_bill_data()[0].services
        self.assertEqual(
            [line.description for line in services[0].lines],
            ["Minimum (01/03-04/03)", "Water 12-20 ccf: 20.000 ccf (01/03-04/03)"],
        )

    def test_prorated_minimum_says_so(self):
        """Council Bluffs' monthly minimum ($15.44 with 3 CCF, $4.32 per CCF
        above; https://cbwaterworks.com/customer-service/customer/rate-schedule)
        for a move-in 12 days before the read, prorated by 30: 15.44 x 12/30 =
        6.18; 3 x 12/30 = 1.2 CCF included, 0.8 CCF x 4.32 = 3.46; the lines say
        "prorated 12 of 30 days", never "0-1.2 ccf"."""
        schedule = self._schedule(
            "CB-P",
            self.water,
            [
                {"name": "Minimum charge", "component": "minimum", "amount": 15.44, "allowance": 3},
                {"name": "Usage", "component": "unit", "price_unit": 4.32},
            ],
            versions={"proration": "days_30"},
            usage_unit="ccf",
        )
        account = self._account([(schedule, {"date_start": date(2025, 1, 22)})], meter_unit="ccf")
        self._read(account, 2, date(2025, 1, 22), date(2025, 2, 3))
        move = self._bill(account, date(2025, 2, 3), MOVE_IN)
        self._assert_bill(move, "9.64", ["6.18", "3.46"])
        self.assertEqual(
            [name for name, _amount in self._lines(move)],
            [
                "Water - Minimum charge, prorated 12 of 30 days (01/22-02/03)",
                "Water - Usage: 2.000 ccf (01/22-02/03)",
            ],
        )


@tagged("post_install", "-at_install")
class TestElectric(RateRulesCommon):
    """Washington Island Electric Cooperative, WI, "Rates" (https://wiec.net/rates/)."""

    def setUp(self):
        super().setUp()
        self.electric = self.env.ref("utility_billing.service_type_electric")
        self.electric.account_income_id = self.env["account.account"].create(
            {"code": "41009", "name": "Electric revenue", "account_type": "income"}
        )

    def test_energy_blocks_and_customer_charge(self):
        """Rate 1: $53 monthly facility charge, first 2,000 kWh 12.75 cents,
        over 10.25 cents. 2,500 kWh: 53.00 + 2,000 x 0.1275 + 500 x 0.1025 =
        53.00 + 255.00 + 51.25 = 359.25."""
        schedule = self._schedule(
            "WIEC-1",
            self.electric,
            [
                {"name": "Facility charge", "component": "fixed", "amount": 53},
                {
                    "name": "Energy",
                    "component": "block",
                    "block_ids": [
                        (0, 0, {"quantity_from": 0, "price_unit": 0.1275}),
                        (0, 0, {"quantity_from": 2000, "price_unit": 0.1025}),
                    ],
                },
            ],
            usage_unit="kwh",
        )
        account = self._account([(schedule, {})], meter_unit="kwh")
        self._read(account, 2500, date(2025, 1, 3), date(2025, 2, 3))
        move = self._bill(account, date(2025, 2, 3))
        self._assert_bill(move, "359.25", ["53.00", "255.00", "51.25"])
        self.assertIn("Electric - Energy 0-2000 kWh: 2500.000 kWh", self._lines(move)[1][0])

    def test_demand_charge_from_the_demand_reading(self):
        """Rate 4, Large Power: $115 facility charge, $12 per kW of billing
        demand, 10.25 cents a kWh. 40,000 kWh, demand read 150 kW with the
        energy: 115.00 + 150 x 12 + 40,000 x 0.1025 = 115.00 + 1,800.00 +
        4,100.00 = 6,015.00."""
        schedule = self._schedule(
            "WIEC-4",
            self.electric,
            [
                {"name": "Facility charge", "component": "fixed", "amount": 115},
                {"name": "Demand", "component": "demand", "price_unit": 12},
                {"name": "Energy", "component": "unit", "price_unit": 0.1025},
            ],
            usage_unit="kwh",
        )
        account = self._account([(schedule, {})], meter_unit="kwh")
        meter = account.service_ids.meter_id
        # Water on the same account, on its own meter: its gallons never mix with kWh.
        self._add_water(account, 7)
        self._read_meters(meter, date(2025, 1, 3), [0.0], read_type="initial")
        self._read_meters(meter, date(2025, 2, 3), [40000.0], demand_kw=150.0)
        move = self._bill(account, date(2025, 2, 3), {"demand_kw": 150.0})
        # Water (the fixture's: 10.00 + 5 x 2.00 + 2 x 3.00 = 26.00) on the same bill.
        self._assert_bill(
            move, "6041.00", ["115.00", "1800.00", "4100.00", "10.00", "10.00", "6.00"]
        )

    def _add_water(self, account, usage):
        meter = self.env["utility.meter"].create(
            {
                "name": f"RR-W{account.id}",
                "size": self.env.ref("utility_billing.meter_size_5_8").id,
                "unit": "kgal",
                "dials": 7,
                "state": "installed",
                "location_id": account.location_id.id,
            }
        )
        as_action(self.env["utility.account.service"]).create(
            {
                "account_id": account.id,
                "date_start": date(2024, 1, 1),
                "service_type_id": self.water.id,
                "rate_schedule_id": self.schedules[self.water].id,
                "meter_id": meter.id,
                "state": "active",
            }
        )
        self._read_meters(meter, date(2025, 1, 3), [0.0], read_type="initial")
        self._read_meters(meter, date(2025, 2, 3), [float(usage)])
