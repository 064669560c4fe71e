# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime, time, timedelta

import pytz

from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

    utility_notice_business_days = fields.Integer(
        string="Shut-off Notice to Owners (Business Days)",
        default=7,
        help="Least notice before a shut-off that an owner (and a landlord copy) gets, "
        "in business days: weekends and the company's public holidays do not count.",
    )
    utility_notice_tenant_hours = fields.Integer(
        string="Shut-off Notice to Tenants (Hours)",
        default=72,
        help="Least notice before a shut-off that a tenant gets, in hours from the end "
        "of the day of the notice.",
    )
    utility_door_hanger_fee_always = fields.Boolean(
        string="Door-Hanger Fee Even Without Shut-off",
        default=True,
        help="Charge the door-hanger fee when the door-hanger list is released, even "
        "if no disconnect follows. Unticked: the fee is charged only when the "
        "account's disconnect order is completed.",
    )

    _sql_constraints = [
        (
            "utility_notice_lead_check",
            "CHECK(utility_notice_business_days >= 0 AND utility_notice_tenant_hours >= 0)",
            "A notice lead time cannot be negative.",
        ),
    ]

    def _get_utility_holidays(self, date_from, date_to):
        """The company's public holidays (the working schedule's leaves for
        everyone, as the reconnect fee's hours use them) between two dates.

        :return: set of dates
        """
        self.ensure_one()
        calendar = self.resource_calendar_id
        tz = pytz.timezone(calendar.tz or self.env.user.tz or "UTC")
        # A day of margin each side: leaves are stored in UTC.
        start = datetime.combine(date_from - timedelta(days=1), time.min)
        end = datetime.combine(date_to + timedelta(days=1), time.max)
        leaves = (
            self.env["resource.calendar.leaves"]
            .sudo()
            .search(
                [
                    ("resource_id", "=", False),
                    ("calendar_id", "in", [calendar.id, False]),
                    ("company_id", "in", [self.id, False]),
                    ("date_from", "<=", end),
                    ("date_to", ">=", start),
                ]
            )
        )
        days = set()
        for leave in leaves:
            day = pytz.utc.localize(leave.date_from).astimezone(tz).date()
            last = pytz.utc.localize(leave.date_to).astimezone(tz).date()
            while day <= last:
                if date_from <= day <= date_to:
                    days.add(day)
                day += timedelta(days=1)
        return days


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"  # pylint: disable=consider-merging-classes-inherited

    utility_notice_business_days = fields.Integer(
        related="company_id.utility_notice_business_days", readonly=False
    )
    utility_notice_tenant_hours = fields.Integer(
        related="company_id.utility_notice_tenant_hours", readonly=False
    )
    utility_door_hanger_fee_always = fields.Boolean(
        related="company_id.utility_door_hanger_fee_always", readonly=False
    )
