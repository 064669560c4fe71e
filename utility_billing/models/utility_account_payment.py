# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What an account's payment history says about how it may pay: autopay, and cash
only after returned payments."""

from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import fields, models

from .utility_payment_return import COUNTED_REASONS


class UtilityAccount(models.Model):
    _inherit = "utility.account"  # pylint: disable=consider-merging-classes-inherited
    # is_cash_only (tracked) is declared on utility.account itself; returns set it.
    autopay_enrollment_ids = fields.One2many(
        "utility.autopay.enrollment", "account_id", string="Autopay Enrollments"
    )
    return_count_12m = fields.Integer(
        string="Returned Payments (12 Months)",
        compute="_compute_return_count_12m",
        help="Payments of this account returned in the last 12 months for a reason the "
        "customer caused (insufficient funds, closed account, stopped payment, no account).",
    )

    def _compute_return_count_12m(self):
        counts = self._get_return_counts(fields.Date.context_today(self))
        for account in self:
            account.return_count_12m = counts.get(account.id, 0)

    def _get_return_counts(self, on_date):
        """Returned payments by account id in the 12 months up to ``on_date`` (one query)."""
        if not self.ids:
            return {}
        groups = (
            self.env["utility.payment.line"]
            .sudo()
            ._read_group(
                [
                    ("account_id", "in", self.ids),
                    ("payment_id.state", "=", "returned"),
                    ("payment_id.return_reason", "in", COUNTED_REASONS),
                    ("payment_id.date_returned", ">", on_date - relativedelta(months=12)),
                    ("payment_id.date_returned", "<=", on_date),
                ],
                ["account_id"],
                ["payment_id:count_distinct"],
            )
        )
        return {account.id: count for account, count in groups}

    def _flag_cash_only_after_returns(self, on_date):
        """Flag cash only the accounts whose returns in the 12 months up to
        ``on_date`` reached the company's limit: the counter then refuses their checks."""
        counts = self._get_return_counts(on_date)
        to_flag = self.filtered(
            lambda a: (
                not a.is_cash_only
                and a.company_id.utility_cash_only_return_count > 0
                and counts.get(a.id, 0) >= a.company_id.utility_cash_only_return_count
            )
        )
        if not to_flag:
            return to_flag
        to_flag.write({"is_cash_only": True})
        for account in to_flag:
            account.message_post(
                body=Markup("<p>%s</p>")
                % self.env._(
                    "Cash only: %(count)s returned payments in 12 months. The counter takes no "
                    "more checks for this account.",
                    count=counts[account.id],
                )
            )
        return to_flag

    def action_view_returned_payments(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "utility_billing.utility_payment_action"
        )
        action["domain"] = [("line_ids.account_id", "=", self.id), ("state", "=", "returned")]
        action["context"] = {"create": False}
        return action

    def action_view_autopay_enrollments(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "utility_billing.utility_autopay_enrollment_action"
        )
        action["domain"] = [("account_id", "=", self.id)]
        action["context"] = {"default_account_id": self.id}
        if len(self.autopay_enrollment_ids) == 1:
            action["views"] = [(False, "form")]
            action["res_id"] = self.autopay_enrollment_ids.id
        return action
