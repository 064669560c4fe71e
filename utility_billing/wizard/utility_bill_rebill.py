# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare, format_amount

# Bills rated to the day are rebilled to the day (their window is theirs).
PRORATED_KINDS = ("final", "back")


class UtilityBillRebill(models.TransientModel):
    """Cancel and rebill: credit a bill in full, correct its readings, bill it again.

    1. A credit note (``reversed_entry_id`` = the bill) credits the whole bill
       and is reconciled with what is still open on it.
    2. The bill's service periods become *credited* (they leave the
       exactly-once index) and its readings are billable again; corrected
       readings replace the old ones (cancelled, never overwritten), and their
       read edits are accepted with the reason of the rebill.
    3. The same services and periods are rated again and the corrected bill
       (kind *Corrected Bill*, linked to the old one) is posted.

    A bill already paid, in full or in part: the credit note still credits the
    whole bill. The payment stays where it is, on the old bill, so the part of
    the credit note it leaves over is a credit on the customer's account, and it
    is applied to the corrected bill at once (reconciled): the customer owes the
    corrected amount minus what they paid.
    """

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
        periods = self._get_periods()
        readings = self._get_billed_readings(periods).sorted(
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
    # What the bill billed
    # ------------------------------------------------------------------
    def _get_periods(self):
        """Billed service periods of the bills (one query)."""
        if not self.move_id:
            return self.env["utility.service.period"]
        return (
            self.env["utility.service.period"]
            .sudo()
            .search([("move_id", "in", self.move_id.ids), ("state", "=", "billed")])
        )

    @api.model
    def _get_billed_readings(self, periods):
        """Readings the bill billed: its metered services' billed readings dated
        in each of its periods, the period's start excluded (the previous bill's)."""
        metered = periods.filtered(lambda p: p.service_id.is_metered)
        if not metered:
            return self.env["utility.meter.reading"]
        readings = self.env["utility.meter.reading"].search(
            [
                ("service_id", "in", metered.service_id.ids),
                ("state", "=", "billed"),
                ("date", ">", min(metered.mapped("date_from"))),
                ("date", "<=", max(metered.mapped("date_to"))),
            ]
        )
        return readings.filtered(
            lambda r: any(
                p.service_id == r.service_id and p.date_from < r.date <= p.date_to for p in metered
            )
        )

    def _is_prorated_to_day(self):
        """A final bill or back-bill is rebilled the way it was rated; a corrected
        bill the way the bill it corrects was."""
        move = self.move_id
        seen = set()
        while move.utility_bill_kind == "rebill" and move.utility_corrected_move_id:
            if move.id in seen:
                break
            seen.add(move.id)
            move = move.utility_corrected_move_id
        return move.utility_bill_kind in PRORATED_KINDS

    # ------------------------------------------------------------------
    # Action
    # ------------------------------------------------------------------
    def action_confirm(self):
        self.ensure_one()
        self._check_billing_role()
        periods = self._get_periods()
        readings = self._get_billed_readings(periods)
        changed = self.line_ids.filtered(
            lambda line: float_compare(line.new_value, line.value, precision_digits=3) != 0
        )
        self._check_rebill(periods, readings, changed)
        move = self.move_id
        reason = self.reason.strip()
        credit = self._create_credit_note()
        periods.write({"state": "credited"})
        readings.with_context(utility_reading_unbill=True).write({"state": "valid"})
        if changed:
            corrected = changed.reading_id._replace_by(
                [{"value": line.new_value} for line in changed], "corrected", reason
            )
            corrected.exception_ids.filtered(lambda e: e.state == "open")._resolve(
                "accepted", reason
            )
            corrected._update_state_from_exceptions()
        bills = self.env["utility.bill.builder"]._build_special_bills(
            self.account_id,
            min(periods.mapped("date_from")),
            max(periods.mapped("date_to")),
            services=periods.service_id,
            prorate_to_day=self._is_prorated_to_day(),
        )
        new = self._post_bills(
            bills, "rebill", utility_corrected_move_id=move.id, invoice_origin=move.name
        )
        self._apply_credit(credit, new)
        currency = move.currency_id
        body = self.env._(
            "Cancelled by %(credit)s and rebilled by %(bill)s (%(old)s -> %(new)s): %(reason)s",
            credit=credit.name,
            bill=new.name,
            old=format_amount(self.env, move.amount_total, currency),
            new=format_amount(self.env, new.amount_total, currency),
            reason=reason,
        )
        move.message_post(body=body)
        self.account_id.message_post(body=body)
        return self._action_open_bill(new)

    def _check_rebill(self, periods, readings, changed):
        """Raise one error listing every reason the bill cannot be cancelled and rebilled."""
        move = self.move_id
        problems = []
        if move.move_type != "out_invoice" or move.state != "posted" or not move.utility_account_id:
            problems.append(
                self.env._("%(bill)s is not a posted utility bill.", bill=move.display_name or "-")
            )
        credits = move.reversal_move_ids.filtered(lambda m: m.state == "posted")
        if credits:
            problems.append(
                self.env._(
                    "%(bill)s is already credited by %(credits)s.",
                    bill=move.name,
                    credits=", ".join(credits.mapped("name")),
                )
            )
        elif not periods:
            problems.append(
                self.env._(
                    "%(bill)s bills no service period (it was not made by the utility billing, "
                    "or it is already credited): correct it with a credit note.",
                    bill=move.name,
                )
            )
        if not (self.reason or "").strip():
            problems.append(self.env._("Give the reason of the cancel-and-rebill."))
        problems += [
            self.env._(
                "%(reading)s: a register reading cannot be negative.",
                reading=line.reading_id.display_name,
            )
            for line in changed
            if line.new_value < 0
        ]
        stray = self.line_ids.reading_id - readings
        if stray:
            problems.append(
                self.env._(
                    "These readings are not billed by %(bill)s: %(readings)s",
                    bill=move.name,
                    readings=", ".join(stray.mapped("display_name")),
                )
            )
        if changed:
            later = self.env["utility.meter.reading"].search(
                [
                    ("meter_id", "in", changed.reading_id.meter_id.ids),
                    ("state", "=", "billed"),
                    ("date", ">", min(changed.reading_id.mapped("date"))),
                    ("id", "not in", readings.ids),
                ]
            )
            for line in changed:
                after = later.filtered(
                    lambda r, line=line: (
                        r.meter_id == line.reading_id.meter_id and r.date > line.reading_id.date
                    )
                )
                if after:
                    problems.append(
                        self.env._(
                            "%(reading)s is followed by billed reading %(later)s: cancel and "
                            "rebill the later bill first, from the latest back.",
                            reading=line.reading_id.display_name,
                            later=after.sorted("date")[:1].display_name,
                        )
                    )
        if problems:
            raise UserError(
                self.env._(
                    "Nothing was cancelled or rebilled:\n%(problems)s",
                    problems="\n".join(f"- {problem}" for problem in problems),
                )
            )

    def _create_credit_note(self):
        """The credit note of the whole bill, posted and reconciled with what is
        still open on the bill (Odoo reconciles a posted reversal with its bill)."""
        move = self.move_id.sudo()
        credit = move._reverse_moves(
            [
                {
                    "invoice_date": self.date_invoice,
                    "date": self.date_invoice,
                    "ref": self.env._(
                        "Cancel and rebill of %(bill)s: %(reason)s",
                        bill=move.name,
                        reason=self.reason.strip(),
                    )[:200],
                    "utility_account_id": move.utility_account_id.id,
                    "utility_location_id": move.utility_location_id.id,
                    "utility_period_start": move.utility_period_start,
                    "utility_period_end": move.utility_period_end,
                    "utility_bill_kind": "cancel",
                }
            ]
        )
        # The credit lines say which service and period they credit, like the bill's.
        old_lines = move.invoice_line_ids.sorted("id")
        new_lines = credit.invoice_line_ids.sorted("id")
        if len(old_lines) == len(new_lines):
            for old, new in zip(old_lines, new_lines, strict=True):
                new.write(
                    {
                        "utility_service_id": old.utility_service_id.id,
                        "utility_service_type_id": old.utility_service_type_id.id,
                        "utility_rate_line_id": old.utility_rate_line_id.id,
                        "utility_component": old.utility_component,
                        "utility_date_from": old.utility_date_from,
                        "utility_date_to": old.utility_date_to,
                        "utility_consumption": old.utility_consumption,
                    }
                )
        credit.action_post()
        return credit.with_env(self.env)

    def _apply_credit(self, credit, bill):
        """What the credit note leaves over (the old bill's payments) pays the new bill."""
        lines = (
            (credit | bill)
            .sudo()
            .line_ids.filtered(
                lambda line: (
                    line.account_id.account_type == "asset_receivable" and not line.reconciled
                )
            )
        )
        credit_lines = lines.filtered(lambda line: line.move_id == credit)
        bill_lines = lines - credit_lines
        if credit_lines and bill_lines and credit_lines.account_id == bill_lines.account_id:
            lines.reconcile()


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
