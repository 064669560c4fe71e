# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class UtilityMeterReading(models.Model):
    _name = "utility.meter.reading"
    _description = "Utility Meter Reading"
    _order = "date desc, id desc"

    name = fields.Char()
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company)
    account_id = fields.Many2one("utility.account")
    meter_id = fields.Many2one("utility.meter")
    date = fields.Date()
    value = fields.Float()
    consumption = fields.Float()
    read_type = fields.Selection([("actual", "Actual"), ("estimated", "Estimated")])
    state = fields.Selection([("valid", "Valid"), ("exception", "Exception")])
