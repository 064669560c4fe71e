# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command, api, fields, models


class UtilityAccountFinalBill(models.TransientModel):
    """Move-out: gathers the final read date, the final readings and a note;
    ``utility.account._action_final_bill`` makes the bill (its rules are there)."""

    _name = "utility.account.final.bill"
    _inherit = ["utility.bill.special"]
    _description = "Final Bill"

    date_final = fields.Date(
        string="Final Read Date",
        compute="_compute_date_final",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
        help="Day of the final reading: the last day billed is the day before, the "
        "services stop on this day.",
    )
    line_ids = fields.One2many(
        "utility.account.final.bill.line",
        "wizard_id",
        string="Final Readings",
        compute="_compute_line_ids",
        store=True,
        readonly=False,
        precompute=True,
    )
    date_billed_to = fields.Date(
        string="Billed Up To",
        compute="_compute_period",
        help="End of the account's last bill: the final bill starts here.",
    )
    days = fields.Integer(string="Days Billed", compute="_compute_period")
    note = fields.Text(help="Printed on the final bill (e.g. forwarding address, deposit).")

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends("account_id")
    def _compute_date_final(self):
        """An unbilled final reading already entered (by a reader, a work order)
        gives the date; else today."""
        today = fields.Date.context_today(self)
        finals = self.env["utility.meter.reading"].search_fetch(
            [
                ("account_id", "in", self.account_id.ids),
                ("read_type", "=", "final"),
                ("state", "in", ("valid", "exception")),
            ],
            ["account_id", "date"],
            order="date desc",
        )
        latest = {}
        for reading in finals:
            latest.setdefault(reading.account_id.id, reading.date)
        for wizard in self:
            wizard.date_final = latest.get(wizard.account_id.id) or today

    @api.depends("account_id", "date_final")
    def _compute_line_ids(self):
        """One line per metered service still running: the reading of its meter on
        the final date when there is one, else a value to enter."""
        for wizard in self:
            found = wizard.account_id._get_final_meter_readings(wizard.date_final)
            wizard.line_ids = [Command.clear()] + [
                Command.create(
                    {
                        "service_id": service.id,
                        "meter_id": service.meter_id.id,
                        "reading_id": on_day.id,
                        "previous_date": before.date,
                        "previous_value": before.value,
                    }
                )
                for service, (on_day, before) in found.items()
            ]

    @api.depends("account_id", "date_final")
    def _compute_period(self):
        services = self.account_id.service_ids.filtered(lambda s: s.state == "active")
        last_billed = self.env["utility.bill.builder"]._get_last_billed_dates(services)
        for wizard in self:
            start = min(
                (
                    last_billed.get(service.id) or service.date_start
                    for service in services
                    if service.account_id == wizard.account_id
                ),
                default=None,
            )
            wizard.date_billed_to = start
            wizard.days = (wizard.date_final - start).days if start and wizard.date_final else 0

    # ------------------------------------------------------------------
    # Action
    # ------------------------------------------------------------------
    def action_confirm(self):
        """Record the final readings, post the final bill, stop the services
        (``utility.account._action_final_bill``)."""
        self.ensure_one()
        moves = self.account_id._action_final_bill(
            self.date_final,
            reading_values={
                line.service_id.id: line.value for line in self.line_ids if not line.reading_id
            },
            note=self.note,
            journal=self.journal_id,
            date_invoice=self.date_invoice,
            date_due=self.date_due,
        )
        return self._action_open_bill(moves)


class UtilityAccountFinalBillLine(models.TransientModel):
    _name = "utility.account.final.bill.line"
    _description = "Final Reading of a Final Bill"

    wizard_id = fields.Many2one(
        "utility.account.final.bill", required=True, ondelete="cascade", index=True
    )
    service_id = fields.Many2one("utility.account.service", required=True, readonly=True)
    meter_id = fields.Many2one("utility.meter", required=True, readonly=True)
    unit = fields.Selection(related="meter_id.unit")
    previous_date = fields.Date(string="Last Read Date", readonly=True)
    previous_value = fields.Float(string="Last Reading", digits=(16, 3), readonly=True)
    reading_id = fields.Many2one(
        "utility.meter.reading",
        string="Reading on the Date",
        readonly=True,
        help="The meter's reading on the final read date, used as the final reading.",
    )
    value = fields.Float(
        string="Final Reading",
        digits=(16, 3),
        help="Register value read at move-out; a final reading is recorded with it.",
    )
