# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"  # pylint: disable=consider-merging-classes-inherited

    utility_bad_debt_account_id = fields.Many2one(
        related="company_id.utility_bad_debt_account_id", readonly=False
    )
    utility_write_off_journal_id = fields.Many2one(
        related="company_id.utility_write_off_journal_id", readonly=False
    )
    utility_write_off_days = fields.Integer(
        related="company_id.utility_write_off_days", readonly=False
    )
    utility_agency_partner_id = fields.Many2one(
        related="company_id.utility_agency_partner_id", readonly=False
    )
    utility_agency_fee_percent = fields.Float(
        related="company_id.utility_agency_fee_percent", readonly=False
    )
    utility_agency_fee_account_id = fields.Many2one(
        related="company_id.utility_agency_fee_account_id", readonly=False
    )
    utility_lien_fee = fields.Monetary(related="company_id.utility_lien_fee", readonly=False)
    utility_lien_fee_account_id = fields.Many2one(
        related="company_id.utility_lien_fee_account_id", readonly=False
    )
