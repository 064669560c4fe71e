# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import format_date

CSR_GROUP = "utility_billing.group_utility_csr"


class UtilityServiceSuspension(models.Model):
    """A service suspended between two dates without closing the account:
    vacation garbage, a seasonal home.

    The service stays active; the billing run bills each period for the days
    the service was delivered, under the rate's own partial-period rule (see
    ``utility.bill.builder._prorate_service``). Days already billed are never
    suspended after the fact: that is a vacation adjustment (a credit note).
    """

    _name = "utility.service.suspension"
    _description = "Service Suspension"
    _inherit = ["mail.thread", "utility.locked.fields.mixin"]
    _order = "date_from desc, id desc"
    _check_company_auto = True

    service_id = fields.Many2one(
        "utility.account.service",
        required=True,
        index=True,
        check_company=True,
        ondelete="cascade",
        tracking=True,
    )
    account_id = fields.Many2one(
        related="service_id.account_id", store=True, index=True, string="Account"
    )
    service_type_id = fields.Many2one(related="service_id.service_type_id", store=True)
    company_id = fields.Many2one(
        related="service_id.company_id", store=True, precompute=True, index=True
    )
    date_from = fields.Date(
        string="Suspended From", required=True, tracking=True, help="First day without service."
    )
    date_to = fields.Date(
        string="Resumes On", required=True, tracking=True, help="First day of service again."
    )
    days = fields.Integer(compute="_compute_days", store=True)
    reason = fields.Char(required=True, tracking=True)
    state = fields.Selection(
        [("scheduled", "Scheduled"), ("cancelled", "Cancelled")],
        default="scheduled",
        required=True,
        readonly=True,
        tracking=True,
    )

    _sql_constraints = [
        (
            "dates_in_order",
            "CHECK(date_to > date_from)",
            "A suspension resumes after it starts.",
        ),
    ]

    @api.depends("date_from", "date_to")
    def _compute_days(self):
        for suspension in self:
            suspension.days = (
                (suspension.date_to - suspension.date_from).days
                if suspension.date_from and suspension.date_to
                else 0
            )

    def _compute_display_name(self):
        for suspension in self:
            suspension.display_name = self.env._(
                "%(service)s suspended %(start)s to %(end)s",
                service=suspension.service_type_id.name or "",
                start=format_date(self.env, suspension.date_from),
                end=format_date(self.env, suspension.date_to),
            )

    # ------------------------------------------------------------------
    # Protection
    # ------------------------------------------------------------------
    def _get_action_fields(self):
        return super()._get_action_fields() | {"state"}

    def _get_locked_records(self):
        return self.filtered(lambda s: s.state == "cancelled")

    def write(self, vals):
        # The bills rely on the dates: a suspension is moved by cancelling it and
        # entering another, which checks them again.
        if {"service_id", "date_from", "date_to"} & set(vals) and not self._is_action():
            raise UserError(
                self.env._("The dates of a suspension do not change: cancel it and enter another.")
            )
        return super().write(vals)

    # ------------------------------------------------------------------
    # Checks
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.user.has_group(CSR_GROUP):
            raise AccessError(self.env._("Only customer service staff suspend a service."))
        to_date = fields.Date.to_date
        if any(
            vals.get("date_from")
            and vals.get("date_to")
            and to_date(vals["date_to"]) <= to_date(vals["date_from"])
            for vals in vals_list
        ):
            raise ValidationError(
                self.env._("A suspension resumes after it starts: check the dates.")
            )
        # Checked once written (against each other too); refused, nothing stays.
        with self.env.cr.savepoint():
            suspensions = super().create(vals_list)
            suspensions._check_suspensions()
        return suspensions

    def _check_suspensions(self):
        """Every problem of the batch at once: too short, a service not in
        service, days overlapping another suspension or already billed."""
        problems = []
        minimum = self.env.company.utility_suspension_min_days
        periods = (
            self.env["utility.service.period"]
            .sudo()
            .search(
                [
                    ("service_id", "in", self.service_id.ids),
                    ("state", "=", "billed"),
                    ("date_to", ">", min(self.mapped("date_from"))),
                ]
            )
        )
        others = (
            self.search(
                [
                    ("service_id", "in", self.service_id.ids),
                    ("state", "=", "scheduled"),
                    ("id", "not in", self.ids),
                ]
            )
            | self
        )
        for suspension in self:
            name = suspension.display_name
            service = suspension.service_id
            if service.state not in ("active", "pending"):
                problems.append(self.env._("%(name)s: the service is not in service.", name=name))
            if minimum and suspension.days < minimum:
                problems.append(
                    self.env._(
                        "%(name)s: a suspension lasts at least %(days)s days.",
                        name=name,
                        days=minimum,
                    )
                )
            if service.date_end and suspension.date_from >= service.date_end:
                problems.append(self.env._("%(name)s: the service has ended by then.", name=name))
            billed = periods.filtered(
                lambda p, s=suspension: (
                    p.service_id == s.service_id
                    and p.date_from < s.date_to
                    and s.date_from < p.date_to
                )
            )
            if billed:
                problems.append(
                    self.env._(
                        "%(name)s: days up to %(date)s are already billed; give a vacation "
                        "adjustment for them instead.",
                        name=name,
                        date=format_date(self.env, max(billed.mapped("date_to"))),
                    )
                )
            overlap = others.filtered(
                lambda o, s=suspension: (
                    o != s
                    and o.service_id == s.service_id
                    and o.date_from < s.date_to
                    and s.date_from < o.date_to
                )
            )
            if overlap:
                problems.append(
                    self.env._(
                        "%(name)s overlaps %(other)s.", name=name, other=overlap[0].display_name
                    )
                )
        if problems:
            raise ValidationError(
                self.env._(
                    "The service was not suspended:\n%(problems)s",
                    problems="\n".join(f"- {p}" for p in problems),
                )
            )

    @api.model
    def _get_suspended_days(self, service, date_from, date_to):
        """Days of ``[date_from, date_to)`` the service is suspended. Reads the
        service's suspensions, prefetched for the whole batch of services."""
        return sum(
            max(0, (min(date_to, s.date_to) - max(date_from, s.date_from)).days)
            for s in service.suspension_ids
            if s.state == "scheduled"
        )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_cancel(self):
        """Call off a suspension whose days are not billed yet."""
        if not self.env.user.has_group(CSR_GROUP):
            raise AccessError(self.env._("Only customer service staff cancel a suspension."))
        billed = (
            self.env["utility.service.period"]
            .sudo()
            .search(
                [
                    ("service_id", "in", self.service_id.ids),
                    ("state", "=", "billed"),
                    ("date_to", ">", min(self.mapped("date_from"), default=fields.Date.today())),
                ]
            )
        )
        for suspension in self:
            if suspension.state != "scheduled":
                raise UserError(self.env._("Only a scheduled suspension can be cancelled."))
            if billed.filtered(
                lambda p, s=suspension: (
                    p.service_id == s.service_id
                    and p.date_from < s.date_to
                    and s.date_from < p.date_to
                )
            ):
                raise UserError(
                    self.env._(
                        "%(name)s is already billed for some of its days: it stays.",
                        name=suspension.display_name,
                    )
                )
        self._as_action().write({"state": "cancelled"})
        return True

    @api.ondelete(at_uninstall=False)
    def _unlink_except_scheduled(self):
        if self.filtered(lambda s: s.state == "scheduled"):
            raise UserError(self.env._("Cancel a suspension instead of deleting it."))
