# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class UtilityRateWhatifLineMixin(models.AbstractModel):
    """What every result line of a rate what-if shares: its what-if, money in
    the company's currency, and no hand edit (Compute writes them)."""

    _name = "utility.rate.whatif.line.mixin"
    _description = "Rate What-If Result Line"
    _inherit = ["utility.locked.fields.mixin"]

    whatif_id = fields.Many2one(
        "utility.rate.whatif", required=True, ondelete="cascade", index=True, readonly=True
    )
    company_id = fields.Many2one(related="whatif_id.company_id", store=True, precompute=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    amount_proposed = fields.Monetary(string="Proposed", readonly=True)
    amount_change = fields.Monetary(string="Change", readonly=True)
    change_percent = fields.Float(string="Change %", digits=(16, 1), readonly=True, aggregator=None)

    def _get_locked_records(self):
        # Results are the what-if's: written by Compute and Reset to Draft only.
        return self

    def _get_locked_message(self, names=()):
        return self.env._(
            "The figures of a rate what-if are computed: change the what-if and compute it again."
        )
