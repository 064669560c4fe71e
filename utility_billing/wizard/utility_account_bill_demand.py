# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError


class UtilityAccountBillDemand(models.TransientModel):
    """Bill one account now, outside its cycle's run.

    The account's unbilled valid readings up to a date are rated exactly as a
    billing run rates them (same builder, same period rules); services without
    meter follow the read period, else run from the end of their last bill. The
    service periods are written like the run writes them, so the next run does
    not bill them again.
    """

    _name = "utility.account.bill.demand"
    _inherit = ["utility.bill.special"]
    _description = "Bill on Demand"

    date_to = fields.Date(
        string="Readings Up To",
        required=True,
        default=fields.Date.context_today,
        help="Unbilled valid readings dated up to this day are billed.",
    )
    preview_html = fields.Html(compute="_compute_preview_html", sanitize=False)

    @api.depends("account_id", "date_to")
    def _compute_preview_html(self):
        for wizard in self:
            wizard.preview_html = (
                wizard._render_preview(wizard._build()) if wizard.account_id else False
            )

    def _build(self):
        """The bill dicts: read-only, the preview and the posting rate alike."""
        self.ensure_one()
        services = self.account_id.service_ids.filtered(
            lambda s: s.state == "active" and s.date_start <= self.date_to
        )
        date_from = self._get_unbilled_start(services) or self.date_to
        return self.env["utility.bill.builder"]._build_special_bills(
            self.account_id, min(date_from, self.date_to), self.date_to, services=services
        )

    def action_confirm(self):
        self.ensure_one()
        self._check_billing_role()
        if self.account_id.state != "active":
            raise UserError(
                self.env._(
                    "Only an active account is billed on demand; %(account)s is %(state)s.",
                    account=self.account_id.display_name,
                    state=dict(self.account_id._fields["state"]._description_selection(self.env))[
                        self.account_id.state
                    ],
                )
            )
        moves = self._post_bills(self._build(), "demand")
        return self._action_open_bill(moves)
