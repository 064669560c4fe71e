# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class UtilityRoute(models.Model):
    """A meter-reading route: the premises a reader walks, in read sequence."""

    _name = "utility.route"
    _description = "Utility Meter Reading Route"
    _order = "code, id"

    name = fields.Char(required=True)
    code = fields.Char(required=True)
    active = fields.Boolean(default=True)
    cycle_id = fields.Many2one(
        "utility.billing.cycle",
        required=True,
        check_company=True,
        help="Billing cycle (book) the premises of this route are billed in.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    location_ids = fields.One2many("utility.service.location", "route_id")
    location_count = fields.Integer(compute="_compute_location_count")

    _sql_constraints = [
        (
            "code_company_uniq",
            "unique(code, company_id)",
            "A route code must be unique per company.",
        ),
    ]

    def _compute_location_count(self):
        counts = dict(
            self.env["utility.service.location"]._read_group(
                [("route_id", "in", self.ids)], ["route_id"], ["__count"]
            )
        )
        for route in self:
            route.location_count = counts.get(route, 0)

    @api.depends("code", "name")
    def _compute_display_name(self):
        for route in self:
            route.display_name = f"[{route.code}] {route.name}" if route.code else route.name
