# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class UtilityAccountBackBill(models.TransientModel):
    """Add charges missed in the past: gathers the services, the period and the
    reason, shows the bill; ``utility.account._action_back_bill`` makes it."""

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
        return self.account_id._get_back_bill_problems(
            self.service_ids, self.date_from, self.date_to
        )

    def _build(self):
        return self.account_id._build_back_bill(self.service_ids, self.date_from, self.date_to)

    def action_confirm(self):
        self.ensure_one()
        moves = self.account_id._action_back_bill(
            self.service_ids,
            self.date_from,
            self.date_to,
            self.reason,
            journal=self.journal_id,
            date_invoice=self.date_invoice,
            date_due=self.date_due,
        )
        return self._action_open_bill(moves)
