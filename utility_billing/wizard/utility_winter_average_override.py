# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class UtilityWinterAverageOverride(models.TransientModel):
    """A clerk sets a service's winter average, with the reason."""

    _name = "utility.winter.average.override"
    _description = "Override Winter Average"

    service_id = fields.Many2one("utility.account.service", required=True, readonly=True)
    usage_unit = fields.Selection(related="service_id.rate_schedule_id.usage_unit")
    current_volume = fields.Float(
        related="service_id.winter_average_id.volume", string="Current Average"
    )
    volume = fields.Float(string="New Average per Month", digits=(16, 6), required=True)
    reason = fields.Text(required=True)

    def action_confirm(self):
        self.ensure_one()
        self.env["utility.winter.average"]._create_override(
            self.service_id, self.volume, self.reason
        )
        return {"type": "ir.actions.act_window_close"}
