# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common_payment import PaymentCommon

BILLING = "base.group_user,utility_billing.group_utility_billing"
SUPERVISOR = "base.group_user,utility_billing.group_utility_supervisor"


class WriteOffCommon(PaymentCommon):
    """Bad debt write-off and recovery, cents by hand on the posted entries.

    Rule: Union City, IN, Code of Ordinances § 40.03 (Ord. 2008-06)
    (https://codelibrary.amlegal.com/codes/unioncityin/latest/unioncity_in/0-0-0-8729):
    "(A) Any account more than 90 days past due is eligible to be written off
    as uncollectible ... (F) The Clerk-Treasurer shall prepare a list of bad
    debts ... for presentation to the Council. (G) After the Council approves
    the write-offs ... the Clerk-Treasurer shall make adjustments to any ...
    accounts affected".

    - Account 1: bill of 01/01/2025 due 01/21/2025, water 60.00 + sewer 30.00 +
      garbage 25.50 = 115.50; paid 20.00 on 02/01/2025: owes 95.50.
    - Account 2: bill of 01/01/2025 due 01/21/2025, water 40.25 + sewer 12.00 =
      52.25, unpaid.
    - Account 3: bill of 04/01/2025 due 04/21/2025, water 33.00: 10 days past due
      on 05/01/2025, not eligible.
    - Write-off of 05/01/2025 (01/21 + 90 days = 04/21, before it): accounts 1 and
      2, 95.50 + 52.25 = 147.75 debited to bad-debt expense, receivables
      credited 95.50 and 52.25 and reconciled with the bills.
    - Account 1 pays 30.00 on 06/02/2025: recovery of 30.00 reinstates 30.00 of
      receivable (credit expense 30.00) and the payment pays it: the expense
      account nets 147.75 - 30.00 = 117.75, still written off 65.50 + 52.25.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bad_debt = cls.env["account.account"].create(
            {"name": "Bad Debt Expense", "code": "615000", "account_type": "expense"}
        )
        cls.company.utility_bad_debt_account_id = cls.bad_debt
        cls.preparer = new_test_user(cls.env, login="ub_wo_billing", groups=BILLING)
        cls.approver = new_test_user(cls.env, login="ub_wo_super", groups=SUPERVISOR)
        cls.approver2 = new_test_user(cls.env, login="ub_wo_super2", groups=SUPERVISOR)
        for user in (cls.preparer, cls.approver, cls.approver2):
            user.write(
                {"company_ids": [Command.set(cls.company.ids)], "company_id": cls.company.id}
            )
        cls.bill1 = cls._post_bill(
            cls.account, date(2025, 1, 1), {cls.water: 60.0, cls.sewer: 30.0, cls.garbage: 25.5}
        )
        cls.bill2 = cls._post_bill(
            cls.account2, date(2025, 1, 1), {cls.water: 40.25, cls.sewer: 12.0}
        )
        cls.bill3 = cls._post_bill(cls.account3, date(2025, 4, 1), {cls.water: 33.0})

    def setUp(self):
        super().setUp()
        self._payment([(self.account, 20.0)], date=date(2025, 2, 1))

    def _new_write_off(self, accounts, reference="Council Resolution 2025-14", day=None):
        return (
            self.env["utility.write.off"]
            .with_user(self.preparer)
            .create(
                {
                    "date": day or date(2025, 5, 1),
                    "approval_reference": reference,
                    "line_ids": [Command.create({"account_id": a.id}) for a in accounts],
                }
            )
        )

    def _expense_movement(self):
        debit, credit = self.env["account.move.line"]._read_group(
            [("account_id", "=", self.bad_debt.id), ("parent_state", "=", "posted")],
            [],
            ["debit:sum", "credit:sum"],
        )[0]
        return debit, credit

    def _write_off_1_and_2(self):
        write_off = self._new_write_off(self.account | self.account2)
        write_off.action_submit()
        write_off.with_user(self.approver).action_approve()
        return write_off


@tagged("post_install", "-at_install")
class TestWriteOff(WriteOffCommon):
    """Write-off and recovery entries (rule and cents: ``WriteOffCommon``)."""

    def test_write_off_posts_expense_and_clears_receivables(self):
        write_off = self._write_off_1_and_2()
        self.assertEqual(write_off.state, "posted")
        self.assertEqual(write_off.prepared_by_id, self.preparer)
        self.assertEqual(write_off.approver_id, self.approver)
        move = write_off.move_id
        self.assertEqual(move.state, "posted")
        self.assertEqual(move.date, date(2025, 5, 1))
        lines = {
            (line.account_id, line.utility_account_id): (line.debit, line.credit)
            for line in move.line_ids
        }
        self.assertEqual(
            lines,
            {
                (self.bad_debt, self.env["utility.account"]): (147.75, 0.0),
                (self.receivable, self.account): (0.0, 95.50),
                (self.receivable, self.account2): (0.0, 52.25),
            },
        )
        # The bills are reconciled with the write-off: nothing is open any more.
        self.assertEqual(self.bill1.amount_residual, 0.0)
        self.assertEqual(self.bill2.amount_residual, 0.0)
        self.assertTrue(all(move.line_ids.filtered("utility_account_id").mapped("reconciled")))
        self.assertEqual(self.account.amount_balance, 0.0)
        self.assertEqual(self.account2.amount_balance, 0.0)
        self.assertEqual(self.account3.amount_balance, 33.0)
        # The register ties to the general ledger.
        self.assertEqual(write_off.amount_total, 147.75)
        self.assertEqual(
            sorted(write_off.line_ids.mapped("amount")),
            [52.25, 95.50],
        )
        self.assertEqual(self._expense_movement(), (147.75, 0.0))
        # Posted means posted: nothing of it is changed by hand, nor deleted.
        with self.assertRaises(AccessError):
            write_off.write({"state": "draft"})
        with self.assertRaises(UserError):
            write_off.write({"approval_reference": "Other"})
        with self.assertRaises(UserError):
            write_off.line_ids[0].unlink()

    def test_eligibility_is_more_than_90_days_past_due(self):
        """Due 01/21: on 04/21 (exactly 90 days) not yet, on 04/22 it is."""
        early = self._new_write_off(self.account2, day=date(2025, 4, 21))
        with self.assertRaisesRegex(UserError, "not past due more than 90 days"):
            early.action_submit()
        self.assertEqual(early.state, "draft")
        late = self._new_write_off(self.account2, day=date(2025, 4, 22))
        late.action_submit()
        self.assertEqual(late.state, "to_approve")
        self.assertEqual(late.line_ids.amount, 52.25)

    def test_add_eligible_picks_the_past_due_accounts_only(self):
        write_off = self._new_write_off(self.env["utility.account"])
        write_off.action_add_eligible()
        self.assertEqual(write_off.line_ids.account_id, self.account | self.account2)

    def test_bad_input_changes_nothing(self):
        without = self._new_write_off(self.account2, reference=" ")
        with self.assertRaisesRegex(UserError, "approval reference"):
            without.action_submit()
        self.assertEqual(without.state, "draft")
        self.assertFalse(without.move_id)
        not_due = self._new_write_off(self.account3 | self.account2)
        with self.assertRaisesRegex(UserError, "not past due more than 90 days"):
            not_due.action_submit()
        self.assertEqual(self._expense_movement(), (0.0, 0.0))
        # Only a supervisor approves, and not the write-off they prepared.
        pending = self._new_write_off(self.account2)
        pending.action_submit()
        with self.assertRaises(AccessError):
            pending.with_user(self.preparer).action_approve()
        self.preparer.groups_id = [Command.link(self.env.ref(SUPERVISOR.split(",")[1]).id)]
        with self.assertRaisesRegex(UserError, "their own write-off"):
            pending.with_user(self.preparer).action_approve()
        self.assertEqual(pending.state, "to_approve")
        # A payment between submission and approval: the batch is prepared again.
        self._payment([(self.account2, 2.25)], date=date(2025, 5, 2))
        with self.assertRaisesRegex(UserError, "balance of these accounts changed"):
            pending.with_user(self.approver).action_approve()
        self.assertEqual(self._expense_movement(), (0.0, 0.0))
        pending.with_user(self.approver2).action_reject("Paid in part")
        self.assertEqual(pending.state, "rejected")

    def test_recovery_reinstates_the_receivable_and_applies_the_payment(self):
        write_off = self._write_off_1_and_2()
        line1 = write_off.line_ids.filtered(lambda line: line.account_id == self.account)
        payment = self._payment([(self.account, 30.0)], date=date(2025, 6, 2))
        self.assertEqual(self.account.amount_balance, -30.0)  # waits as a credit
        recovery = (
            self.env["utility.write.off.recovery"]
            .with_user(self.preparer)
            .create({"line_id": line1.id, "amount": 30.0, "date": date(2025, 6, 2)})
        )
        recovery.action_post()
        self.assertEqual(recovery.state, "posted")
        self.assertEqual(
            sorted(
                (line.account_id.code, line.utility_account_id.id, line.debit, line.credit)
                for line in recovery.move_id.line_ids
            ),
            sorted(
                [
                    (self.receivable.code, self.account.id, 30.0, 0.0),
                    (self.bad_debt.code, False, 0.0, 30.0),
                ]
            ),
        )
        # The payment paid the reinstated receivable: the account owes nothing.
        reinstated = recovery.move_id.line_ids.filtered("utility_account_id")
        self.assertTrue(reinstated.reconciled)
        self.assertEqual(self.account.amount_balance, 0.0)
        paid = payment.move_id.line_ids.filtered(lambda line: line.account_id == self.receivable)
        self.assertEqual(paid.mapped("credit"), [30.0])
        self.assertTrue(paid.reconciled)
        # The register: written off 147.75, recovered 30.00, the expense nets 117.75.
        self.assertEqual(line1.amount_recovered, 30.0)
        self.assertEqual(line1.amount_remaining, 65.50)
        debit, credit = self._expense_movement()
        self.assertEqual((debit, credit), (147.75, 30.0))
        self.assertEqual(
            round(debit - credit, 2), round(sum(write_off.line_ids.mapped("amount_remaining")), 2)
        )

    def test_recovery_larger_than_written_off_is_refused(self):
        write_off = self._write_off_1_and_2()
        line2 = write_off.line_ids.filtered(lambda line: line.account_id == self.account2)
        recovery = (
            self.env["utility.write.off.recovery"]
            .with_user(self.preparer)
            .create({"line_id": line2.id, "amount": 52.26})
        )
        with self.assertRaisesRegex(UserError, "more than what is still written off"):
            recovery.action_post()
        self.assertEqual(recovery.state, "draft")
        self.assertFalse(recovery.move_id)
        self.assertEqual(self._expense_movement(), (147.75, 0.0))
        self.assertEqual(self.account2.amount_balance, 0.0)

    def test_demo_town_write_off_and_recovery(self):
        """The demo's generator: a winter bill 120 days old on two households,
        written off by the demo billing specialist, approved by the demo
        supervisor; 50.00 recovered on the first (187.40 + 96.15 = 283.55
        written off, 233.55 still written off)."""
        today = date(2025, 6, 1)
        demo = self.env["utility.demo.town"]
        new_test_user(self.env, login="demo_billing", groups=BILLING)
        new_test_user(self.env, login="demo_supervisor", groups=SUPERVISOR)
        fresh = self._make_accounts(2, readings=False, prefix="DWO")
        demo._demo_old_balances(self.journal, {fresh[0]: 187.40, fresh[1]: 96.15}, today)
        write_off = demo._demo_write_off(fresh, today)
        self.assertEqual(write_off.state, "posted")
        self.assertEqual(write_off.amount_total, 283.55)
        self.assertEqual(sum(write_off.line_ids.mapped("amount_remaining")), 233.55)
        self.assertEqual(self._expense_movement(), (283.55, 50.0))
        self.assertEqual((fresh[0].amount_balance, fresh[1].amount_balance), (0.0, 0.0))
        referrals = self.env["utility.agency.referral"].search([("account_id", "in", fresh.ids)])
        self.assertEqual(sorted(referrals.mapped("amount_referred")), [96.15, 137.40])
        lien_account = self._make_accounts(1, readings=False, prefix="DLN")
        self.company.utility_lien_fee_account_id = self.company_data["default_account_revenue"]
        demo._demo_old_balances(self.journal, {lien_account: 264.80}, fields.Date.today())
        lien = demo._demo_lien(lien_account)
        self.assertEqual((lien.state, lien.amount_certified), ("certified", 414.80))
