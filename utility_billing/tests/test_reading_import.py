# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged
from odoo.tests.common import TransactionCase

HEADER = "Meter,Account,Read Date,Reading,Read Type,Reader,Note"


@tagged("post_install", "-at_install")
class TestReadingImport(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.context_today(cls.env["utility.meter.reading"])
        cls.read_day = cls.today - timedelta(days=1)
        cls.billing_user = new_test_user(
            cls.env, login="ub_import_billing", groups="utility_billing.group_utility_billing"
        )
        cls.csr_user = new_test_user(
            cls.env, login="ub_import_csr", groups="utility_billing.group_utility_csr"
        )
        cls.layout = cls.env.ref("utility_billing.reading_file_layout_handheld_csv")
        cls.fixed_layout = cls.env.ref("utility_billing.reading_file_layout_route_fixed")
        cls.water = cls.env.ref("utility_billing.service_type_water")
        cls.schedule = cls.env["utility.rate.schedule"].create(
            {"name": "Water residential", "code": "W-IMP", "service_type_id": cls.water.id}
        )
        cls.partner = cls.env["res.partner"].create({"name": "Import Customer"})
        meters, accounts = cls._make_metered_accounts(["IMP-1", "IMP-2", "IMP-3"])
        cls.meter1, cls.meter2, cls.meter3 = meters
        cls.account1, cls.account2, cls.account3 = accounts
        cls.stock_meter = cls.env["utility.meter"].create({"name": "IMP-STOCK"})
        # A year of steady use on IMP-1 (about 10 a month), so a jump is a high-usage edit.
        cls.env["utility.meter.reading"].create(
            [
                {
                    "meter_id": cls.meter1.id,
                    "date": cls.read_day - timedelta(days=30 * months),
                    "value": 1000.0 - 10 * months,
                    "read_type": "actual",
                    "source": "manual",
                }
                for months in range(12, 0, -1)
            ]
        )

    @classmethod
    def _make_metered_accounts(cls, serials):
        """Installed meters on active metered water services, one account each, in batch."""
        locations = cls.env["utility.service.location"].create(
            [{"street": f"{n} Import Street"} for n in range(1, len(serials) + 1)]
        )
        meters = cls.env["utility.meter"].create(
            [
                {"name": serial, "state": "installed", "location_id": location.id}
                for serial, location in zip(serials, locations, strict=True)
            ]
        )
        accounts = cls.env["utility.account"].create(
            [
                {
                    "partner_id": cls.partner.id,
                    "location_id": location.id,
                    "date_start": cls.today - timedelta(days=800),
                }
                for location in locations
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

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _day(self, day=None):
        return (day or self.read_day).strftime("%m/%d/%Y")

    def _csv(self, *rows):
        return "\r\n".join([HEADER, *rows]).encode()

    def _wizard(self, content, name="route12.csv", layout=None, user=None):
        return (
            self.env["utility.meter.reading.import"]
            .with_user(user or self.billing_user)
            .create(
                {
                    "file_data": base64.b64encode(content),
                    "file_name": name,
                    "layout_id": (layout or self.layout).id,
                }
            )
        )

    def _readings(self, meters=None):
        return self.env["utility.meter.reading"].search(
            [("meter_id", "in", (meters or self.meter1 | self.meter2 | self.meter3).ids)]
        )

    def _clean_file(self):
        a1, a2, a3 = self.account1.name, self.account2.name, self.account3.name
        return self._csv(
            # 1000 above last month: far over the account's average of 10.
            f"IMP-1,{a1},{self._day()},2000,A,R07,",
            f"IMP-2,{a2},{self._day()},55.5,E,R07,gate locked",
            f"IMP-3,{a3},{self._day()},12,,R07,",
        )

    # ------------------------------------------------------------------
    # Happy path
    # ------------------------------------------------------------------
    def test_clean_file_imports_every_row_in_one_go(self):
        wizard = self._wizard(self._clean_file())
        wizard.action_check()
        self.assertEqual(wizard.state, "checked")
        self.assertEqual((wizard.row_count, wizard.ok_count, wizard.error_count), (3, 3, 0))
        self.assertEqual(wizard.line_ids.mapped("status"), ["ok"] * 3)
        self.assertEqual(
            wizard.line_ids.mapped("meter_id"), self.meter1 | self.meter2 | self.meter3
        )
        self.assertEqual(wizard.line_ids[1].account_id, self.account2)
        self.assertIn("all OK", wizard.summary)
        before = self._readings()

        action = wizard.action_import()

        self.assertEqual(action["res_model"], "utility.reading.file")
        file = self.env["utility.reading.file"].browse(action["res_id"])
        self.assertEqual(file.name, "route12.csv")
        self.assertEqual(file.state, "imported")
        self.assertEqual(file.user_id, self.billing_user)
        self.assertEqual(file.layout_id, self.layout)
        self.assertEqual((file.row_count, file.rejected_count), (3, 0))
        self.assertEqual(len(file.checksum), 64)
        readings = self._readings() - before
        self.assertEqual(file.reading_ids, readings)
        self.assertEqual(file.reading_count, 3)
        self.assertEqual(set(readings.mapped("source")), {"import"})
        self.assertEqual(set(readings.mapped("date")), {self.read_day})
        by_meter = {r.meter_id: r for r in readings}
        self.assertEqual(by_meter[self.meter2].value, 55.5)
        self.assertEqual(by_meter[self.meter2].read_type, "estimated")
        self.assertEqual(by_meter[self.meter3].read_type, "actual")
        self.assertEqual(by_meter[self.meter1].account_id, self.account1)
        # The read edits ran on the batch: the jump on IMP-1 waits in the queue.
        self.assertEqual(by_meter[self.meter1].state, "exception")
        self.assertEqual(file.exception_count, 1)
        exceptions = file.action_view_exceptions()
        self.assertEqual(
            self.env["utility.meter.reading"].search(exceptions["domain"]), by_meter[self.meter1]
        )

    def test_wizard_form(self):
        form = Form(self.env["utility.meter.reading.import"].with_user(self.billing_user))
        self.assertEqual(form.layout_id, self.layout, "the first layout is the default")
        form.file_data = base64.b64encode(self._clean_file())
        wizard = form.save()
        action = wizard.action_check()
        self.assertEqual((action["res_model"], action["res_id"]), (wizard._name, wizard.id))
        self.assertEqual(wizard.ok_count, 3)
        # Another file or layout makes the preview stale: back to upload.
        with Form(wizard) as form:
            form.layout_id = self.fixed_layout
            self.assertEqual(form.state, "draft")
        self.assertFalse(wizard.line_ids)

    def test_fixed_width_route_file(self):
        def record(account, meter, value, code):
            return f"D{account:<10}{meter:<12}{self.read_day:%Y%m%d}{value:>10}{code}R07 "

        content = "\r\n".join(
            [
                f"H{self.read_day:%Y%m%d}ROUTE 12",
                record(self.account2.name, "IMP-2", "0000000060", "A"),
                record(self.account3.name, "IMP-3", "0000000015", "C"),
                "T0000002",
            ]
        ).encode("latin-1")
        wizard = self._wizard(content, name="ROUTE12.DAT", layout=self.fixed_layout)
        action = wizard.action_import()
        file = self.env["utility.reading.file"].browse(action["res_id"])
        self.assertEqual(file.reading_ids.mapped("meter_id"), self.meter2 | self.meter3)
        self.assertEqual(sorted(file.reading_ids.mapped("value")), [15.0, 60.0])
        self.assertEqual(
            file.reading_ids.filtered(lambda r: r.meter_id == self.meter3).read_type, "customer"
        )

    # ------------------------------------------------------------------
    # Bad rows: nothing, unless asked for the good ones
    # ------------------------------------------------------------------
    def test_bad_rows_import_nothing_then_good_rows_only(self):
        a1, a2 = self.account1.name, self.account2.name
        content = self._csv(
            f"IMP-1,{a1},{self._day()},1005,A,R07,",
            f"NOPE-9,{a1},{self._day()},12,A,R07,",
            f"IMP-2,{a2},{self._day()},abc,A,R07,",
            f"IMP-3,{self.account3.name},{self._day()},14,A,R07,",
        )
        wizard = self._wizard(content)
        wizard.action_check()
        self.assertEqual((wizard.row_count, wizard.ok_count, wizard.error_count), (4, 2, 2))
        self.assertEqual(wizard.line_ids.mapped("status"), ["ok", "error", "error", "ok"])
        self.assertEqual(wizard.line_ids[1].message, "unknown meter 'NOPE-9'")
        self.assertEqual(wizard.line_ids[2].message, "reading 'abc' is not a number")
        self.assertIn("2 with errors", wizard.summary)
        before = self._readings()

        with self.assertRaises(UserError) as refused:
            wizard.action_import()
        message = str(refused.exception)
        self.assertIn("Nothing was imported: 2 of 4 rows have errors", message)
        self.assertIn("line 3: unknown meter 'NOPE-9'", message)
        self.assertIn("line 4: reading 'abc' is not a number", message)
        self.assertIn("Import the good rows only", message)
        self.assertEqual(self._readings(), before)
        self.assertFalse(
            self.env["utility.reading.file"].search([("checksum", "=", wizard.checksum)])
        )

        action = wizard.action_import_valid()
        file = self.env["utility.reading.file"].browse(action["res_id"])
        self.assertEqual(file.state, "partial")
        self.assertEqual((file.row_count, file.rejected_count, file.reading_count), (4, 2, 2))
        self.assertEqual(file.reading_ids.mapped("meter_id"), self.meter1 | self.meter3)
        self.assertEqual(
            file.rejected_rows,
            "line 3: unknown meter 'NOPE-9'\nline 4: reading 'abc' is not a number",
        )
        self.assertEqual(self._readings() - before, file.reading_ids)

        # The same file cannot come back, even partially imported.
        with self.assertRaisesRegex(UserError, "This file was already imported on"):
            self._wizard(content).action_import_valid()

    def test_nothing_to_import_from_a_file_of_bad_rows(self):
        wizard = self._wizard(self._csv(f"NOPE-1,,{self._day()},1,A,,"))
        with self.assertRaisesRegex(UserError, "No row of this file can be imported"):
            wizard.action_import_valid()
        self.assertFalse(
            self.env["utility.reading.file"].search([("checksum", "=", wizard.checksum)])
        )

    def test_error_inside_the_batch_leaves_nothing_behind(self):
        wizard = self._wizard(self._clean_file())
        Reading = type(self.env["utility.meter.reading"])
        with (
            patch.object(Reading, "create", side_effect=ValidationError("read edit crashed")),
            self.assertRaises(ValidationError),
        ):
            wizard.action_import()
        self.assertFalse(self.env["utility.reading.file"].search([("name", "=", "route12.csv")]))

    # ------------------------------------------------------------------
    # Never twice
    # ------------------------------------------------------------------
    def test_same_file_twice_is_refused_with_the_clear_message(self):
        content = self._clean_file()
        self._wizard(content).action_import()
        count = len(self._readings())
        files = self.env["utility.reading.file"].search_count([])

        again = self._wizard(content, name="route12-copy.csv")
        with self.assertRaises(UserError) as refused:
            again.action_check()
        message = str(refused.exception)
        self.assertIn("This file was already imported on", message)
        self.assertIn(f"by {self.billing_user.name}", message)
        self.assertRegex(message, r"\(route12\.csv, \d+ readings\)\.$")
        with self.assertRaisesRegex(UserError, "This file was already imported on"):
            again.action_import()
        self.assertEqual(len(self._readings()), count)
        self.assertEqual(self.env["utility.reading.file"].search_count([]), files)

    def test_file_without_a_name_is_recorded_by_what_it_is(self):
        wizard = self._wizard(self._clean_file(), name=False)
        file = self.env["utility.reading.file"].browse(wizard.action_import()["res_id"])
        self.assertEqual((file.name, file.state), ("Readings file", "imported"))
        self.assertEqual(file.layout_id, self.layout)
        self.assertEqual(file.user_id, self.billing_user)
        self.assertEqual(file.row_count, len(file.reading_ids))

    def test_checksum_is_unique_in_the_database_too(self):
        vals = {"name": "a.csv", "checksum": "f" * 64}
        self.env["utility.reading.file"].create(vals)
        with self.assertRaisesRegex(UserError, "already imported"):
            self.env["utility.reading.file"].create(dict(vals, name="b.csv"))

    def test_other_file_with_a_reading_already_imported_refuses_that_row(self):
        a1, a3 = self.account1.name, self.account3.name
        self._wizard(
            self._csv(f"IMP-3,{a3},{self._day()},12,A,R07,"), name="first.csv"
        ).action_import()
        manual_day = self.read_day - timedelta(days=3)
        self.env["utility.meter.reading"].create(
            {"meter_id": self.meter1.id, "date": manual_day, "value": 1001.0, "source": "manual"}
        )
        wizard = self._wizard(
            self._csv(
                f"IMP-1,{a1},{self._day()},1004,A,R07,",
                f"IMP-3,{a3},{self._day()},13,A,R07,corrected",
                f"IMP-1,{a1},{self._day(manual_day)},1001,A,R07,",
            ),
            name="second.csv",
        )
        wizard.action_check()
        self.assertEqual(wizard.line_ids.mapped("status"), ["ok", "error", "error"])
        self.assertEqual(
            wizard.line_ids[1].message,
            f"already imported (reading of {self.read_day:%m/%d/%Y} from file first.csv)",
        )
        self.assertEqual(
            wizard.line_ids[2].message,
            f"a reading of {manual_day:%m/%d/%Y} is already recorded for this meter (Manual Entry)",
        )

    # ------------------------------------------------------------------
    # What the database refuses, row by row
    # ------------------------------------------------------------------
    def test_database_refusals_each_with_its_message(self):
        tomorrow = self.today + timedelta(days=1)
        content = self._csv(
            f"UNKNOWN-7,{self.account1.name},{self._day()},10,A,,",
            f"IMP-STOCK,,{self._day()},10,A,,",
            f"IMP-2,{self.account1.name},{self._day()},10,A,,",
            f"IMP-3,{self.account3.name},{self._day(tomorrow)},10,A,,",
            f"IMP-1,{self.account1.name},{self._day()},1003,A,,",
        )
        wizard = self._wizard(content)
        wizard.action_check()
        messages = wizard.line_ids.mapped("message")
        self.assertEqual(messages[0], "unknown meter 'UNKNOWN-7'")
        self.assertEqual(messages[1], "meter IMP-STOCK is not installed (In Stock)")
        self.assertEqual(
            messages[2],
            f"account {self.account1.name} is not the account of meter IMP-2 "
            f"({self.account2.name})",
        )
        self.assertEqual(messages[3], f"date {tomorrow:%m/%d/%Y} is in the future")
        self.assertFalse(messages[4])
        self.assertEqual((wizard.ok_count, wizard.error_count), (1, 4))
        with self.assertRaises(UserError) as refused:
            wizard.action_import()
        for line_number, message in enumerate(messages[:4], start=2):
            self.assertIn(f"line {line_number}: {message}", str(refused.exception))

    def test_reading_inside_a_billed_period_is_refused(self):
        billed_day = self.read_day - timedelta(days=60)
        billed = self.env["utility.meter.reading"].search(
            [("meter_id", "=", self.meter1.id), ("date", "=", billed_day)]
        )
        self.assertEqual(billed.state, "valid")
        billed.write({"state": "billed"})
        wizard = self._wizard(
            self._csv(f"IMP-1,,{self._day(billed_day - timedelta(days=5))},975,A,,")
        )
        wizard.action_check()
        self.assertEqual(
            wizard.line_ids.message,
            f"meter IMP-1 is billed up to {billed_day:%m/%d/%Y}: a reading dated "
            f"{billed_day - timedelta(days=5):%m/%d/%Y} would change a bill "
            "(correct it by cancel-and-rebill)",
        )

    def test_account_column_left_empty_is_not_checked(self):
        wizard = self._wizard(self._csv(f"IMP-2,,{self._day()},10,A,,"))
        wizard.action_check()
        self.assertEqual(wizard.line_ids.status, "ok")
        self.assertEqual(wizard.line_ids.account_id, self.account2)

    def test_file_level_problems_are_refused_whole(self):
        with self.assertRaisesRegex(UserError, "the file is empty"):
            self._wizard(b"\r\n\r\n").action_check()
        with self.assertRaisesRegex(UserError, "the file has a header but no readings"):
            self._wizard(HEADER.encode() + b"\r\n").action_check()
        with self.assertRaisesRegex(UserError, "the header row has no column 'Read Type'"):
            self._wizard(
                b"Meter,Account,Read Date,Reading\r\nIMP-1,,03/01/2026,1\r\n"
            ).action_check()
        wizard = self.env["utility.meter.reading.import"].create({"layout_id": self.layout.id})
        with self.assertRaisesRegex(UserError, "Choose the readings file"):
            wizard.action_check()

    # ------------------------------------------------------------------
    # Roles
    # ------------------------------------------------------------------
    def test_csr_cannot_import(self):
        with self.assertRaises(AccessError):
            self._wizard(self._clean_file(), user=self.csr_user)
        with self.assertRaises(AccessError):
            self.env["utility.meter.reading.import"].with_user(self.csr_user).check_access("read")

    def test_csr_reads_imported_files(self):
        action = self._wizard(self._clean_file()).action_import()
        file = self.env["utility.reading.file"].with_user(self.csr_user).browse(action["res_id"])
        self.assertEqual(file.reading_count, 3)
        with self.assertRaises(AccessError):
            file.unlink()

    # ------------------------------------------------------------------
    # Layouts
    # ------------------------------------------------------------------
    def test_layout_problems_are_refused_at_once(self):
        with self.assertRaises(ValidationError) as refused:
            self.env["utility.reading.file.layout"].create(
                {
                    "name": "Broken",
                    "file_format": "csv",
                    "has_header": False,
                    "meter_column": "Meter",
                    "value_column": "3",
                    "read_type_codes": "A=actual,Z=guess",
                }
            )
        message = str(refused.exception)
        self.assertIn("'guess' is not a read type", message)

        with self.assertRaises(ValidationError) as refused:
            self.env["utility.reading.file.layout"].create(
                {
                    "name": "Broken",
                    "file_format": "csv",
                    "has_header": False,
                    "meter_column": "Meter",
                    "value_column": "3",
                }
            )
        message = str(refused.exception)
        self.assertIn("no column for: read date", message)
        self.assertIn("the meter number column 'Meter' is a name", message)

    def test_tab_layout(self):
        layout = self.env["utility.reading.file.layout"].create(
            {
                "name": "AMI tab",
                "file_format": "csv",
                "has_header": False,
                "delimiter": "tab",
                "date_format": "YYYY-MM-DD",
                "meter_column": "1",
                "date_column": "2",
                "value_column": "3",
            }
        )
        content = f"IMP-2\t{self.read_day:%Y-%m-%d}\t77\n".encode()
        action = self._wizard(content, name="ami.txt", layout=layout).action_import()
        file = self.env["utility.reading.file"].browse(action["res_id"])
        self.assertEqual(file.reading_ids.value, 77.0)

    # ------------------------------------------------------------------
    # Cost
    # ------------------------------------------------------------------
    def test_query_count_does_not_grow_with_the_rows(self):
        serials = [f"Q-{n:04d}" for n in range(200)]
        self._make_metered_accounts(serials)

        def queries_for(count, name, day):
            content = self._csv(
                *(
                    f"{serial},,{self._day(day)},{n + 5},A,,,"
                    for n, serial in enumerate(serials[:count])
                )
            )
            wizard = self._wizard(content, name=name)
            self.env.invalidate_all()
            start = self.env.cr.sql_log_count
            wizard.action_check()
            wizard.action_import()
            self.env.flush_all()
            return self.env.cr.sql_log_count - start

        # The first import warms the caches (rules, translations, views).
        queries_for(10, "warm-up.csv", self.read_day - timedelta(days=4))
        small = queries_for(10, "small.csv", self.read_day - timedelta(days=2))
        large = queries_for(200, "large.csv", self.read_day)
        self.assertLessEqual(
            large,
            small + 10,
            f"import of 200 rows costs {large} queries, 10 rows {small}: some cost is per row",
        )
