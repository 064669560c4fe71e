# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

    # A clerk sets up plans of at most this many installments, the last one at
    # most this many months after the start; above it a supervisor approves.
    utility_arrangement_limit_csr = fields.Integer(
        string="Arrangement Limit: Customer Service", default=3
    )
    utility_arrangement_limit_billing = fields.Integer(
        string="Arrangement Limit: Billing Specialist", default=6
    )
    utility_arrangement_limit_supervisor = fields.Integer(
        string="Arrangement Limit: Supervisor", default=12
    )
    utility_arrangement_period = fields.Selection(
        [("12_months", "One in any 12 months"), ("calendar_year", "One per calendar year")],
        string="Arrangements Allowed",
        default="12_months",
        required=True,
    )
    utility_arrangement_grace_days = fields.Integer(
        string="Arrangement Grace Days",
        default=5,
        help="Days after an installment's due date before the daily check calls it missed.",
    )
    utility_arrangement_refuse_disconnected = fields.Boolean(
        string="No Arrangement After a Disconnect",
        help="An account whose service is shut off for non-payment pays in full.",
    )
    utility_arrangement_hold_late_fees = fields.Boolean(
        string="No Late Fees on an Arrangement",
        default=True,
        help="An account keeping up its arrangement is charged no late fee.",
    )
    utility_arrangement_broken_action = fields.Selection(
        [
            ("next_run", "Back to the next delinquency run"),
            ("shutoff", "Shut-off order at once"),
        ],
        string="Broken Arrangement",
        default="next_run",
        required=True,
        help="What follows a missed installment: the account goes back to the normal "
        "notices and shut-off list, or a disconnect order is made the same day.",
    )
