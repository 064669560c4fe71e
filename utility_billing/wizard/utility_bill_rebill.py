# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command, api, fields, models


class UtilityBillRebill(models.TransientModel):
    """Cancel and rebill: gathers the bill, the corrected readings and the
    reason; ``account.move._action_cancel_rebill`` does it (its rules are there)."""

    _name = "utility.bill.rebill"
    _inherit = ["utility.bill.special"]
    _description = "Cancel and Rebill"

    move_id = fields.Many2one(
        "account.move",
        string="Bill to Cancel",
        required=True,
        default=lambda self: self._default_move_id(),
        domain="[('move_type', '=', 'out_invoice'), ('state', '=', 'posted'), "
        "('utility_account_id', '=', account_id)]",
        check_company=True,
    )
    account_id = fields.Many2one(
        compute="_compute_account_id", store=True, readonly=False, precompute=True
    )
    amount_total = fields.Monetary(related="move_id.amount_total", string="Bill Amount")
    amount_paid = fields.Monetary(
        compute="_compute_amount_paid",
        string="Already Paid",
        help="Paid or credited on the bill so far. It stays on the customer's account as "
        "a credit and is applied to the corrected bill.",
    )
    line_ids = fields.One2many(
        "utility.bill.rebill.line",
        "wizard_id",
        string="Readings",
        compute="_compute_line_ids",
        store=True,
        readonly=False,
        precompute=True,
    )
    reason = fields.Text(required=True, help="Why the bill is cancelled; kept on both bills.")

    # ------------------------------------------------------------------
    # Defaults and computes
    # ------------------------------------------------------------------
    @api.model
    def _default_move_id(self):
        if self.env.context.get("active_model") == "account.move":
            return self.env.context.get("active_id")
        return False

    @api.depends("move_id")
    def _compute_account_id(self):
        for wizard in self:
            wizard.account_id = wizard.move_id.utility_account_id or wizard.account_id

    @api.depends("move_id")
    def _compute_amount_paid(self):
        for wizard in self:
            wizard.amount_paid = wizard.move_id.amount_total - wizard.move_id.amount_residual

    @api.depends("move_id")
    def _compute_line_ids(self):
        periods = self.move_id._get_utility_billed_periods()
        readings = self.move_id._get_utility_billed_readings(periods).sorted(
            lambda r: (r.meter_id.name or "", r.date)
        )
        for wizard in self:
            own = periods.filtered(lambda p, wizard=wizard: p.move_id == wizard.move_id)
            wizard.line_ids = [Command.clear()] + [
                Command.create({"reading_id": reading.id, "value": reading.value})
                for reading in readings
                if any(p.service_id == reading.service_id for p in own)
            ]

    # ------------------------------------------------------------------
    # Action
    # ------------------------------------------------------------------
    def action_confirm(self):
        self.ensure_one()
        new = self.move_id._action_cancel_rebill(
            self.reason,
            reading_values={line.reading_id.id: line.new_value for line in self.line_ids},
            date_invoice=self.date_invoice,
            journal=self.journal_id,
            date_due=self.date_due,
        )
        return self._action_open_bill(new)


class UtilityBillRebillLine(models.TransientModel):
    _name = "utility.bill.rebill.line"
    _description = "Reading of a Cancel and Rebill"

    wizard_id = fields.Many2one(
        "utility.bill.rebill", required=True, ondelete="cascade", index=True
    )
    reading_id = fields.Many2one("utility.meter.reading", required=True, readonly=True)
    meter_id = fields.Many2one(related="reading_id.meter_id")
    date = fields.Date(related="reading_id.date")
    read_type = fields.Selection(related="reading_id.read_type")
    previous_value = fields.Float(related="reading_id.previous_value")
    consumption = fields.Float(related="reading_id.consumption", string="Billed Consumption")
    unit = fields.Selection(related="reading_id.unit")
    value = fields.Float(string="Billed Reading", digits=(16, 3), readonly=True)
    new_value = fields.Float(
        string="Corrected Reading",
        digits=(16, 3),
        compute="_compute_new_value",
        store=True,
        readonly=False,
        precompute=True,
        help="Leave it as billed to re-rate the bill without changing the reading.",
    )

    @api.depends("value")
    def _compute_new_value(self):
        for line in self:
            line.new_value = line.value
