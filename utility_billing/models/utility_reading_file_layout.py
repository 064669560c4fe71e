# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class UtilityReadingFileLayout(models.Model):
    _name = "utility.reading.file.layout"
    _description = "Utility Reading File Layout"

    name = fields.Char()
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company)
