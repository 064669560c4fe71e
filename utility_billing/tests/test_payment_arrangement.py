# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Payment arrangements and extensions on the ledger: the schedule's cents, a
kept plan, a broken one (the daily check with a given day), role limits and
approval, one plan in 12 months, the disconnect order it cancels, the hold on
notices and shut-off, the installment on the next bill.

The down payment tiers are Water District 7's (waterdistrict7.com/policies/
payment-plan): before a disconnect, "Past Due Amounts less than $100 require
50% down ...; less than $250 require 20% down ...; greater than $250 require
20% down"; after one, "less than $100 require 100% down; less than $250
require 50% down; greater than $250 require 50% down". One arrangement in 12
months is the Town of Speedway, Indiana's rule (Code 13.22.040: the user "has
not breached any similar agreement ... within the past twelve months"), a
missed payment's immediate shut-off the Northern Kentucky Water District's
("fails to make any one payment, the service will be terminated without
notice").
"""

from datetime import date

from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged
from odoo.tools import mute_logger

from ..models.utility_locked_fields_mixin import as_action
from .common_bills import pdf_text
from .common_payment import PaymentCommon

START = date(2025, 2, 20)


@tagged("post_install", "-at_install")
class TestPaymentArrangement(PaymentCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {
                "utility_arrangement_limit_csr": 3,
                "utility_arrangement_limit_billing": 6,
                "utility_arrangement_limit_supervisor": 12,
                "utility_arrangement_grace_days": 5,
                "utility_arrangement_period": "12_months",
                "utility_arrangement_broken_action": "next_run",
            }
        )
        cls.env["utility.payment.arrangement.tier"].create(
            [
                {"amount_from": amount, "percent": percent, "is_disconnected": off}
                for amount, percent, off in (
                    (0.0, 50.0, False),
                    (100.0, 20.0, False),
                    (250.0, 20.0, False),
                    (0.0, 100.0, True),
                    (100.0, 50.0, True),
                    (250.0, 50.0, True),
                )
            ]
        )
        users = {}
        for role in ("csr", "billing", "supervisor"):
            users[role] = new_test_user(
                cls.env,
                login=f"ub_pa_{role}",
                groups=f"base.group_user,utility_billing.group_utility_{role}",
                company_id=cls.company.id,
                company_ids=[Command.set(cls.company.ids)],
            )
        cls.csr, cls.specialist, cls.supervisor = (
            users["csr"],
            users["billing"],
            users["supervisor"],
        )
        # $187.45 past due on February 20: the January bill, due February 4.
        cls.bill = cls._post_bill(
            cls.account, date(2025, 1, 15), {cls.water: 120.0, cls.sewer: 67.45}
        )

    def _new(self, user=None, **vals):
        Arrangement = self.env["utility.payment.arrangement"].with_user(user or self.csr)
        return Arrangement.create(
            dict(
                {
                    "account_id": self.account.id,
                    "date_start": START,
                    "installment_count": 3,
                    "frequency": "monthly",
                    "date_first": date(2025, 3, 20),
                },
                **vals,
            )
        )

    def _schedule(self, arrangement):
        return [
            (line.date_due, line.amount, line.is_down_payment)
            for line in arrangement.line_ids.sorted("date_due")
        ]

    # ------------------------------------------------------------------
    # The schedule
    # ------------------------------------------------------------------
    def test_schedule_cents_and_letter(self):
        arrangement = self._new()
        arrangement.action_confirm()
        self.assertEqual(arrangement.state, "active")
        # 20 % of 187.45 = 37.49; 149.96 / 3 = 49.98, 49.98, remainder 50.00.
        self.assertEqual(arrangement.amount_covered, 187.45)
        self.assertEqual(arrangement.down_payment_percent, 20.0)
        self.assertEqual(arrangement.amount_down, 37.49)
        self.assertEqual(
            self._schedule(arrangement),
            [
                (START, 37.49, True),
                (date(2025, 3, 20), 49.98, False),
                (date(2025, 4, 20), 49.98, False),
                (date(2025, 5, 20), 50.00, False),
            ],
        )
        self.assertEqual(arrangement.covered_move_ids, self.bill)
        self.assertEqual(arrangement.requested_by_id, self.csr)
        self.assertFalse(arrangement.approver_id, "within the clerk's limit: no approval")
        self.assertEqual((arrangement.date_next_due, arrangement.amount_next_due), (START, 37.49))
        letter = arrangement.message_ids.filtered(lambda m: "arrangement" in (m.subject or ""))
        self.assertEqual(len(letter), 1, "the schedule letter is on the chatter")
        self.assertEqual(len(letter.attachment_ids), 1, "with its PDF")
        text = pdf_text(
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(
                "utility_billing.action_report_utility_arrangement_schedule", arrangement.ids
            )[0]
        )
        for expected in ("PAYMENT ARRANGEMENT", "37.49", "49.98", "50.00", "187.45"):
            self.assertIn(expected, text)
        self.assertIn("Customer signature", text)

    def test_disconnected_tier_and_no_plan_after_a_disconnect(self):
        service = self.account.service_ids.filtered(lambda s: s.service_type_id == self.water)
        as_action(service).write({"state": "disconnected"})
        arrangement = self._new(installment_count=2)
        arrangement.action_compute_schedule()
        # After a disconnect, 50 % of 187.45 = 93.725 -> 93.73; 93.72 in 2 = 46.86 each.
        self.assertTrue(arrangement.is_disconnected)
        self.assertEqual(
            [amount for _day, amount, _down in self._schedule(arrangement)],
            [93.73, 46.86, 46.86],
        )
        self.company.utility_arrangement_refuse_disconnected = True
        with self.assertRaisesRegex(UserError, "no arrangement after a disconnect"):
            arrangement.action_confirm()
        self.assertEqual(arrangement.state, "draft")

    def test_extension_is_one_installment(self):
        extension = self._new(kind="extension", installment_count=4, date_first=date(2025, 3, 7))
        extension.action_confirm()
        self.assertEqual(extension.installment_count, 1)
        self.assertEqual(
            self._schedule(extension),
            [(START, 37.49, True), (date(2025, 3, 7), 149.96, False)],
        )

    def test_nothing_past_due_is_refused(self):
        arrangement = self._new(date_start=date(2025, 2, 1), date_first=date(2025, 3, 1))
        with self.assertRaisesRegex(UserError, "nothing past due"):
            arrangement.action_confirm()
        self.assertEqual(arrangement.state, "draft")
        self.assertFalse(arrangement.requested_by_id)

    # ------------------------------------------------------------------
    # Kept and broken: the daily check, on a given day
    # ------------------------------------------------------------------
    def test_kept_plan(self):
        arrangement = self._new()
        arrangement.action_confirm()
        Arrangement = self.env["utility.payment.arrangement"]
        for day, amount in (
            (START, 37.49),
            (date(2025, 3, 18), 49.98),
            (date(2025, 4, 22), 49.98),  # two days late: inside the grace days
        ):
            self._payment([(self.account, amount)], date=day)
            Arrangement._cron_monitor(today=day)
        self.env.invalidate_all()  # computed from the ledger: read it again
        self.assertEqual(arrangement.state, "active")
        self.assertEqual(arrangement.amount_paid, 137.45)
        self.assertEqual(arrangement.amount_remaining, 50.0)
        self.assertEqual(
            arrangement.line_ids.sorted("date_due").mapped("status"),
            ["paid", "paid", "paid", "due"],
        )
        self.assertEqual(
            (arrangement.date_next_due, arrangement.amount_next_due), (date(2025, 5, 20), 50.0)
        )
        self._payment([(self.account, 50.0)], date=date(2025, 5, 19))
        kept, broken = Arrangement._cron_monitor(today=date(2025, 5, 19))
        self.assertEqual(kept, arrangement)
        self.assertFalse(broken)
        self.assertEqual(arrangement.state, "kept")
        self.assertEqual(arrangement.date_closed, date(2025, 5, 19))
        self.assertEqual(self.account.amount_balance, 0.0)

    def test_missed_installment_breaks_the_plan(self):
        arrangement = self._new()
        arrangement.action_confirm()
        self._payment([(self.account, 37.49)], date=START)
        Arrangement = self.env["utility.payment.arrangement"]
        # March 20 installment unpaid: still within the 5 grace days on the 25th.
        self.assertFalse(any(Arrangement._cron_monitor(today=date(2025, 3, 25))))
        self.assertEqual(arrangement.state, "active")
        self.assertIn(self.account.id, self.account._get_collection_holds(START, "shutoff"))
        kept, broken = Arrangement._cron_monitor(today=date(2025, 3, 26))
        self.assertEqual(broken, arrangement)
        self.assertFalse(kept)
        self.assertEqual(arrangement.state, "broken")
        self.assertIn("not paid", arrangement.close_reason)
        letter = arrangement.message_ids.filtered(lambda m: "ended" in (m.subject or ""))
        self.assertEqual(len(letter), 1, "the broken-arrangement letter")
        self.assertTrue(
            self.account.message_ids.filtered(lambda m: "broken" in (m.body or "")),
            "a note on the account",
        )
        # Back to collections: no hold any more; the shut-off list counts it.
        for step in ("notice", "door_hanger", "shutoff"):
            self.assertNotIn(
                self.account.id, self.account._get_collection_holds(date(2025, 3, 26), step)
            )
        self.assertEqual(self.account._get_broken_arrangement_counts(), {self.account.id: 1})
        self.assertFalse(
            self.env["utility.work.order"].search([("account_id", "=", self.account.id)]),
            "the city's policy here: the next delinquency run, no order at once",
        )

    def test_unpaid_current_bill_breaks_the_plan_and_shuts_off_at_once(self):
        """Installments paid, but the March bill left unpaid: behind. The policy
        here is Northern Kentucky's: a shut-off order the same day."""
        self.company.utility_arrangement_broken_action = "shutoff"
        arrangement = self._new()
        arrangement.action_confirm()
        self._payment([(self.account, 37.49)], date=START)
        self._post_bill(self.account, date(2025, 2, 25), {self.water: 60.0}, due_days=14)
        Arrangement = self.env["utility.payment.arrangement"]
        self.assertFalse(any(Arrangement._cron_monitor(today=date(2025, 3, 15))))
        self._payment([(self.account, 49.98)], date=date(2025, 3, 19))
        _kept, broken = Arrangement._cron_monitor(today=date(2025, 3, 26))
        self.assertEqual(broken, arrangement)
        order = self.env["utility.work.order"].search([("account_id", "=", self.account.id)])
        self.assertEqual(order.kind, "disconnect")
        self.assertEqual(order.state, "open")
        # Open on March 26: the rest of the January bill (187.45 - 87.47 = 99.98)
        # and the $60.00 bill due March 11: 159.98.
        self.assertEqual(order.amount_due, 159.98)

    def _break_on_march_26(self):
        """The plan above, broken by the daily check of Wednesday 26 March 2025."""
        self.company.utility_arrangement_broken_action = "shutoff"
        arrangement = self._new()
        arrangement.action_confirm()
        self._payment([(self.account, 37.49)], date=START)
        self._post_bill(self.account, date(2025, 2, 25), {self.water: 60.0}, due_days=14)
        self._payment([(self.account, 49.98)], date=date(2025, 3, 19))
        Arrangement = self.env["utility.payment.arrangement"]
        _kept, broken = Arrangement._cron_monitor(today=date(2025, 3, 26))
        self.assertEqual(broken, arrangement)
        return self.env["utility.work.order"].search(
            [("account_id", "=", self.account.id), ("kind", "=", "disconnect")]
        )

    def test_immediate_shutoff_waits_for_the_shutoff_calendar(self):
        """A heat advisory on Wednesday 26 and Thursday 27 March, no shut-offs on
        Fridays or weekends: the order is for Monday 31 March."""
        self.env["utility.shutoff.day"].create(
            {
                "name": "Heat advisory",
                "kind": "too_hot",
                "date_start": date(2025, 3, 26),
                "date_end": date(2025, 3, 27),
            }
        )
        order = self._break_on_march_26()
        self.assertEqual(len(order), 1)
        self.assertEqual(order.date_scheduled, date(2025, 3, 31))
        self.assertEqual(order.amount_due, 159.98)

    def test_immediate_shutoff_respects_holds_on_its_day(self):
        """A medical certificate from Thursday 27 March (the day the calendar
        allows) holds the account from shut-off: no order."""
        self.env["utility.medical.certificate"].create(
            {
                "account_id": self.account.id,
                "resident_name": "Resident",
                "certified_by": "Dr. Okafor",
                "date_start": date(2025, 3, 27),
                "date_end": date(2025, 5, 31),
            }
        )
        self.env["utility.shutoff.day"].create(
            {"name": "Heat advisory", "kind": "too_hot", "date_start": date(2025, 3, 26)}
        )
        self.assertFalse(self._break_on_march_26())

    # ------------------------------------------------------------------
    # Who may set up what
    # ------------------------------------------------------------------
    def test_longer_than_the_role_allows_waits_for_a_supervisor(self):
        arrangement = self._new(installment_count=5)
        arrangement.action_confirm()
        self.assertEqual(arrangement.state, "to_approve")
        self.assertIn("5 installments, more than 3", arrangement.approval_reason)
        self.assertNotIn(
            self.account.id,
            self.account._get_collection_holds(START, "notice"),
            "waiting for approval holds nothing yet",
        )
        with self.assertRaises(AccessError):
            arrangement.with_user(self.specialist).action_approve()
        with self.assertRaises(AccessError):
            arrangement.with_user(self.csr).action_approve()
        with self.assertRaises(AccessError):
            arrangement.with_user(self.csr).write({"state": "active"})
        arrangement.with_user(self.supervisor).action_approve()
        self.assertEqual(arrangement.state, "active")
        self.assertEqual(arrangement.approver_id, self.supervisor)
        self.assertEqual(arrangement.line_ids[-1:].date_due, date(2025, 7, 20))

    def test_nobody_approves_their_own(self):
        arrangement = self._new(user=self.supervisor, installment_count=5)
        as_action(arrangement).write({"state": "to_approve", "requested_by_id": self.supervisor.id})
        with self.assertRaisesRegex(UserError, "their own"):
            arrangement.with_user(self.supervisor).action_approve()
        self.assertEqual(arrangement.state, "to_approve")

    def test_longer_than_anyone_may_approve_is_refused(self):
        arrangement = self._new(user=self.supervisor, installment_count=13)
        with self.assertRaisesRegex(UserError, "longer than anyone may approve"):
            arrangement.with_user(self.supervisor).action_confirm()
        self.assertEqual(arrangement.state, "draft")
        # 3 monthly installments from a first one 2 months away end after 3 months.
        late = self._new(date_first=date(2025, 4, 20))
        late.action_confirm()
        self.assertEqual(late.state, "to_approve")
        self.assertIn("more than 3 months", late.approval_reason)

    def test_second_plan_within_12_months_is_refused(self):
        first = self._new()
        first.action_confirm()
        first.action_cancel()
        self.assertEqual(first.state, "cancelled")
        second = self._new()
        second.action_confirm()
        self._payment([(self.account, 37.49)], date=START)
        self.env["utility.payment.arrangement"]._cron_monitor(today=date(2025, 3, 26))
        self.assertEqual(second.state, "broken")
        self._post_bill(self.account, date(2025, 11, 15), {self.water: 30.0})
        third = self._new(date_start=date(2026, 1, 10), date_first=date(2026, 2, 10))
        with self.assertRaisesRegex(UserError, "one in any 12 months"):
            third.action_confirm()
        # The same plan under a city's "one per calendar year" rule.
        self.company.utility_arrangement_period = "calendar_year"
        third.action_confirm()
        self.assertEqual(third.state, "active")

    def test_cashier_sets_up_nothing(self):
        with self.assertRaises(AccessError):
            self._new(
                user=new_test_user(
                    self.env,
                    login="ub_pa_cashier",
                    groups="base.group_user,utility_billing.group_utility_cashier",
                )
            )

    def test_a_confirmed_plan_is_final(self):
        arrangement = self._new()
        arrangement.action_confirm()
        with self.assertRaisesRegex(UserError, "cannot be changed"):
            arrangement.with_user(self.supervisor).write({"installment_count": 2})
        with self.assertRaises(AccessError):
            arrangement.line_ids[:1].with_user(self.supervisor).write({"amount": 1.0})
        with self.assertRaisesRegex(UserError, "cannot be changed or deleted"):
            arrangement.with_user(self.supervisor).unlink()

    # ------------------------------------------------------------------
    # What the arrangement does to collections and to the bill
    # ------------------------------------------------------------------
    def test_arrangement_cancels_a_pending_disconnect(self):
        order = self.env["utility.work.order"]._create_for(
            "disconnect", self.account, amount_due=187.45
        )
        self.assertEqual(order.state, "open")
        arrangement = self._new()
        arrangement.action_confirm()
        self.assertEqual(order.state, "cancelled")
        self.assertIn(arrangement.name, order.cancel_reason)

    def test_hold_keeps_the_account_off_notices_and_shutoff(self):
        arrangement = self._new()
        arrangement.action_confirm()
        day = date(2025, 3, 1)
        for step in ("notice", "door_hanger", "shutoff"):
            holds = self.account._get_collection_holds(day, step)
            self.assertIn(arrangement.name, holds[self.account.id])
        self.assertNotIn(self.account2.id, self.account2._get_collection_holds(day, "shutoff"))
        self.company.utility_arrangement_hold_late_fees = True
        self.assertIn(self.account.id, self.account._get_collection_holds(day, "late_fee"))
        self.company.utility_arrangement_hold_late_fees = False
        self.assertNotIn(self.account.id, self.account._get_collection_holds(day, "late_fee"))
        self.assertNotIn(
            self.account.id,
            self.account._get_collection_holds(date(2025, 2, 19), "shutoff"),
            "not before it starts",
        )

    def test_the_bill_shows_the_next_installment(self):
        arrangement = self._new()
        arrangement.action_confirm()
        self._payment([(self.account, 37.49)], date=START)
        bill = self._post_bill(self.account, date(2025, 3, 1), {self.water: 42.0})
        data = bill._prepare_bill_data()[0]
        message = next(m for m in data.messages if arrangement.name in m)
        self.assertIn("$149.96 left to pay", message)
        self.assertIn("Next installment $49.98 due 03/20/2025", message)
        text = pdf_text(bill._render_utility_bills_pdf())
        self.assertIn("$49.98", text)
        other = self._post_bill(self.account2, date(2025, 3, 1), {self.water: 42.0})
        self.assertFalse([m for m in other._prepare_bill_data()[0].messages if "arrangement" in m])

    def test_demo_town_arrangements_one_kept_one_broken(self):
        today = date.today()
        kept, broken = self.env["utility.demo.town"]._demo_arrangements(
            self.account2, self.account3, self.journal, today
        )
        # $164.20 past due: 20 % = 32.84 down, 131.36 in 2 = 65.68 each, all paid.
        self.assertEqual(kept.state, "kept")
        self.assertEqual(kept.line_ids.mapped("amount"), [32.84, 65.68, 65.68])
        self.assertEqual(kept.account_id.amount_balance, 0.0)
        # $238.75: 47.75 down paid; the installment of ten days ago missed.
        self.assertEqual(broken.state, "broken")
        self.assertEqual(broken.line_ids.mapped("amount"), [47.75, 63.66, 63.66, 63.68])
        self.assertEqual(broken.date_closed, today)

    def test_the_clerk_form_from_the_account(self):
        action = self.account.with_user(self.csr).action_new_arrangement()
        Arrangement = self.env["utility.payment.arrangement"].with_user(self.csr)
        form = Form(Arrangement.with_context(**action["context"]))
        form.kind = "extension"
        form.date_start = START
        self.assertEqual(form.date_first, date(2025, 3, 20), "a month to pay by default")
        form.date_first = date(2025, 3, 5)
        extension = form.save()
        self.assertEqual(extension.account_id, self.account)
        extension.action_confirm()
        self.assertEqual(
            self._schedule(extension), [(START, 37.49, True), (date(2025, 3, 5), 149.96, False)]
        )
        self.assertEqual(self.account.arrangement_count, 1)
        self.assertEqual(
            self.account.action_view_arrangements()["domain"],
            [("account_id", "=", self.account.id)],
        )

    def test_one_live_arrangement_per_account_in_the_database(self):
        """Two clerks confirming at once both pass the rules' check (each reads
        before the other commits): the partial unique index keeps one."""
        first = self._new()
        first.action_confirm()
        second = self._new()
        second.action_compute_schedule()
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            as_action(second).write({"state": "active"})
            second.flush_recordset()
