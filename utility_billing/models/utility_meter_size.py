# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from fractions import Fraction

from odoo import api, fields, models


class UtilityMeterSize(models.Model):
    """A meter size the city installs and prices base charges by (5/8" to 12"
    and beyond): a supervisor adds the sizes the ordinance names."""

    _name = "utility.meter.size"
    _description = "Utility Meter Size"
    _inherit = ["utility.coded.mixin"]
    _order = "diameter, sequence, id"

    diameter = fields.Float(
        string="Diameter (inches)",
        digits=(6, 4),
        required=True,
        tracking=True,
        help="Nominal size in inches (5/8 is 0.625): lists show the sizes from the smallest.",
    )

    _sql_constraints = [
        ("diameter_positive", "CHECK(diameter > 0)", "A meter's diameter is above zero."),
    ]

    @api.model
    def _prepare_migrated_vals(self, code):
        try:
            diameter = float(Fraction(code))
        except (ValueError, ZeroDivisionError):
            diameter = 1.0
        return dict(super()._prepare_migrated_vals(code), diameter=diameter or 1.0)
