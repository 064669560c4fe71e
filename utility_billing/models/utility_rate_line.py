# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class UtilityRateLine(models.Model):
    _name = "utility.rate.line"
    _description = "Utility Rate Line"

    name = fields.Char()
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company)
