# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Interval (AMI) files: checked, imported whole in bulk or not at all, never twice."""

import base64
from datetime import timedelta

from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common_leak import LeakCommon


@tagged("post_install", "-at_install")
class TestIntervalImport(LeakCommon):
    def _csv(self, *rows):
        return "\r\n".join(["Meter_ID,Read_Time,Consumption", *rows]).encode()

    def _at(self, hours):
        return f"{self.t0 + timedelta(hours=hours):%Y-%m-%d %H:%M}"

    def _clean_file(self, hours=3):
        return self._csv(
            *(
                f"{meter.name},{self._at(h)},{h + 0.5}"
                for meter in (self.meter1, self.meter2)
                for h in range(hours)
            )
        )

    def test_clean_file_imports_every_row_in_bulk(self):
        wizard = self._import(self._clean_file())
        wizard.action_check()
        self.assertEqual((wizard.row_count, wizard.ok_count, wizard.error_count), (6, 6, 0))
        self.assertEqual(wizard.summary, "6 rows, all OK: ready to import.")
        with self.assertQueryCount(__system__=40):
            action = wizard.action_import()
        file = self.env["utility.interval.file"].browse(action["res_id"])
        self.assertEqual(file.interval_count, 6)
        self.assertEqual(file.meter_count, 2)
        self.assertEqual(file.date_from, self.t0)
        self.assertEqual(file.date_to, self.t0 + timedelta(hours=2))
        self.assertFalse(file.date_leak_checked)
        reads = self.Interval.search([("file_id", "=", file.id)], order="meter_id, date_start")
        self.assertEqual(
            [(r.meter_id, r.date_start, r.usage) for r in reads[:3]],
            [(self.meter1, self.t0 + timedelta(hours=h), h + 0.5) for h in range(3)],
        )
        self.assertEqual(set(reads.mapped("interval_minutes")), {60})
        self.assertEqual(reads.company_id, self.company)

    def test_the_file_is_read_in_the_clerks_time_zone(self):
        content = self._csv(f"AMI-1,{self._at(0)},1")
        wizard = self._import(content).with_context(tz="America/Chicago")
        action = wizard.action_import()
        read = self.Interval.search([("file_id", "=", action["res_id"])])
        offset = read.date_start - self.t0
        self.assertIn(offset, (timedelta(hours=5), timedelta(hours=6)))

    def test_query_count_does_not_grow_with_the_rows(self):
        """Check and import in a fixed number of queries: 6 rows or 300."""
        counts = []
        # The first import warms the caches (access rules, the layout...).
        for hours, name, start in (
            (2, "warm.csv", 200),
            (3, "small.csv", 0),
            (150, "large.csv", 10),
        ):
            content = self._csv(
                *(
                    f"{meter.name},{self._at(start + h)},1"
                    for meter in (self.meter1, self.meter2)
                    for h in range(hours)
                )
            )
            wizard = self._import(content, name=name)
            queries = self.env.cr.sql_log_count
            wizard.action_import()
            counts.append(self.env.cr.sql_log_count - queries)
        self.assertEqual(counts[1], counts[2])

    def test_bad_rows_import_nothing_then_good_rows_only(self):
        content = self._csv(
            f"AMI-1,{self._at(0)},2",
            f"NOPE-9,{self._at(0)},2",
            f"AMI-1,{self._at(1)},-1",
            f"AMI-2,{(self.t0 + timedelta(days=30)):%Y-%m-%d %H:%M},2",
            f"AMI-1,{self._at(0)},3",
        )
        wizard = self._import(content)
        with self.assertRaises(UserError) as refused:
            wizard.action_import()
        message = str(refused.exception)
        self.assertIn("Nothing was imported: 4 of 5 rows have errors.", message)
        self.assertIn("line 3: unknown meter 'NOPE-9'", message)
        self.assertIn("line 4: usage '-1' is negative", message)
        self.assertIn("line 5: interval", message)
        self.assertIn("is in the future", message)
        self.assertIn("line 6: the same meter and time already appear on line 2", message)
        self.assertFalse(
            self.Interval.search([("meter_id", "in", (self.meter1 | self.meter2).ids)])
        )
        self.assertFalse(self.env["utility.interval.file"].search([]))
        wizard.action_check()
        self.assertEqual(wizard.error_count, 4)
        self.assertEqual(wizard.line_ids[0].status, "error")  # errors first
        action = wizard.action_import_valid()
        file = self.env["utility.interval.file"].browse(action["res_id"])
        self.assertEqual(file.state, "partial")
        self.assertEqual(file.interval_count, 1)
        self.assertIn("unknown meter 'NOPE-9'", file.rejected_rows)

    def test_same_file_twice_is_refused(self):
        self._import(self._clean_file()).action_import()
        with self.assertRaises(UserError) as refused:
            self._import(self._clean_file(), name="again.csv").action_import()
        self.assertIn("This file was already imported on", str(refused.exception))
        self.assertIn("(ami.csv, 6 interval reads)", str(refused.exception))

    def test_an_interval_already_read_is_refused_by_row(self):
        self._import(self._clean_file()).action_import()
        content = self._csv(f"AMI-1,{self._at(0)},9", f"AMI-1,{self._at(5)},1")
        with self.assertRaises(UserError) as refused:
            self._import(content, name="other.csv").action_import()
        self.assertIn("line 2: meter AMI-1 already has the interval of", str(refused.exception))

    def test_meter_not_installed(self):
        stock = self.env["utility.meter"].create({"name": "AMI-STOCK"})
        with self.assertRaises(UserError) as refused:
            self._import(self._csv(f"{stock.name},{self._at(0)},1")).action_import()
        self.assertIn("meter AMI-STOCK is not installed (In Stock)", str(refused.exception))

    def test_whole_file_problems(self):
        with self.assertRaises(UserError) as refused:
            self._import(b"\r\n\r\n").action_import()
        self.assertIn("the file is empty", str(refused.exception))
        with self.assertRaises(UserError) as refused:
            self._import(b"Meter,When,Gallons\nAMI-1,x,1\n").action_import()
        self.assertIn("the header row has no column 'Meter_ID'", str(refused.exception))
        wizard = self._import(b"x")
        wizard.file_data = False
        with self.assertRaises(UserError) as refused:
            wizard.action_check()
        self.assertEqual(str(refused.exception), "Choose the interval file to import.")
        self.assertFalse(self.env["utility.interval.file"].search([]))

    def test_file_above_the_size_limit(self):
        self.company.utility_import_max_size_mb = 1
        big = self._csv(*([f"AMI-1,{self._at(0)},1"] * 60000))
        wizard = self._import(big)
        with self.assertRaises(UserError) as refused:
            wizard.action_check()
        self.assertIn("files above 1 MB are refused", str(refused.exception))

    def test_database_refuses_a_second_read_of_an_interval(self):
        self._write_hours(self.meter1, [1])
        with (
            self.assertRaises(IntegrityError),
            mute_logger("odoo.sql_db"),
            self.cr.savepoint(),
        ):
            self._write_hours(self.meter1, [2])

    def test_layout_problems_are_refused(self):
        with self.assertRaises(ValidationError) as refused:
            self.env["utility.interval.file.layout"].create(
                {"name": "Bad", "usage_column": False, "interval_minutes": 7}
            )
        self.assertIn("no column for: usage", str(refused.exception))
        self.assertIn("interval length must be one of", str(refused.exception))

    def test_roles(self):
        """Billing imports; a CSR reads the files and checks them for leaks but does not import;
        only a supervisor deletes a file (and its reads)."""
        with self.assertRaises(AccessError):
            self._import(self._clean_file(), user=self.users["csr"])
        action = self._import(self._clean_file()).action_import()
        file = self.env["utility.interval.file"].browse(action["res_id"])
        self.assertEqual(file.with_user(self.users["csr"]).interval_count, 6)
        with self.assertRaises(AccessError):
            file.with_user(self.users["cashier"]).read(["name"])
        with self.assertRaises(UserError):
            file.with_user(self.users["billing"]).unlink()
        with self.assertRaises(AccessError):
            file.with_user(self.users["billing"]).write({"date_leak_checked": "2026-01-01"})
        file.with_user(self.users["supervisor"]).unlink()
        self.assertFalse(self.Interval.search([("meter_id", "=", self.meter1.id)]))

    def test_wizard_form_opens(self):
        wizard = self._import(base64.b64decode(base64.b64encode(self._clean_file())))
        self.assertEqual(wizard.action_check()["res_model"], "utility.meter.interval.import")
