# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class UtilityMeterReading(models.Model):
    """Electric meters: the demand register read with the energy reading."""

    _inherit = "utility.meter.reading"

    demand_kw = fields.Float(
        string="Demand (kW)",
        digits=(16, 3),
        tracking=True,
        help="Electric meters with a demand register: the highest demand since the "
        "last reset, read at the same visit. Demand charges are priced per kW of it.",
    )

    _sql_constraints = [
        (
            "demand_kw_check",
            "CHECK(demand_kw IS NULL OR demand_kw >= 0)",
            "Demand cannot be negative.",
        )
    ]
