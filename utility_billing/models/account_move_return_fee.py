# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class AccountMove(models.Model):  # pylint: disable=consider-merging-classes-inherited
    _inherit = "account.move"

    # Returned payment (NSF) fees are small invoices of their own on the account.
    utility_bill_kind = fields.Selection(
        selection_add=[("fee", "Fee")], ondelete={"fee": "set null"}
    )
