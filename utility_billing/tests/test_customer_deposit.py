# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Customer deposits: the rule, the liability, interest, refund, move-out.

Published rules the figures come from:
- Sebring, FL (https://www.mysebring.com/209/Deposits): residential water and
  sewer deposits per service, $70 an owner, $100 a tenant; a remaining deposit
  of $1 or more is returned after the final bill;
- Tempe, AZ (http://tempe.gov/city-hall/finance-technology/customer-services/deposit-information):
  every residential renter pays a $50 refundable deposit, applied back to the
  account after 12 consecutive timely payments or on the final bill;
- El Reno, OK (https://www.elrenook.gov/FAQ.aspx?QID=79): at move-out the deposit
  is applied to the final bill and the difference refunded;
- Oklahoma Corporation Commission (http://www.occeweb.com/pu/Deposit_Interest/Deposit_Interest.html):
  refund after 12 months if not late more than once and no dishonored check;
- Arkansas Code 23-4-206 (http://laws9.com/statutes/arkansas/title-23/subtitle-1/chapter-4/subchapter-2/23-4-206):
  simple interest on deposits at a yearly rate set for each calendar year.
"""

from datetime import date, timedelta
from decimal import Decimal

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from ..lib.deposits import simple_interest, whole_months
from .common_billing import BillingCommon

MOVE_OUT = date(2025, 2, 20)


def test_simple_interest_by_whole_months_at_each_years_rate():
    """$100 held March 15, 2024 to March 20, 2025: 12 whole months, 10 of them
    starting in 2024 (8.50 %) and 2 in 2025 (7.50 %):
    100 x (0.085 x 10/12 + 0.075 x 2/12) = 7.0833 + 1.25 = 8.3333 -> $8.33."""
    assert whole_months(date(2024, 3, 15), date(2025, 3, 20)) == 12
    assert whole_months(date(2024, 3, 15), date(2024, 4, 14)) == 0
    rates = {2024: Decimal("8.5"), 2025: Decimal("7.5")}
    assert simple_interest(100, date(2024, 3, 15), date(2025, 3, 20), rates) == Decimal("8.33")
    # Less than a whole month earns nothing.
    assert simple_interest(100, date(2024, 3, 15), date(2024, 4, 10), rates) == Decimal("0.00")


@tagged("post_install", "-at_install")
class TestCustomerDeposit(BillingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bank_journal = cls.company_data["default_journal_bank"]
        cls.Deposit = cls.env["utility.customer.deposit"]
        cls.liability = cls.company._get_utility_deposit_account()
        cls.supervisor = cls.env.user

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _billed_accounts(self, count=1):
        accounts = self._make_accounts(count)
        accounts.date_start = date(2024, 1, 1)
        run = self._new_run()
        run.action_compute()
        run.action_post()
        return accounts

    def _pay(self, account, amount, day):
        payment = self.env["utility.payment"].create(
            {
                "date": day,
                "source": "lockbox",
                "journal_id": self.bank_journal.id,
                "line_ids": [(0, 0, {"account_id": account.id, "amount": amount})],
            }
        )
        payment.action_post()
        return payment

    def _balances(self, move):
        self.env.flush_all()
        return {
            line.account_id: round(line.balance, 2)
            for line in move.line_ids
            if not line.currency_id.is_zero(line.balance)
        }

    def _rule(self, **vals):
        return self.env["utility.deposit.rule"].create(
            dict(
                {
                    "name": "Residential renters",
                    "customer_class": self._customer_class("residential").id,
                },
                **vals,
            )
        )

    # ------------------------------------------------------------------
    # The city's rule
    # ------------------------------------------------------------------
    def test_rule_per_service_by_tenancy(self):
        """Sebring: water and sewer, $70 each for the owner, $100 each for a tenant."""
        lines = [
            Command.create({"service_type_id": self.water.id, "amount": 0.0}),
            Command.create({"service_type_id": self.sewer.id, "amount": 0.0}),
        ]
        owner_rule = self._rule(
            name="Owners", tenancy="owner", method="per_service", line_ids=lines
        )
        tenant_rule = self._rule(
            name="Tenants", tenancy="tenant", method="per_service", line_ids=lines
        )
        owner_rule.line_ids.amount = 70.0
        tenant_rule.line_ids.amount = 100.0
        account = self._make_accounts(1, readings=False)
        location = account.location_id
        owner = self.env["res.partner"].create({"name": "Olga Owner"})
        location.owner_id = owner
        Rule = self.env["utility.deposit.rule"]
        self.assertEqual(Rule._find_rule(location, owner), owner_rule)
        self.assertEqual(Rule._find_rule(location, account.partner_id), tenant_rule)
        services = self.water | self.sewer
        self.assertEqual(owner_rule._compute_deposit(location, services), Decimal("140.00"))
        self.assertEqual(tenant_rule._compute_deposit(location, services), Decimal("200.00"))

    # ------------------------------------------------------------------
    # Billed into the liability
    # ------------------------------------------------------------------
    def test_move_in_bills_the_deposit_into_the_liability(self):
        """Tempe: a renter's $50 deposit, billed at move-in, held in Customer Deposits."""
        self._rule(method="flat", amount=50.0, tenancy="tenant")
        account = self._billed_accounts()
        account._move_out(MOVE_OUT, {account.service_ids.meter_id.id: 110.0})
        with Form(
            self.env["utility.account.move.in"]
            .with_user(self.csr)
            .with_context(default_location_id=account.location_id.id)
        ) as form:
            form.name = "Rita Renter"
            self.assertEqual(form.amount_deposit, 50.0)
        new = self.env["utility.account"].browse(form.save().action_confirm()["res_id"])
        deposit = new.deposit_ids
        self.assertEqual((deposit.state, deposit.amount), ("billed", 50.0))
        self.assertEqual(new.amount_deposit, 50.0)
        charge = deposit.move_ids
        self.assertEqual((charge.move_type, charge.utility_bill_kind), ("out_invoice", "deposit"))
        receivable = charge.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        # Debit the customer 50.00, credit the liability 50.00: no revenue.
        self.assertEqual(
            self._balances(charge), {receivable.account_id: 50.0, self.liability: -50.0}
        )
        self.assertEqual(receivable.utility_account_id, new)
        self.assertEqual(
            self.Deposit._get_ledger_tie_out(self.company), (Decimal("50.00"), Decimal("50.00"))
        )

    def test_installments_split_to_the_cent(self):
        account = self._make_accounts(1, readings=False)
        deposit = self.Deposit._bill(account, 100.0, date(2025, 1, 10), installments=3)
        amounts = sorted(deposit.move_ids.mapped("amount_total"))
        self.assertEqual(amounts, [33.33, 33.33, 33.34])
        self.assertEqual(
            sorted(deposit.move_ids.mapped("invoice_date")),
            [date(2025, 1, 10), date(2025, 2, 10), date(2025, 3, 10)],
        )
        self.assertEqual(
            self.Deposit._get_ledger_tie_out(self.company), (Decimal("100.00"), Decimal("100.00"))
        )

    # ------------------------------------------------------------------
    # Move-out
    # ------------------------------------------------------------------
    def test_move_out_applies_the_deposit_and_refunds_the_rest(self):
        """El Reno: deposit applied to the final bill, the difference refunded.
        74.00 bill paid; $50 deposit paid; final bill 36.22; 50.00 - 36.22 = 13.78."""
        account = self._billed_accounts()
        deposit = self.Deposit._bill(account, 50.0, date(2025, 2, 1))
        self._pay(account, 124.0, date(2025, 2, 10))
        self.assertEqual(deposit.amount_paid, 50.0)
        bill = account._move_out(
            MOVE_OUT,
            {account.service_ids.meter_id.id: 110.0},
            settlement="refund",
            refund_journal=self.bank_journal,
        )
        self.assertAlmostEqual(bill.amount_total, 36.22)
        self.assertEqual(bill.payment_state, "paid")
        release = deposit.release_move_id
        receivable = account.partner_id.property_account_receivable_id
        self.assertEqual(self._balances(release), {self.liability: 50.0, receivable: -50.0})
        self.assertEqual(deposit.state, "applied")
        refund = account.refund_payment_ids
        self.assertAlmostEqual(refund.amount, 13.78)
        self.assertEqual(refund.journal_id, self.bank_journal)
        account.invalidate_recordset(["amount_balance"])
        self.assertTrue(account.currency_id.is_zero(account.amount_balance))
        self.assertEqual(account.amount_deposit, 0.0)
        self.assertEqual(
            self.Deposit._get_ledger_tie_out(self.company), (Decimal("0.00"), Decimal("0.00"))
        )

    # ------------------------------------------------------------------
    # Interest, good history, refund
    # ------------------------------------------------------------------
    def test_interest_is_posted_with_the_application(self):
        """Arkansas-style simple interest: $100 from March 15, 2024 to March 20, 2025
        at 8.50 % (2024) and 7.50 % (2025): $8.33, debited to the interest expense."""
        self.env["utility.deposit.interest.rate"].create(
            [{"year": 2024, "rate": 8.5}, {"year": 2025, "rate": 7.5}]
        )
        account = self._make_accounts(1, readings=False)
        deposit = self.Deposit._bill(account, 100.0, date(2024, 3, 15))
        deposit._apply(date(2025, 3, 20))
        self.assertEqual(deposit.amount_interest, 8.33)
        receivable = account.partner_id.property_account_receivable_id
        self.assertEqual(
            self._balances(deposit.release_move_id),
            {
                self.liability: 100.0,
                self.company.utility_deposit_interest_account_id: 8.33,
                receivable: -108.33,
            },
        )
        # The deposit charge (unpaid) is settled by the application: 8.33 of credit left.
        account.invalidate_recordset(["amount_balance"])
        self.assertAlmostEqual(account.amount_balance, -8.33)

    def test_daily_check_proposes_refunds_after_good_history(self):
        """Tempe / Oklahoma: 12 months held, not late more than once, no returned
        payment. The good payer's deposit is applied to the 74.00 bill first and
        the 26.00 left is refunded; the late payer's is not proposed."""
        good, late = self._make_accounts(2, readings=False)
        deposits = self.Deposit._bill(good, 100.0, date(2024, 1, 2)) | self.Deposit._bill(
            late, 100.0, date(2024, 1, 2)
        )
        self._pay(good, 100.0, date(2024, 1, 5))
        self._pay(late, 100.0, date(2024, 3, 5))  # paid after its due date
        # A bill each: the good payer's not due yet, the late payer's open past its
        # due date (a second late payment).
        self.env["utility.bill.builder"]._create_posted_moves(
            [
                {
                    "partner_id": acc.partner_id.id,
                    "journal_id": self.journal.id,
                    "invoice_date": day - timedelta(days=20),
                    "invoice_date_due": day,
                    "utility_account_id": acc.id,
                    "utility_location_id": acc.location_id.id,
                    "utility_bill_kind": "cycle",
                    "lines": [
                        {
                            "name": "Water charges",
                            "product_id": self.water.product_id.id,
                            "account_id": self.income[self.water].id,
                            "quantity": 1.0,
                            "price_unit": 74.0,
                            "utility_service_type_id": self.water.id,
                        }
                    ],
                }
                for acc, day in ((good, date(2025, 1, 9)), (late, date(2024, 12, 10)))
            ]
        )
        proposed = self.Deposit._cron_propose_refunds(today=date(2025, 1, 8))
        self.assertEqual(proposed, deposits.filtered(lambda d: d.account_id == good))
        deposit = proposed
        deposit.with_user(self.csr).action_release()
        self.assertEqual(deposit.state, "refunded")
        self.assertAlmostEqual(deposit.refund_payment_id.amount, 26.0)
        good.invalidate_recordset(["amount_balance"])
        self.assertTrue(good.currency_id.is_zero(good.amount_balance))

    def test_bad_input_changes_nothing(self):
        account = self._billed_accounts()
        deposit = self.Deposit._bill(account, 50.0, date(2025, 2, 1))
        # The account owes its 74.00 bill and the deposit: no refund in money.
        with self.assertRaisesRegex(UserError, "still owe money"):
            deposit.with_user(self.csr).action_refund()
        self.assertEqual(deposit.state, "billed")
        self.assertFalse(deposit.release_move_id)
        # Nobody edits a deposit directly, not even its state.
        with self.assertRaises(AccessError):
            deposit.with_user(self.csr).write({"state": "refunded"})
        with self.assertRaises(AccessError):
            deposit.with_user(self.specialist).write({"amount": 5.0})
        # A supervisor's waiver is a supervisor's, with a reason.
        with self.assertRaises(AccessError):
            self.Deposit.with_user(self.csr)._waive(
                account, 50.0, "supervisor", "Long-time customer"
            )
        with self.assertRaisesRegex(UserError, "needs a reason"):
            self.Deposit._waive(account, 50.0, "supervisor", "")
        waived = self.Deposit.with_user(self.csr)._waive(
            account, 50.0, "letter", "Letter from Ames"
        )
        self.assertEqual(
            (waived.state, waived.approver_id, waived.move_ids),
            ("waived", self.csr, self.env["account.move"]),
        )
        with self.assertRaisesRegex(UserError, "more than zero"):
            self.Deposit._bill(account, 0.0, date(2025, 2, 1))
