# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from .utility_conversion_comparison import STATUSES


class UtilityConversionComparisonLine(models.Model):
    """One account and service of a parallel cycle: the legacy bill against ours."""

    _name = "utility.conversion.comparison.line"
    _description = "Parallel Bill Comparison Line"
    _order = "comparison_id, legacy_account, service_type_id, id"
    _check_company_auto = True

    comparison_id = fields.Many2one(
        "utility.conversion.comparison", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(
        related="comparison_id.company_id", store=True, precompute=True, index=True
    )
    currency_id = fields.Many2one(related="comparison_id.currency_id")
    account_id = fields.Many2one("utility.account", index="btree_not_null")
    partner_id = fields.Many2one(related="account_id.partner_id", string="Customer")
    legacy_account = fields.Char(string="Account Number", required=True)
    service_type_id = fields.Many2one("utility.service.type", string="Service", required=True)
    status = fields.Selection(STATUSES, required=True)
    usage_legacy = fields.Float(string="Legacy Usage", digits=(16, 3))
    usage_ours = fields.Float(string="Our Usage", digits=(16, 3))
    amount_legacy = fields.Monetary(string="Legacy Amount")
    amount_ours = fields.Monetary(string="Our Amount")
    amount_difference = fields.Monetary(string="Difference", help="Ours less the legacy bill.")
    note = fields.Char()
