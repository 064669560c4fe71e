# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.osv import expression
from odoo.tools import format_date

from .utility_work_order import WORK_RESULTS

# Order states an exception still waits on; a done or cancelled trip is over.
WAITING_STATES = ("open", "hold")


class UtilityReadingException(models.Model):
    _inherit = "utility.reading.exception"  # pylint: disable=consider-merging-classes-inherited

    work_order_id = fields.Many2one(
        "utility.work.order",
        string="Check Read Order",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The last check-read order sent for this exception.",
    )
    check_read_order_ids = fields.Many2many(
        "utility.work.order",
        "utility_reading_exception_check_read_order_rel",
        "exception_id",
        "work_order_id",
        string="Check Read Orders",
        readonly=True,
        copy=False,
        check_company=True,
        help="Every check-read trip ordered for this exception, the failed ones included.",
    )
    is_check_read_pending = fields.Boolean(search="_search_is_check_read_pending")
    is_check_read_failed = fields.Boolean(
        compute="_compute_is_check_read_pending",
        search="_search_is_check_read_failed",
        string="Check Read Failed",
        help="The last check-read trip closed without reading the meter.",
    )
    check_read_status = fields.Char(compute="_compute_check_read_status")

    @api.depends("state", "resolution", "work_order_id.state", "work_order_id.reading_id")
    def _compute_is_check_read_pending(self):
        """Pending only while a trip is out (or a check read is awaited without a
        meter to send a crew to): a closed trip without a reading lets the clerk
        order a new one."""
        for exception in self:
            order = exception.sudo().work_order_id
            is_open = exception.state == "open"
            exception.is_check_read_pending = (
                is_open
                and exception.resolution == "check_read"
                and (not order or order.state in WAITING_STATES)
            )
            exception.is_check_read_failed = (
                is_open and order.state == "done" and not order.reading_id
            )

    @api.model
    def _pending_domain(self):
        return [
            ("state", "=", "open"),
            ("resolution", "=", "check_read"),
            "|",
            ("work_order_id", "=", False),
            ("work_order_id.state", "in", WAITING_STATES),
        ]

    @api.model
    def _failed_domain(self):
        return [
            ("state", "=", "open"),
            ("work_order_id.state", "=", "done"),
            ("work_order_id.reading_id", "=", False),
        ]

    @api.model
    def _bool_search(self, domain, operator, value):
        if operator not in ("=", "!="):
            return expression.FALSE_DOMAIN
        if (operator == "=") == bool(value):
            return domain
        return ["!", *expression.normalize_domain(domain)]

    def _search_is_check_read_pending(self, operator, value):
        return self._bool_search(self._pending_domain(), operator, value)

    def _search_is_check_read_failed(self, operator, value):
        return self._bool_search(self._failed_domain(), operator, value)

    @api.depends(
        "state",
        "resolution",
        "work_order_id.state",
        "work_order_id.result",
        "work_order_id.crew_note",
    )
    def _compute_check_read_status(self):
        """What the exception waits for, or why the last trip did not settle it,
        in the clerk's words."""
        for exception in self:
            exception.check_read_status = exception._get_check_read_status(
                exception.sudo().work_order_id
            )

    def _get_check_read_status(self, order):
        if self.state != "open" or not (order or self.resolution == "check_read"):
            return False
        if not order:
            return self.env._(
                "A check read is ordered: the reading stays held until the check read is entered."
            )
        if order.state in WAITING_STATES:
            due = format_date(self.env, order.request_late) if order.request_late else False
            return self.env._(
                "Waiting for check read %(order)s%(due)s: the reading stays held until the crew "
                "reads the meter.",
                order=order.name,
                due=self.env._(", due by %(date)s", date=due) if due else "",
            )
        if order.state != "done":
            return False
        if order.reading_id:
            return self.env._(
                "Check read %(order)s read %(value)s on %(date)s, but this exception is still "
                "open: review it.",
                order=order.name,
                value=order.reading_id.value,
                date=format_date(self.env, order.reading_id.date),
            )
        return " ".join(
            filter(
                None,
                [
                    self.env._(
                        "The check read visit %(order)s on %(date)s could not read the meter: "
                        "%(result)s.",
                        order=order.name,
                        date=format_date(self.env, order.date_done),
                        result=dict(WORK_RESULTS).get(order.result, ""),
                    ),
                    order.crew_note,
                    self.env._("Order a new check read, estimate the reading or accept it."),
                ],
            )
        )

    def action_view_work_order(self):
        self.ensure_one()
        return self.work_order_id._get_form_action()
