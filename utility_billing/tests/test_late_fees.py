# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Delinquency runs: late fees by the city's rule, checked on the posted fee
invoices' journal entries, exactly once, with exemptions and bad input."""

from datetime import date, datetime
from decimal import Decimal

from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common_payment import PaymentCommon

BILL_DATE = date(2025, 1, 15)  # due 2025-02-04 (20 days), penalty 2025-02-09
DUE = date(2025, 2, 4)
PENALTY = date(2025, 2, 9)
FEE_DATE = date(2025, 2, 10)


@tagged("post_install", "-at_install")
class TestLateFees(PaymentCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.fee_income = cls.env["account.account"].create(
            {"code": "41900", "name": "Late fee revenue", "account_type": "income"}
        )
        cls.rule = cls.env["utility.late.fee.rule"].create(
            {
                "name": "Late fee",
                "cycle_ids": [cls.cycle.id],
                "percent": 10.0,
                "income_account_id": cls.fee_income.id,
            }
        )

    def _bill(self, account, amounts, invoice_date=BILL_DATE):
        return self._post_bill(
            account,
            invoice_date,
            dict(zip((self.water, self.sewer, self.garbage), amounts, strict=False)),
        )

    def _run(self, date_due=DUE, date_penalty=PENALTY, date_fee=FEE_DATE, release=True):
        run = self.env["utility.delinquency.run"].create(
            {
                "cycle_id": self.cycle.id,
                "date_due": date_due,
                "date_penalty": date_penalty,
                "date_fee": date_fee,
            }
        )
        run.action_compute()
        self.assertEqual(run.state, "review")
        if release:
            run.action_release()
            self.assertEqual(run.state, "posted")
        return run

    def _line(self, run, account):
        return run.line_ids.filtered(lambda line: line.account_id == account)

    def _assert_fee_entry(self, run, account, cents):
        """The fee invoice of ``account`` in ``run`` debits the receivable and
        credits the late fee income by exactly ``cents``."""
        fee = self._line(run, account).move_id
        self.assertEqual(fee.state, "posted")
        self.assertEqual(fee.utility_bill_kind, "fee")
        self.assertEqual(fee.utility_account_id, account)
        self.assertEqual(fee.invoice_date, run.date_fee)
        receivable = fee.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        income = fee.line_ids.filtered(lambda line: line.account_id == self.fee_income)
        self.assertEqual(len(fee.line_ids), 2)
        self.assertAlmostEqual(receivable.debit, cents, places=2)
        self.assertAlmostEqual(income.credit, cents, places=2)
        self.assertEqual(receivable.utility_account_id, account)
        return fee

    # ------------------------------------------------------------------
    # Fee rules, on the posted entry
    # ------------------------------------------------------------------
    def test_percent_of_current_charges(self):
        """Hagerstown, MD (hagerstownmd.org/205/Rates-Fees): "a late payment
        charge of 10% will be calculated upon the total charges ... not paid by
        the current amount due date". Bill $45.67 + $30.00 + $14.98 = $90.65;
        10% = $9.065, half-up $9.07."""
        bill = self._bill(self.account, [45.67, 30.00, 14.98])
        run = self._run()
        fee = self._assert_fee_entry(run, self.account, 9.07)
        line = self._line(run, self.account)
        self.assertEqual(line.bill_move_id, bill)
        self.assertAlmostEqual(line.amount_base, 90.65)
        self.assertAlmostEqual(line.amount_1_30, 90.65)  # due 02/04, aged on 02/10
        self.assertAlmostEqual(self.account.amount_balance, 99.72)
        self.assertEqual(run.move_ids, fee)

    def test_flat_plus_percent_of_the_bill(self):
        """Pottawatomie Co. RWD 4, KS (pottawatomie4.krwa.net/News-Information/
        Rates-Info): "five percent (5%) of the payment due, plus $10.00". The
        bill owes $40.13 of December and $60.00 of January: $100.13;
        $10 + 5% x 100.13 = $15.0065, $15.01."""
        self.rule.write({"base": "bill", "percent": 5.0, "amount_fixed": 10.0})
        self._bill(self.account, [40.13], invoice_date=date(2024, 12, 15))
        self._bill(self.account, [60.00])
        run = self._run()
        self._assert_fee_entry(run, self.account, 15.01)
        self.assertAlmostEqual(self._line(run, self.account).amount_31_60, 40.13)

    def test_minimum_fee(self):
        """Glenn Heights, TX (glennheightstx.gov/FAQ.aspx?QID=89): "a late fee of
        $25 or 15%, whichever is greater, of the total charges". $90.65 x 15% =
        $13.5975 -> the $25.00 minimum; $200.00 x 15% = $30.00."""
        self.rule.write({"percent": 15.0, "amount_min": 25.0})
        self._bill(self.account, [45.67, 30.00, 14.98])
        self._bill(self.account2, [200.00])
        run = self._run()
        self._assert_fee_entry(run, self.account, 25.00)
        self._assert_fee_entry(run, self.account2, 30.00)
        self.assertAlmostEqual(run.amount_posted, 55.00)

    def test_maximum_fee(self):
        """Tucson, AZ city code 27 (codelibrary.amlegal.com): 10% of the monthly
        charges, not more than $500. $5,123.45 x 10% = $512.345 -> $500.00."""
        self.rule.amount_max = 500.0
        self._bill(self.account, [5123.45])
        self._assert_fee_entry(self._run(), self.account, 500.00)

    def test_threshold_on_past_due_balance(self):
        """Mesa, AZ (mesaaz.gov, Returned Items & Delinquency Fees): 2% of the
        past-due balance or $5, whichever is greater; "no late fee will be
        charged on accounts owing less than $25". $24.99 owes nothing; $312.60
        x 2% = $6.252 -> $6.25."""
        self.rule.write(
            {"base": "past_due", "percent": 2.0, "amount_min": 5.0, "amount_threshold": 25.0}
        )
        self._bill(self.account, [24.99])
        self._bill(self.account2, [312.60])
        run = self._run()
        low = self._line(run, self.account)
        self.assertEqual(low.state, "none")
        self.assertFalse(low.move_id)
        self.assertIn("threshold", low.message)
        self._assert_fee_entry(run, self.account2, 6.25)

    def test_monthly_compounding_includes_unpaid_fees(self):
        """Phoenix, AZ city code 37-88 (phoenix.municipal.codes/CC/37-88): "a late
        fee of three percent per month on the delinquent amount ... including
        unpaid late fees". January: $100.00 -> $3.00. February: $100.00 + $3.00
        + $50.00 = $153.00 -> $4.59."""
        self.rule.write({"base": "past_due", "percent": 3.0, "compounding": "monthly"})
        self._bill(self.account, [100.00], invoice_date=date(2024, 12, 15))
        january = self._run(date(2025, 1, 4), date(2025, 1, 9), date(2025, 1, 10))
        self._assert_fee_entry(january, self.account, 3.00)
        self._bill(self.account, [50.00])
        february = self._run()
        self._assert_fee_entry(february, self.account, 4.59)

    def test_no_compounding_charges_a_bill_once(self):
        """The same months without compounding: February's fee is on February's
        bill only (December's already bore its fee, a fee bears none):
        3% x $50.00 = $1.50. Once per bill: the unpaid $3.00 fee bears one
        fee too: 3% x $53.00 = $1.59."""
        self.rule.write({"base": "past_due", "percent": 3.0, "compounding": "none"})
        self._bill(self.account, [100.00], invoice_date=date(2024, 12, 15))
        self._bill(self.account2, [100.00], invoice_date=date(2024, 12, 15))
        self._run(date(2025, 1, 4), date(2025, 1, 9), date(2025, 1, 10))
        self._bill(self.account, [50.00])
        self._bill(self.account2, [50.00])
        commercial = self._customer_class("commercial")
        once = self.rule.copy({"name": "Once", "customer_class": commercial.id})
        once.compounding = "once"
        self.account2.location_id.customer_class = commercial
        february = self._run()
        self._assert_fee_entry(february, self.account, 1.50)
        self._assert_fee_entry(february, self.account2, 1.59)

    # ------------------------------------------------------------------
    # Grace, exemptions, payments
    # ------------------------------------------------------------------
    def test_grace_working_days(self):
        """Three working days of grace after a Friday penalty date: the fee
        starts on Wednesday; a run on Tuesday charges nothing."""
        self.rule.write({"grace_days": 3, "grace_day_kind": "working"})
        self._bill(self.account, [90.00])
        tuesday = self._run(date_penalty=date(2025, 2, 7), date_fee=date(2025, 2, 11))
        line = self._line(tuesday, self.account)
        self.assertEqual(line.state, "none")
        self.assertIn("grace", line.message)
        self.assertFalse(tuesday.move_ids)

    def test_grace_working_days_skip_holiday(self):
        """Working days of grace skip the company's public holidays.

        Penalty date Friday 14 February 2025, three working days of grace:
        Presidents' Day (Monday 17th) does not count, so the fee starts on
        Thursday the 20th, not Wednesday the 19th. A run on the 19th charges
        nothing; the run on the 20th posts 10 % of 90.00 = 9.00.
        """
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Presidents' Day",
                "calendar_id": self.env.company.resource_calendar_id.id,
                "company_id": self.env.company.id,
                "date_from": datetime(2025, 2, 17, 12, 0),
                "date_to": datetime(2025, 2, 17, 20, 0),
            }
        )
        self.rule.write({"grace_days": 3, "grace_day_kind": "working"})
        self.assertEqual(self.rule._get_date_charged(date(2025, 2, 14)), date(2025, 2, 20))
        self._bill(self.account, [90.00])
        wednesday = self._run(
            date_penalty=date(2025, 2, 14), date_fee=date(2025, 2, 19), release=False
        )
        line = self._line(wednesday, self.account)
        self.assertEqual(line.state, "none")
        self.assertIn("grace", line.message)
        self.assertIn("02/20/2025", line.message)
        wednesday.unlink()  # one run per penalty date: the clerk deletes it and runs again
        thursday = self._run(date_penalty=date(2025, 2, 14), date_fee=date(2025, 2, 20))
        self._assert_fee_entry(thursday, self.account, 9.00)

    def test_exempt_class_account_and_bankruptcy(self):
        """A rule marked No Late Fee for a class, an exempt account and a
        bankrupt account get no fee; the others do."""
        self.env["utility.late.fee.rule"].create(
            {
                "name": "City buildings",
                "customer_class": self._customer_class("institutional").id,
                "is_exempt": True,
            }
        )
        self.account.location_id.customer_class = self._customer_class("institutional")
        self.rule.exempt_account_ids = self.account2
        for account in self.accounts:
            self._bill(account, [80.00])
        run = self._run()
        self.assertEqual(self._line(run, self.account).message, "Exempt under City buildings.")
        self.assertEqual(self._line(run, self.account2).message, "Exempt under Late fee.")
        self._assert_fee_entry(run, self.account3, 8.00)
        self.account3.is_bankruptcy = True
        self._bill(self.account3, [80.00], invoice_date=date(2025, 2, 15))
        march = self._run(date(2025, 3, 7), date(2025, 3, 12), date(2025, 3, 13))
        self.assertEqual(self._line(march, self.account3).message, "Exempt: bankruptcy.")
        self.assertFalse(march.move_ids)

    def test_collection_holds_by_step(self):
        """One place says what holds an account back from each collections step:
        an estate from all of them, medical / life support from the shut-off only,
        a level-pay account while its installments are paid (the deferred balance
        is not delinquent); the run's register reads the same reason."""
        Account = self.env["utility.account"]
        self.account.is_estate = True
        self.env["utility.medical.certificate"].create(
            {
                "account_id": self.account2.id,
                "resident_name": "Resident",
                "certified_by": "Dr. Okafor",
                "date_start": date(2025, 1, 1),
                "date_end": date(2025, 3, 31),
            }
        )
        self.account3.write(
            {"is_level_pay": True, "level_pay_amount": 40.0, "level_pay_date_start": BILL_DATE}
        )
        for account in self.accounts:
            self._bill(account, [100.00])
        accounts = Account.browse(self.accounts.ids)
        # Level pay: bill 100.00, installment 40.00: 40.00 is due now, not held.
        self.assertEqual(self.account3.amount_current_due, 40.0)
        for step in ("late_fee", "notice", "door_hanger", "shutoff"):
            holds = accounts._get_collection_holds(FEE_DATE, step)
            self.assertEqual(holds.get(self.account.id), "estate", step)
            self.assertNotIn(self.account3.id, holds, step)
            if step == "shutoff":
                self.assertEqual(
                    holds[self.account2.id], "medical / life support certificate until 03/31/2025"
                )
            else:
                self.assertNotIn(self.account2.id, holds, step)
        self._payment([(self.account3, 40.00)], date=date(2025, 2, 1))
        self.env.invalidate_all()
        self.assertEqual(self.account3.amount_current_due, 0.0)
        holds = accounts._get_collection_holds(FEE_DATE, "shutoff")
        self.assertEqual(holds[self.account3.id], "level pay installments paid")
        run = self._run(release=False)
        self.assertEqual(self._line(run, self.account).message, "Exempt: estate.")
        self.assertEqual(
            self._line(run, self.account3).message, "Exempt: level pay installments paid."
        )
        self.assertEqual(self._line(run, self.account2).state, "fee")

    def test_register_lines_stored_as_the_orm_stores_them(self):
        """The run stores its register with one COPY per chunk: every stored
        field of each line (the class, the aging sums, the invoices charged)
        reads back exactly as an ORM create of the same values stores it."""
        self.account2.is_estate = True
        for account in self.accounts:
            self._bill(account, [80.00, 20.00])
        self._bill(self.account3, [40.00], invoice_date=date(2024, 12, 15))
        run = self._run(release=False)
        Line = self.env["utility.delinquency.run.line"]
        orm = Line.create(run._prepare_line_vals_list(run.line_ids.account_id))
        names = [
            name
            for name, field in Line._fields.items()
            if field.store and name not in ("id", "create_date", "write_date")
        ]
        fast = {line.account_id.id: line for line in run.line_ids}
        self.assertEqual(len(orm), 3)
        for line in orm:
            self.assertEqual(
                fast[line.account_id.id].read(names)[0] | {"id": 0},
                line.read(names)[0] | {"id": 0},
            )
        self.assertEqual(fast[self.account3.id].amount_past_due, 140.0)  # 100.00 + 40.00
        self.assertEqual(len(fast[self.account3.id].base_move_ids), 1)

    def test_next_bill_lists_the_late_fee(self):
        """A late fee is charged between two bills and shown on the next one
        (issue 14: "posted as fee invoices, shown on the next bill"); it is not
        a bill of its own, so the next bill's "since the last bill" still starts
        at the January bill. January 60.00, 20.00 paid on February 1, 10 % of
        the 40.00 unpaid = 4.00 on February 10, February bill 50.00: previous
        balance 60.00, payments 20.00, adjustments 4.00, due 60.00 - 20.00 +
        4.00 + 50.00 = 94.00."""
        self._bill(self.account, [60.00])
        self._payment([(self.account, 20.00)], date=date(2025, 2, 1))
        run = self._run()
        self._assert_fee_entry(run, self.account, 4.00)
        february = self._bill(self.account, [50.00], invoice_date=date(2025, 2, 15))
        data = february._prepare_bill_data()[0]
        self.assertEqual(
            (
                data.amount_previous_balance,
                data.amount_payments,
                data.amount_adjustments,
                data.amount_due,
            ),
            (Decimal("60.00"), Decimal("20.00"), Decimal("4.00"), Decimal("94.00")),
        )
        [line] = [m for m in data.messages if m.startswith("Late fee on")]
        self.assertTrue(line.endswith("(charged 02/10/2025): $4.00"), line)

    def test_paid_bill_gets_no_fee(self):
        self._bill(self.account, [90.00])
        self._bill(self.account2, [90.00])
        self._payment([(self.account, 90.00)], date=date(2025, 2, 3))
        run = self._run()
        line = self._line(run, self.account)
        self.assertEqual((line.state, line.message), ("none", "Paid: no fee."))
        self.assertEqual(run.move_ids.utility_account_id, self.account2)

    def test_paid_after_review_gets_no_fee(self):
        self._bill(self.account, [90.00])
        run = self._run(release=False)
        self.assertEqual(self._line(run, self.account).state, "fee")
        self._payment([(self.account, 90.00)], date=date(2025, 2, 10))
        run.action_release()
        self.assertEqual(self._line(run, self.account).message, "Paid since review: no fee.")
        self.assertFalse(run.move_ids)

    # ------------------------------------------------------------------
    # Exactly once
    # ------------------------------------------------------------------
    def test_second_release_posts_nothing(self):
        self._bill(self.account, [90.00])
        run = self._run()
        fees = self.env["account.move"].search([("utility_bill_kind", "=", "fee")])
        run.action_release()
        run.invalidate_recordset()
        self.assertEqual(self.env["account.move"].search([("utility_bill_kind", "=", "fee")]), fees)
        self.assertEqual(run.posted_count, 1)
        with self.assertRaisesRegex(ValidationError, "already exists"):
            self.env["utility.delinquency.run"].create(
                {"cycle_id": self.cycle.id, "date_due": DUE, "date_penalty": PENALTY}
            )
        # Another period's run sees the bill as charged.
        later = self._run(date_penalty=date(2025, 2, 10), date_fee=date(2025, 2, 11))
        self.assertIn("already bears", self._line(later, self.account).message)

    def test_database_refuses_a_second_posted_fee_of_a_bill(self):
        bill = self._bill(self.account, [90.00])
        run = self._run()
        line = self._line(run, self.account)
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            line.copy({"run_id": run.id, "bill_move_id": bill.id, "state": "posted"})
            self.env.flush_all()

    # ------------------------------------------------------------------
    # Bad input, roles, the printed bill
    # ------------------------------------------------------------------
    def test_rule_without_income_account_refused(self):
        Rule = self.env["utility.late.fee.rule"]
        with (
            self.assertRaisesRegex(ValidationError, "income account the late fees are booked"),
            self.env.cr.savepoint(),
        ):
            Rule.create({"name": "No account", "percent": 10.0})
        self.assertFalse(Rule.search([("name", "=", "No account")]))

    def test_run_before_penalty_date_refused(self):
        self._bill(self.account, [90.00])
        run = self.env["utility.delinquency.run"].create(
            {"cycle_id": self.cycle.id, "date_due": DUE, "date_penalty": PENALTY,
             "date_fee": PENALTY}
        )  # fmt: skip
        with self.assertRaisesRegex(UserError, "only after the penalty date"):
            run.action_compute()
        self.assertEqual(run.state, "draft")
        self.assertFalse(run.line_ids)

    def test_roles(self):
        """A billing specialist runs it; rules are the supervisor's; a CSR reads."""
        self._bill(self.account, [90.00])
        Run = self.env["utility.delinquency.run"]
        vals = {"cycle_id": self.cycle.id, "date_due": DUE, "date_penalty": PENALTY,
                "date_fee": FEE_DATE, "journal_id": self.journal.id}  # fmt: skip
        with self.assertRaises(AccessError):
            Run.with_user(self.csr).create(vals)
        with self.assertRaises(AccessError):
            self.rule.with_user(self.specialist).write({"percent": 1.0})
        run = Run.with_user(self.specialist).create(vals)
        run.action_compute()
        run.action_release()
        self.assertEqual(run.state, "posted")
        self.assertEqual(run.with_user(self.csr).line_ids.amount_fee, 9.0)
        with self.assertRaisesRegex(UserError, "buttons only"):
            run.with_user(self.specialist).write({"state": "review"})

    def test_bill_prints_amount_after_penalty(self):
        """The printed bill's "amount due after" adds the rule's fee."""
        bill = self._post_bill(self.account, BILL_DATE, {self.water: 90.65})
        bill.utility_date_penalty = PENALTY
        self.assertEqual(str(bill._get_bill_late_fees()[bill.id]), "9.07")
        data = bill._prepare_bill_data()[0]
        self.assertEqual(str(data.amount_after_penalty), "99.72")

    def test_demo_town_rules(self):
        """The demo town's rules pass the rule checks; without its South Side
        cycle no run is started."""
        self.assertFalse(self.env["utility.demo.town"]._generate_collections())
        rules = self.env["utility.late.fee.rule"].search([("name", "like", "City buildings")])
        self.assertTrue(rules.is_exempt)
