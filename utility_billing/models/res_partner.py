# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    utility_account_ids = fields.One2many(
        "utility.account", "partner_id", string="Utility Accounts"
    )
    utility_account_count = fields.Integer(compute="_compute_utility_account_count")

    def _compute_utility_account_count(self):
        counts = dict(
            self.env["utility.account"]._read_group(
                [("partner_id", "in", self.ids)], ["partner_id"], ["__count"]
            )
        )
        for partner in self:
            partner.utility_account_count = counts.get(partner, 0)

    def action_view_utility_accounts(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "utility_billing.utility_account_action"
        )
        action["domain"] = [("partner_id", "=", self.id)]
        action["context"] = {"default_partner_id": self.id, "active_test": False}
        return action
