# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The rate what-if's city: Modesto, CA, "How much will monthly rates increase
for the average customer?" (https://modestogov.com/FAQ.aspx?QID=758): a 1-inch
meter pays a base rate of $36.83 and $2.02 per hundred cubic feet (CCF) today;
the proposed rates are $38.55 and $2.11 per CCF."""

from datetime import date

from odoo import Command

from .common_rate_rules import RateRulesCommon


class RateWhatifCommon(RateRulesCommon):
    @classmethod
    def _modesto_proposal(cls, code):
        """Modesto's water schedule in force from 2024-01-01 (``code``) and its
        proposed version dated 2025-07-01: (schedule, proposed version)."""
        schedule = cls._schedule(
            code,
            cls.water,
            [
                {"name": "Base rate", "component": "fixed", "amount": 36.83},
                {"name": "Water", "component": "unit", "price_unit": 2.02},
            ],
            usage_unit="ccf",
        )
        proposed = cls.env["utility.rate.version"].create(
            {
                "schedule_id": schedule.id,
                "date_start": "2025-07-01",
                "name": "Proposed",
                "is_proposed": True,
                "line_ids": [
                    Command.create({"name": "Base rate", "component": "fixed", "amount": 38.55}),
                    Command.create(
                        {"name": "Water", "sequence": 20, "component": "unit", "price_unit": 2.11}
                    ),
                ],
            }
        )
        return schedule, proposed

    def _new_whatif(self, versions, usages, name="Modesto proposal"):
        """A what-if of ``versions`` over March 2024 - February 2025."""
        return self.env["utility.rate.whatif"].create(
            {
                "name": name,
                "date_from": date(2024, 3, 1),
                "date_to": date(2025, 2, 28),
                "version_ids": [Command.set(versions.ids)],
                "usage_list": usages,
            }
        )
