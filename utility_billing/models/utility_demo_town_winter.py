# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Winter averages in the demo town: the residential accounts on the
winter-average sewer schedule were billed by the city's old system through the
last winter, so their winter readings come over as billed and each sewer
service's average is computed from them by the product's own rule
(``utility.winter.average``), not left at the schedule's default volume.
"""

from datetime import date

from odoo import api, models


class UtilityDemoTown(models.AbstractModel):
    _inherit = "utility.demo.town"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _generate_winter_averages(self):
        """Mark the last closed winter window's readings of the winter-average
        services billed (history of the old system) and compute their averages,
        as the billing run does when it first bills them after the window."""
        Average = self.env["utility.winter.average"]
        services = self.env["utility.account.service"].search(
            [
                ("company_id", "=", self.env.company.id),
                ("state", "=", "active"),
                ("rate_schedule_id.volume_basis", "=", "winter_average"),
            ]
        )
        if not services:
            return False
        today = date.today()
        windows = {
            service.account_id: Average._get_window(service.rate_schedule_id, today)
            for service in services
        }
        starts, ends = zip(*windows.values(), strict=True)
        readings = self.env["utility.meter.reading"].search(
            [
                ("account_id", "in", services.account_id.ids),
                ("state", "=", "valid"),
                ("read_type", "!=", "initial"),
                ("meter_id.unit", "!=", "kwh"),
                ("date", ">=", min(starts)),
                ("date", "<", max(ends)),
            ]
        )
        readings.filtered(
            lambda r: (
                windows[r.account_id][0] <= r.date < windows[r.account_id][1]
                and r.location_id == r.account_id.location_id
            )
        ).write({"state": "billed"})
        Average._get_for_services(services, today)
        return True
