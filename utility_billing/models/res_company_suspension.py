# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

    # Reynoldsburg, OH and Sacramento, CA: vacant for at least 30 days.
    utility_suspension_min_days = fields.Integer(
        string="Shortest Service Suspension (Days)",
        default=30,
        help="A service is suspended (vacation garbage, a seasonal home) for at least this "
        "many days (0: no minimum).",
    )
