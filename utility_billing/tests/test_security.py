# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Each role does what its level does in the clerks' job descriptions, and nothing more."""

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import UtilityCommon


@tagged("post_install", "-at_install")
class TestRoles(UtilityCommon):
    def _env(self, role):
        return self.env(user=self.users[role])

    def test_groups_are_cumulative(self):
        supervisor = self.users["supervisor"]
        for role in ("cashier", "csr", "billing", "supervisor"):
            self.assertTrue(supervisor.has_group(f"utility_billing.group_utility_{role}"))
        self.assertFalse(self.users["csr"].has_group("utility_billing.group_utility_billing"))
        self.assertFalse(self.users["cashier"].has_group("utility_billing.group_utility_csr"))

    def test_cashier_looks_up_but_changes_nothing(self):
        env = self._env("cashier")
        account = env["utility.account"].browse(self.account.id)
        self.assertEqual(account.partner_id, self.customer, "a cashier finds the account")
        with self.assertRaises(AccessError):
            account.write({"is_paperless": True})
        with self.assertRaises(AccessError):
            env["utility.account"].create(
                {"partner_id": self.customer.id, "location_id": self.location.id}
            )
        with self.assertRaises(AccessError):
            env["utility.service.location"].create({"street": "1 Nope St"})
        with self.assertRaises(AccessError):
            env["utility.meter.reading"].create({"meter_id": self._create_meter().id})
        with self.assertRaises(AccessError):
            env["utility.reading.file.layout"].search([])

    def test_csr_opens_accounts_but_not_rates_or_cycles(self):
        env = self._env("csr")
        location = env["utility.service.location"].create({"street": "20 Counter St"})
        account = env["utility.account"].create(
            {"partner_id": self.customer.id, "location_id": location.id}
        )
        env["utility.account.service"].create(
            {
                "account_id": account.id,
                "service_type_id": self.stormwater.id,
                "rate_schedule_id": self.schedules[self.stormwater].id,
                "eru_count": 1.0,
            }
        )
        account.action_activate()
        self.assertEqual(account.state, "active")
        with self.assertRaises(AccessError):
            env["utility.rate.schedule"].browse(self.schedules[self.water].id).write(
                {"name": "Cheaper water"}
            )
        with self.assertRaises(AccessError):
            env["utility.billing.cycle"].browse(self.cycle.id).write({"due_days": 60})
        with self.assertRaises(AccessError):
            account.unlink()
        with self.assertRaises(AccessError):
            env["utility.meter"].create({"name": "CSR-1"})

    def test_billing_specialist_runs_cycles_but_not_rates(self):
        env = self._env("billing")
        cycle = env["utility.billing.cycle"].create({"name": "Cycle 9", "code": "C9"})
        env["utility.route"].create({"name": "R9", "code": "R9", "cycle_id": cycle.id})
        env["utility.meter"].create({"name": "BS-1"})
        with self.assertRaises(AccessError):
            env["utility.rate.schedule"].create(
                {"name": "Mine", "code": "MINE", "service_type_id": self.water.id}
            )
        with self.assertRaises(AccessError):
            env["utility.service.type"].browse(self.water.id).write({"name": "H2O"})
        with self.assertRaises(AccessError):
            env["utility.account"].browse(self.account.id).unlink()

    def test_supervisor_maintains_rates_and_deletes(self):
        env = self._env("supervisor")
        env["utility.rate.schedule"].browse(self.schedules[self.water].id).write(
            {"name": "Water 2027"}
        )
        env["utility.service.type"].browse(self.water.id).write({"name": "Potable Water"})
        location = env["utility.service.location"].create({"street": "99 Temp St"})
        location.unlink()
        self.assertFalse(location.exists())

    def test_user_without_utility_role_sees_nothing(self):
        env = self.env(user=self.env["res.users"].create({"name": "Clerk", "login": "ub_plain"}))
        for model in ("utility.account", "utility.service.location", "utility.meter.reading"):
            with self.assertRaises(AccessError):
                env[model].search([])


@tagged("post_install", "-at_install")
class TestMultiCompany(UtilityCommon):
    def test_other_company_records_are_hidden(self):
        other = self.env["res.company"].create({"name": "Other City"})
        user = self.users["supervisor"]
        user.write({"company_ids": [Command.link(other.id)], "company_id": other.id})
        env = self.env(user=user, context={"allowed_company_ids": [other.id]})
        self.assertFalse(env["utility.account"].search([("id", "=", self.account.id)]))
        self.assertFalse(env["utility.service.location"].search([("id", "=", self.location.id)]))
        env_both = self.env(
            user=user, context={"allowed_company_ids": [other.id, self.env.company.id]}
        )
        self.assertTrue(env_both["utility.account"].search([("id", "=", self.account.id)]))
