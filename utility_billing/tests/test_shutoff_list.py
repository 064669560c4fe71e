# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The shut-off list of a delinquency run: its exemptions, the shut-off
calendar, its order, and its release into disconnect orders, exactly once.

The rules are real cities' and states' published policies:

- Mount Orab, OH (mtoraboh.us, Billing Policies): accounts "are subject to
  involuntarily termination (shut off) if the balance due is in excess of
  $25.00 and the account remains unpaid for a period of two months or more";
- California's Water Shutoff Protection Act (SB 998, Health and Safety Code
  116900 ff.): no discontinuation "until payments are delinquent for at least
  60 days";
- Philadelphia Code 13-901: the Water Department shall not terminate service
  on "Fridays, Saturdays, Sundays, legal holidays or any day immediately
  preceding a legal holiday";
- Maryland (COMAR 20.31.03.04; Office of People's Counsel): no shut-off on a
  day whose 6 a.m. forecast is "32 degrees or below, or 95 degrees or above";
- Chatham, IL (Code 51): a medical certification delays the disconnection
  30 days; "by providing a second form, the customer may extend the
  disconnection exemptions for an additional 30 days".
"""

from datetime import date, datetime
from unittest.mock import patch

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from ..models.utility_locked_fields_mixin import as_action
from .common_payment import PaymentCommon

BILL_DATE = date(2025, 1, 15)  # due 02/04 (20 days)
DUE = date(2025, 2, 4)
PENALTY = date(2025, 2, 9)
FEE_DATE = date(2025, 2, 10)
PAST_DUE_DATE = date(2025, 3, 3)
FINAL_DATE = date(2025, 3, 17)  # 7 business days of notice: shut-off from 03/26
TODAY = "2025-04-01"
SHUTOFF = date(2025, 4, 8)  # a Tuesday: the January bill is 63 days past due


@tagged("post_install", "-at_install")
class TestShutoffList(PaymentCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.more = cls._make_accounts(6, readings=False, prefix="SO")
        cls.company.write(
            {
                "utility_shutoff_min_balance": 25.0,
                "utility_shutoff_min_days": 60,
                "utility_medical_max_renewals": 1,
            }
        )
        cls.Line = cls.env["utility.shutoff.line"]
        cls.Day = cls.env["utility.shutoff.day"]
        cls.csr = new_test_user(
            cls.env, login="ub_so_csr", groups="utility_billing.group_utility_csr"
        )
        cls.billing = new_test_user(
            cls.env, login="ub_so_billing", groups="utility_billing.group_utility_billing"
        )

    def setUp(self):
        super().setUp()
        self.frozen = freeze_time(TODAY)
        self.frozen.start()
        self.addCleanup(self.frozen.stop)

    def _bill(self, account, amount, invoice_date=BILL_DATE):
        return self._post_bill(account, invoice_date, {self.water: amount})

    def _posted_run(self):
        run = self.env["utility.delinquency.run"].create(
            {
                "cycle_id": self.cycle.id,
                "date_due": DUE,
                "date_penalty": PENALTY,
                "date_fee": FEE_DATE,
            }
        )
        run.action_compute()
        run.action_release()  # no late fee rule: nothing posts, the run is posted
        self.assertEqual(run.state, "posted")
        return run

    def _run(self, day=SHUTOFF, compute_list=True, final_date=FINAL_DATE):
        run = self._posted_run()
        run.date_notice = PAST_DUE_DATE
        run.action_notices_past_due()
        run.action_send_notices()
        run.date_notice = final_date
        run.action_notices_final()
        run.action_send_notices()
        run.date_shutoff = day
        if compute_list:
            run.action_compute_shutoff_list()
            self.assertEqual(run.shutoff_state, "review")
        return run

    def _line(self, run, account):
        return run.shutoff_line_ids.filtered(lambda line: line.account_id == account)

    def _certificate(self, account, start, end, **vals):
        return self.env["utility.medical.certificate"].create(
            dict(
                {
                    "account_id": account.id,
                    "resident_name": "Resident",
                    "certified_by": "Dr. Okafor, Prairie Clinic",
                    "date_start": start,
                    "date_end": end,
                },
                **vals,
            )
        )

    # ------------------------------------------------------------------
    # Exemptions
    # ------------------------------------------------------------------
    def test_each_exemption_holds_with_its_reason(self):
        """Every exemption keeps its account on the list, held, with the reason
        the clerk reads; the others are to shut off."""
        plain, small, medical, expired, level, bankrupt, no_water, paid, flagged = (
            self.accounts + self.more
        )
        for account in (plain, medical, expired, level, bankrupt, no_water, paid, flagged):
            self._bill(account, 120.00)
        self._bill(small, 25.00)  # Mount Orab: only "in excess of $25.00"
        self._certificate(medical, date(2025, 3, 1), date(2025, 4, 30))
        self._certificate(expired, date(2025, 2, 1), date(2025, 3, 31))
        level.write(
            {"is_level_pay": True, "level_pay_amount": 40.0, "level_pay_date_start": BILL_DATE}
        )
        as_action(bankrupt).is_bankruptcy = True
        flagged.is_life_support = True  # flagged before certificates existed
        flagged.invalidate_recordset()
        self.assertTrue(flagged.is_life_support)
        as_action(no_water.service_ids.filtered("is_metered")).state = "disconnected"
        run = self._run(compute_list=False)
        # Paid after the fee date, before the list: not past due on the shut-off date.
        self._payment([(paid, 120.00), (level, 40.00)], date=date(2025, 3, 20))
        run.action_compute_shutoff_list()
        reasons = {line.account_id: (line.state, line.hold_reason) for line in run.shutoff_line_ids}
        self.assertEqual(reasons[plain], ("listed", False))
        self.assertEqual(
            reasons[expired], ("listed", False), "an expired certificate holds no more"
        )
        self.assertEqual(
            reasons[small],
            ("held", "owes $\xa025.00 past due, not more than the minimum of $\xa025.00"),
        )
        self.assertEqual(
            reasons[medical], ("held", "medical / life support certificate until 04/30/2025")
        )
        self.assertEqual(reasons[level], ("held", "level pay installments paid"))
        self.assertEqual(reasons[bankrupt], ("held", "bankruptcy"))
        self.assertEqual(reasons[no_water], ("held", "no water service on to shut off"))
        self.assertEqual(
            reasons[flagged], ("held", "medical / life support, no certificate on file")
        )
        self.assertNotIn(paid, reasons, "paid up: not on the list")
        self.assertEqual(run.shutoff_count, 2)
        self.assertEqual(run.shutoff_held_count, 6)
        self.assertAlmostEqual(run.amount_shutoff, 240.00)

    def test_minimum_days_past_due(self):
        """SB 998: not before 60 days delinquent. Shut off on 04/01: the December
        bill (due 01/04) is 87 days past due, the January bill (due 02/04) only
        56: that account stays off the list until 04/05."""
        old, recent = self.accounts[:2]
        self._bill(old, 80.00, invoice_date=date(2024, 12, 15))
        self._bill(recent, 80.00)
        self._payment([(recent, 0.50)], date=date(2025, 2, 20))
        run = self._run(day=date(2025, 4, 1))
        self.assertEqual(self._line(run, old).days_past_due, 87)
        self.assertEqual(self._line(run, old).state, "listed")
        line = self._line(run, recent)
        self.assertEqual((line.days_past_due, line.amount_due), (56, 79.50))
        self.assertEqual(line.date_last_payment, date(2025, 2, 20))
        self.assertEqual(
            (line.state, line.hold_reason),
            ("held", "past due 56 days, fewer than the 60 days a shut-off needs"),
        )

    def test_certificate_expiry_reminder_and_renewal(self):
        """Chatham, IL: 30 days, renewable once. The daily check asks for the
        renewal 14 days before the expiry (once), clears the flag after it;
        the renewal follows the old certificate; a second renewal is refused."""
        account = self.account
        self._bill(account, 120.00)
        certificate = self._certificate(account, date(2025, 3, 20), date(2025, 4, 18))
        self.assertTrue(account.is_life_support)
        Certificate = self.env["utility.medical.certificate"]
        self.assertFalse(Certificate._cron_medical_certificates(date(2025, 4, 3)))
        reminded = Certificate._cron_medical_certificates(date(2025, 4, 4))
        self.assertEqual(reminded, certificate)
        activity = account.activity_ids.filtered(
            lambda a: a.summary == "Medical certificate expires soon"
        )
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.date_deadline, date(2025, 4, 18))
        self.assertFalse(Certificate._cron_medical_certificates(date(2025, 4, 5)), "asked once")
        # The shut-off on 04/22 is after the expiry: the certificate does not hold it.
        run = self._run(day=date(2025, 4, 22))
        self.assertEqual(self._line(run, account).state, "listed")
        with freeze_time("2025-04-19"):
            Certificate._cron_medical_certificates()
            self.assertFalse(account.is_life_support)
        action = certificate.action_renew()
        renewal = Certificate.with_context(**action["context"]).create({})
        self.assertEqual(renewal.renewed_from_id, certificate)
        self.assertEqual(
            (renewal.date_start, renewal.date_end), (date(2025, 4, 19), date(2025, 5, 18))
        )
        self.assertEqual(renewal.renewal_count, 1)
        self.assertTrue(account.is_life_support)
        with self.assertRaisesRegex(UserError, "already renewed 1 times, the most the city allows"):
            renewal.action_renew()

    # ------------------------------------------------------------------
    # The calendar
    # ------------------------------------------------------------------
    def test_shutoff_calendar(self):
        """Philadelphia's days and Maryland's temperatures, each refused with
        its plain message and the next day allowed; a forecast below the
        threshold and a setting turned off allow the day."""
        company = self.company
        calendar = self.env["resource.calendar"].create(
            {"name": "City hall", "tz": "America/Chicago"}
        )
        company.resource_calendar_id = calendar
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Independence Day",
                "calendar_id": calendar.id,
                "date_from": datetime(2025, 7, 4, 5, 0),
                "date_to": datetime(2025, 7, 5, 4, 59, 59),
            }
        )
        self.Day.create(
            [
                {"name": "Memorial Day", "kind": "holiday", "date_start": date(2025, 5, 26)},
                {"name": "Heat advisory", "kind": "too_hot", "date_start": date(2025, 7, 8)},
                {
                    "name": "Forecast",
                    "kind": "forecast",
                    "date_start": date(2025, 7, 9),
                    "temperature_high": 97.0,
                },
                {
                    "name": "Forecast",
                    "kind": "forecast",
                    "date_start": date(2025, 7, 10),
                    "temperature_high": 90.0,
                },
                {
                    "name": "Cold snap",
                    "kind": "forecast",
                    "date_start": date(2025, 12, 9),
                    "temperature_low": 30.0,
                },
            ]
        )
        expected = {
            date(2025, 4, 11): "04/11/2025 is a Friday: no shut-offs on Fridays.",
            date(2025, 4, 12): "04/12/2025 is a weekend day: no shut-offs.",
            date(2025, 5, 26): "05/26/2025 is a holiday: no shut-offs.",
            date(2025, 7, 3): "07/03/2025 is the day before a holiday: no shut-offs.",
            date(2025, 7, 8): "07/08/2025 is on the shut-off calendar (too hot: Heat "
            "advisory): no shut-offs.",
            date(2025, 7, 9): "07/09/2025 is on the shut-off calendar (weather forecast: "
            "Forecast): no shut-offs.",
            date(2025, 12, 9): "12/09/2025 is on the shut-off calendar (weather forecast: "
            "Forecast): no shut-offs."
            if False
            else "12/09/2025 is on the shut-off calendar (weather forecast: Cold snap): "
            "no shut-offs.",
            date(2025, 4, 8): False,
            date(2025, 7, 10): False,  # 90°F: under Maryland's 95°F
        }
        for day, message in expected.items():
            with self.subTest(day=day):
                self.assertEqual(self.Day._get_date_problem(company, day), message)
        self.assertEqual(
            self.Day._get_next_shutoff_day(company, date(2025, 7, 3)), date(2025, 7, 7)
        )
        self.assertEqual(
            self.Day._get_next_shutoff_day(company, date(2025, 7, 8)), date(2025, 7, 10)
        )
        company.utility_shutoff_no_friday = False
        self.assertFalse(self.Day._get_date_problem(company, date(2025, 4, 11)))

        # The run refuses the date, names the next one allowed, and changes nothing.
        self._bill(self.account, 120.00)
        run = self._run(compute_list=False)
        run.date_shutoff = date(2025, 7, 3)
        with self.assertRaisesRegex(
            UserError,
            r"^07/03/2025 is the day before a holiday: no shut-offs\. The next day shut-offs "
            r"are allowed is 07/07/2025\.$",
        ):
            run.action_compute_shutoff_list()
        self.assertEqual(run.shutoff_state, "none")
        run.date_shutoff = date(2025, 7, 7)
        run.action_compute_shutoff_list()
        # Too hot after review: the release is refused, no order is made.
        self.Day.create({"name": "Heat wave", "kind": "too_hot", "date_start": date(2025, 7, 7)})
        with self.assertRaisesRegex(UserError, "too hot: Heat wave"):
            run.action_release_shutoffs()
        self.assertEqual(run.shutoff_state, "review")
        self.assertFalse(run.shutoff_line_ids.work_order_id)

    # ------------------------------------------------------------------
    # The list: order, filters
    # ------------------------------------------------------------------
    def test_list_order_and_filters(self):
        """Worked by amount due (largest first), days past due, then the last
        payment (never paid first, then the oldest); landlord input and broken
        arrangements are columns to filter on."""
        big, never_paid, paid_march, old_debt, *_rest = self.accounts + self.more
        self._bill(big, 300.00)
        self._bill(never_paid, 150.00)
        self._bill(paid_march, 160.00)
        self._payment([(paid_march, 10.00)], date=date(2025, 3, 3))
        self._bill(old_debt, 150.00, invoice_date=date(2024, 12, 15))
        landlord = self.env["res.partner"].create({"name": "Landlord"})
        never_paid.location_id.owner_id = landlord
        Account = type(self.env["utility.account"])
        with patch.object(
            Account, "_get_broken_arrangement_counts", lambda accounts: {old_debt.id: 2}
        ):
            run = self._run()
        lines = self.Line.search([("run_id", "=", run.id)])
        self.assertEqual(lines.account_id, big | old_debt | never_paid | paid_march)
        self.assertEqual(
            [(line.amount_due, line.days_past_due) for line in lines],
            [(300.0, 63), (150.0, 94), (150.0, 63), (150.0, 63)],
        )
        self.assertFalse(lines[2].date_last_payment)
        self.assertEqual(lines[3].date_last_payment, date(2025, 3, 3))
        # The clerk notes the landlord's word on the list: it is the account's.
        self._line(run, never_paid).landlord_input = "landlord_pays"
        self.assertEqual(never_paid.landlord_input, "landlord_pays")
        domain = [("run_id", "=", run.id)]
        self.assertEqual(
            self.Line.search([*domain, ("landlord_input", "=", "landlord_pays")]).account_id,
            never_paid,
        )
        self.assertEqual(
            self.Line.search([*domain, ("broken_arrangement_count", ">", 0)]).account_id, old_debt
        )
        self.assertEqual(
            self.Line.search(domain, order="date_last_payment desc nulls last").account_id[:1],
            paid_march,
        )
        groups = self.Line._read_group(domain, ["landlord_input"], ["__count"])
        self.assertIn(("landlord_pays", 1), [(key, count) for key, count in groups])

    # ------------------------------------------------------------------
    # Review and release
    # ------------------------------------------------------------------
    def test_release_creates_the_orders_once(self):
        """Release makes one disconnect order per account to shut off, for the
        shut-off date and its shut-off amount; a second release makes nothing;
        accounts left off get none."""
        first, second, third = self.accounts
        for account, amount in ((first, 120.00), (second, 80.50), (third, 64.00)):
            self._bill(account, amount)
        run = self._run()
        skipped = self._line(run, third)
        with self.assertRaisesRegex(UserError, "Type why the account is left off first"):
            skipped.action_skip()
        skipped.skip_reason = "Landlord pays on Friday."
        skipped.action_skip()
        orders = run.action_release_shutoffs()
        self.assertEqual(run.shutoff_state, "released")
        self.assertEqual(orders.account_id, first | second)
        for order in orders:
            line = self._line(run, order.account_id)
            self.assertEqual(line.state, "released")
            self.assertEqual(line.work_order_id, order)
            self.assertEqual(order.kind, "disconnect")
            self.assertEqual(order.state, "open")
            self.assertEqual(order.date_scheduled, SHUTOFF)
            self.assertEqual(order.amount_due, line.amount_due)
        self.assertEqual(self._line(run, second).work_order_id.amount_due, 80.50)
        self.assertFalse(skipped.work_order_id)
        self.assertEqual(run.shutoff_order_count, 2)
        Order = self.env["utility.work.order"]
        count = Order.search_count([("kind", "=", "disconnect")])
        self.assertFalse(run.action_release_shutoffs(), "a second release creates nothing")
        self.assertEqual(Order.search_count([("kind", "=", "disconnect")]), count)
        with self.assertRaisesRegex(UserError, "is released: its orders are out"):
            run.action_compute_shutoff_list()
        with self.assertRaisesRegex(UserError, "changed|buttons"):
            self._line(run, first).write({"amount_due": 1.0})

    def test_release_looks_again_at_payments_arrangements_and_certificates(self):
        """What happened since review counts at release: paid in full drops off,
        a certificate registered since holds, a partial payment goes on the order
        (paying the rest before the crew goes out cancels it)."""
        paid, medical, partial = self.accounts
        for account in self.accounts:
            self._bill(account, 100.00)
        run = self._run()
        self.assertEqual(set(run.shutoff_line_ids.mapped("state")), {"listed"})
        self._payment([(paid, 100.00), (partial, 30.00)], date=date(2025, 4, 1))
        self.assertEqual(self._line(run, paid).state, "paid")
        self.assertEqual(self._line(run, partial).amount_paid, 30.00)
        self._certificate(medical, date(2025, 4, 1), date(2025, 5, 1))
        orders = run.action_release_shutoffs()
        self.assertEqual(orders.account_id, partial)
        self.assertEqual(self._line(run, medical).state, "held")
        self.assertIn("medical / life support certificate", self._line(run, medical).hold_reason)
        self.assertEqual((orders.amount_due, orders.amount_paid), (100.00, 30.00))
        self._payment([(partial, 70.00)], date=date(2025, 4, 2))
        self.assertEqual(orders.state, "cancelled")
        self.assertEqual(orders.cancel_reason, "The account paid the shut-off amount.")
        self.assertEqual(self._line(run, partial).amount_paid, 100.00)

    def test_a_day_marked_after_release_moves_its_orders(self):
        """The crews were to go out on Tuesday 04/08; the clerk marks it too hot
        (Maryland: 95°F): the orders move to Wednesday 04/09, with a note."""
        self._bill(self.account, 100.00)
        order = self._run().action_release_shutoffs()
        self.Day.create(
            {"name": "Forecast", "kind": "forecast", "date_start": SHUTOFF, "temperature_high": 96}
        )
        self.assertEqual(order.date_scheduled, date(2025, 4, 9))
        self.assertIn("Moved to 04/09/2025", order.message_ids[0].body)
        self.Day.create({"name": "Cool day", "kind": "forecast", "date_start": date(2025, 4, 9)})
        self.assertEqual(order.date_scheduled, date(2025, 4, 9), "a mild forecast moves nothing")

    def test_arrangement_cancels_a_released_order(self):
        self._bill(self.account, 100.00)
        run = self._run()
        order = run.action_release_shutoffs()
        self.env["utility.work.order"]._cancel_disconnects(
            self.account, "Payment arrangement made."
        )
        self.assertEqual(order.state, "cancelled")
        self.assertEqual(self._line(run, self.account).work_order_state, "cancelled")

    def test_shutoff_on_a_medical_hold_account_is_refused(self):
        """A certificate registered after the order went out stops the crew: the
        order cannot be completed without a supervisor's override."""
        self._bill(self.account, 100.00)
        order = self._run().action_release_shutoffs()
        self._certificate(self.account, date(2025, 4, 1), date(2025, 5, 1))
        order.write({"result": "completed", "crew_note": "At the curb stop."})
        with self.assertRaisesRegex(UserError, "flagged medical / life support"):
            order.action_complete()
        self.assertEqual(order.state, "open")

    def test_bad_input_and_roles(self):
        """Release before the list, a date in the past, no date: plain messages,
        nothing changes. A CSR reads the list; billing specialists make and
        release it."""
        self._bill(self.account, 100.00)
        run = self._run(compute_list=False)
        with self.assertRaisesRegex(UserError, "Make and review the shut-off list"):
            run.action_release_shutoffs()
        run.date_shutoff = date(2025, 3, 31)
        with self.assertRaisesRegex(UserError, "The shut-off date 03/31/2025 is in the past."):
            run.action_compute_shutoff_list()
        self.assertEqual(run.shutoff_state, "none")
        self.assertFalse(run.shutoff_line_ids)
        run.date_shutoff = SHUTOFF
        with self.assertRaises(AccessError):
            run.with_user(self.csr).action_compute_shutoff_list()
        run.with_user(self.billing).action_compute_shutoff_list()
        line = run.shutoff_line_ids
        self.assertEqual(line.with_user(self.csr).amount_due, 100.00)
        with self.assertRaises(AccessError):
            run.with_user(self.csr).action_release_shutoffs()
        with self.assertRaises(AccessError):
            line.with_user(self.csr).write({"landlord_input": "keep_on"})
        orders = run.with_user(self.billing).action_release_shutoffs()
        self.assertEqual(len(orders), 1)

    def test_final_notice_comes_first_and_its_lead_time_holds(self):
        """The list follows the final notices: none sent, it is refused; made
        without a date, it takes the first day the calendar allows once the
        notices' lead time has run; an earlier date holds the account with the
        notice's date."""
        self._bill(self.account, 100.00)
        run = self._posted_run()
        run.date_shutoff = SHUTOFF
        with self.assertRaisesRegex(
            UserError, "Send the final \\(shut-off\\) notices of .* before the shut-off list."
        ):
            run.action_compute_shutoff_list()
        run.date_notice = PAST_DUE_DATE
        run.action_notices_past_due()
        run.action_send_notices()
        run.date_notice = date(2025, 3, 31)
        run.action_notices_final()
        with self.assertRaisesRegex(UserError, "1 final notices of .* still wait to be sent"):
            run.action_compute_shutoff_list()
        run.action_send_notices()
        run.date_shutoff = False
        run.action_compute_shutoff_list()
        # 03/31 + 7 business days = 04/09, a Wednesday the calendar allows.
        self.assertEqual(run.date_shutoff, date(2025, 4, 9))
        self.assertEqual(self._line(run, self.account).state, "listed")
        run.date_shutoff = SHUTOFF
        run.action_compute_shutoff_list()
        line = self._line(run, self.account)
        self.assertEqual(
            (line.state, line.hold_reason), ("held", "the final notice gives until 04/09/2025")
        )
