# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class UtilityLienProposeLine(models.TransientModel):
    """One account proposed for a lien, with what the rule read of it."""

    _name = "utility.lien.propose.line"
    _description = "Account Proposed for a Lien"
    _order = "amount_balance desc, id"

    propose_id = fields.Many2one("utility.lien.propose", required=True, ondelete="cascade")
    is_selected = fields.Boolean(string="Lien")
    account_id = fields.Many2one("utility.account", required=True, readonly=True)
    account_state = fields.Selection(related="account_id.state", string="Account Status")
    location_id = fields.Many2one(related="account_id.location_id", string="Property")
    currency_id = fields.Many2one(related="account_id.currency_id")
    amount_balance = fields.Monetary(string="Balance", readonly=True)
    date_oldest_due = fields.Date(string="Oldest Unpaid Due", readonly=True)
    days_past_due = fields.Integer(compute="_compute_days_past_due")

    @api.depends("date_oldest_due", "propose_id.date")
    def _compute_days_past_due(self):
        for line in self:
            oldest = line.date_oldest_due
            line.days_past_due = (line.propose_id.date - oldest).days if oldest else 0
