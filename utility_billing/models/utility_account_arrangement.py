# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class UtilityAccount(models.Model):
    """Payment arrangements on the account: the form's button and count, the
    collections hold of an active arrangement, the broken ones the shut-off list
    is worked by."""

    _inherit = "utility.account"  # pylint: disable=consider-merging-classes-inherited

    arrangement_ids = fields.One2many(
        "utility.payment.arrangement", "account_id", string="Payment Arrangements"
    )
    arrangement_count = fields.Integer(compute="_compute_arrangement_count")

    def _compute_arrangement_count(self):
        counts = dict(
            self.env["utility.payment.arrangement"]._read_group(
                [("account_id", "in", self.ids)], ["account_id"], ["__count"]
            )
        )
        for account in self:
            account.arrangement_count = counts.get(account, 0)

    def _get_active_arrangements(self, day):
        """The arrangement holding each account of ``self`` on ``day`` (one query).

        :return: {account id: utility.payment.arrangement}
        """
        arrangements = (
            self.env["utility.payment.arrangement"]
            .sudo()
            .search(
                [
                    ("account_id", "in", self.ids),
                    ("state", "=", "active"),
                    ("date_start", "<=", day),
                ]
            )
        )
        return {arrangement.account_id.id: arrangement for arrangement in arrangements}

    def _get_collection_holds(self, day, step):
        """An active arrangement (kept up: the daily check breaks the others) holds
        the account from notices, door hangers and shut-off; from late fees too
        when the city's setting says so."""
        holds = super()._get_collection_holds(day, step)
        for account_id, arrangement in self._get_active_arrangements(day).items():
            if step == "late_fee" and not arrangement.company_id.utility_arrangement_hold_late_fees:
                continue
            holds.setdefault(
                account_id,
                self.env._("payment arrangement %(name)s", name=arrangement.name),
            )
        return holds

    def _get_broken_arrangement_counts(self):
        """How many payment arrangements each account of ``self`` broke (one query):
        the shut-off list is sorted and filtered on it.

        :return: {account id: count}, accounts without a broken one left out
        """
        groups = (
            self.env["utility.payment.arrangement"]
            .sudo()
            ._read_group(
                [("account_id", "in", self.ids), ("state", "=", "broken")],
                ["account_id"],
                ["__count"],
            )
        )
        return {account.id: count for account, count in groups}

    def action_new_arrangement(self):
        """Open a new payment arrangement for this account."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Payment Arrangement"),
            "res_model": "utility.payment.arrangement",
            "view_mode": "form",
            "target": "current",
            "context": {"default_account_id": self.id},
        }

    def action_view_arrangements(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "utility_billing.utility_payment_arrangement_action"
        )
        action["domain"] = [("account_id", "=", self.id)]
        action["context"] = {"default_account_id": self.id}
        return action
