# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class UtilityAccount(models.Model):
    _inherit = "utility.account"  # pylint: disable=consider-merging-classes-inherited

    work_order_ids = fields.One2many("utility.work.order", "account_id", string="Work Orders")
    work_order_count = fields.Integer(compute="_compute_work_order_count")

    @api.depends("work_order_ids")
    def _compute_work_order_count(self):
        counts = dict(
            self.env["utility.work.order"]._read_group(
                [("account_id", "in", self.ids)], ["account_id"], ["__count"]
            )
        )
        for account in self:
            account.work_order_count = counts.get(account, 0)

    def action_view_work_orders(self):
        self.ensure_one()
        return self.env["utility.work.order"]._get_list_action(
            [("account_id", "=", self.id)],
            {"default_account_id": self.id, "default_premise_id": self.location_id.id},
        )
