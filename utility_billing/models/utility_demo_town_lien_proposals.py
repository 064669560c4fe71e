# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Liens on their way in the demo town: two more North Side households owing a
bill of last winter. The first was proposed and its draft lien made; its owner
got the Notice of Intent ten days ago, so the lien waits out the 30 days. The
second still shows in Collections > Propose Liens."""

from datetime import timedelta

from odoo import api, fields, models


class UtilityDemoTown(models.AbstractModel):
    _inherit = "utility.demo.town"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _generate_lien_proposals(self):
        billing, accounts = self._demo_plain_north_accounts(
            5, [("arrangement_ids", "=", False)], order="name"
        )
        if len(accounts) < 5:
            return False  # nothing billed (no chart of accounts)
        waiting, proposed = accounts[3], accounts[4]
        today = fields.Date.context_today(self)
        self._demo_old_balances(billing.journal_id, {waiting: 212.60, proposed: 158.90}, today)
        candidates = self.env["utility.account"].browse(
            [
                proposal["account"].id
                for proposal in self.env["utility.account"]._get_lien_proposals(
                    today, (waiting | proposed).ids
                )
            ]
        )
        if waiting not in candidates:
            return False  # held by another demo's arrangement, estate...
        preparer = (
            self.env["res.users"].search([("login", "=", "demo_billing")], limit=1) or self.env.user
        )
        lien = self.env["utility.lien"].with_user(preparer)._create_proposed(waiting)
        lien._record_notice(today - timedelta(days=10))
        return lien
