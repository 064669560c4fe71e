# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class UtilityMeter(models.Model):
    _name = "utility.meter"
    _description = "Utility Meter"

    name = fields.Char()
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company)
    location_id = fields.Many2one("utility.service.location")
    state = fields.Selection([("stock", "In Stock"), ("installed", "Installed")], default="stock")
