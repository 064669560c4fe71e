# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class AccountMove(models.Model):
    _inherit = "account.move"  # pylint: disable=consider-merging-classes-inherited
    # Returned payment (NSF) fees are small invoices of their own on the account.
    utility_bill_kind = fields.Selection(
        selection_add=[("fee", "Fee")], ondelete={"fee": "set null"}
    )
