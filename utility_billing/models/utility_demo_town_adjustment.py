# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Adjustments in the demo town: a broken line ran four months of water through
a North Side meter in two days; the clerk asked for the leak credit, above her
limit, with the plumber's invoice attached: it waits for a supervisor. A
150.00 billing error, above the second limit, has one supervisor's approval
and waits for a second."""

import base64
from datetime import timedelta

from odoo import api, models
from odoo.exceptions import UserError

DEMO_CSR_LOGIN = "demo_csr"


class UtilityDemoTown(models.AbstractModel):
    _inherit = "utility.demo.town"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _generate_adjustments(self):
        clerk = self._demo_csr_user()
        leak = self.env.ref("utility_billing.adjustment_kind_leak")
        company = self.env.company
        company.utility_adjust_limit_csr = 20.0
        bills = self._demo_leak_bill() | self.env["account.move"].search(
            [
                ("utility_bill_kind", "=", "cycle"),
                ("state", "=", "posted"),
                ("move_type", "=", "out_invoice"),
                ("company_id", "=", company.id),
            ],
            order="amount_total desc",
            limit=5,
        )
        Adjustment = self.env["utility.adjustment"].with_user(clerk)
        self._generate_adjustment_second_approval(Adjustment, bills[-1:])
        for bill in bills:
            # Only a bill well above its own history qualifies: try the biggest.
            try:
                with self.env.cr.savepoint():
                    adjustment = Adjustment.create(
                        {
                            "move_id": bill.id,
                            "kind_id": leak.id,
                            "reason": "Broken irrigation line under the driveway, repaired.",
                        }
                    )
                    self.env["ir.attachment"].create(
                        {
                            "name": "plumber-invoice.txt",
                            "datas": base64.b64encode(b"Plumber invoice: line repaired."),
                            "res_model": "utility.adjustment",
                            "res_id": adjustment.id,
                        }
                    )
                    adjustment.action_submit()
                    if adjustment.state != "to_approve":
                        raise UserError(self.env._("Within the clerk's limit."))
                return adjustment
            except UserError:
                continue
        # No bill of the town is far enough above its history: a billing error
        # above the clerk's limit waits instead.
        adjustment = Adjustment.create(
            {
                "move_id": bills[:1].id,
                "kind_id": self.env.ref("utility_billing.adjustment_kind_billing_error").id,
                "reason": "Billed at the commercial rate for two months.",
                "amount_requested": 60.0,
            }
        )
        adjustment.action_submit()
        return adjustment

    def _generate_adjustment_second_approval(self, Adjustment, bill):
        """Above 100.00 two supervisors approve (Bedford, IN): a 150.00 billing
        error the demo supervisor approved first waits for a second one."""
        if not bill:
            return Adjustment
        self.env.company.utility_adjust_limit_second = 100.0
        adjustment = Adjustment.create(
            {
                "move_id": bill.id,
                "kind_id": self.env.ref("utility_billing.adjustment_kind_billing_error").id,
                "reason": "Meter read keyed twice: the usage was billed two times over.",
                "amount_requested": 150.0,
            }
        )
        adjustment.action_submit()
        supervisor = self.env["res.users"].search([("login", "=", "demo_supervisor")], limit=1)
        if supervisor:
            adjustment.with_user(supervisor).action_approve()
        return adjustment

    def _demo_leak_bill(self):
        """A North Side house whose meter ran four months' water in two days (the
        broken line): read, accepted, billed on demand."""
        Move = self.env["account.move"]
        account = self.env["utility.account"].search(
            [
                ("cycle_id", "=", self.env.ref("utility_billing.billing_cycle_north").id),
                ("state", "=", "active"),
                ("customer_class.code", "=", "residential"),
                ("is_landlord_revert", "=", False),
                ("previous_account_id", "=", False),
                ("move_ids", "!=", False),
            ],
            order="name",
            limit=1,
        )
        meter = account.service_ids.meter_id[:1]
        if not meter or not meter.last_reading_date:
            return Move
        history = self.env["utility.meter.reading"].search(
            [("meter_id", "=", meter.id), ("state", "=", "billed")], order="date desc", limit=3
        )
        average = sum(history.mapped("consumption")) / (len(history) or 1)
        day = meter.last_reading_date + timedelta(days=2)
        reading = self.env["utility.meter.reading"].create(
            # Whole gallons: an average of several bills has more decimals than a
            # register shows (a reading holds at most 3).
            {
                "meter_id": meter.id,
                "date": day,
                "value": round(meter.last_reading_value + 4 * average),
            }
        )
        reading.action_accept_exceptions()
        try:
            with self.env.cr.savepoint():
                return account._action_bill_on_demand(day, date_invoice=day)
        except UserError:
            return Move

    def _demo_csr_user(self):
        """The demo town's CSR (README: demo_csr), one of the role users."""
        Users = self.env["res.users"]
        user = Users.search([("login", "=", DEMO_CSR_LOGIN)], limit=1)
        if not user:
            self._demo_role_users()
            user = Users.search([("login", "=", DEMO_CSR_LOGIN)], limit=1)
        return user
