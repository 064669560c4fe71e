# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class UtilityServiceCartChange(models.Model):
    """The carts of a garbage service from a date on: what a cart delivery,
    pickup or exchange left at the premise, and what was there before.

    The bill builder prorates the cart charge of a period by the days each count
    and size was at the premise (see ``utility.bill.builder._split_by_carts``).
    Written only by :meth:`utility.account.service._change_carts`.
    """

    _name = "utility.service.cart.change"
    _description = "Garbage Cart Change"
    _order = "date desc, id desc"
    _check_company_auto = True
    _inherit = ["utility.locked.fields.mixin"]

    service_id = fields.Many2one(
        "utility.account.service",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    account_id = fields.Many2one(related="service_id.account_id", store=True, index=True)
    company_id = fields.Many2one(
        related="service_id.company_id", store=True, precompute=True, index=True
    )
    date = fields.Date(
        string="From", required=True, readonly=True, help="First day with these carts."
    )
    cart_count = fields.Integer(string="Carts", readonly=True)
    cart_size = fields.Many2one("utility.cart.size", readonly=True, ondelete="restrict")
    previous_cart_count = fields.Integer(string="Carts Before", readonly=True)
    previous_cart_size = fields.Many2one(
        "utility.cart.size", string="Size Before", readonly=True, ondelete="restrict"
    )
    work_order_id = fields.Many2one(
        "utility.work.order", readonly=True, index="btree_not_null", check_company=True
    )

    _sql_constraints = [
        ("cart_count_positive", "CHECK(cart_count >= 0)", "A cart count cannot be negative."),
    ]

    # ------------------------------------------------------------------
    # History: made by the service's _change_carts only, never changed
    # ------------------------------------------------------------------
    def _get_action_fields(self):
        return super()._get_action_fields() | {
            "service_id",
            "date",
            "cart_count",
            "cart_size",
            "previous_cart_count",
            "previous_cart_size",
            "work_order_id",
        }

    def _get_locked_records(self):
        return self

    @api.depends("service_id", "date")
    def _compute_display_name(self):
        for change in self:
            change.display_name = f"{change.service_id.display_name} {change.date or ''}".strip()
