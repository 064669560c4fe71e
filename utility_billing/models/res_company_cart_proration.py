# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

    utility_cart_proration = fields.Boolean(
        string="Prorate Cart Changes",
        default=True,
        help="A cart delivered, picked up or exchanged inside a billing period is charged "
        "by its days in the period (Englewood, OH). Off: the period is charged for the "
        "carts at its end, not prorated (Rocky Mount, VA: 'Fees are not pro-rated or "
        "adjusted').",
    )
