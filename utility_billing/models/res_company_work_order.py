# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

import pytz

from odoo import fields, models

from ..lib import work_orders


class ResCompany(models.Model):
    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

    utility_field_fee_schedule_id = fields.Many2one(
        "utility.rate.schedule",
        string="Field Service Fee Schedule",
        domain="[('is_fee_schedule', '=', True)]",
        help="Fee schedule whose reconnect (business hours, after hours, weekend or "
        "holiday) and door hanger fees completed work orders bill.",
    )
    utility_field_fee_account_id = fields.Many2one(
        "account.account",
        string="Field Service Fee Revenue",
        domain="[('account_type', 'in', ('income', 'income_other'))]",
        help="Revenue account of reconnect and door hanger fees; created on first use when empty.",
    )

    def _get_utility_field_fee_account(self):
        """Revenue account of field service fees, created when the city has not chosen one."""
        self.ensure_one()
        if self.utility_field_fee_account_id:
            return self.utility_field_fee_account_id
        Account = self.env["account.account"].sudo().with_company(self)
        account = Account.create(
            {
                "name": self.env._("Field Service Fees"),
                "code": Account._search_new_account_code("458000"),
                "account_type": "income_other",
            }
        )
        self.sudo().utility_field_fee_account_id = account
        return account

    def _get_utility_fee_code_at(self, fee_code, moment):
        """The fee code that applies at ``moment`` (UTC): a reconnect is priced by
        the company's working schedule (business hours) and public holidays."""
        self.ensure_one()
        if fee_code != "reconnect":
            return fee_code
        calendar = self.resource_calendar_id
        tz = pytz.timezone(calendar.tz or "UTC")
        local = pytz.utc.localize(moment).astimezone(tz).replace(tzinfo=None)
        hours = defaultdict(list)
        for attendance in calendar.attendance_ids:
            # The lunch hour is business hours at the counter and for the crews.
            if not attendance.display_type:
                hours[int(attendance.dayofweek)].append((attendance.hour_from, attendance.hour_to))
        leaves = self.env["resource.calendar.leaves"].search(
            [
                ("resource_id", "=", False),
                ("calendar_id", "in", [calendar.id, False]),
                ("company_id", "in", [self.id, False]),
                ("date_from", "<=", moment),
                ("date_to", ">=", moment),
            ]
        )
        holidays = {local.date()} if leaves else set()
        return work_orders.reconnect_fee_code(local, hours, holidays)

    def _get_utility_field_fee(self, account, fee_code, moment):
        """(fee code that applied, amount) of a field service fee, or (code, 0.0)."""
        self.ensure_one()
        code = self._get_utility_fee_code_at(fee_code, moment)
        schedule = self.utility_field_fee_schedule_id
        if not schedule:
            return code, 0.0
        on_date = fields.Date.context_today(self, moment)
        customer_class = account.customer_class.code or None
        # A city without separate after-hours prices charges the next lower tier.
        fallbacks = {
            work_orders.WEEKEND_HOLIDAY: (
                work_orders.WEEKEND_HOLIDAY,
                work_orders.AFTER_HOURS,
                work_orders.BUSINESS_HOURS,
            ),
            work_orders.AFTER_HOURS: (work_orders.AFTER_HOURS, work_orders.BUSINESS_HOURS),
        }
        for candidate in fallbacks.get(code, (code,)):
            amount = schedule._fee_amount(candidate, on_date, customer_class=customer_class)
            if amount is not None:
                return candidate, float(amount)
        return code, 0.0


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"  # pylint: disable=consider-merging-classes-inherited

    utility_field_fee_schedule_id = fields.Many2one(
        related="company_id.utility_field_fee_schedule_id", readonly=False
    )
    utility_field_fee_account_id = fields.Many2one(
        related="company_id.utility_field_fee_account_id", readonly=False
    )
