# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class UtilityMeterReadingCorrect(models.TransientModel):
    _name = "utility.meter.reading.correct"
    _description = "Correct a Meter Reading"

    name = fields.Char()
