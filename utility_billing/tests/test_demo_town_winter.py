# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from odoo.tests import tagged

from .common_rate_rules import RateRulesCommon


@tagged("post_install", "-at_install")
class TestDemoTownWinter(RateRulesCommon):
    def test_demo_winter_averages_are_computed_from_the_winter_readings(self):
        """The demo's winter-average sewer accounts get the average of their
        readings in the last closed window (December to February: 4, 5 and 6
        kgal, 5 kgal a month), computed by ``utility.winter.average`` from the
        readings brought over as billed, not the schedule's 4 kgal default."""
        sewer = self._schedule(
            "DW-S",
            self.sewer,
            [{"name": "Sewer", "component": "unit", "price_unit": 5.25}],
            volume_basis="winter_average",
            winter_month_start="12",
            winter_month_count=3,
            winter_bill_count=3,
            winter_missing_rule="default",
            winter_default_volume=4.0,
        )
        account = self._account([(self.schedules[self.water], {}), (sewer, {})])
        service = account.service_ids.filtered(lambda s: s.rate_schedule_id == sewer)
        start, end = self.env["utility.winter.average"]._get_window(sewer, date.today())
        meter = account.service_ids.meter_id
        winter = [start + relativedelta(months=n, days=2) for n in range(3)]
        readings = self._read_meters(meter, start - timedelta(days=28), [0.0], read_type="initial")
        for day, value in zip(winter, (4.0, 9.0, 15.0), strict=True):
            readings |= self._read_meters(meter, day, [value])
        after = self._read_meters(meter, end + timedelta(days=2), [21.0])
        # Reviewed back then, as in the demo town: their read exceptions are worked.
        (readings | after).exception_ids.filtered(lambda e: e.state == "open").action_accept()
        self.assertEqual(set((readings | after).mapped("state")), {"valid"})

        self.env["utility.demo.town"]._generate_winter_averages()

        average = service.winter_average_id
        self.assertEqual((average.volume, average.origin, average.bill_count), (5.0, "average", 3))
        self.assertEqual(average.reading_ids, readings[1:])
        self.assertEqual(set(readings[1:].mapped("state")), {"billed"})
        self.assertEqual(readings[0].state, "valid", "the initial read stays as it was")
        self.assertEqual(after.state, "valid", "after the window nothing is billed")
