# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class UtilityAccount(models.Model):
    """What the counter answers from the account form: what is owed and why.

    Smart buttons count the open bills, the bills and credits, and the
    payments, and open them as filtered lists; *Statement* shows every charge
    and credit over a range with the running balance. The counts are computed
    as superuser (two grouped queries for the whole page) so every utility
    role sees them.
    """

    _inherit = "utility.account"  # pylint: disable=consider-merging-classes-inherited

    open_bill_count = fields.Integer(compute="_compute_history_counts", compute_sudo=True)
    bill_count = fields.Integer(compute="_compute_history_counts", compute_sudo=True)
    credit_count = fields.Integer(compute="_compute_history_counts", compute_sudo=True)
    payment_count = fields.Integer(compute="_compute_history_counts", compute_sudo=True)

    def _get_bill_domain(self):
        return [
            ("utility_account_id", "in", self.ids),
            ("move_type", "in", ("out_invoice", "out_refund")),
            ("state", "=", "posted"),
        ]

    def _compute_history_counts(self):
        moves = self.env["account.move"]._read_group(
            self._get_bill_domain(),
            ["utility_account_id", "move_type", "payment_state"],
            ["__count"],
        )
        counts = {account.id: dict.fromkeys(("open", "bills", "credits"), 0) for account in self}
        for account, move_type, payment_state, count in moves:
            if move_type == "out_refund":
                counts[account.id]["credits"] += count
                continue
            counts[account.id]["bills"] += count
            if payment_state in ("not_paid", "partial"):
                counts[account.id]["open"] += count
        payments = dict(
            self.env["utility.payment.line"]._read_group(
                [("account_id", "in", self.ids), ("payment_id.state", "!=", "draft")],
                ["account_id"],
                ["payment_id:count_distinct"],
            )
        )
        for account in self:
            account.open_bill_count = counts[account.id]["open"]
            account.bill_count = counts[account.id]["bills"]
            account.credit_count = counts[account.id]["credits"]
            account.payment_count = payments.get(account, 0)

    def _action_moves(self, domain, name):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_out_invoice_type"
        )
        action.update(
            name=name,
            domain=[("utility_account_id", "=", self.id), ("state", "=", "posted"), *domain],
            context={"create": False},
            **self._bill_list_views(),
        )
        return action

    def _bill_list_views(self):
        """The views of the account's bills lists: the counter's light list
        (stored columns only) instead of Odoo's invoice list, whose computed
        columns (duplicated references above all) cost half of each request."""
        return {
            "view_mode": "list,form",
            "views": [
                (self.env.ref("utility_billing.account_move_view_list_utility_bills").id, "list"),
                (self.env.ref("account.view_move_form").id, "form"),
            ],
        }

    def action_view_open_bills(self):
        return self._action_moves(
            [("move_type", "=", "out_invoice"), ("payment_state", "in", ("not_paid", "partial"))],
            self.env._("Open Bills"),
        )

    def action_view_all_bills(self):
        return self._action_moves(
            [("move_type", "=", "out_invoice")],
            self.env._("Bills of %(account)s", account=self.name),
        )

    def action_view_credits(self):
        return self._action_moves([("move_type", "=", "out_refund")], self.env._("Credit Notes"))

    def action_view_payments(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "utility_billing.utility_payment_action"
        )
        action["domain"] = [("line_ids.account_id", "=", self.id), ("state", "!=", "draft")]
        action["context"] = {"create": False}
        action["name"] = self.env._("Payments of %(account)s", account=self.name)
        return action

    def action_open_statement(self):
        self.ensure_one()
        statement = self.env["utility.account.statement"].create({"account_id": self.id})
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Statement of Account"),
            "res_model": "utility.account.statement",
            "res_id": statement.id,
            "view_mode": "form",
            "target": "new",
        }
