# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Rate what-if in the demo town: the water rates in force raised 8 % with a
new top block above 50 kgal, drafted as a proposed version, and the what-if of
the last twelve months of bills computed, ready to open for the council."""

from dateutil.relativedelta import relativedelta

from odoo import Command, api, models
from odoo.exceptions import UserError

from ..lib import rating

INCREASE = rating.to_decimal("1.08")
TOP_BLOCK_FROM = 50
TOP_BLOCK_PRICE = rating.to_decimal("9.95")


class UtilityDemoTown(models.AbstractModel):
    _inherit = "utility.demo.town"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _generate_whatif(self, schedule=None):
        """The proposed water rates and their what-if (``schedule``: the town's
        water schedule by default)."""
        schedule = schedule or self.env.ref(
            "utility_billing.rate_schedule_water", raise_if_not_found=False
        )
        if not schedule or not schedule.current_version_id:
            return False
        version = self._demo_proposed_water_version(schedule.current_version_id)
        whatif = self.env["utility.rate.whatif"].create(
            {
                "name": "Proposed water rates: +8 % and a top block over 50 kgal",
                "version_ids": [Command.set(version.ids)],
                "usage_list": "0, 3, 5, 10, 20, 40, 60",
                "note": "For the council's rate hearing. Water only; sewer, garbage and "
                "stormwater keep today's rates.",
            }
        )
        try:
            whatif.action_compute()
        except UserError:
            # No bill posted in the window (a town built without its ledger): the
            # what-if waits in draft.
            return whatif
        return whatif

    def _demo_proposed_water_version(self, current):
        """A copy of the version in force, a year later, every price 8 % up
        (to the cent), and a new block above 50 kgal."""
        version = current.copy(
            {
                "date_start": current.date_start + relativedelta(years=1),
                "is_proposed": True,
                "name": "Proposed: +8 %, top block over 50 kgal",
            }
        )
        for line in version.line_ids:
            vals = {}
            for name in ("amount", "price_unit"):
                if line[name]:
                    vals[name] = float(rating.round_cents(rating.to_decimal(line[name]) * INCREASE))
            if vals:
                line.write(vals)
            for block in line.block_ids:
                block.price_unit = float(
                    rating.round_cents(rating.to_decimal(block.price_unit) * INCREASE)
                )
            if line.component == "block" and line.block_ids:
                line.write(
                    {
                        "block_ids": [
                            Command.create(
                                {
                                    "quantity_from": TOP_BLOCK_FROM,
                                    "price_unit": float(TOP_BLOCK_PRICE),
                                }
                            )
                        ]
                    }
                )
        return version
