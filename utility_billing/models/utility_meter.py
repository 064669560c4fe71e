# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..lib.units import UNITS

METER_STATES = [
    ("stock", "In Stock"),
    ("installed", "Installed"),
    ("removed", "Removed"),
    ("testing", "Bench Testing"),
    ("retired", "Retired"),
]


class UtilityMeter(models.Model):
    """A meter of the city's inventory.

    A meter lives on the shelf (stock), at a premise (installed), back from the
    field (removed), at the test bench (testing) or is retired. Installing and
    removing it keep the install history that readings and exchanges rely on.
    """

    _name = "utility.meter"
    _description = "Utility Meter"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "name, id"
    _rec_names_search = ["name", "location_id.name"]
    _check_company_auto = True

    # ------------------------------------------------------------------
    # Identity
    # ------------------------------------------------------------------
    name = fields.Char(
        string="Serial Number", required=True, copy=False, tracking=True, index="trigram"
    )
    make = fields.Char(tracking=True)
    model = fields.Char(tracking=True)
    size = fields.Many2one(
        "utility.meter.size",
        default=lambda self: self.env["utility.meter.size"]._default_code("5/8"),
        required=True,
        ondelete="restrict",
        tracking=True,
        check_company=True,
    )
    unit = fields.Selection(UNITS, default="gallon", required=True, tracking=True)
    dials = fields.Integer(
        default=6,
        required=True,
        tracking=True,
        help="Digits of the register: it rolls over to zero at 10 to the power of dials.",
    )
    multiplier = fields.Float(
        default=1.0,
        digits=(12, 4),
        required=True,
        tracking=True,
        help="Consumption is the register movement times this multiplier.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    note = fields.Html()

    # ------------------------------------------------------------------
    # Where it is
    # ------------------------------------------------------------------
    state = fields.Selection(
        METER_STATES, default="stock", required=True, tracking=True, copy=False, index=True
    )
    location_id = fields.Many2one(
        "utility.service.location",
        string="Premise",
        tracking=True,
        check_company=True,
        index="btree_not_null",
        copy=False,
        help="Premise the meter is installed at; set by installing and removing it.",
    )
    service_ids = fields.One2many("utility.account.service", "meter_id", string="Services")
    service_id = fields.Many2one(
        "utility.account.service",
        compute="_compute_service_id",
        string="Current Service",
        help="Open service this meter measures.",
    )
    account_id = fields.Many2one(
        "utility.account", compute="_compute_service_id", string="Current Account"
    )
    install_ids = fields.One2many("utility.meter.install", "meter_id", string="Installations")
    test_ids = fields.One2many("utility.meter.test", "meter_id", string="Bench Tests")
    reading_ids = fields.One2many("utility.meter.reading", "meter_id", string="Readings")

    # ------------------------------------------------------------------
    # Last reading and counters
    # ------------------------------------------------------------------
    last_reading_id = fields.Many2one("utility.meter.reading", compute="_compute_last_reading")
    last_reading_value = fields.Float(compute="_compute_last_reading", digits=(16, 3))
    last_reading_date = fields.Date(compute="_compute_last_reading", string="Last Read On")
    reading_count = fields.Integer(compute="_compute_counts")
    test_count = fields.Integer(compute="_compute_counts")
    exception_count = fields.Integer(compute="_compute_counts")

    _sql_constraints = [
        (
            "name_company_uniq",
            "unique(name, company_id)",
            "A meter serial number must be unique per company.",
        ),
        (
            "dials_check",
            "CHECK(dials BETWEEN 1 AND 12)",
            "A meter register has 1 to 12 dials.",
        ),
        (
            "multiplier_check",
            "CHECK(multiplier > 0)",
            "A meter multiplier must be positive.",
        ),
    ]

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends("name", "location_id")
    def _compute_display_name(self):
        for meter in self:
            meter.display_name = (
                f"{meter.name} ({meter.location_id.name})" if meter.location_id else meter.name
            )

    @api.depends("service_ids.state", "service_ids.date_start")
    def _compute_service_id(self):
        services = self.env["utility.account.service"].search(
            [("meter_id", "in", self.ids)], order="date_start desc, id desc"
        )
        current = {}
        # An open service first; a stopped one still holds its meter until removal.
        for service in services.sorted(lambda s: s.state == "stopped"):
            current.setdefault(service.meter_id.id, service)
        for meter in self:
            service = current.get(meter.id, services.browse())
            meter.service_id = service
            meter.account_id = service.account_id

    @api.depends("reading_ids.date", "reading_ids.value", "reading_ids.state")
    def _compute_last_reading(self):
        last = {}
        if self.ids:
            Reading = self.env["utility.meter.reading"]
            Reading.flush_model(["meter_id", "date", "state"])
            # One query for the whole recordset: the latest live reading of each meter.
            self.env.cr.execute(
                """
                SELECT DISTINCT ON (meter_id) meter_id, id
                  FROM utility_meter_reading
                 WHERE meter_id = ANY(%s) AND state != 'cancelled'
                 ORDER BY meter_id, date DESC, id DESC
                """,
                [list(self.ids)],
            )
            last = dict(self.env.cr.fetchall())
        readings = self.env["utility.meter.reading"].browse(set(last.values()))
        readings.fetch(["date", "value"])
        for meter in self:
            reading = readings.browse(last.get(meter.id))
            meter.last_reading_id = reading
            meter.last_reading_value = reading.value
            meter.last_reading_date = reading.date

    @api.depends("reading_ids.state", "test_ids")
    def _compute_counts(self):
        readings = dict(
            self.env["utility.meter.reading"]._read_group(
                [("meter_id", "in", self.ids), ("state", "!=", "cancelled")],
                ["meter_id"],
                ["__count"],
            )
        )
        tests = dict(
            self.env["utility.meter.test"]._read_group(
                [("meter_id", "in", self.ids)], ["meter_id"], ["__count"]
            )
        )
        exceptions = dict(
            self.env["utility.reading.exception"]._read_group(
                [("meter_id", "in", self.ids), ("state", "=", "open")],
                ["meter_id"],
                ["__count"],
            )
        )
        for meter in self:
            meter.reading_count = readings.get(meter, 0)
            meter.test_count = tests.get(meter, 0)
            meter.exception_count = exceptions.get(meter, 0)

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.ondelete(at_uninstall=False)
    def _unlink_except_used(self):
        used = self.filtered(lambda m: m.reading_ids or m.install_ids)
        if used:
            raise UserError(
                self.env._(
                    "Meters with readings or an install history cannot be deleted; "
                    "retire them instead: %(meters)s",
                    meters=", ".join(used.mapped("name")),
                )
            )

    # ------------------------------------------------------------------
    # Install / remove (used by the exchange wizard and field work)
    # ------------------------------------------------------------------
    def _install_on_service(self, service, date_install, initial_read=0.0, reason="new"):
        """Put a stock meter on a service: history opened, meter installed at the premise.

        Readings are the caller's business (the exchange wizard creates the
        initial reading in the same transaction).
        """
        self.ensure_one()
        if self.state != "stock":
            raise UserError(
                self.env._(
                    "Meter %(meter)s is %(state)s: only meters in stock can be installed.",
                    meter=self.name,
                    state=dict(METER_STATES)[self.state],
                )
            )
        self.env["utility.meter.install"].create(
            {
                "meter_id": self.id,
                "service_id": service.id,
                "location_id": service.location_id.id,
                "date_install": date_install,
                "initial_read": initial_read,
                "reason": reason,
            }
        )
        self.write({"state": "installed", "location_id": service.location_id.id})

    def _remove_from_service(self, date_remove, final_read, reason="exchange", service=None):
        """Take an installed meter out: history closed, meter removed, premise cleared.

        A meter put on a service before the install history existed gets its
        history completed (an install record from the service start) so the
        removal leaves a trace.
        """
        Install = self.env["utility.meter.install"]
        open_installs = Install.search([("meter_id", "in", self.ids), ("date_remove", "=", False)])
        for meter in self:
            install = open_installs.filtered(lambda i, m=meter: i.meter_id == m)[:1]
            vals = {"date_remove": date_remove, "final_read": final_read, "reason": reason}
            if install:
                install.write(vals)
            else:
                service = service or meter.service_id
                Install.create(
                    dict(
                        vals,
                        meter_id=meter.id,
                        service_id=service.id,
                        location_id=(service.location_id or meter.location_id).id,
                        date_install=min(service.date_start or date_remove, date_remove),
                    )
                )
        self.write({"state": "removed", "location_id": False})

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def _raise_if_state_not_in(self, states, action):
        wrong = self.filtered(lambda m: m.state not in states)
        if wrong:
            labels = dict(METER_STATES)
            raise UserError(
                self.env._(
                    "%(action)s is only possible for meters %(states)s:\n%(meters)s",
                    action=action,
                    states=" / ".join(labels[s] for s in states),
                    meters="\n".join(f"- {m.name}: {labels[m.state]}" for m in wrong),
                )
            )

    def action_open_install(self):
        """Install this stock meter on a service (the exchange wizard in install mode)."""
        self.ensure_one()
        self._raise_if_state_not_in(("stock",), self.env._("Installing"))
        return self._exchange_action({"default_new_meter_id": self.id})

    def action_open_exchange(self):
        """Exchange this installed meter for another one."""
        self.ensure_one()
        if not self.service_id:
            raise UserError(self.env._("Meter %(meter)s is on no open service.", meter=self.name))
        return self._exchange_action({"default_service_id": self.service_id.id})

    def _exchange_action(self, context):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "utility_billing.utility_meter_exchange_action"
        )
        action["context"] = context
        return action

    def action_remove(self):
        """Remove meters from premises whose service no longer needs them.

        A meter on an open service is exchanged, not removed: an active metered
        service must always have a meter. The final read is the last reading.
        """
        self._raise_if_state_not_in(("installed",), self.env._("Removing"))
        open_services = self.filtered(lambda m: m.service_id.state in ("active", "suspended"))
        if open_services:
            raise UserError(
                self.env._(
                    "These meters measure an open service: exchange them, or stop the "
                    "service first:\n%(meters)s",
                    meters="\n".join(
                        f"- {m.name}: {m.service_id.display_name}" for m in open_services
                    ),
                )
            )
        today = fields.Date.context_today(self)
        services = self.service_id
        for meter in self:
            meter._remove_from_service(
                meter.last_reading_date or today,
                meter.last_reading_value,
                reason="service_stop",
                service=meter.service_id,
            )
        services.write({"meter_id": False})

    def action_send_to_test(self):
        """Send meters to the test bench. A CSR may order it (job description Level II)."""
        if not self.env.user.has_group("utility_billing.group_utility_csr"):
            raise AccessError(self.env._("Only customer service and billing staff order tests."))
        self._raise_if_state_not_in(("stock", "removed"), self.env._("Sending to the bench"))
        # CSRs order bench tests but do not maintain the meter inventory.
        self.sudo().write({"state": "testing"})

    def action_to_stock(self):
        """Put removed or tested meters back on the shelf.

        A meter back from the bench needs a passing test recorded first.
        """
        self._raise_if_state_not_in(("removed", "testing"), self.env._("Returning to stock"))
        untested = self.filtered(
            lambda m: (
                m.state == "testing"
                and m.test_ids.sorted(lambda t: (t.date, t.id))[-1:].result != "pass"
            )
        )
        if untested:
            raise UserError(
                self.env._(
                    "Record a passing bench test before returning these meters to stock, "
                    "or retire them: %(meters)s",
                    meters=", ".join(untested.mapped("name")),
                )
            )
        self.write({"state": "stock"})

    def action_retire(self):
        self._raise_if_state_not_in(("stock", "removed", "testing"), self.env._("Retiring"))
        self.write({"state": "retired", "location_id": False})

    def action_view_readings(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "utility_billing.utility_meter_reading_action"
        )
        action["domain"] = [("meter_id", "=", self.id)]
        action["context"] = {"default_meter_id": self.id}
        return action

    def action_view_exceptions(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "utility_billing.utility_reading_exception_action"
        )
        action["domain"] = [("meter_id", "=", self.id)]
        return action

    def action_view_tests(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Bench Tests"),
            "res_model": "utility.meter.test",
            "view_mode": "list,form",
            "domain": [("meter_id", "=", self.id)],
            "context": {"default_meter_id": self.id},
        }
