# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class UtilityReadingException(models.Model):
    _name = "utility.reading.exception"
    _description = "Utility Reading Exception"

    name = fields.Char()
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company)
    account_id = fields.Many2one("utility.account")
    state = fields.Selection([("open", "Open"), ("resolved", "Resolved")], default="open")
