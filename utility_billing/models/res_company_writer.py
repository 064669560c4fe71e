# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

    utility_fast_writers = fields.Boolean(
        string="Fast Ledger Writers",
        default=True,
        help="Billing runs and big payment files write their journal entries with the "
        "addon's bulk writers, which store what Odoo would, much faster. Off: every "
        "entry goes through Odoo's standard posting, slower. The writers also turn "
        "themselves off when another installed module changes how Odoo posts.",
    )
