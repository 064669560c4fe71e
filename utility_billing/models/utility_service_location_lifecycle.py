# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class UtilityServiceLocation(models.Model):
    _inherit = "utility.service.location"  # pylint: disable=consider-merging-classes-inherited

    last_account_id = fields.Many2one(
        "utility.account",
        compute="_compute_last_account_id",
        help="The most recent account at the premise, open or not.",
    )

    def _compute_last_account_id(self):
        last = {}
        for account in self.env["utility.account"].search(
            [("location_id", "in", self.ids)], order="date_start desc, id desc"
        ):
            last.setdefault(account.location_id.id, account)
        for location in self:
            location.last_account_id = last.get(location.id, False)

    def _prepare_services_from(self, account):
        """Services a new account at this premise starts with: those of ``account``
        (the last one) still running at its end, with their rate, carts and ERUs,
        and the meter when it is still installed here. The premise keeps its meters:
        the newcomer takes them over.

        :return: list of dicts of ``utility.account.service`` values
        """
        self.ensure_one()
        services = (
            account.service_ids.filtered(
                lambda s: (
                    s.state in ("active", "suspended")
                    or (s.state == "stopped" and s.date_end and s.date_end == account.date_end)
                )
            )
            or account.service_ids
        )
        return [
            {
                "service_type_id": service.service_type_id.id,
                "rate_schedule_id": service.rate_schedule_id.id,
                "meter_id": service.meter_id.id
                if service.meter_id.location_id == self and service.meter_id.state == "installed"
                else False,
                "cart_count": service.cart_count,
                "cart_size": service.cart_size.id,
                "eru_count": service.eru_count,
            }
            for service in services
        ]

    def action_open_move_in(self):
        """Move-in from the premise (or from the accounts list, premise to choose)."""
        context = {}
        if len(self) == 1:
            context["default_location_id"] = self.id
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Move In"),
            "res_model": "utility.account.move.in",
            "view_mode": "form",
            "target": "new",
            "context": context,
        }
