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
    # Mattoon, IL (Ord. 2003-5162): above this, a second supervisor signs as well.
    utility_adjust_limit_second = fields.Monetary(
        string="Adjustment: Second Supervisor Above",
        currency_field="currency_id",
        default=1000.0,
        help="Above this amount two different supervisors approve an adjustment, neither of "
        "them the clerk who asked for it (0: one supervisor is enough).",
    )
