# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class UtilityPaymentAllocation(models.Model):
    """How much of a payment went to one bill and one service.

    Written when the payment posts (the reconciliation in the ledger carries
    the same amount per bill); the next payment reads them to know which
    services of a bill are still owed (service-priority allocation), and the
    reports show collections by service.
    """

    _name = "utility.payment.allocation"
    _inherit = ["utility.locked.fields.mixin"]
    _description = "Utility Payment Allocation"
    _order = "payment_id, id"

    payment_id = fields.Many2one("utility.payment", required=True, ondelete="cascade", index=True)
    payment_line_id = fields.Many2one("utility.payment.line", ondelete="cascade")
    company_id = fields.Many2one(
        related="payment_id.company_id", store=True, precompute=True, index=True
    )
    currency_id = fields.Many2one(related="payment_id.currency_id")
    account_id = fields.Many2one("utility.account", required=True, index=True)
    bill_id = fields.Many2one("account.move", required=True, index=True)
    service_type_id = fields.Many2one("utility.service.type", string="Service")
    amount = fields.Monetary(required=True)
    is_active = fields.Boolean(
        default=True,
        index=True,
        help="Cleared when the payment is voided or returned: the bill is owed again.",
    )

    # ------------------------------------------------------------------
    # Written by posting, voids and returns only (utility.locked.fields.mixin)
    # ------------------------------------------------------------------
    def _get_locked_records(self):
        return super()._get_locked_records() | self

    def _get_locked_message(self, names=()):
        return self.env._(
            "Allocations are written when a payment posts, and cleared when it is voided "
            "or returned: they are never edited by hand."
        )
