# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError

from .utility_import_file_mixin import CHECKSUM_CONSTRAINTS
from .utility_locked_fields_mixin import as_action


class UtilityIntervalFile(models.Model):
    """An interval (AMI) file that was imported, kept so that it is never
    imported twice, and so that the leak check knows which meters have new
    reads: the daily check takes the files not checked yet."""

    _name = "utility.interval.file"
    _inherit = ["utility.import.file.mixin", "mail.thread", "utility.locked.fields.mixin"]
    _description = "Imported Interval File"
    _sql_constraints = CHECKSUM_CONSTRAINTS

    layout_id = fields.Many2one(
        "utility.interval.file.layout", readonly=True, check_company=True, ondelete="restrict"
    )
    interval_ids = fields.One2many("utility.meter.interval", "file_id", string="Intervals")
    interval_count = fields.Integer(string="Interval Reads", compute="_compute_counts")
    meter_count = fields.Integer(string="Meters", compute="_compute_counts")
    date_from = fields.Datetime(string="First Interval", readonly=True)
    date_to = fields.Datetime(string="Last Interval", readonly=True)
    date_leak_checked = fields.Datetime(
        string="Checked for Leaks On",
        readonly=True,
        copy=False,
        tracking=True,
        help="Empty: the daily leak check has not looked at this file's meters yet.",
    )
    leak_alert_count = fields.Integer(compute="_compute_counts")

    def _get_action_fields(self):
        return {"date_leak_checked"}

    def _compute_counts(self):
        intervals = dict(
            self.env["utility.meter.interval"]._read_group(
                [("file_id", "in", self.ids)], ["file_id"], ["__count"]
            )
        )
        meters = dict(
            self.env["utility.meter.interval"]._read_group(
                [("file_id", "in", self.ids)], ["file_id"], ["meter_id:count_distinct"]
            )
        )
        alerts = dict(
            self.env["utility.leak.alert"]._read_group(
                [("file_id", "in", self.ids)], ["file_id"], ["__count"]
            )
        )
        for file in self:
            file.interval_count = intervals.get(file, 0)
            file.meter_count = meters.get(file, 0)
            file.leak_alert_count = alerts.get(file, 0)

    def _get_already_imported_message(self):
        return self.env._(
            "This file was already imported on %(date)s by %(user)s "
            "(%(file)s, %(count)s interval reads).",
            **self._get_already_imported_values(),
        )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_not_supervisor(self):
        if not self.env.user.has_group("utility_billing.group_utility_supervisor"):
            raise UserError(self.env._("Only a supervisor deletes an interval file and its reads."))

    # ------------------------------------------------------------------
    # Leak check
    # ------------------------------------------------------------------
    def action_check_leaks(self):
        """Check the meters of these files for leaks now (the daily check does
        it for the files not checked yet), and show what was found."""
        self.env["utility.leak.alert"]._check_access_leak_check()
        alerts = self._check_leaks()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "utility_billing.utility_leak_alert_action"
        )
        action["domain"] = [("id", "in", alerts.ids)]
        action["context"] = {"create": False}
        return action

    def _check_leaks(self):
        """Run the leak check on the meters with reads in ``self``, mark the files checked.

        :return: the alerts created or still going on for those meters
        """
        if not self:
            return self.env["utility.leak.alert"]
        self.env["utility.meter.interval"].flush_model(["file_id", "meter_id"])
        self.env.cr.execute(
            """
            SELECT meter_id, max(file_id) FROM utility_meter_interval
             WHERE file_id = ANY(%s) GROUP BY meter_id
            """,
            [self.ids],
        )
        file_of_meter = dict(self.env.cr.fetchall())
        meters = self.env["utility.meter"].browse(sorted(file_of_meter))
        alerts = self.env["utility.leak.alert"]._check_meters(meters, file_of_meter)
        as_action(self).write({"date_leak_checked": fields.Datetime.now()})
        return alerts

    def action_view_intervals(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Interval Reads"),
            "res_model": "utility.meter.interval",
            "view_mode": "list",
            "domain": [("file_id", "=", self.id)],
            "context": {"create": False},
        }

    def action_view_leak_alerts(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "utility_billing.utility_leak_alert_action"
        )
        action["domain"] = [("file_id", "=", self.id)]
        action["context"] = {"create": False}
        return action
