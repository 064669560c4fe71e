# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class UtilityAccountService(models.Model):
    """What rate rules need of a service: its dwelling units (multifamily on one
    meter) and, billed on a winter average, its averages."""

    _inherit = "utility.account.service"

    dwelling_unit_count = fields.Integer(
        string="Dwelling Units",
        default=1,
        tracking=True,
        help="Dwelling units this service serves (apartments on one meter): charges "
        "per dwelling unit are multiplied by it.",
    )

    winter_average_ids = fields.One2many(
        "utility.winter.average", "service_id", string="Winter Average History"
    )
    winter_average_id = fields.Many2one(
        "utility.winter.average",
        compute="_compute_winter_average_id",
        help="The latest winter average: an override first.",
    )
    is_winter_average = fields.Boolean(compute="_compute_winter_average_id")

    _sql_constraints = [
        (
            "dwelling_unit_count_check",
            "CHECK(dwelling_unit_count IS NULL OR dwelling_unit_count >= 0)",
            "Dwelling units cannot be negative.",
        ),
    ]

    @api.depends("winter_average_ids", "rate_schedule_id.volume_basis")
    def _compute_winter_average_id(self):
        for service in self:
            service.is_winter_average = service.rate_schedule_id.volume_basis == "winter_average"
            # _order of the averages: latest window first, an override first.
            service.winter_average_id = service.winter_average_ids[:1]

    def action_override_winter_average(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Override Winter Average"),
            "res_model": "utility.winter.average.override",
            "view_mode": "form",
            "target": "new",
            "context": {"default_service_id": self.id},
        }
