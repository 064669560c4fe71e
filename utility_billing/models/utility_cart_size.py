# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class UtilityCartSize(models.Model):
    """A garbage or recycling cart size the city rents (32 to 96 gallons):
    rate lines price carts per size."""

    _name = "utility.cart.size"
    _description = "Utility Cart Size"
    _inherit = ["utility.coded.mixin"]
    _order = "gallons, sequence, id"

    gallons = fields.Integer(
        required=True,
        tracking=True,
        help="Capacity of the cart in gallons: lists show the sizes from the smallest.",
    )

    _sql_constraints = [
        ("gallons_positive", "CHECK(gallons > 0)", "A cart holds more than zero gallons."),
    ]

    @api.model
    def _prepare_migrated_vals(self, code):
        gallons = int(code) if code.isdigit() else 0
        return dict(super()._prepare_migrated_vals(code), gallons=gallons or 1)
