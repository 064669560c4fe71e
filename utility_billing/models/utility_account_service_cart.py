# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date


class UtilityAccountService(models.Model):
    _inherit = "utility.account.service"  # pylint: disable=consider-merging-classes-inherited

    cart_change_ids = fields.One2many(
        "utility.service.cart.change", "service_id", string="Cart Changes", readonly=True
    )

    def _change_carts(self, date, cart_count, cart_size=False, work_order=None):
        """The service has ``cart_count`` carts of ``cart_size`` (a
        ``utility.cart.size``) from ``date`` on: the change is kept (the bill
        prorates the cart charge by days) and the service's carts are set.

        :raises UserError: a negative count, carts without a size, a date before
            the service started or before its last change (nothing changes)
        """
        self.ensure_one()
        cart_size = cart_size or (self.cart_size if cart_count else self.cart_size.browse())
        problems = []
        if cart_count < 0:
            problems.append(self.env._("A cart count cannot be negative."))
        if cart_count and not cart_size:
            problems.append(self.env._("Enter the size of the carts."))
        if self.date_start and date < self.date_start:
            problems.append(
                self.env._(
                    "The service started on %(start)s: carts cannot change before.",
                    start=format_date(self.env, self.date_start),
                )
            )
        last = self.sudo().cart_change_ids[:1]
        if last and date < last.date:
            problems.append(
                self.env._(
                    "The carts last changed on %(date)s: a change cannot be dated before it.",
                    date=format_date(self.env, last.date),
                )
            )
        if problems:
            raise UserError("\n".join(problems))
        change = (
            self.env["utility.service.cart.change"]
            .sudo()
            ._as_action()
            .create(
                {
                    "service_id": self.id,
                    "date": date,
                    "cart_count": cart_count,
                    "cart_size": cart_size.id,
                    "previous_cart_count": self.cart_count,
                    "previous_cart_size": self.cart_size.id,
                    "work_order_id": work_order.id if work_order else False,
                }
            )
        )
        self.sudo().write({"cart_count": cart_count, "cart_size": cart_size.id})
        return change.with_env(self.env)
