# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The rate what-if's city: Modesto, CA, "How much will monthly rates increase
for the average customer?" (https://modestogov.com/FAQ.aspx?QID=758): a 1-inch
meter pays a base rate of $36.83 and $2.02 per hundred cubic feet (CCF) today;
the proposed rates are $38.55 and $2.11 per CCF."""

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
