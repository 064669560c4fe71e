# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class UtilityAccount(models.Model):
    """The fiscal position of an account's bills: how its taxes are mapped.

    A city's own buildings, schools or a tax-exempt nonprofit are billed like
    any account but pay no utility tax: a fiscal position that maps the tax
    to nothing, set on the account (one premise exempt) or on its customer
    (every account of that customer exempt, Odoo's own rule).
    """

    _inherit = "utility.account"  # pylint: disable=consider-merging-classes-inherited

    fiscal_position_id = fields.Many2one(
        "account.fiscal.position",
        check_company=True,
        tracking=True,
        help="Maps the taxes of this account's bills (e.g. a tax-exempt city building). "
        "Empty: the customer's fiscal position.",
    )
