# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Fixtures of the interval import and leak alert tests: three metered
accounts (gallon meters), one customer with an e-mail address and one
without, and helpers to write hourly interval reads."""

import base64
from datetime import timedelta

from odoo import fields
from odoo.tests import new_test_user

from odoo.addons.base.tests.common import BaseCommon

# A household's day, gallons per hour: nothing from midnight to 6.
DAY_PROFILE = (0, 0, 0, 0, 0, 0, 8, 14, 10, 4, 3, 3, 5, 4, 3, 3, 4, 8, 12, 10, 8, 6, 2, 0)
ROLES = {
    "cashier": "utility_billing.group_utility_cashier",
    "csr": "utility_billing.group_utility_csr",
    "billing": "utility_billing.group_utility_billing",
    "supervisor": "utility_billing.group_utility_supervisor",
}


class LeakCommon(BaseCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company.write(
            {
                "utility_leak_flow_hours": 24,
                "utility_leak_flow_min_per_hour": 0.0,
                "utility_leak_jump_days": 2,
                "utility_leak_jump_factor": 3.0,
                "utility_leak_jump_min_gallons": 150.0,
                "utility_leak_baseline_days": 90,
                "phone": "(555) 010-0100",
            }
        )
        cls.users = {
            role: new_test_user(
                cls.env,
                login=f"ub_leak_{role}",
                groups=f"base.group_user,{group}",
                name=f"Leak {role.title()}",
                email=f"{role}@city.example.com",
            )
            for role, group in ROLES.items()
        }
        cls.water = cls.env.ref("utility_billing.service_type_water")
        cls.schedule = cls.env["utility.rate.schedule"].create(
            {"name": "Water leak test", "code": "W-LEAK", "service_type_id": cls.water.id}
        )
        cls.today = fields.Date.context_today(cls.env["utility.meter"])
        cls.emailed = cls.env["res.partner"].create(
            {"name": "Dana Email", "email": "dana@example.com"}
        )
        cls.no_email = cls.env["res.partner"].create({"name": "Lee Phone", "phone": "555-0123"})
        meters, accounts = cls._make_metered_accounts(
            ["AMI-1", "AMI-2", "AMI-3"], [cls.emailed, cls.no_email, cls.emailed]
        )
        cls.meter1, cls.meter2, cls.meter3 = meters
        cls.account1, cls.account2, cls.account3 = accounts
        # Ten whole days of reads ending at the last whole hour before now.
        cls.t0 = fields.Datetime.now().replace(minute=0, second=0, microsecond=0) - timedelta(
            days=10
        )
        cls.Interval = cls.env["utility.meter.interval"]
        cls.Alert = cls.env["utility.leak.alert"]

    @classmethod
    def _make_metered_accounts(cls, serials, partners):
        locations = cls.env["utility.service.location"].create(
            [{"street": f"{n} Leak Street"} for n in range(1, len(serials) + 1)]
        )
        meters = cls.env["utility.meter"].create(
            [
                {"name": serial, "state": "installed", "unit": "gallon", "location_id": loc.id}
                for serial, loc in zip(serials, locations, strict=True)
            ]
        )
        accounts = cls.env["utility.account"].create(
            [
                {
                    "partner_id": partner.id,
                    "location_id": location.id,
                    "date_start": cls.today - timedelta(days=800),
                }
                for partner, location in zip(partners, locations, strict=True)
            ]
        )
        cls.env["utility.account.service"].create(
            [
                {
                    "account_id": account.id,
                    "service_type_id": cls.water.id,
                    "rate_schedule_id": cls.schedule.id,
                    "meter_id": meter.id,
                    "date_start": cls.today - timedelta(days=800),
                }
                for account, meter in zip(accounts, meters, strict=True)
            ]
        )
        accounts.action_activate()
        return meters, accounts

    @classmethod
    def _write_hours(cls, meter, usages, start=None):
        """Hourly interval reads of ``meter`` from ``start`` (default: ``t0``)."""
        start = start or cls.t0
        return cls.env["utility.meter.interval"].create(
            [
                {
                    "meter_id": meter.id,
                    "company_id": meter.company_id.id,
                    "date_start": start + timedelta(hours=hour),
                    "interval_minutes": 60,
                    "usage": usage,
                }
                for hour, usage in enumerate(usages)
            ]
        )

    @classmethod
    def _household(cls, days, extra=0.0, factor=1.0):
        """``days`` days of the household profile, from ``t0``'s hour of the day."""
        first = cls.t0.hour
        return [(DAY_PROFILE[(first + hour) % 24] * factor) + extra for hour in range(days * 24)]

    def _import(self, content, user=None, name="ami.csv"):
        wizard = (
            self.env["utility.meter.interval.import"]
            .with_user(user or self.users["billing"])
            .with_context(tz="UTC")
            .create(
                {
                    "file_data": base64.b64encode(content),
                    "file_name": name,
                    "layout_id": self.env.ref("utility_billing.interval_file_layout_ami_hourly").id,
                }
            )
        )
        return wizard
