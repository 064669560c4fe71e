# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class UtilityDepositRule(models.Model):
    """An additional deposit asked of a customer already served: after N late
    payments in a window, or when service is disconnected for nonpayment
    (Riverton, IL 50.008: three delinquencies or a disconnection order in the
    previous year; Enid, OK 8-1-7: on termination). The amount is the rule's own
    deposit less what the account already holds."""

    _inherit = "utility.deposit.rule"  # pylint: disable=consider-merging-classes-inherited

    extra_late_count = fields.Integer(
        string="Additional Deposit After Late Payments",
        default=0,
        help="An additional deposit is proposed once the account has this many bills paid "
        "late in the window (0: never).",
    )
    extra_window_months = fields.Integer(
        string="Late Payments Window (Months)",
        default=12,
    )
    is_extra_on_disconnect = fields.Boolean(
        string="Additional Deposit After a Disconnect",
        help="Disconnecting the service for nonpayment proposes an additional deposit.",
    )

    _sql_constraints = [
        (
            "extra_late_count_positive",
            "CHECK(extra_late_count >= 0 AND extra_window_months > 0)",
            "The late payments and their window cannot be negative.",
        ),
    ]
