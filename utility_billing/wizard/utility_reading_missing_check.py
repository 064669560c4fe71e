# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class UtilityReadingMissingCheck(models.TransientModel):
    _name = "utility.reading.missing.check"
    _description = "Check a Cycle for Missing Readings"

    name = fields.Char()
