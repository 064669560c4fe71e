# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class UtilityRateBlock(models.Model):
    _name = "utility.rate.block"
    _description = "Utility Rate Block"

    name = fields.Char()
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company)
