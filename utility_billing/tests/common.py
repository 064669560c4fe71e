# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Fixtures shared by the ORM tests: one user per role and a small utility."""

from odoo.tests import new_test_user

from odoo.addons.base.tests.common import BaseCommon

from .config_lists import ConfigListsMixin

ROLE_GROUPS = {
    "cashier": "utility_billing.group_utility_cashier",
    "csr": "utility_billing.group_utility_csr",
    "billing": "utility_billing.group_utility_billing",
    "supervisor": "utility_billing.group_utility_supervisor",
}


class UtilityCommon(ConfigListsMixin, BaseCommon):
    """A cycle, a route, a premise, a customer with an account, and a rate per service."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.users = {
            role: new_test_user(
                cls.env, login=f"ub_{role}", groups=f"base.group_user,{group}", name=role.title()
            )
            for role, group in ROLE_GROUPS.items()
        }
        cls.water = cls.env.ref("utility_billing.service_type_water")
        cls.sewer = cls.env.ref("utility_billing.service_type_sewer")
        cls.garbage = cls.env.ref("utility_billing.service_type_garbage")
        cls.stormwater = cls.env.ref("utility_billing.service_type_stormwater")
        cls.cycle = cls.env["utility.billing.cycle"].create({"name": "Test Cycle", "code": "T1"})
        cls.route = cls.env["utility.route"].create(
            {"name": "Test Route", "code": "T1-1", "cycle_id": cls.cycle.id}
        )
        cls.location = cls.env["utility.service.location"].create(
            {"street": "12 Test St", "city": "Prairie City", "route_id": cls.route.id}
        )
        cls.customer = cls.env["res.partner"].create({"name": "Terry Tester"})
        cls.schedules = {
            service_type: cls.env["utility.rate.schedule"].create(
                {
                    "name": f"{service_type.name} test rate",
                    "code": f"T-{service_type.code}",
                    "service_type_id": service_type.id,
                }
            )
            for service_type in (cls.water, cls.sewer, cls.garbage, cls.stormwater)
        }
        cls.account = cls.env["utility.account"].create(
            {"partner_id": cls.customer.id, "location_id": cls.location.id}
        )

    @classmethod
    def _create_meter(cls, serial="TST-0001", **vals):
        return cls.env["utility.meter"].create(
            dict({"name": serial, "unit": "gallon", "dials": 6}, **vals)
        )

    @classmethod
    def _add_service(cls, account, service_type, **vals):
        return cls.env["utility.account.service"].create(
            dict(
                {
                    "account_id": account.id,
                    "service_type_id": service_type.id,
                    "rate_schedule_id": cls.schedules[service_type].id,
                },
                **vals,
            )
        )
