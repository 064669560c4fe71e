# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError

from ..lib.consumption import reading_consumption, to_decimal
from ..models.utility_meter_reading import READ_TYPES


class UtilityMeterReadingCorrect(models.TransientModel):
    """Correct a reading: the old one is cancelled and replaced, never overwritten.

    The corrected reading goes through the read edits again, and the reason stays
    on both readings' chatter.
    """

    _name = "utility.meter.reading.correct"
    _description = "Correct a Meter Reading"

    reading_id = fields.Many2one("utility.meter.reading", required=True, readonly=True)
    exception_id = fields.Many2one("utility.reading.exception", readonly=True)
    meter_id = fields.Many2one(related="reading_id.meter_id")
    account_id = fields.Many2one(related="reading_id.account_id")
    current_value = fields.Float(related="reading_id.value", string="Current Reading")
    current_consumption = fields.Float(related="reading_id.consumption")
    previous_value = fields.Float(related="reading_id.previous_value")
    previous_date = fields.Date(related="reading_id.previous_date")
    unit = fields.Selection(related="reading_id.unit")
    value = fields.Float(
        string="Corrected Reading",
        digits=(16, 3),
        compute="_compute_from_reading",
        store=True,
        precompute=True,
        readonly=False,
    )
    read_type = fields.Selection(
        READ_TYPES,
        compute="_compute_from_reading",
        store=True,
        precompute=True,
        readonly=False,
        required=True,
    )
    date = fields.Date(
        string="Read Date",
        compute="_compute_from_reading",
        store=True,
        precompute=True,
        readonly=False,
    )
    consumption_preview = fields.Float(
        compute="_compute_consumption_preview", digits=(16, 3), string="New Consumption"
    )
    reason = fields.Text(required=True)

    @api.depends("reading_id")
    def _compute_from_reading(self):
        for wizard in self:
            wizard.value = wizard.reading_id.value
            wizard.read_type = wizard.reading_id.read_type or "actual"
            wizard.date = wizard.reading_id.date

    @api.depends("value", "read_type", "reading_id")
    def _compute_consumption_preview(self):
        for wizard in self:
            reading = wizard.reading_id
            previous = reading.previous_reading_id
            used, _rolled = reading_consumption(
                to_decimal(previous.value) if previous else None,
                to_decimal(wizard.value),
                reading.meter_id.dials or 6,
                to_decimal(reading.meter_id.multiplier or 1.0),
                wizard.read_type,
            )
            wizard.consumption_preview = float(used)

    def action_confirm(self):
        self.ensure_one()
        reading = self.reading_id
        problems = []
        if reading.state not in ("valid", "exception"):
            problems.append(
                self.env._(
                    "The reading is %(state)s: only valid or held readings can be corrected.",
                    state=dict(reading._fields["state"]._description_selection(self.env))[
                        reading.state
                    ],
                )
            )
        if self.value < 0:
            problems.append(self.env._("A register reading cannot be negative."))
        if not (self.reason or "").strip():
            problems.append(self.env._("Give the reason of the correction."))
        if problems:
            raise UserError("\n".join(problems))
        corrected = reading._replace_by(
            [{"value": self.value, "read_type": self.read_type, "date": self.date or reading.date}],
            "corrected",
            self.reason.strip(),
        )
        if self.exception_id:
            # Opened from the review queue: back to the queue (the dialog closes
            # and the queue reloads without the resolved exception), not to the
            # corrected reading.
            return {"type": "ir.actions.act_window_close"}
        return {
            "type": "ir.actions.act_window",
            "res_model": "utility.meter.reading",
            "res_id": corrected.id,
            "view_mode": "form",
            "target": "current",
        }
