# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The spreadsheets of the meter exception list, the open work orders and the
delinquency list: each workbook is opened and its cells read back."""

import io
from datetime import date, timedelta

import openpyxl

from odoo.tests import new_test_user, tagged

from ..models.utility_locked_fields_mixin import as_action
from .common_meter import MeterCommon
from .common_payment import PaymentCommon


def _sheet(env, report_name, records):
    content, kind = env["ir.actions.report"]._render(report_name, records.ids)
    assert kind == "xlsx"
    book = openpyxl.load_workbook(io.BytesIO(content))
    sheet = book[book.sheetnames[0]]
    rows = list(sheet.iter_rows(values_only=True))
    return book.sheetnames, rows[0], rows[1:]


@tagged("post_install", "-at_install")
class TestMeterListsXlsx(MeterCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # An initial read, then 12 months of 10 kgal; the 13th month reads 61.2
        # kgal: high usage, held for review, and a check read ordered on it.
        readings = cls._read_history(list(range(0, 130, 10)))
        cls.held = cls._read(181.2, readings[-1].date + timedelta(days=30))
        cls.exception = cls.held.exception_ids
        cls.exception.action_check_read()

    def test_meter_exception_list(self):
        self.assertEqual(self.held.state, "exception")
        sheets, header, rows = _sheet(
            self.env, "utility_billing.report_utility_reading_exception_xlsx", self.exception
        )
        self.assertEqual(sheets, ["Meter Exceptions"])
        self.assertEqual(header[:4], ("Read On", "Edit", "Status", "Account"))
        self.assertEqual(len(rows), 1)
        row = dict(zip(header, rows[0], strict=True))
        self.assertEqual(row["Read On"].date(), self.held.date)
        self.assertEqual(row["Edit"], "High Usage")
        self.assertEqual(row["Status"], "Open")
        self.assertEqual(row["Meter"], self.meter.display_name)
        self.assertEqual(row["Reading"], 181.2)
        self.assertEqual(row["Previous"], 120)
        self.assertAlmostEqual(row["Usage"], 61.2)

    def test_open_work_orders(self):
        order = self.exception.work_order_id
        self.assertTrue(order)
        ages = self.env["utility.work.order.age"].search([("work_order_id", "=", order.id)])
        self.assertEqual(len(ages), 1)
        sheets, header, rows = _sheet(
            self.env, "utility_billing.report_utility_work_order_age_xlsx", ages
        )
        self.assertEqual(sheets, ["Open Work Orders"])
        row = dict(zip(header, rows[0], strict=True))
        self.assertEqual(row["Order"], order.display_name)
        self.assertEqual(row["Type"], ages.type_id.display_name)
        self.assertEqual(row["Days Open"], ages.age_days)
        self.assertEqual(row["Ordered On"].date(), ages.date_ordered)


@tagged("post_install", "-at_install")
class TestDelinquencyListXlsx(PaymentCommon):
    def test_delinquency_list(self):
        """Hagerstown, MD (hagerstownmd.org/205/Rates-Fees): "a late payment
        charge of 10% ... upon the total charges ... not paid by the current
        amount due date". Bill $45.67 + $30.00 + $14.98 = $90.65 due February
        4, aged on February 10: 1-30 days; 10% = $9.065, half-up $9.07."""
        fee_income = self.env["account.account"].create(
            {"code": "41900", "name": "Late fee revenue", "account_type": "income"}
        )
        self.env["utility.late.fee.rule"].create(
            {
                "name": "Late fee",
                "cycle_ids": [self.cycle.id],
                "percent": 10.0,
                "income_account_id": fee_income.id,
            }
        )
        self._post_bill(
            self.account,
            date(2025, 1, 15),
            {self.water: 45.67, self.sewer: 30.00, self.garbage: 14.98},
        )
        run = self.env["utility.delinquency.run"].create(
            {
                "cycle_id": self.cycle.id,
                "date_due": date(2025, 2, 4),
                "date_penalty": date(2025, 2, 9),
                "date_fee": date(2025, 2, 10),
            }
        )
        run.action_compute()
        line = run.line_ids.filtered(lambda line: line.account_id == self.account)
        # Where collections stand: a past-due then a final notice sent, the
        # account on the run's shut-off list.
        vals = {
            "run_id": run.id,
            "company_id": run.company_id.id,
            "account_id": self.account.id,
        }
        as_action(self.env["utility.collection.notice"]).create(
            [
                dict(vals, name=f"N{kind}", kind=kind, partner_id=self.account.partner_id.id,
                     date=date(2025, 2, 12), state="sent")
                for kind in ("final", "past_due")
            ]
        )  # fmt: skip
        as_action(self.env["utility.shutoff.line"]).create(dict(vals, state="listed"))
        sheets, header, rows = _sheet(
            self.env, "utility_billing.report_utility_delinquency_line_xlsx", line
        )
        self.assertEqual(sheets, ["Delinquency List"])
        row = dict(zip(header, rows[0], strict=True))
        self.assertEqual(row["Account"], self.account.display_name)
        self.assertEqual(row["1-30 Days"], 90.65)
        self.assertEqual(row["Past Due"], 90.65)
        self.assertEqual(row["Not Yet Due"], 0)
        self.assertEqual(row["Late Fee"], 9.07)
        self.assertEqual(row["Status"], "Fee to Post")
        self.assertEqual(row["Last Notice"], "Final (Shut-off) Notice")
        self.assertEqual(row["Notice Status"], "Sent")
        self.assertEqual(row["Shut-off"], "To Shut Off")
        # A cashier reads the list's collections columns too (Collections reads them).
        cashier = new_test_user(
            self.env,
            login="dlq_cashier",
            groups="utility_billing.group_utility_cashier",
            company_id=self.env.company.id,
            company_ids=[(6, 0, self.env.company.ids)],
        )
        self.assertEqual(line.with_user(cashier).shutoff_state, "listed")
