# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class UtilityMeterInstall(models.Model):
    _name = "utility.meter.install"
    _description = "Utility Meter Installation"

    name = fields.Char()
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company)
