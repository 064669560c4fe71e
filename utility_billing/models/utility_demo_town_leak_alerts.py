# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Leak alerts in the demo town: ten days of hourly interval reads for a few
meters, imported as an AMI head-end file, then checked. One meter has water
running day and night for the last 40 hours (a continuous flow alert), one
used five times its usual water over the last two days (a jump alert), the
others sleep at night and are left alone."""

import base64
import csv
import io
from datetime import timedelta
from decimal import Decimal

from odoo import api, fields, models

from ..lib import units

# Gallons a normal household uses in each hour of the day: nothing at night.
DAY_PROFILE = (0, 0, 0, 0, 0, 0, 8, 14, 10, 4, 3, 3, 5, 4, 3, 3, 4, 8, 12, 10, 8, 6, 2, 0)
DEMO_METERS = 6
DEMO_DAYS = 10


class UtilityDemoTown(models.AbstractModel):
    _inherit = "utility.demo.town"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _generate_leak_alerts(self):
        """Import ten days of interval reads for a few meters and check them for leaks."""
        meters = self.env["utility.meter"].search(
            [("state", "=", "installed"), ("unit", "in", ("gallon", "kgal"))],
            order="name",
            limit=DEMO_METERS,
        )
        meters = meters.filtered("account_id")
        if len(meters) < 2:
            return False
        content = self._demo_interval_file(meters)
        wizard = self.env["utility.meter.interval.import"].create(
            {
                "file_data": base64.b64encode(content),
                "file_name": "ami_hourly_demo.csv",
                "layout_id": self.env.ref("utility_billing.interval_file_layout_ami_hourly").id,
            }
        )
        action = wizard.with_context(tz="UTC").action_import()
        self.env["utility.interval.file"].browse(action["res_id"])._check_leaks()
        return True

    def _demo_interval_file(self, meters):
        """The head-end's CSV: the first meter leaks, the second jumps (UTC times)."""
        now = fields.Datetime.now().replace(minute=0, second=0, microsecond=0)
        start = now - timedelta(days=DEMO_DAYS)
        hours = DEMO_DAYS * 24
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["Meter_ID", "Read_Time", "Consumption"])
        for index, meter in enumerate(meters):
            for hour in range(hours):
                moment = start + timedelta(hours=hour)
                gallons = DAY_PROFILE[moment.hour]
                if index == 0 and hour >= hours - 40:
                    gallons += 3  # a running toilet
                if index == 1 and hour >= hours - 48:
                    gallons *= 5  # a broken irrigation line when the sprinklers run
                usage = units.convert(gallons, "gallon", meter.unit).quantize(Decimal("0.001"))
                writer.writerow([meter.name, f"{moment:%Y-%m-%d %H:%M}", f"{usage}"])
        return out.getvalue().encode()
