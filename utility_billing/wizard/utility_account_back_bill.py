# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError


class UtilityAccountBackBill(models.TransientModel):
    """Add charges missed in the past: chosen services over a past period.

    E.g. garbage service added to the account late: its carts were never
    billed. The period ``[date_from, date_to)`` is billed to the day, each
    service for the days it was in service (its own start and end dates):
    whole cycle periods, plus the remaining days over the days of their cycle
    period. A period overlapping one already billed for a service is refused,
    naming the bill. Metered services bill their unbilled valid readings dated
    in the period.
    """

    _name = "utility.account.back.bill"
    _inherit = ["utility.bill.special"]
    _description = "Back-Bill"

    service_ids = fields.Many2many(
        "utility.account.service",
        string="Services",
        required=True,
        domain="[('account_id', '=', account_id)]",
        check_company=True,
    )
    date_from = fields.Date(string="Bill From", required=True)
    date_to = fields.Date(
        string="Bill To",
        required=True,
        help="End of the back-billed period, not billed itself: like a read date, the "
        "next bill starts on it.",
    )
    reason = fields.Text(required=True, help="Why the charges were missed; printed on the bill.")
    preview_html = fields.Html(compute="_compute_preview_html", sanitize=False)

    @api.depends("account_id", "service_ids", "date_from", "date_to")
    def _compute_preview_html(self):
        builder = self.env["utility.bill.builder"]
        for wizard in self:
            problems = wizard._get_problems()
            if problems or not wizard.account_id:
                wizard.preview_html = wizard._render_preview([], problems)
                continue
            warnings = builder._get_billed_overlaps(
                (service.id, wizard.date_from, wizard.date_to) for service in wizard.service_ids
            )
            wizard.preview_html = wizard._render_preview(wizard._build(), warnings)

    def _get_problems(self):
        """What is wrong with the input, before anything is rated."""
        self.ensure_one()
        problems = []
        if not self.service_ids:
            problems.append(self.env._("Choose the services to back-bill."))
        if not self.date_from or not self.date_to:
            problems.append(self.env._("Give the period to back-bill."))
        elif self.date_to <= self.date_from:
            problems.append(self.env._("The period must end after it starts."))
        elif self.date_from > fields.Date.context_today(self):
            problems.append(self.env._("A back-bill is for a past period."))
        other = self.service_ids.filtered(lambda s: s.account_id != self.account_id)
        if other:
            problems.append(
                self.env._(
                    "These services are not on %(account)s: %(services)s",
                    account=self.account_id.display_name,
                    services=", ".join(other.mapped("display_name")),
                )
            )
        if self.date_from and self.date_to:
            problems += [
                self.env._(
                    "%(service)s was not in service between %(date_from)s and %(date_to)s.",
                    service=service.display_name,
                    date_from=self.date_from,
                    date_to=self.date_to,
                )
                for service in self.service_ids
                if service.date_start >= self.date_to
                or (service.date_end and service.date_end <= self.date_from)
            ]
        return problems

    def _build(self):
        return self.env["utility.bill.builder"]._build_special_bills(
            self.account_id,
            self.date_from,
            self.date_to,
            services=self.service_ids,
            prorate_to_day=True,
        )

    def action_confirm(self):
        self.ensure_one()
        self._check_billing_role()
        problems = self._get_problems()
        if not (self.reason or "").strip():
            problems.append(self.env._("Give the reason of the back-bill."))
        if not problems:
            # On the whole period asked for: a metered service whose readings are
            # billed has no period of its own to compare, and must be named too.
            problems = self.env["utility.bill.builder"]._get_billed_overlaps(
                (service.id, self.date_from, self.date_to) for service in self.service_ids
            )
        if problems:
            raise UserError(
                self.env._(
                    "Nothing was billed:\n%(problems)s",
                    problems="\n".join(f"- {problem}" for problem in problems),
                )
            )
        reason = self.reason.strip()
        moves = self._post_bills(
            self._build(),
            "back",
            narration=Markup("<p>%s</p>") % reason,
            ref=reason[:100],
        )
        self.account_id.message_post(
            body=self.env._(
                "Back-bill %(bill)s for %(services)s, %(date_from)s to %(date_to)s: %(reason)s",
                bill=moves.sudo().name,
                services=", ".join(self.service_ids.service_type_id.mapped("name")),
                date_from=self.date_from,
                date_to=self.date_to,
                reason=reason,
            )
        )
        return self._action_open_bill(moves)
