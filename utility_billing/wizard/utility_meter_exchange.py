# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class UtilityMeterExchange(models.TransientModel):
    _name = "utility.meter.exchange"
    _description = "Exchange a Meter"

    name = fields.Char()
