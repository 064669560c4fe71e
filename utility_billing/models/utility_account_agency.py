# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models
from odoo.exceptions import AccessError

BILLING_GROUP = "utility_billing.group_utility_billing"
LIVE_STATES = ("referred", "exported")


class UtilityAccount(models.Model):
    _inherit = "utility.account"  # pylint: disable=consider-merging-classes-inherited

    # compute_sudo: a cashier sees the "At the Agency" ribbon on the account but
    # reads no referral.
    is_at_agency = fields.Boolean(
        string="At the Agency",
        compute="_compute_is_at_agency",
        search="_search_is_at_agency",
        compute_sudo=True,
        help="Referred to the collection agency and not recalled: no notices, late "
        "fees, door hangers or shut-offs.",
    )
    agency_referral_count = fields.Integer(
        string="Agency Referrals", compute="_compute_is_at_agency", compute_sudo=True
    )

    def _get_live_referrals(self):
        return self.env["utility.agency.referral"].search(
            [("account_id", "in", self.ids), ("state", "in", LIVE_STATES)]
        )

    def _compute_is_at_agency(self):
        # One grouped query for the whole recordset: referrals per account and state.
        counts = {}
        live = set()
        for account, state, count in self.env["utility.agency.referral"]._read_group(
            [("account_id", "in", self.ids)], ["account_id", "state"], ["__count"]
        ):
            counts[account.id] = counts.get(account.id, 0) + count
            if state in LIVE_STATES:
                live.add(account.id)
        for account in self:
            account.is_at_agency = account.id in live
            account.agency_referral_count = counts.get(account.id, 0)

    def _search_is_at_agency(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(operator)
        query = (
            self.env["utility.agency.referral"]
            .sudo()
            ._search([("state", "in", LIVE_STATES)])
            .subselect("account_id")
        )
        positive = (operator == "=") == value
        return [("id", "in" if positive else "not in", query)]

    def _get_collection_holds(self, day, step):
        """An account at the collection agency is collected by the agency only."""
        holds = super()._get_collection_holds(day, step)
        for account in self._get_live_referrals().account_id:
            holds.setdefault(account.id, self.env._("at the collection agency"))
        return holds

    def action_refer_to_agency(self):
        """The account form's Refer to Agency: asks the reason (billing staff)."""
        self.ensure_one()
        if not self.env.user.has_group(BILLING_GROUP):
            raise AccessError(self.env._("Only billing staff refer accounts to the agency."))
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Refer to the Collection Agency"),
            "res_model": "utility.account.agency.referral",
            "view_mode": "form",
            "target": "new",
            "context": {"default_account_id": self.id},
        }

    def action_view_agency_referrals(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "utility_billing.utility_agency_referral_action"
        )
        action["domain"] = [("account_id", "=", self.id)]
        action["context"] = {}
        return action
