# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Delinquency notices and the door-hanger list of a delinquency run: the
shut-off dates the notice lead time gives (business days across a holiday,
hours for tenants), tenant and landlord copies, held accounts, exactly once,
withdrawal on payment, the door-hanger orders and the door-hanger fee on its
posted journal entry, and bad input."""

from datetime import date, datetime

from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common_payment import PaymentCommon

BILL_DATE = date(2025, 10, 15)  # due 2025-11-04 (20 days)
DUE = date(2025, 11, 4)
PENALTY = date(2025, 11, 9)
FEE_DATE = date(2025, 11, 10)
PAST_DUE_DATE = date(2025, 11, 12)  # a Wednesday
FINAL_DATE = date(2025, 11, 24)  # the Monday of Thanksgiving week
THANKSGIVING = date(2025, 11, 27)


class CollectionNoticeCommon(PaymentCommon):
    """Three accounts with a $60.00 bill past due: an owner, a tenant whose
    landlord is notified, an account in bankruptcy; the city's calendar with
    Thanksgiving 2025, its lead times and its $15.00 door-hanger fee."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        fee_income = cls.env["account.account"].create(
            {"code": "41910", "name": "Late fee revenue", "account_type": "income"}
        )
        cls.field_income = cls.env["account.account"].create(
            {"code": "41920", "name": "Field service fees", "account_type": "income_other"}
        )
        cls.env["utility.late.fee.rule"].create(
            {
                "name": "Late fee",
                "cycle_ids": [Command.link(cls.cycle.id)],
                "percent": 10.0,
                "income_account_id": fee_income.id,
            }
        )
        calendar = cls.env["resource.calendar"].create(
            {"name": "City hall", "tz": "America/Chicago"}
        )
        cls.env["resource.calendar.leaves"].create(
            {
                "name": "Thanksgiving",
                "calendar_id": calendar.id,
                "date_from": datetime(2025, 11, 27, 6, 0),
                "date_to": datetime(2025, 11, 28, 5, 59, 59),
            }
        )
        cls.fee_schedule = cls.env["utility.rate.schedule"].create(
            {
                "name": "Field fees",
                "code": "FIELD-FEES",
                "service_type_id": cls.water.id,
                "is_fee_schedule": True,
                "version_ids": [
                    Command.create(
                        {
                            "date_start": "2025-01-01",
                            "line_ids": [
                                Command.create(
                                    {
                                        "name": "Door hanger",
                                        "component": "fee",
                                        "fee_code": "door_hanger",
                                        "amount": 15.0,
                                    }
                                )
                            ],
                        }
                    )
                ],
            }
        )
        cls.company.write(
            {
                "resource_calendar_id": calendar.id,
                "utility_notice_business_days": 7,
                "utility_notice_tenant_hours": 72,
                "utility_field_fee_schedule_id": cls.fee_schedule.id,
                "utility_field_fee_account_id": cls.field_income.id,
                "utility_door_hanger_fee_always": True,
            }
        )
        # account: owner-occupied; account2: a tenant whose landlord is notified;
        # account3: in bankruptcy (held).
        cls.landlord = cls.env["res.partner"].create(
            {"name": "Prairie Rentals LLC", "email": "rentals@example.com"}
        )
        cls.account2.location_id.owner_id = cls.landlord
        cls.account2.is_landlord_notify = True
        cls.account3.is_bankruptcy = True
        for account in cls.accounts:
            cls._post_bill(account, BILL_DATE, {cls.water: 40.00, cls.sewer: 20.00})

    def _run(self, **vals):
        run = self.env["utility.delinquency.run"].create(
            {
                "cycle_id": self.cycle.id,
                "date_due": DUE,
                "date_penalty": PENALTY,
                "date_fee": FEE_DATE,
                "journal_id": self.journal.id,
                **vals,
            }
        )
        run.action_compute()
        run.action_release()
        self.assertEqual(run.state, "posted")
        return run

    def _through_final(self, run):
        run.date_notice = PAST_DUE_DATE
        run.action_notices_past_due()
        run.action_send_notices()
        run.date_notice = FINAL_DATE
        run.action_notices_final()
        run.action_send_notices()


