# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Rate rules as cities publish them, billed through a billing run.

Every test bills one account through a billing run, posts it and reads the
posted invoice: its total and its lines, in cents computed by hand from the
city's published rates (cited in each docstring).
"""

from datetime import date

from odoo.tests import tagged

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
                    "meter_size": "5/8",
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
        move = self._bill(self._move_in("days"), date(2025, 2, 3))
        self._assert_bill(move, "5.07", ["5.07"])

    def test_days_over_thirty(self):
        """Lafayette, LA, Code § 94-86 "Proration of charges"
        (http://lafayette-la.elaws.us/code/coor_laciricogocoor02_ch94_artiii_div1_sec94-86):
        flat charges are prorated on the basis of a 30-day period; with Los
        Alamos's $13.11 customer charge (page above): 13.11 x 12 / 30 = 5.244
        = 5.24.
        """
        move = self._bill(self._move_in("days_30"), date(2025, 2, 3))
        self._assert_bill(move, "5.24", ["5.24"])

    def test_divisor_under_a_threshold(self):
        """Lafayette, LA, § 94-86 (page above): service under 25 days is
        prorated on a 30-day basis; 12 days: 13.11 x 12 / 30 = 5.24. From 25
        days on the charge is whole (see the pure test)."""
        account = self._move_in("divisor", proration_divisor=30, proration_threshold=25)
        move = self._bill(account, date(2025, 2, 3))
        self._assert_bill(move, "5.24", ["5.24"])

    def test_full_minimum(self):
        """Howard, KS, Code § 15-426 (b)
        (https://codelibrary.amlegal.com/codes/howard/latest/howard_ks/0-0-0-3584):
        service of 17 consecutive days or more pays the full regular minimum;
        a version that does not prorate bills the whole $13.11."""
        move = self._bill(self._move_in("none"), date(2025, 2, 3))
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
        return self._bill(account, date(2025, 2, 3))

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
