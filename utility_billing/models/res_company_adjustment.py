# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

    # Above their own limit, a clerk's adjustment waits for a supervisor.
    utility_adjust_limit_csr = fields.Monetary(
        string="Adjustment Limit: Customer Service", currency_field="currency_id", default=50.0
    )
    utility_adjust_limit_billing = fields.Monetary(
        string="Adjustment Limit: Billing Specialist", currency_field="currency_id", default=250.0
    )
    utility_adjust_limit_supervisor = fields.Monetary(
        string="Adjustment Limit: Supervisor", currency_field="currency_id", default=5000.0
    )
