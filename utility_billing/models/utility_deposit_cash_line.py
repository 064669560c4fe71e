# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class UtilityDepositCashLine(models.Model):
    """How many notes or coins of one denomination go into the deposit bag."""

    _name = "utility.deposit.cash.line"
    _description = "Deposit Cash Count"
    # The count of a prepared deposit is what its slip and entry say: locked
    # like the deposit (utility.locked.fields.mixin); Reset to Draft reopens it.
    _inherit = ["utility.locked.fields.mixin"]
    _order = "deposit_id, sequence, id"

    deposit_id = fields.Many2one("utility.deposit", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(
        related="deposit_id.company_id", store=True, precompute=True, index=True
    )
    currency_id = fields.Many2one(related="deposit_id.currency_id")
    sequence = fields.Integer(default=10)
    kind = fields.Selection([("bill", "Bill"), ("coin", "Coin")], required=True, default="bill")
    denomination = fields.Float(required=True, digits=(12, 2))
    count = fields.Integer()
    amount = fields.Monetary(compute="_compute_amount", store=True)

    _sql_constraints = [
        ("count_positive", "CHECK(count >= 0)", "A count cannot be negative."),
        ("denomination_positive", "CHECK(denomination > 0)", "A denomination is more than zero."),
    ]

    @api.depends("denomination", "count")
    def _compute_amount(self):
        for line in self:
            # A new deposit's default count lines are computed before the
            # deposit has its company: count in the user's company currency.
            currency = (
                line.currency_id or line.company_id.currency_id or self.env.company.currency_id
            )
            line.amount = currency.round(line.denomination * line.count)

    @api.depends("denomination", "kind")
    def _compute_display_name(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for line in self:
            line.display_name = f"{line.denomination:,.2f} {kinds.get(line.kind, '')}"

    # ------------------------------------------------------------------
    # Locked like the deposit (utility.locked.fields.mixin)
    # ------------------------------------------------------------------
    def _get_locked_records(self):
        return super()._get_locked_records() | self.filtered(
            lambda line: line.deposit_id.state in ("prepared", "posted", "cancelled")
        )

    def _get_locked_message(self, names=()):
        return self.env._(
            "The cash count of a prepared, posted or cancelled deposit cannot be changed or "
            "deleted: reset a prepared deposit to draft to count again."
        )
