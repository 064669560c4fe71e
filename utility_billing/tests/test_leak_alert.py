# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Leak alerts from interval reads: found by the daily check or the button,
once per episode, the customer told once (e-mail, or a call for the clerk),
closed by customer service.

The rules (24 hours of water that never stops, after Badger Meter's
EyeOnWater and the City of Round Rock, TX; a jump over 3 times the meter's
usual day) are proven in ``test_lib_leak_detection``; here, the path from
the reads in the database to the alert and the customer's notice.
"""

from datetime import timedelta

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common_leak import DAY_PROFILE, LeakCommon


@tagged("post_install", "-at_install")
class TestLeakAlert(LeakCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # AMI-1: a running toilet, 3 gallons every hour for the last 40 hours.
        cls._write_hours(cls.meter1, cls._household(10)[:-40] + cls._household(10, extra=3)[-40:])
        # AMI-2: five times its usual water over the last 2 days (no e-mail address).
        cls._write_hours(cls.meter2, cls._household(8) + cls._household(2, factor=5))
        # AMI-3: a household like any other.
        cls._write_hours(cls.meter3, cls._household(10))
        cls.company.utility_leak_call_user_id = cls.users["csr"]
        cls.end = cls.t0 + timedelta(days=10)
        # The run of AMI-1 starts after the household's last dry hour before the leak.
        before = cls._household(10)[:-40]
        dry = max(hour for hour, usage in enumerate(before) if usage == 0)
        cls.flow_hours = 240 - (dry + 1)
        run = before[dry + 1 :] + cls._household(10, extra=3)[-40:]
        cls.flow_usage, cls.flow_least = sum(run), min(run)

    def _check(self, meters=None):
        return self.Alert._check_meters(meters or self.meter1 | self.meter2 | self.meter3)

    def test_continuous_flow_is_emailed_to_the_customer(self):
        alerts = self._check()
        alert = alerts.filtered(lambda a: a.meter_id == self.meter1)
        self.assertEqual(len(alert), 1)
        self.assertEqual(alert.kind, "flow")
        self.assertEqual(alert.account_id, self.account1)
        self.assertEqual(alert.date_start, self.end - timedelta(hours=self.flow_hours))
        self.assertEqual(alert.date_end, self.end)
        self.assertEqual(alert.hours, self.flow_hours)
        self.assertEqual(alert.min_per_hour, self.flow_least)
        self.assertAlmostEqual(alert.usage_gallons, self.flow_usage)
        self.assertEqual((alert.state, alert.notice_method), ("notified", "email"))
        self.assertTrue(alert.date_notified)
        self.assertIn(f"without stopping for {self.flow_hours} hours", alert.summary)
        message = alert.message_ids.filtered(lambda m: self.emailed in m.partner_ids)
        self.assertEqual(len(message), 1)
        self.assertIn("possible leak", message.subject)
        self.assertIn(f"without stopping for {self.flow_hours} hours", message.body)
        self.assertIn("food coloring", message.body)
        self.assertIn("(555) 010-0100", message.body)
        mail = self.env["mail.mail"].search([("mail_message_id", "=", message.id)])
        self.assertEqual(mail.recipient_ids, self.emailed)

    def test_a_jump_without_an_email_address_is_a_call_for_the_clerk(self):
        alert = self._check().filtered(lambda a: a.meter_id == self.meter2)
        self.assertEqual(alert.kind, "jump")
        self.assertEqual(alert.account_id, self.account2)
        usual = sum(DAY_PROFILE)
        self.assertAlmostEqual(alert.baseline_per_day, usual)
        self.assertAlmostEqual(alert.per_day, 5 * usual)
        self.assertEqual(alert.date_start, self.end - timedelta(days=2))
        self.assertIn(f"5.0 times its usual {usual} gallons a day", alert.summary)
        self.assertEqual((alert.state, alert.notice_method), ("new", "call"))
        self.assertFalse(alert.message_ids.filtered(lambda m: m.partner_ids))
        activity = alert.activity_ids
        self.assertEqual(activity.activity_type_id, self.env.ref("mail.mail_activity_data_call"))
        self.assertEqual(activity.user_id, self.users["csr"])
        self.assertIn("5.0 times", activity.note)
        # The clerk called: the alert says so, the activity is done.
        alert.with_user(self.users["csr"]).action_mark_notified()
        self.assertEqual(alert.state, "notified")
        self.assertEqual(alert.notified_by_id, self.users["csr"])
        self.assertFalse(alert.activity_ids)

    def test_a_normal_household_has_no_alert(self):
        self.assertFalse(self._check(self.meter3))
        self.assertFalse(self.Alert.search([("meter_id", "=", self.meter3.id)]))

    def test_one_alert_per_episode(self):
        """The same running toilet a day later is the same alert, told once; after the water
        stopped for an hour, a new run is a new leak."""
        first = self._check(self.meter1)
        self._write_hours(self.meter1, [3.0] * 24, start=self.end)
        again = self._check(self.meter1)
        self.assertEqual(again, first)
        self.assertEqual(self.Alert.search_count([("meter_id", "=", self.meter1.id)]), 1)
        self.assertEqual(first.date_end, self.end + timedelta(hours=24))
        self.assertEqual(first.hours, self.flow_hours + 24)
        self.assertEqual(len(first.message_ids.filtered(lambda m: m.partner_ids)), 1)
        # Resolved while the water still runs: still the same leak, not alerted again.
        first.with_user(self.users["csr"]).action_resolve()
        self._write_hours(self.meter1, [3.0] * 6, start=self.end + timedelta(hours=24))
        self._check(self.meter1)
        self.assertEqual(self.Alert.search_count([("meter_id", "=", self.meter1.id)]), 1)
        # The water stops for an hour, then runs again for a day: a new leak.
        self._write_hours(self.meter1, [0.0] + [2.0] * 24, start=self.end + timedelta(hours=30))
        alerts = self._check(self.meter1)
        self.assertEqual(self.Alert.search_count([("meter_id", "=", self.meter1.id)]), 2)
        new = alerts - first
        self.assertEqual(new.date_start, self.end + timedelta(hours=31))
        self.assertEqual(new.state, "notified")

    def test_the_daily_check_takes_the_files_not_checked(self):
        self.env["utility.interval.file"].create(
            {"name": "day1.csv", "checksum": "c1", "company_id": self.company.id}
        )
        file = self.env["utility.interval.file"].search([("name", "=", "day1.csv")])
        self.Interval.search([("meter_id", "in", (self.meter1 | self.meter3).ids)]).write(
            {"file_id": file.id}
        )
        self.Alert._cron_check_leaks()
        self.assertTrue(file.date_leak_checked)
        alerts = self.Alert.search([])
        self.assertEqual(alerts.meter_id, self.meter1)  # AMI-2's reads are in no new file
        self.assertEqual(alerts.file_id, file)
        self.assertEqual(file.leak_alert_count, 1)
        queries = self.env.cr.sql_log_count
        self.Alert._cron_check_leaks()  # nothing new: one search
        self.assertLessEqual(self.env.cr.sql_log_count - queries, 2)

    def test_check_for_leaks_button(self):
        file = self.env["utility.interval.file"].create(
            {"name": "day1.csv", "checksum": "c2", "company_id": self.company.id}
        )
        self.Interval.search([("meter_id", "=", self.meter2.id)]).write({"file_id": file.id})
        with self.assertRaises(AccessError):
            file.with_user(self.users["cashier"]).action_check_leaks()
        action = file.with_user(self.users["csr"]).action_check_leaks()
        alerts = self.Alert.search(action["domain"])
        self.assertEqual(alerts.meter_id, self.meter2)
        self.assertTrue(file.date_leak_checked)
        # From the alerts list: nothing left to check.
        result = self.Alert.with_user(self.users["csr"]).action_check_new_reads()
        self.assertEqual(
            result["params"]["message"], "No interval file is waiting for the leak check."
        )

    def test_the_check_is_batched(self):
        """Two queries for the reads whatever the number of meters: one meter or three
        normal meters cost the same."""
        unread = self.env["utility.meter"].create({"name": "AMI-9", "unit": "gallon"})
        counts = []
        for meters in (self.meter3, self.meter3 | unread):
            self.env.invalidate_all()
            queries = self.env.cr.sql_log_count
            self.Alert._check_meters(meters)
            counts.append(self.env.cr.sql_log_count - queries)
        self.assertEqual(counts[0], counts[1])

    def test_a_seasonal_account_against_its_season_last_year(self):
        """An irrigation account (Seasonal Usage) waters 5 times its spring days: against
        the same weeks last year, when it watered as much, that is no leak; the same
        account without last year's reads is compared with its days before."""
        self.account2.is_seasonal_usage = True
        last_year = self.t0 - timedelta(days=365) - timedelta(days=5)
        self._write_hours(self.meter2, self._household(20, factor=5), start=last_year)
        self.assertFalse(self._check(self.meter2))
        self.Interval.search(
            [("meter_id", "=", self.meter2.id), ("date_start", "<", self.t0)]
        ).unlink()
        alert = self._check(self.meter2)
        self.assertEqual(alert.kind, "jump")
        self.assertFalse(alert.is_season_baseline)
        self.assertIn("times its usual", alert.summary)

    def test_a_jump_against_last_year(self):
        self.account2.is_seasonal_usage = True
        last_year = self.t0 - timedelta(days=365) - timedelta(days=5)
        self._write_hours(self.meter2, self._household(20), start=last_year)
        alert = self._check(self.meter2)
        self.assertTrue(alert.is_season_baseline)
        self.assertAlmostEqual(alert.baseline_per_day, sum(DAY_PROFILE))
        self.assertIn("gallons a day at this time last year", alert.summary)

    def test_meters_in_thousand_gallons(self):
        meter = self.meter3
        meter.unit = "kgal"
        self.Interval.search([("meter_id", "=", meter.id)]).unlink()
        self._write_hours(meter, [0.004] * 30)
        alert = self._check(meter)
        self.assertEqual(alert.kind, "flow")
        self.assertAlmostEqual(alert.usage_gallons, 120)
        self.assertAlmostEqual(alert.min_per_hour, 4)

    def test_roles(self):
        """A cashier reads alerts; customer service resolves and dismisses; nobody writes
        the state or the figures by hand; an alert the customer was told of is kept."""
        alerts = self._check()
        flow = alerts.filtered(lambda a: a.kind == "flow")
        jump = alerts.filtered(lambda a: a.kind == "jump")
        cashier, csr = self.users["cashier"], self.users["csr"]
        self.assertEqual(flow.with_user(cashier).state, "notified")
        for method in ("action_resolve", "action_dismiss", "action_mark_notified"):
            with self.assertRaises(AccessError):
                getattr(flow.with_user(cashier), method)()
        with self.assertRaises(AccessError):
            flow.with_user(cashier).write({"note": "fixed"})
        with self.assertRaises(AccessError):
            flow.with_user(csr).write({"state": "resolved"})
        with self.assertRaises(AccessError):
            flow.with_user(csr).write({"usage_gallons": 1})
        with self.assertRaises(AccessError):
            self.Alert.with_user(csr).create(
                {"meter_id": self.meter3.id, "kind": "flow", "date_start": self.t0}
            )
        flow.with_user(csr).write({"note": "Toilet flapper replaced."})
        flow.with_user(csr).action_resolve()
        self.assertEqual((flow.state, flow.closed_by_id), ("resolved", csr))
        self.assertTrue(flow.date_closed)
        with self.assertRaises(UserError):
            flow.with_user(csr).action_dismiss()
        jump.with_user(csr).action_dismiss()
        self.assertEqual(jump.state, "dismissed")
        self.assertFalse(jump.activity_ids)
        with self.assertRaises(UserError):
            flow.with_user(self.users["supervisor"]).unlink()

    def test_account_smart_button(self):
        self._check()
        self.assertEqual(self.account1.leak_alert_count, 1)
        self.assertEqual(self.account3.leak_alert_count, 0)
        action = self.account1.action_view_leak_alerts()
        self.assertEqual(self.Alert.search(action["domain"]).account_id, self.account1)

    def test_settings_are_checked(self):
        with self.assertRaises(ValidationError) as refused:
            self.company.utility_leak_jump_factor = 1.0
        self.assertIn("the jump factor must be more than 1", str(refused.exception))
        settings = self.env["res.config.settings"].create({"utility_leak_flow_hours": 60})
        settings.execute()
        self.assertEqual(self.company.utility_leak_flow_hours, 60)
        # Less than 60 hours of running water.
        self.assertFalse(self._check(self.meter1))

    def test_demo_town_leaks(self):
        """The demo town's part: an AMI file imported through the wizard, then checked:
        its first meter leaks, its second jumps, the others are quiet."""
        self.Interval.search([]).unlink()
        meters = self.env["utility.meter"].search(
            [("state", "=", "installed"), ("unit", "in", ("gallon", "kgal"))], order="name"
        )
        self.assertTrue(self.env["utility.demo.town"]._generate_leak_alerts())
        file = self.env["utility.interval.file"].search([("name", "=", "ami_hourly_demo.csv")])
        self.assertEqual(file.interval_count, 240 * len(meters[:6]))
        self.assertTrue(file.date_leak_checked)
        alerts = self.Alert.search([("file_id", "=", file.id)])
        self.assertEqual(
            sorted((a.meter_id.name, a.kind) for a in alerts),
            [(meters[0].name, "flow"), (meters[1].name, "jump")],
        )
