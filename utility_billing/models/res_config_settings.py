# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    utility_high_usage_percent = fields.Float(
        related="company_id.utility_high_usage_percent", readonly=False
    )
    utility_low_usage_percent = fields.Float(
        related="company_id.utility_low_usage_percent", readonly=False
    )
    utility_usage_history_periods = fields.Integer(
        related="company_id.utility_usage_history_periods", readonly=False
    )
    utility_usage_min_average = fields.Float(
        related="company_id.utility_usage_min_average", readonly=False
    )
    utility_same_reading_periods = fields.Integer(
        related="company_id.utility_same_reading_periods", readonly=False
    )
    utility_max_consecutive_estimates = fields.Integer(
        related="company_id.utility_max_consecutive_estimates", readonly=False
    )
    utility_payment_allocation = fields.Selection(
        related="company_id.utility_payment_allocation", readonly=False
    )
    utility_undeposited_account_id = fields.Many2one(
        related="company_id.utility_undeposited_account_id", readonly=False
    )
    utility_receipt_journal_id = fields.Many2one(
        related="company_id.utility_receipt_journal_id", readonly=False
    )
