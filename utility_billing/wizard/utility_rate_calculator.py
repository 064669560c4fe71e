# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class UtilityRateCalculator(models.TransientModel):
    _name = "utility.rate.calculator"
    _description = "Rate Calculator"

    name = fields.Char()


class UtilityRateCalculatorLine(models.TransientModel):
    _name = "utility.rate.calculator.line"
    _description = "Rate Calculator: Charge Line"

    name = fields.Char()
