# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class UtilityRateSchedule(models.Model):
    _name = "utility.rate.schedule"
    _description = "Utility Rate Schedule"

    name = fields.Char()
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company)
    service_type_id = fields.Many2one("utility.service.type")
