# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class UtilityMeterTest(models.Model):
    _name = "utility.meter.test"
    _description = "Utility Meter Bench Test"

    name = fields.Char()
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company)
