# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class UtilityAccountBillDemand(models.TransientModel):
    """Bill one account now, outside its cycle's run: gathers the date and shows
    the bill; ``utility.account._action_bill_on_demand`` makes it."""

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
        return self.account_id._build_bill_on_demand(self.date_to)

    def action_confirm(self):
        self.ensure_one()
        moves = self.account_id._action_bill_on_demand(
            self.date_to,
            journal=self.journal_id,
            date_invoice=self.date_invoice,
            date_due=self.date_due,
        )
        return self._action_open_bill(moves)
