# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A customer deposit billed at move-in is its own line on the first bill.

Schertz, TX (https://schertz.com/FAQ.aspx?QID=156): "a minimum deposit of $125
inside the city limits and $150 outside the city limits is required for
residential accounts". A renter outside the city limits moves in on February
21, 2025: the $150.00 deposit is billed that day into Customer Deposits; the
first bill (March 15) prints "Customer deposit billed 02/21/2025: $150.00" and
asks for its own charges + 150.00.
"""

from datetime import date
from decimal import Decimal

from odoo.tests import Form, tagged

from .common_billing import BillingCommon
from .common_bills import pdf_text

MOVE_OUT = date(2025, 2, 20)
MOVE_IN = date(2025, 2, 21)
DEPOSIT_LINE = "Customer deposit billed 02/21/2025: $150.00"


@tagged("post_install", "-at_install")
class TestDepositOnFirstBill(BillingCommon):
    def _move_in_with_deposit(self):
        self.env["utility.deposit.rule"].create(
            {
                "name": "Residential outside the city limits",
                "customer_class": self._customer_class("residential").id,
                "method": "flat",
                "amount": 150.0,
            }
        )
        old = self._make_accounts(1)
        old.date_start = date(2024, 1, 1)
        run = self._new_run()
        run.action_compute()
        run.action_post()
        old._move_out(MOVE_OUT, {old.service_ids.meter_id.id: 110.0})
        with Form(
            self.env["utility.account.move.in"]
            .with_user(self.csr)
            .with_context(default_location_id=old.location_id.id)
        ) as form:
            form.name = "Rita Renter"
            form.date_start = MOVE_IN
            self.assertEqual(form.amount_deposit, 150.0)
        return self.env["utility.account"].browse(form.save().action_confirm()["res_id"])

    def _bill_month(self, account, month, value):
        """The bill of ``month`` (read on the 3rd) of ``account``."""
        self._read_meters(account.service_ids.meter_id, date(2025, month, 3), [value])
        run = self._new_run(
            date_from=date(2025, month, 1),
            date_to=date(2025, month, 10),
            date_invoice=date(2025, month, 15),
            date_due=date(2025, month + 1, 5),
            date_penalty=date(2025, month + 1, 10),
        )
        run.action_compute()
        run.action_post()
        return run.move_ids.filtered(lambda m: m.utility_account_id == account)

    def test_first_bill_lists_the_deposit_and_asks_for_it(self):
        account = self._move_in_with_deposit()
        deposit = account.deposit_ids
        charge = deposit.move_ids
        self.assertEqual((deposit.amount, charge.invoice_date), (150.0, MOVE_IN))
        # The money stays a liability: debit the customer, credit Customer Deposits.
        liability = self.company._get_utility_deposit_account()
        self.env.flush_all()
        self.assertEqual(
            {line.account_id.account_type: line.balance for line in charge.line_ids},
            {"asset_receivable": 150.0, liability.account_type: -150.0},
        )
        self.assertEqual(charge.line_ids.filtered("credit").account_id, liability)
        self.assertNotEqual(liability.internal_group, "income")

        bill = self._bill_month(account, 3, 117.0)
        self.assertEqual(len(bill), 1)
        current = Decimal(str(bill.amount_total)).quantize(Decimal("0.01"))
        self.assertGreater(current, 0)
        data = bill._prepare_bill_data()[0]
        self.assertIn(DEPOSIT_LINE, data.messages)
        # Nothing was owed before the move-in: the deposit is no previous balance,
        # it is counted since the last bill, and the amount due is bill + 150.00.
        self.assertEqual(data.amount_previous_balance, Decimal("0.00"))
        self.assertEqual(data.amount_adjustments, Decimal("150.00"))
        self.assertEqual(data.amount_due, current + Decimal("150.00"))
        self.assertIn(DEPOSIT_LINE, pdf_text(bill._render_utility_bills_pdf()))
        # The deposit is still held, in the liability, not paid by the bill's printing.
        self.assertEqual(deposit.state, "billed")
        self.assertEqual(
            self.env["utility.customer.deposit"]._get_ledger_tie_out(self.company),
            (Decimal("150.00"), Decimal("150.00")),
        )

        # The statement of account names it the same way.
        statement = self.env["utility.account.statement"].create(
            {"account_id": account.id, "date_from": MOVE_IN, "date_to": date(2025, 3, 31)}
        )
        rows = statement._get_report_values()["rows"]
        row = next(r for r in rows if r["reference"] == charge.name)
        self.assertEqual(
            (row["kind"], row["description"], row["charge"]),
            ("Deposit", "Customer deposit billed 02/21/2025", "$\xa0150.00"),
        )

    def test_a_deposit_is_listed_once(self):
        """The second bill does not list the deposit billed before the first."""
        account = self._move_in_with_deposit()
        first = self._bill_month(account, 3, 117.0)
        second = self._bill_month(account, 4, 124.0)
        self.assertEqual(len(second), 1)
        self.assertIn(DEPOSIT_LINE, first._prepare_bill_data()[0].messages)
        self.assertNotIn(DEPOSIT_LINE, second._prepare_bill_data()[0].messages)
