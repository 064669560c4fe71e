# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class UtilityReadingFile(models.Model):
    _name = "utility.reading.file"
    _description = "Utility Reading File"

    name = fields.Char()
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company)
