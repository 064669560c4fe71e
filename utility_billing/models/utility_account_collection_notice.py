# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class UtilityAccount(models.Model):
    _inherit = "utility.account"  # pylint: disable=consider-merging-classes-inherited

    collection_notice_ids = fields.One2many(
        "utility.collection.notice", "account_id", string="Collection Notices"
    )
    collection_notice_count = fields.Integer(
        compute="_compute_collection_notice_count", string="Notices"
    )

    def _compute_collection_notice_count(self):
        counts = dict(
            self.env["utility.collection.notice"]._read_group(
                [("account_id", "in", self.ids)], ["account_id"], ["__count"]
            )
        )
        for account in self:
            account.collection_notice_count = counts.get(account, 0)

    def action_view_collection_notices(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "utility_billing.utility_collection_notice_action"
        )
        action["domain"] = [("account_id", "=", self.id)]
        action["context"] = {"create": False}
        return action
