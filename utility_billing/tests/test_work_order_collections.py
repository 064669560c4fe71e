# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Disconnect and reconnect orders: payments cancel or release them, the
reconnect fee is billed by the hour the crew did the work.

The fee amounts are Grayville, Illinois's (Code § 55.04, Ord. 717 as amended
by Ord. 819, 2016): "The fee for reconnection of services after disconnection
for non-payment ... is $50. Reconnection of service will only be done on
regular business days (Monday through Friday) between the hours of 7:30 a.m.
and 3:30 p.m. Reconnection of service done after hours, on weekends or
holidays, will be subject to a charge of $100."
"""

from datetime import date, datetime

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from ..models.utility_locked_fields_mixin import as_action
from .common_payment import PaymentCommon
from .test_work_order import PIXEL

# Tuesday March 4, 2025 in Grayville (Central time, UTC-6 in March).
BUSINESS_HOURS = datetime(2025, 3, 4, 16, 30)  # 10:30 a.m.
AFTER_HOURS = datetime(2025, 3, 4, 22, 0)  # 4:00 p.m.
SATURDAY = datetime(2025, 3, 8, 16, 0)  # 10:00 a.m.
INDEPENDENCE_DAY = datetime(2025, 7, 4, 15, 0)  # Friday 10:00 a.m. (UTC-5 in July)
DISCONNECTED = datetime(2025, 3, 3, 15, 0)  # the Monday before


@tagged("post_install", "-at_install")
class TestWorkOrderCollections(PaymentCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Order = cls.env["utility.work.order"]
        cls.crew_user = new_test_user(
            cls.env, login="ub_wo_crew", groups="utility_billing.group_utility_field"
        )
        cls.supervisor = new_test_user(
            cls.env, login="ub_wo_sup", groups="utility_billing.group_utility_supervisor"
        )
        cls.crew = cls.env["fsm.team"].create(
            {"name": "Shut-off crew", "utility_user_ids": [Command.link(cls.crew_user.id)]}
        )
        calendar = cls.env["resource.calendar"].create(
            {
                "name": "Grayville public works",
                "tz": "America/Chicago",
                "attendance_ids": [Command.clear()]
                + [
                    Command.create(
                        {
                            "name": f"Day {weekday}",
                            "dayofweek": str(weekday),
                            "hour_from": 7.5,
                            "hour_to": 15.5,
                            "day_period": "morning",
                        }
                    )
                    for weekday in range(5)
                ],
            }
        )
        cls.env["resource.calendar.leaves"].create(
            {
                "name": "Independence Day",
                "calendar_id": calendar.id,
                "date_from": datetime(2025, 7, 4, 5, 0),
                "date_to": datetime(2025, 7, 5, 4, 59, 59),
            }
        )
        fees = cls.env["utility.rate.schedule"].create(
            {
                "name": "Grayville fees",
                "code": "GRAY-FEES",
                "service_type_id": cls.water.id,
                "is_fee_schedule": True,
                "version_ids": [
                    Command.create(
                        {
                            "date_start": "2025-01-01",
                            "line_ids": [
                                Command.create(
                                    {
                                        "name": name,
                                        "component": "fee",
                                        "fee_code": code,
                                        "amount": amount,
                                    }
                                )
                                for name, code, amount in (
                                    ("Reconnect", "reconnect", 50.0),
                                    ("Reconnect after hours", "reconnect_after_hours", 100.0),
                                    ("Reconnect weekend / holiday", "reconnect_holiday", 100.0),
                                )
                            ],
                        }
                    )
                ],
            }
        )
        cls.company.write(
            {"resource_calendar_id": calendar.id, "utility_field_fee_schedule_id": fees.id}
        )
        cls.bill = cls._post_bill(
            cls.account, date(2025, 1, 15), {cls.water: 40.0, cls.sewer: 20.0}
        )
        cls.water_service = cls.account.service_ids.filtered(lambda s: s.is_metered)

    def _disconnect(self):
        return self.Order._create_for(
            "disconnect", self.account, team_id=self.crew.id, amount_due=60.0
        )

    def _complete(self, order, **vals):
        order = order.with_user(self.crew_user)
        order.write(
            dict(
                {
                    "result": "completed",
                    "reading_value": 100.0,
                    "is_dials_checked": True,
                    "photo": PIXEL,
                },
                **vals,
            )
        )
        order.action_complete()

    # ------------------------------------------------------------------
    # Disconnect
    # ------------------------------------------------------------------
    def test_paying_the_shutoff_amount_cancels_the_disconnect(self):
        order = self._disconnect()
        self.assertEqual(order.state, "open")
        self._payment([(self.account, 20.0)])
        self.assertEqual(order.amount_paid, 20.0)
        self.assertEqual(order.state, "open", "a partial payment does not stop the crew")
        self._payment([(self.account, 40.0)])
        self.assertEqual(order.state, "cancelled")
        self.assertEqual(order.cancel_reason, "The account paid the shut-off amount.")
        self.assertEqual(
            order.fsm_order_id.stage_id, self.env.ref("fieldservice.fsm_stage_cancelled")
        )
        with self.assertRaisesRegex(UserError, "closed and cannot be changed"):
            self._complete(order)
        with self.assertRaisesRegex(UserError, "already cancelled"):
            order.with_user(self.crew_user).action_complete()
        self.assertEqual(self.water_service.state, "active")

    def test_arrangement_cancels_the_disconnect(self):
        order = self._disconnect()
        cancelled = self.Order._cancel_disconnects(self.account, "Payment arrangement made.")
        self.assertEqual(cancelled, order)
        self.assertEqual(order.state, "cancelled")
        self.assertEqual(order.cancel_reason, "Payment arrangement made.")

    def test_disconnect_shuts_the_metered_service_off(self):
        order = self._disconnect()
        self._complete(order)
        self.assertEqual(self.water_service.state, "disconnected")
        self.assertEqual(order.reading_id.source, "work_order")
        self.assertEqual(order.reading_id.service_id, self.water_service)
        # A run bills only active (and stopped) services: a disconnected one is left out.
        billable = self.env["utility.bill.builder"]._get_billable_services(
            self.account, date(2025, 3, 1), date(2025, 3, 31)
        )
        self.assertNotIn(self.water_service, billable)

    # ------------------------------------------------------------------
    # Reconnect
    # ------------------------------------------------------------------
    def test_reconnect_waits_for_payment_then_bills_the_business_hours_fee(self):
        with freeze_time(DISCONNECTED):
            self._complete(self._disconnect())
        reconnect = self.Order._create_for("reconnect", self.account, team_id=self.crew.id)
        self.assertEqual(reconnect.state, "hold", "the account still owes $60.00")
        with self.assertRaisesRegex(
            UserError, r"waits for payment: the account still owes \$\s60.00"
        ):
            self._complete(reconnect)
        self._payment([(self.account, 60.0)])
        self.assertEqual(reconnect.state, "open", "released on payment")
        with freeze_time(BUSINESS_HOURS):
            self._complete(reconnect)
        self.assertEqual(self.water_service.state, "active")
        fee = reconnect.fee_move_id
        self.assertEqual(fee.state, "posted")
        self.assertEqual(fee.utility_bill_kind, "fee")
        self.assertEqual(fee.utility_account_id, self.account)
        self.assertEqual(fee.amount_total, 50.00)
        self.assertEqual(fee.invoice_date, date(2025, 3, 4))
        income = fee.line_ids.filtered(lambda line: line.display_type == "product")
        self.assertEqual(income.account_id, self.company.utility_field_fee_account_id)
        self.assertEqual(income.credit, 50.00)
        self.assertIn("Reconnect fee", income.name)
        receivable = fee.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        self.assertEqual(receivable.debit, 50.00)

    def test_reconnect_fee_after_hours_weekend_and_holiday(self):
        expected = {
            AFTER_HOURS: ("Reconnect After Hours fee", 100.00),
            SATURDAY: ("Reconnect on a Weekend or Holiday fee", 100.00),
            INDEPENDENCE_DAY: ("Reconnect on a Weekend or Holiday fee", 100.00),
        }
        self._payment([(self.account, 60.0)])
        for moment, (label, amount) in expected.items():
            with self.subTest(moment=moment):
                as_action(self.water_service).state = "disconnected"  # as a disconnect leaves it
                order = self.Order._create_for("reconnect", self.account, team_id=self.crew.id)
                with freeze_time(moment):
                    self._complete(order)
                line = order.fee_move_id.invoice_line_ids
                self.assertTrue(line.name.startswith(label), line.name)
                self.assertEqual(order.fee_move_id.amount_total, amount)
                self._payment([(self.account, amount)])  # paid, so the next one goes out

    def test_reconnect_released_by_a_supervisor_is_still_refused_while_owing(self):
        self._complete(self._disconnect())
        reconnect = self.Order._create_for("reconnect", self.account, team_id=self.crew.id)
        with self.assertRaises(AccessError):
            reconnect.with_user(self.crew_user).action_release()
        reconnect.with_user(self.supervisor).action_release()
        self.assertEqual(reconnect.state, "open")
        with self.assertRaisesRegex(
            UserError, r"still owes \$\s60.00: it is reconnected once paid"
        ):
            self._complete(reconnect)
        self.assertEqual(self.water_service.state, "disconnected")
        self.assertFalse(reconnect.fee_move_id)

    # ------------------------------------------------------------------
    # Reconnect after a shut-off (issue 14)
    # ------------------------------------------------------------------
    def _reconnects(self):
        return self.Order.search([("account_id", "=", self.account.id), ("kind", "=", "reconnect")])

    def test_paying_the_shutoff_amount_and_the_fee_orders_the_reconnect(self):
        """Shut off for $60.00: paying $60.00 pays the debt but orders nothing;
        $50.00 more (Grayville's business-hours fee) orders the reconnect for the
        crew that shut it off. Done in business hours it bills $50.00, which the
        payment already covers: the account owes nothing. A later payment orders
        no second reconnect."""
        with freeze_time(DISCONNECTED):
            disconnect = self._disconnect()
            self._complete(disconnect)
        self._payment([(self.account, 60.0)])
        self.assertEqual(disconnect.amount_paid, 60.0)
        self.assertFalse(self._reconnects(), "the reconnect fee is not paid yet")
        self._payment([(self.account, 50.0)])
        reconnect = self._reconnects()
        self.assertEqual(len(reconnect), 1)
        self.assertEqual((reconnect.state, reconnect.team_id), ("open", self.crew))
        self.assertIn(reconnect.name, self.account.message_ids[0].body)
        with freeze_time(BUSINESS_HOURS):
            self._complete(reconnect)
        self.assertEqual(self.water_service.state, "active")
        self.assertEqual(reconnect.fee_move_id.amount_total, 50.00)
        self.account.invalidate_recordset(["amount_balance"])
        self.assertEqual(self.account.amount_balance, 0.0)
        self._payment([(self.account, 10.0)])
        self.assertEqual(self._reconnects(), reconnect)

    def test_reconnect_waits_for_the_shutoff_amount_only(self):
        """A reconnect is refused while the shut-off amount is owed; once it is
        paid, a newer bill not yet due does not keep the water off."""
        with freeze_time(DISCONNECTED):
            self._complete(self._disconnect())
        reconnect = self.Order._create_for("reconnect", self.account, team_id=self.crew.id)
        self._payment([(self.account, 59.99)])
        self.assertEqual(reconnect.state, "hold")
        with self.assertRaisesRegex(UserError, r"still owes \$\s0.01"):
            self._complete(reconnect)
        self._post_bill(self.account, date(2025, 3, 1), {self.water: 45.0})
        self._payment([(self.account, 0.01)])
        self.assertEqual(reconnect.state, "open")
        self.account.invalidate_recordset(["amount_balance"])
        self.assertEqual(self.account.amount_balance, 45.0)
        with freeze_time(BUSINESS_HOURS):
            self._complete(reconnect)
        self.assertEqual(self.water_service.state, "active")

    def test_low_income_reconnect_fee_cap(self):
        """California Health and Safety Code 116914 (SB 998): for a household
        below 200% of the federal poverty line, a reconnection fee of at most
        $50 during normal operating hours and $150 outside them. A city charging
        $75 in business hours (Nelsonville, OH's shut-off fee, Code 50.06) bills
        its low-income account $50.00; Grayville's $100 after hours stays under
        the $150 cap; an account outside the program pays the full $75.00."""
        fee_line = self.company.utility_field_fee_schedule_id.version_ids.line_ids.filtered(
            lambda line: line.fee_code == "reconnect"
        )
        fee_line.amount = 75.0
        self.company.write(
            {
                "utility_reconnect_cap_low_income": 50.0,
                "utility_reconnect_cap_low_income_after_hours": 150.0,
            }
        )
        self.account.discount_program = "low_income"
        self._payment([(self.account, 60.0)])
        fees = {}
        for label, moment, program in (
            ("business", BUSINESS_HOURS, "low_income"),
            ("after hours", datetime(2025, 3, 5, 22, 0), "low_income"),  # Wednesday 4 p.m.
            ("no program", datetime(2025, 3, 6, 16, 30), False),  # Thursday 10:30 a.m.
        ):
            self.account.discount_program = program
            as_action(self.water_service).state = "disconnected"
            order = self.Order._create_for("reconnect", self.account, team_id=self.crew.id)
            with freeze_time(moment):
                self._complete(order)
            fee = order.fee_move_id
            income = fee.line_ids.filtered(lambda line: line.display_type == "product")
            receivable = fee.line_ids.filtered(
                lambda line: line.account_id.account_type == "asset_receivable"
            )
            self.assertEqual(fee.state, "posted")
            self.assertEqual(income.credit, receivable.debit)
            fees[label] = income.credit
            self._payment([(self.account, fee.amount_total)])
        self.assertEqual(fees, {"business": 50.00, "after hours": 100.00, "no program": 75.00})
        self.assertEqual(
            self.company._get_utility_reconnect_fee(self.account, date(2025, 3, 4)), 75.0
        )
        self.account.discount_program = "low_income"
        self.assertEqual(
            self.company._get_utility_reconnect_fee(self.account, date(2025, 3, 4)), 50.0
        )
