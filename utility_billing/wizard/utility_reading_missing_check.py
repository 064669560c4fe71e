# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import calendar

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date

from ..lib import read_edits


class UtilityReadingMissingCheck(models.TransientModel):
    """Find the metered services of a cycle that were not read in the read window.

    Each one gets a "no read" exception in the review queue, where the clerk
    estimates it, orders a check read or waits for the late reading (which
    resolves it when it arrives). Running it twice does not duplicate them.
    """

    _name = "utility.reading.missing.check"
    _description = "Check a Cycle for Missing Readings"

    cycle_id = fields.Many2one("utility.billing.cycle", string="Billing Cycle", required=True)
    date_from = fields.Date(
        string="Read Window From",
        compute="_compute_window",
        store=True,
        precompute=True,
        readonly=False,
        required=True,
    )
    date_to = fields.Date(
        string="Read Window To",
        compute="_compute_window",
        store=True,
        precompute=True,
        readonly=False,
        required=True,
    )

    @api.depends("cycle_id")
    def _compute_window(self):
        """The cycle's read window in the current month."""
        today = fields.Date.context_today(self)
        last_day = calendar.monthrange(today.year, today.month)[1]
        for wizard in self:
            cycle = wizard.cycle_id
            start = min(cycle.read_day_start or 1, last_day)
            end = min(cycle.read_day_end or last_day, last_day)
            wizard.date_from = today.replace(day=start)
            wizard.date_to = today.replace(day=end) if end >= start else today.replace(day=start)

    def _get_services(self):
        return self.env["utility.account.service"].search(
            [
                ("account_id.cycle_id", "=", self.cycle_id.id),
                ("account_id.state", "=", "active"),
                ("state", "=", "active"),
                ("is_metered", "=", True),
                ("meter_id", "!=", False),
                ("date_start", "<=", self.date_to),
            ]
        )

    def action_confirm(self):
        self.ensure_one()
        if self.date_to < self.date_from:
            raise UserError(self.env._("The read window ends before it starts."))
        services = self._get_services()
        Reading = self.env["utility.meter.reading"]
        ReadException = self.env["utility.reading.exception"]
        read_dates = dict(
            Reading._read_group(
                [
                    ("service_id", "in", services.ids),
                    ("state", "!=", "cancelled"),
                    ("date", ">=", self.date_from),
                    ("date", "<=", self.date_to),
                ],
                ["service_id"],
                ["date:array_agg"],
            )
        )
        already = set(
            ReadException.search(
                [
                    ("code", "=", "no_read"),
                    ("state", "=", "open"),
                    ("service_id", "in", services.ids),
                    ("date", ">=", self.date_from),
                ]
            ).service_id.ids
        )
        vals_list = []
        for service in services:
            if service.id in already:
                continue
            flag = read_edits.check_no_read(
                read_dates.get(service, []), self.date_from, self.date_to
            )
            if flag:
                vals_list.append(
                    {
                        "code": flag.code,
                        "message": self.env._(
                            "No reading of meter %(meter)s between %(start)s and %(end)s.",
                            meter=service.meter_id.name,
                            start=format_date(self.env, self.date_from),
                            end=format_date(self.env, self.date_to),
                        ),
                        "service_id": service.id,
                        "meter_id": service.meter_id.id,
                        "location_id": service.location_id.id,
                        "company_id": service.company_id.id,
                        "date": self.date_to,
                        "date_from": self.date_from,
                    }
                )
        exceptions = ReadException.with_context(
            mail_create_nolog=True, mail_create_nosubscribe=True
        ).create(vals_list)
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "utility_billing.utility_reading_exception_action"
        )
        action["domain"] = [("id", "in", exceptions.ids)]
        action["context"] = {}
        if not exceptions:
            return {
                "type": "ir.actions.client",
                "tag": "display_notification",
                "params": {
                    "type": "success",
                    "message": self.env._(
                        "Every metered service of %(cycle)s was read between %(start)s and "
                        "%(end)s.",
                        cycle=self.cycle_id.display_name,
                        start=format_date(self.env, self.date_from),
                        end=format_date(self.env, self.date_to),
                    ),
                    "next": {"type": "ir.actions.act_window_close"},
                },
            }
        return action
