# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class UtilityMeterReadingImport(models.TransientModel):
    _name = "utility.meter.reading.import"
    _description = "Import Meter Readings"

    name = fields.Char()


class UtilityMeterReadingImportLine(models.TransientModel):
    _name = "utility.meter.reading.import.line"
    _description = "Import Meter Readings: Row"

    name = fields.Char()
