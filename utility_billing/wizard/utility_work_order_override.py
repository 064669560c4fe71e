# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class UtilityWorkOrderOverride(models.TransientModel):
    """A supervisor lets a disconnect go ahead on a medical / life-support account."""

    _name = "utility.work.order.override"
    _description = "Override the No-Shutoff Flag of a Work Order"

    work_order_id = fields.Many2one("utility.work.order", required=True, readonly=True)
    account_id = fields.Many2one(related="work_order_id.account_id")
    reason = fields.Text(required=True)

    def action_confirm(self):
        self.ensure_one()
        self.work_order_id._override_life_support(self.reason)
        return {"type": "ir.actions.act_window_close"}
