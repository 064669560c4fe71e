# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class UtilityRateVersion(models.Model):
    _name = "utility.rate.version"
    _description = "Utility Rate Schedule Version"

    name = fields.Char()
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company)
