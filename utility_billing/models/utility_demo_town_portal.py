# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The customer portal in the demo town: one customer logs in as ``demo_portal``
(password ``demo_portal``, README) and sees their account, bills and payments."""

from collections import Counter

from odoo import Command, api, models

DEMO_PORTAL_LOGIN = "demo_portal"


class UtilityDemoTown(models.AbstractModel):
    _inherit = "utility.demo.town"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _generate_portal(self):
        """Give a portal login to the household with the most bills (then the most
        payments) among those that paid, on paper bills and without autopay, so
        every list and form of the portal has something to show."""
        Users = self.env["res.users"]
        if Users.with_context(active_test=False).search_count(
            [("login", "=", DEMO_PORTAL_LOGIN)], limit=1
        ):
            return False
        paid_lines = (
            self.env["utility.payment"].search([("state", "=", "posted")]).line_ids
        ).filtered("account_id")
        paid = paid_lines.account_id
        candidates = paid.filtered(
            lambda a: (
                a.state == "active"
                and a.move_ids
                and not a.is_autopay
                and not a.is_paperless
                and a.partner_id.email
                and not a.partner_id.is_company
                and not a.partner_id.user_ids
            )
        )
        if not candidates:
            return False
        bills = dict(
            self.env["account.move"]._read_group(
                [
                    ("utility_account_id", "in", candidates.ids),
                    ("move_type", "=", "out_invoice"),
                    ("state", "=", "posted"),
                ],
                ["utility_account_id"],
                ["__count"],
            )
        )
        payments = Counter(line.account_id.id for line in paid_lines)
        account = candidates.sorted(lambda a: (-bills.get(a, 0), -payments[a.id], a.name))[:1]
        return Users.with_context(no_reset_password=True).create(
            {
                "name": account.partner_id.name,
                "login": DEMO_PORTAL_LOGIN,
                "password": DEMO_PORTAL_LOGIN,
                "partner_id": account.partner_id.id,
                "company_id": account.company_id.id,
                "company_ids": [Command.set(account.company_id.ids)],
                "groups_id": [Command.set([self.env.ref("base.group_portal").id])],
            }
        )
