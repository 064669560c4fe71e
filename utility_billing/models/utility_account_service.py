# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

SERVICE_STATES = [
    ("pending", "Pending"),
    ("active", "Active"),
    ("suspended", "Suspended"),
    ("stopped", "Stopped"),
]


class UtilityAccountService(models.Model):
    """A service delivered on an account, priced by its rate schedule.

    A service has its own life: it can be suspended (vacation garbage) or
    stopped without closing the account.
    """

    _name = "utility.account.service"
    _description = "Utility Service on an Account"
    _inherit = ["mail.thread", "utility.locked.fields.mixin"]
    _order = "account_id, sequence, id"
    _check_company_auto = True

    account_id = fields.Many2one("utility.account", required=True, ondelete="cascade", index=True)
    sequence = fields.Integer(related="service_type_id.sequence", store=True)
    service_type_id = fields.Many2one(
        "utility.service.type", required=True, check_company=True, tracking=True
    )
    billing_basis = fields.Selection(related="service_type_id.billing_basis")
    is_metered = fields.Boolean(related="service_type_id.is_metered")
    rate_schedule_id = fields.Many2one(
        "utility.rate.schedule",
        required=True,
        tracking=True,
        check_company=True,
        domain="[('service_type_id', '=', service_type_id), ('is_fee_schedule', '=', False)]",
    )
    meter_id = fields.Many2one(
        "utility.meter",
        tracking=True,
        check_company=True,
        domain="[('location_id', 'in', (location_id, False))]",
        index="btree_not_null",
    )
    location_id = fields.Many2one(related="account_id.location_id", store=True)
    partner_id = fields.Many2one(related="account_id.partner_id")
    company_id = fields.Many2one(related="account_id.company_id", store=True, precompute=True)
    state = fields.Selection(
        SERVICE_STATES, default="pending", required=True, readonly=True, tracking=True
    )
    date_start = fields.Date(default=fields.Date.context_today, required=True, tracking=True)
    date_end = fields.Date(tracking=True)
    cart_count = fields.Integer(string="Carts", default=0, tracking=True)
    cart_size = fields.Many2one(
        "utility.cart.size", ondelete="restrict", tracking=True, check_company=True
    )
    eru_count = fields.Float(
        string="ERUs",
        digits=(12, 2),
        tracking=True,
        help="Equivalent residential units of impervious surface (stormwater).",
    )

    _sql_constraints = [
        (
            "dates_check",
            "CHECK(date_end IS NULL OR date_end >= date_start)",
            "A service cannot end before it starts.",
        ),
        (
            "quantities_check",
            "CHECK(cart_count >= 0 AND (eru_count IS NULL OR eru_count >= 0))",
            "Carts and ERUs cannot be negative.",
        ),
    ]

    @api.depends("service_type_id", "account_id")
    def _compute_display_name(self):
        for service in self:
            service.display_name = " / ".join(
                filter(None, [service.account_id.name, service.service_type_id.name])
            )

    @api.constrains("meter_id", "service_type_id", "state")
    def _check_meter(self):
        for service in self:
            if service.is_metered and service.state == "active" and not service.meter_id:
                raise ValidationError(
                    self.env._(
                        "%(service)s is metered: put a meter on it before it is active.",
                        service=service.display_name,
                    )
                )
            if service.meter_id and not service.is_metered:
                raise ValidationError(
                    self.env._(
                        "%(service)s is not metered and cannot carry a meter.",
                        service=service.display_name,
                    )
                )

    @api.constrains("service_type_id", "rate_schedule_id")
    def _check_rate_schedule(self):
        for service in self:
            if service.rate_schedule_id.service_type_id != service.service_type_id:
                raise ValidationError(
                    self.env._(
                        "The rate schedule %(schedule)s prices %(other)s, not %(type)s.",
                        schedule=service.rate_schedule_id.display_name,
                        other=service.rate_schedule_id.service_type_id.display_name,
                        type=service.service_type_id.display_name,
                    )
                )

    # ------------------------------------------------------------------
    # The state changes through actions (utility.locked.fields.mixin)
    # ------------------------------------------------------------------
    def _get_action_fields(self):
        return super()._get_action_fields() | {"state"}

    def _get_action_fields_message(self, names, creating=False):
        return self.env._(
            "A service is suspended, resumed or stopped through its buttons only, and "
            "disconnected or reconnected by a work order: its status is never typed in."
        )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_suspend(self):
        self.filtered(lambda s: s.state == "active")._as_action().write({"state": "suspended"})

    def action_resume(self):
        self.filtered(lambda s: s.state == "suspended")._as_action().write({"state": "active"})

    def action_stop(self):
        today = fields.Date.context_today(self)
        for service in self.filtered(lambda s: s.state != "stopped"):
            service._as_action().write({"state": "stopped", "date_end": service.date_end or today})