@tagged("post_install", "-at_install")
class TestCollectionNotices(CollectionNoticeCommon):
    def _notices(self, run, kind, account=None):
        return run.notice_ids.filtered(
            lambda n: n.kind == kind and (account is None or n.account_id == account)
        )

    # ------------------------------------------------------------------
    # Notices
    # ------------------------------------------------------------------
    def test_past_due_notices_copies_and_holds(self):
        """Every account past due gets a past-due notice for its $60.00 bill
        plus the $6.00 late fee (10%): $66.00. The tenant's landlord gets a
        copy; the bankrupt account is listed as held with its reason."""
        self.account.is_paperless = True
        self.account.partner_id.email = "owner@example.com"
        run = self._run()
        run.date_notice = PAST_DUE_DATE
        run.action_notices_past_due()
        owner = self._notices(run, "past_due", self.account)
        self.assertEqual(owner.state, "to_send")
        self.assertTrue(owner.is_email)
        self.assertEqual(owner.partner_id, self.account.partner_id)
        self.assertFalse(owner.is_tenant)
        self.assertAlmostEqual(owner.amount_past_due, 66.00)
        self.assertEqual(owner.date, PAST_DUE_DATE)
        tenant = self._notices(run, "past_due", self.account2)
        self.assertEqual(
            sorted(tenant.mapped("addressee")), ["customer", "landlord"], "tenant + landlord copy"
        )
        landlord_copy = tenant.filtered(lambda n: n.addressee == "landlord")
        self.assertEqual(landlord_copy.partner_id, self.landlord)
        held = self._notices(run, "past_due", self.account3)
        self.assertEqual(held.state, "held")
        self.assertEqual(held.hold_reason, "bankruptcy")
        self.assertEqual(run.notice_to_send_count, 3)
        # (discard_logo_check: the test company has not chosen its document layout)
        action = run.with_context(discard_logo_check=True).action_send_notices()
        self.assertEqual(set((owner | tenant).mapped("state")), {"sent"})
        self.assertEqual(held.state, "held", "a held account is never sent a notice")
        # The mailed ones print in one batch, for the mail room; Print Notices again.
        self.assertEqual(action["report_name"], "utility_billing.report_utility_collection_notice")
        self.assertEqual(action["context"]["active_ids"], tenant.ids)
        action = run.with_context(discard_logo_check=True).action_print_notices()
        self.assertEqual(action["context"]["active_ids"], tenant.ids)
        html = str(
            self.env["ir.actions.report"]._render_qweb_html(
                "utility_billing.action_report_utility_collection_notice", tenant.ids
            )[0]
        )
        self.assertIn("PAST-DUE NOTICE", html)
        self.assertIn("66.00", html)
        self.assertIn("Copy for the owner of the premise", html)
        self.assertIn(self.landlord.name, html)
        # The paperless account's notice is e-mailed through the mail queue.
        mail = self.env["mail.mail"].search(
            [("model", "=", owner._name), ("res_id", "=", owner.id)]
        )
        self.assertEqual(mail.recipient_ids, self.account.partner_id)
        self.assertIn("past-due notice", mail.subject)
        self.assertFalse(tenant.filtered("is_email"), "printed, not e-mailed")
        # Each notice is in its account's history.
        self.assertIn(owner.name, self.account.message_ids[0].body)
        self.assertEqual(self.account.collection_notice_count, 1)
        self.assertEqual(self.account3.collection_notice_count, 1)

    def test_final_notice_lead_time_across_a_holiday(self):
        """Ironton, OH water code (codelibrary.amlegal.com/codes/ironton, section
        0-0-0-29580): written notice "at least seven days, and no more than ten
        days, prior to the date proposed for disconnection", kept here as 7
        business days for owners; the Town of Garfield's code 20.02.065
        (garfield.municipal.codes/GMC/20.02.065): the tenant gets written notice
        "at least 72 hours before the water is shut off".

        Final notices dated Monday 11/24/2025, Thanksgiving (11/27) a holiday:
        owner: Tue 25 (1), Wed 26 (2), Thu 27 holiday, Fri 28 (3), Mon 12/1 (4),
        Tue 2 (5), Wed 3 (6), Thu 4 (7) -> 12/04/2025. A tenant alone would get
        72 hours from the end of Monday: Friday 11/28; but its landlord's copy
        needs the 7 business days, so the account's shut-off date is 12/04 too.
        A tenant without landlord notification: Friday 11/28/2025."""
        run = self._run()
        self.account2.is_landlord_notify = False
        run.date_notice = PAST_DUE_DATE
        run.action_notices_past_due()
        run.action_send_notices()
        run.date_notice = FINAL_DATE
        run.action_notices_final()
        owner = self._notices(run, "final", self.account)
        tenant = self._notices(run, "final", self.account2)
        self.assertEqual(owner.date_shutoff, date(2025, 12, 4))
        self.assertEqual(tenant.date_shutoff, date(2025, 11, 28))
        self.assertTrue(tenant.is_tenant)

    def test_landlord_copy_gets_business_days(self):
        """With landlord notification both copies of the tenant's final notice
        announce the business-day date: 12/04/2025 (see above)."""
        run = self._run()
        self._through_final(run)
        tenant = self._notices(run, "final", self.account2)
        self.assertEqual(len(tenant), 2)
        self.assertEqual(set(tenant.mapped("date_shutoff")), {date(2025, 12, 4)})
        self.assertEqual(set(tenant.mapped("state")), {"sent"})

    def test_second_click_creates_nothing(self):
        """Each step is restartable exactly once: a second click adds nothing,
        and the database refuses a second notice of the same kind and copy."""
        run = self._run()
        run.date_notice = PAST_DUE_DATE
        run.action_notices_past_due()
        first = run.notice_ids
        run.action_notices_past_due()
        self.assertEqual(run.notice_ids, first)
        run.action_send_notices()
        with self.assertRaisesRegex(UserError, "No notice .* waits to be sent"):
            run.action_send_notices()
        notice = self._notices(run, "past_due", self.account)
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError), self.cr.savepoint():
            self.env["utility.collection.notice"]._as_action().create(
                {
                    "run_id": run.id,
                    "company_id": run.company_id.id,
                    "account_id": self.account.id,
                    "partner_id": notice.partner_id.id,
                    "kind": "past_due",
                    "date": PAST_DUE_DATE,
                }
            )

    def test_withdrawn_on_payment(self):
        """A payment of the whole past-due amount withdraws the account's
        notices; a partial payment leaves them standing."""
        run = self._run()
        run.date_notice = PAST_DUE_DATE
        run.action_notices_past_due()
        run.action_send_notices()
        self._payment([(self.account, 66.00), (self.account2, 10.00)], date=date(2025, 11, 20))
        paid = self._notices(run, "past_due", self.account)
        self.assertEqual(paid.state, "withdrawn")
        self.assertIn("was paid", paid.withdraw_reason)
        self.assertEqual(
            set(self._notices(run, "past_due", self.account2).mapped("state")), {"sent"}
        )
        # A withdrawn account gets no final notice.
        run.date_notice = FINAL_DATE
        run.action_notices_final()
        self.assertFalse(self._notices(run, "final", self.account))
        self.assertTrue(self._notices(run, "final", self.account2))

    def test_notice_steps_out_of_order(self):
        """Notices before the fees are released, or a final notice before the
        past-due notices went out: plain messages, nothing made."""
        run = self.env["utility.delinquency.run"].create(
            {"cycle_id": self.cycle.id, "date_due": DUE, "date_penalty": PENALTY,
             "date_fee": FEE_DATE, "journal_id": self.journal.id}
        )  # fmt: skip
        run.action_compute()
        with self.assertRaisesRegex(UserError, "after the late fees are released"):
            run.action_notices_past_due()
        run.action_release()
        with self.assertRaisesRegex(UserError, "Send the past-due notice of"):
            run.action_notices_final()
        run.action_notices_past_due()
        with self.assertRaisesRegex(UserError, "still wait to be sent"):
            run.action_notices_final()
        with self.assertRaisesRegex(UserError, "Send the final"):
            run.action_door_hangers()
        self.assertFalse(run.notice_ids.filtered(lambda n: n.kind != "past_due"))

    def test_notices_are_not_edited(self):
        """Notices change through the run and payments only, even for a
        supervisor; a CSR cannot run a step."""
        run = self._run()
        run.date_notice = PAST_DUE_DATE
        run.action_notices_past_due()
        notice = self._notices(run, "past_due", self.account)
        with self.assertRaisesRegex(UserError, "steps and by payments only"):
            notice.write({"state": "sent"})
        with self.assertRaisesRegex(UserError, "steps and by payments only"):
            notice.unlink()
        with self.assertRaises(AccessError):
            run.with_user(self.csr).action_notices_past_due()
        self.assertEqual(notice.with_user(self.csr).state, "to_send")
        with self.assertRaises(AccessError):
            self.env["utility.collection.notice"].with_user(self.csr).check_access("write")

    # ------------------------------------------------------------------
    # Door hangers
    # ------------------------------------------------------------------
    def test_door_hangers_orders_and_fee(self):
        """Yorba Linda Water District, CA (ylwd.com, Customer Service Fees):
        "Notice of Discontinuance: $15" for the door tag, a 72-hour notice before
        shutoff. The door-hanger list lists the accounts still past due after
        their final notice (an estate opened since is held with its reason),
        one door-hanger order each, and posts one $15.00 fee invoice each:
        receivable debit 15.00, field service fee revenue credit 15.00. A second
        release posts nothing."""
        run = self._run()
        self._through_final(run)
        self.account3.is_bankruptcy = False  # held since the past-due notices
        self.account2.is_estate = True
        run.date_notice = date(2025, 12, 1)
        run.action_door_hangers()
        hangers = self._notices(run, "door_hanger")
        self.assertEqual(len(hangers), 2, "one per account, no landlord copy on a door")
        self.assertFalse(self._notices(run, "door_hanger", self.account3))
        held = hangers.filtered(lambda n: n.account_id == self.account2)
        self.assertEqual((held.state, held.hold_reason), ("held", "estate"))
        live = hangers - held
        self.assertEqual(live.date_shutoff, date(2025, 12, 4))
        run.action_release_door_hangers()
        self.assertEqual(live.state, "sent")
        orders = live.work_order_id
        self.assertEqual(len(orders), 1)
        self.assertEqual(orders.kind, "door_hanger")
        self.assertEqual(orders.account_id, self.account)
        self.assertFalse(held.work_order_id)
        for hanger in live:
            fee = hanger.fee_move_id
            self.assertEqual(fee.state, "posted")
            self.assertEqual(fee.utility_bill_kind, "fee")
            self.assertEqual(fee.utility_account_id, hanger.account_id)
            receivable = fee.line_ids.filtered(
                lambda line: line.account_id.account_type == "asset_receivable"
            )
            income = fee.line_ids.filtered(lambda line: line.account_id == self.field_income)
            self.assertEqual(len(fee.line_ids), 2)
            self.assertAlmostEqual(receivable.debit, 15.00, places=2)
            self.assertAlmostEqual(income.credit, 15.00, places=2)
        # Exactly once: a second click lists and posts nothing.
        moves = live.fee_move_id
        run.action_door_hangers()
        self.assertEqual(self._notices(run, "door_hanger"), hangers)
        with self.assertRaisesRegex(UserError, "No door hanger .* waits to be released"):
            run.action_release_door_hangers()
        live._post_door_hanger_fees()
        self.assertEqual(live.fee_move_id, moves)
        self.assertEqual(
            self.env["utility.work.order"].search_count(
                [("kind", "=", "door_hanger"), ("account_id", "in", self.accounts.ids)]
            ),
            1,
        )
        # The crew hangs it: no second fee from the order's own fee schedule.
        order = live[0].work_order_id
        order.write({"result": "completed", "photo": False})
        order.type.capture_photo = False
        order.action_complete()
        self.assertFalse(order.fee_move_id)

    def test_door_hanger_fee_only_with_a_shutoff(self):
        """Where the city charges the fee only when a shut-off follows, the
        release charges nothing and the completed disconnect charges $15.00."""
        self.company.utility_door_hanger_fee_always = False
        run = self._run()
        self._through_final(run)
        run.date_notice = date(2025, 12, 1)
        run.action_door_hangers()
        run.action_release_door_hangers()
        hanger = self._notices(run, "door_hanger", self.account)
        self.assertFalse(hanger.fee_move_id)
        order = self.env["utility.work.order"]._create_for(
            "disconnect", self.account, amount_due=66.0
        )
        order.type.capture_photo = False
        order.type.capture_reading = False
        order.result = "completed"
        order.action_complete()
        self.assertAlmostEqual(hanger.fee_move_id.amount_total, 15.00)
        self.assertFalse(self._notices(run, "door_hanger", self.account2).fee_move_id)

    def test_payment_withdraws_door_hanger_and_cancels_order(self):
        run = self._run()
        self._through_final(run)
        run.date_notice = date(2025, 12, 1)
        run.action_door_hangers()
        run.action_release_door_hangers()
        hanger = self._notices(run, "door_hanger", self.account)
        self._payment([(self.account, self.account.amount_balance)], date=date(2025, 12, 2))
        self.assertEqual(hanger.state, "withdrawn")
        self.assertEqual(hanger.work_order_id.state, "cancelled")
        self.assertEqual(hanger.fee_move_id.state, "posted", "the fee stays charged")

    def test_door_hanger_fee_without_income_account(self):
        """A fee to charge without its revenue account: a plain message, no
        order, no fee."""
        self.company.utility_field_fee_account_id = False
        run = self._run()
        self._through_final(run)
        run.date_notice = date(2025, 12, 1)
        run.action_door_hangers()
        with self.assertRaisesRegex(UserError, "revenue account of door-hanger fees"):
            run.action_release_door_hangers()
        self.assertFalse(self._notices(run, "door_hanger").work_order_id)
        self.assertEqual(set(self._notices(run, "door_hanger").mapped("state")), {"to_send"})

    def test_demo_town_notices(self):
        """The demo's generator goes through every step on a released run: the
        notices sent, the first paid and withdrawn, the door hangers released."""
        run = self._run()
        self.assertEqual(self.env["utility.demo.town"]._generate_notices(), run)
        past_due = self._notices(run, "past_due")
        self.assertEqual(set(past_due.mapped("state")), {"sent", "held", "withdrawn"})
        self.assertEqual(
            past_due.filtered(lambda n: n.state == "withdrawn").account_id, self.account
        )
        self.assertEqual(self._notices(run, "final").account_id, self.account2)
        hanger = self._notices(run, "door_hanger")
        self.assertEqual((hanger.account_id, hanger.state), (self.account2, "sent"))
        self.assertAlmostEqual(hanger.fee_move_id.amount_total, 15.00)
