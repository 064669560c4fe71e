# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class UtilityAccount(models.Model):
    _inherit = "utility.account"  # pylint: disable=consider-merging-classes-inherited

    leak_alert_count = fields.Integer(
        string="Leak Alerts", compute="_compute_leak_alert_count", compute_sudo=False
    )

    def _compute_leak_alert_count(self):
        counts = dict(
            self.env["utility.leak.alert"]._read_group(
                [("account_id", "in", self.ids), ("state", "in", ("new", "notified"))],
                ["account_id"],
                ["__count"],
            )
        )
        for account in self:
            account.leak_alert_count = counts.get(account, 0)

    def action_view_leak_alerts(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "utility_billing.utility_leak_alert_action"
        )
        action["domain"] = [("account_id", "=", self.id)]
        action["context"] = {"create": False}
        return action
