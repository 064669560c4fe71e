# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

EXCEPTION_CODES = [
    ("no_read", "No Read"),
    ("negative", "Negative Usage (Misread?)"),
    ("rollover", "Register Rollover"),
    ("meter_change", "Meter Change"),
    ("zero_usage", "Zero Usage"),
    ("usage_inactive", "Usage on Inactive Service"),
    ("high_usage", "High Usage"),
    ("low_usage", "Low Usage"),
    ("same_reading", "Same Reading (Stuck Meter?)"),
    ("consecutive_estimates", "Consecutive Estimates"),
]
RESOLUTIONS = [
    ("accepted", "Accepted as Read"),
    ("corrected", "Corrected"),
    ("estimated", "Estimated"),
    ("check_read", "Check Read"),
]
CHECK_READ_DAYS = 3


class UtilityReadingException(models.Model):
    """A finding of the read edits: the review queue.

    While one exception of a reading is open, the reading is held (not billable).
    A billing specialist accepts it as read, corrects it, replaces it by an
    estimate, or orders a check read (the exception then stays open, marked
    "check read", until the check read arrives).
    """

    _name = "utility.reading.exception"
    _description = "Utility Read Exception"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

    reading_id = fields.Many2one(
        "utility.meter.reading",
        ondelete="cascade",
        index="btree_not_null",
        check_company=True,
        help="Empty for a missing reading.",
    )
    code = fields.Selection(EXCEPTION_CODES, string="Edit", required=True, index=True)
    message = fields.Text(required=True)
    state = fields.Selection(
        [("open", "Open"), ("resolved", "Resolved")],
        default="open",
        required=True,
        tracking=True,
        index=True,
    )
    resolution = fields.Selection(RESOLUTIONS, tracking=True, copy=False)
    resolved_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    date_resolved = fields.Datetime(string="Resolved On", readonly=True, copy=False)
    resolution_note = fields.Text(string="Reason", tracking=True)
    is_check_read_pending = fields.Boolean(
        compute="_compute_is_check_read_pending", string="Check Read Pending"
    )

    # ------------------------------------------------------------------
    # Where: copied from the reading (given directly for a missing read)
    # ------------------------------------------------------------------
    date = fields.Date(
        compute="_compute_from_reading", store=True, precompute=True, readonly=False, index=True
    )
    date_from = fields.Date(
        string="Read Window Start", help="Start of the read window of a missing reading."
    )
    service_id = fields.Many2one(
        "utility.account.service",
        compute="_compute_from_reading",
        store=True,
        precompute=True,
        readonly=False,
        index="btree_not_null",
        check_company=True,
    )
    meter_id = fields.Many2one(
        "utility.meter",
        compute="_compute_from_reading",
        store=True,
        precompute=True,
        readonly=False,
        index="btree_not_null",
        check_company=True,
    )
    location_id = fields.Many2one(
        "utility.service.location",
        string="Premise",
        compute="_compute_from_reading",
        store=True,
        precompute=True,
        readonly=False,
    )
    company_id = fields.Many2one(
        "res.company",
        compute="_compute_from_reading",
        store=True,
        precompute=True,
        readonly=False,
        required=True,
        index=True,
    )
    account_id = fields.Many2one(
        related="service_id.account_id", store=True, precompute=True, index="btree_not_null"
    )
    partner_id = fields.Many2one(related="account_id.partner_id", string="Customer")
    cycle_id = fields.Many2one(related="account_id.cycle_id", store=True, string="Billing Cycle")

    # ------------------------------------------------------------------
    # The reading, for the clerk
    # ------------------------------------------------------------------
    # Register values and usages of different meters do not add up: no group totals.
    reading_value = fields.Float(
        related="reading_id.value", string="Reading Value", aggregator=None
    )
    previous_value = fields.Float(related="reading_id.previous_value")
    consumption = fields.Float(related="reading_id.consumption", aggregator=None)
    days = fields.Integer(related="reading_id.days")
    read_type = fields.Selection(related="reading_id.read_type")
    reading_state = fields.Selection(related="reading_id.state", string="Reading Status")
    unit = fields.Selection(related="meter_id.unit")

    @api.depends("reading_id")
    def _compute_from_reading(self):
        for exception in self:
            reading = exception.reading_id
            exception.date = reading.date or exception.date
            exception.service_id = reading.service_id or exception.service_id
            exception.meter_id = reading.meter_id or exception.meter_id
            exception.location_id = (
                reading.location_id or exception.location_id or exception.service_id.location_id
            )
            exception.company_id = (
                reading.company_id
                or exception.company_id
                or exception.meter_id.company_id
                or self.env.company
            )

    @api.depends("state", "resolution")
    def _compute_is_check_read_pending(self):
        for exception in self:
            exception.is_check_read_pending = (
                exception.state == "open" and exception.resolution == "check_read"
            )

    @api.depends("code", "meter_id", "date")
    def _compute_display_name(self):
        labels = dict(EXCEPTION_CODES)
        for exception in self:
            exception.display_name = " ".join(
                filter(
                    None,
                    [
                        labels.get(exception.code, ""),
                        exception.meter_id.name,
                        str(exception.date or ""),
                    ],
                )
            )

    # ------------------------------------------------------------------
    # Resolution
    # ------------------------------------------------------------------
    def _check_billing_group(self):
        if not self.env.user.has_group("utility_billing.group_utility_billing"):
            raise AccessError(
                self.env._("Only billing specialists release, correct or estimate held readings.")
            )

    def _get_open(self):
        """The open exceptions of the selection; an error if none is open.

        An empty selection is no error: batch code calls the actions on whatever
        its filter found.
        """
        open_exceptions = self.filtered(lambda e: e.state == "open")
        if self and not open_exceptions:
            raise UserError(self.env._("The selected exceptions are already resolved."))
        return open_exceptions

    def _resolve(self, resolution, note=""):
        vals = {
            "state": "resolved",
            "resolution": resolution,
            "resolved_by_id": self.env.uid,
            "date_resolved": fields.Datetime.now(),
        }
        if note:
            vals["resolution_note"] = note
        self.write(vals)

    def action_accept(self):
        """Release the readings as read: the finding was checked and is right."""
        self._check_billing_group()
        self.check_access("write")
        open_exceptions = self._get_open()
        open_exceptions._resolve("accepted")
        open_exceptions.reading_id._update_state_from_exceptions()
        return True

    def action_correct(self):
        """Open the correction of the reading (new value, reason)."""
        self._check_billing_group()
        self.ensure_one()
        if self.state != "open":
            raise UserError(self.env._("This exception is already resolved."))
        if not self.reading_id:
            raise UserError(
                self.env._(
                    "There is no reading to correct: enter the missing reading, or estimate it."
                )
            )
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "utility_billing.utility_meter_reading_correct_action"
        )
        action["context"] = {
            "default_reading_id": self.reading_id.id,
            "default_exception_id": self.id,
        }
        return action

    def action_estimate(self):
        """Replace the held (or missing) readings by estimates.

        The estimate is the account's average daily usage times the days since the
        previous reading (read type ``estimated``); the estimate is read-edited
        like any reading (consecutive estimates...).
        """
        self._check_billing_group()
        self.check_access("write")
        open_exceptions = self._get_open()
        with_reading = open_exceptions.filtered("reading_id")
        missing = open_exceptions - with_reading
        readings = with_reading.reading_id
        Reading = self.env["utility.meter.reading"]
        targets = [
            {
                "service": reading.service_id,
                "meter": reading.meter_id,
                "date": reading.date,
                "previous": reading.previous_reading_id,
            }
            for reading in readings
        ]
        unmetered = missing.filtered(lambda e: not e.meter_id or not e.date)
        if unmetered:
            raise UserError(
                self.env._(
                    "These missing reads have no meter or date to estimate: %(names)s",
                    names=", ".join(unmetered.mapped("display_name")),
                )
            )
        targets += [
            {"service": e.service_id, "meter": e.meter_id, "date": e.date, "previous": None}
            for e in missing
        ]
        vals_list, problems = Reading._estimate_vals(targets)
        if problems:
            raise UserError(
                self.env._(
                    "These readings cannot be estimated; correct them or order a check read "
                    "instead:\n%(problems)s",
                    problems="\n".join(problems),
                )
            )
        reason = self.env._("Estimated from the account's average daily usage.")
        if readings:
            readings._replace_by(vals_list[: len(readings)], "estimated", reason)
        if missing:
            missing._resolve("estimated", reason)
            estimates = Reading.create(vals_list[len(readings) :])
            for exception, estimate in zip(missing, estimates, strict=True):
                exception.reading_id = estimate
        return True

    def action_check_read(self):
        """Order a check read: a check-read work order per meter, and the reading
        stays held until the check read arrives (from the order or entered by hand).

        A CSR may order it (Level II job description), hence the elevated write
        once the group is checked.
        """
        if not self.env.user.has_group("utility_billing.group_utility_csr"):
            raise AccessError(
                self.env._("Only customer service and billing staff order check reads.")
            )
        # A trip still out is not doubled; one closed without a reading is ordered again.
        ordered = self._get_open().filtered(lambda e: not e.is_check_read_pending)
        if not ordered:
            return True
        ordered.sudo().write({"resolution": "check_read"})
        self.env["utility.work.order"].sudo()._create_check_reads(ordered.sudo())
        return True


class UtilityAccount(models.Model):
    _inherit = "utility.account"  # pylint: disable=consider-merging-classes-inherited

    open_exception_ids = fields.One2many(
        "utility.reading.exception",
        "account_id",
        string="Open Read Exceptions",
        domain=[("state", "=", "open")],
    )
