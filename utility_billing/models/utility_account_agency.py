# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class UtilityAccount(models.Model):
    _inherit = "utility.account"  # pylint: disable=consider-merging-classes-inherited

    is_at_agency = fields.Boolean(
        string="At Collection Agency",
        compute="_compute_is_at_agency",
        help="Referred to the collection agency and not recalled: no notices, late "
        "fees, door hangers or shut-offs.",
    )

    def _get_live_referrals(self):
        return self.env["utility.agency.referral"].search(
            [("account_id", "in", self.ids), ("state", "!=", "recalled")]
        )

    def _compute_is_at_agency(self):
        at_agency = self._get_live_referrals().account_id
        for account in self:
            account.is_at_agency = account in at_agency

    def _get_collection_holds(self, day, step):
        """An account at the collection agency is collected by the agency only."""
        holds = super()._get_collection_holds(day, step)
        for account in self._get_live_referrals().account_id:
            holds.setdefault(account.id, self.env._("at the collection agency"))
        return holds
