# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

INSTALL_REASONS = [
    ("new", "New Service"),
    ("exchange", "Meter Exchange"),
    ("failed", "Failed Meter"),
    ("test", "Bench Test"),
    ("service_stop", "Service Stopped"),
    ("other", "Other"),
]


class UtilityMeterInstall(models.Model):
    """One stay of a meter at a premise: from its install to its removal.

    The history answers "which meter measured this service on that date", which
    readings, exchanges and back-billing need long after the meter moved on.
    """

    _name = "utility.meter.install"
    _description = "Utility Meter Installation"
    _order = "date_install desc, id desc"
    _check_company_auto = True

    meter_id = fields.Many2one(
        "utility.meter", required=True, ondelete="cascade", index=True, check_company=True
    )
    location_id = fields.Many2one(
        "utility.service.location", string="Premise", required=True, check_company=True
    )
    service_id = fields.Many2one(
        "utility.account.service", index="btree_not_null", check_company=True
    )
    account_id = fields.Many2one(related="service_id.account_id", store=True)
    company_id = fields.Many2one(
        related="meter_id.company_id", store=True, precompute=True, index=True
    )
    date_install = fields.Date(string="Installed On", required=True)
    date_remove = fields.Date(string="Removed On")
    initial_read = fields.Float(digits=(16, 3), help="Register value when installed.")
    final_read = fields.Float(digits=(16, 3), help="Register value when removed.")
    reason = fields.Selection(
        INSTALL_REASONS, default="new", help="Why the meter was installed, then removed."
    )
    note = fields.Char()
    is_current = fields.Boolean(compute="_compute_is_current", string="Current")

    _sql_constraints = [
        (
            "dates_check",
            "CHECK(date_remove IS NULL OR date_remove >= date_install)",
            "A meter cannot be removed before it is installed.",
        ),
    ]

    @api.depends("date_remove")
    def _compute_is_current(self):
        for install in self:
            install.is_current = not install.date_remove

    @api.depends("meter_id", "location_id", "date_install")
    def _compute_display_name(self):
        for install in self:
            install.display_name = f"{install.meter_id.name} @ {install.location_id.name or ''}"

    @api.constrains("meter_id", "date_remove")
    def _check_one_open_install(self):
        groups = self._read_group(
            [("meter_id", "in", self.meter_id.ids), ("date_remove", "=", False)],
            ["meter_id"],
            ["__count"],
            having=[("__count", ">", 1)],
        )
        if groups:
            raise ValidationError(
                self.env._(
                    "A meter is installed at one premise at a time: %(meters)s",
                    meters=", ".join(meter.name for meter, _count in groups),
                )
            )
