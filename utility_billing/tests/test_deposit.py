# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict
from datetime import date

from lxml import etree

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from .common_payment import PaymentCommon

CASHIER = "base.group_user,utility_billing.group_utility_cashier"
SUPERVISOR = "base.group_user,utility_billing.group_utility_supervisor"


@tagged("post_install", "-at_install")
class TestDeposit(PaymentCommon):
    """Deposits of closed cashier sessions, their entry and the bank statement.

    The sessions are opened, paid into and closed the way the cashiering model
    of the addon allows (blind count when it has one), with payments posted
    through the payments core.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bank = cls.company_data["default_journal_bank"]
        cls.outstanding = cls.env["utility.payment.poster"]._get_outstanding_receipts_account(
            cls.bank
        )
        cls.undeposited = cls.company._get_utility_undeposited_account()
        cls.bill = cls._post_bill(
            cls.account, date(2025, 2, 15), {cls.water: 40.0, cls.sewer: 20.0}
        )
        cls.bill2 = cls._post_bill(cls.account2, date(2025, 2, 15), {cls.garbage: 15.0})
        cls.cashier = new_test_user(cls.env, login="ub_dep_carla", groups=CASHIER, name="Carla")
        cls.cashier2 = new_test_user(cls.env, login="ub_dep_cody", groups=CASHIER, name="Cody")
        cls.supervisor = new_test_user(cls.env, login="ub_dep_sue", groups=SUPERVISOR, name="Sue")
        cls.Session = cls.env["utility.cashier.session"]
        if "utility_over_short_tolerance" in cls.company._fields:
            cls.company.utility_over_short_tolerance = 5.0

    # ------------------------------------------------------------------
    # Helpers: a drawer's day
    # ------------------------------------------------------------------
    def _session(self, user, payments, over_short=0.0):
        """Open a session for ``user``, post ``payments`` [(account, amount, tender,
        check number)] in it through the core, and close it (blind count when the
        cashiering model has one, ``over_short`` off on the cash)."""
        session = self.Session.create({"user_id": user.id})
        posted = self.env["utility.payment"]
        for account, amount, tender, number in payments:
            vals = {"tender": tender, "session_id": session.id}
            if number and "check_number" in posted._fields:
                vals.update(check_number=number, check_bank="First Prairie Bank")
            if tender == "card":
                vals.update(card_last4="4242", card_reference=f"AUTH{number}")
            posted |= self._payment([(account, amount)], **vals)
        self._close(session, over_short)
        return session, posted

    def _close(self, session, over_short=0.0):
        if not hasattr(session, "_count"):
            # The plain session model: a closed drawer is a state.
            session.sudo().write({"state": "closed"})
            return
        taken = defaultdict(float)
        for payment in session.payment_ids.filtered(lambda p: p.state == "posted"):
            taken[payment.tender] += payment.amount
        taken["cash"] += over_short
        session._count([{"tender": tender, "amount": amount} for tender, amount in taken.items()])
        self.assertEqual(session.state, "closed")

    def _count(self, deposit, counts):
        """Count the bag: {denomination: count} of bills."""
        for line in deposit.cash_line_ids:
            if line.kind == "bill":
                line.count = counts.get(line.denomination, 0)

    def _statement_match(self, amount, aml):
        """Match a bank statement line against ``aml`` the way Odoo community does
        without the enterprise widget (see account's own tests)."""
        st_line = self.env["account.bank.statement.line"].create(
            {"journal_id": self.bank.id, "amount": amount, "payment_ref": "DEPOSIT",
             "date": date(2025, 3, 2)}
        )  # fmt: skip
        _liquidity, suspense, _other = st_line._seek_for_lines()
        suspense.account_id = aml.account_id
        (suspense + aml).reconcile()
        return st_line

    # ------------------------------------------------------------------
    # Tests
    # ------------------------------------------------------------------
    def test_deposit_of_closed_sessions_posts_and_matches_the_bank_statement(self):
        session, payments = self._session(
            self.cashier,
            [(self.account, 60.0, "cash", ""), (self.account2, 15.0, "check", "1001")],
        )
        session2, payments2 = self._session(
            self.cashier2,
            [(self.account3, 20.0, "cash", ""), (self.account3, 5.0, "money_order", "MO-77")],
        )
        still_open = self.Session.create({"user_id": self.supervisor.id})
        deposit = (
            self.env["utility.deposit"]
            .with_user(self.csr)
            .create({"journal_id": self.bank.id, "date": date(2025, 3, 1), "bag_number": "B-12"})
        )
        self.assertTrue(deposit.name.startswith("DEP/"))
        deposit.action_load_sessions()
        self.assertEqual(deposit.session_ids, session | session2)
        self.assertNotIn(still_open, deposit.session_ids)
        self.assertEqual(deposit.payment_ids, payments | payments2)
        self.assertEqual(
            (deposit.amount_cash, deposit.amount_checks, deposit.amount_total, deposit.check_count),
            (80.0, 20.0, 100.0, 2),
        )
        # The bag is counted; a wrong count is refused with the amounts.
        self._count(deposit, {20.0: 3})
        with self.assertRaisesRegex(UserError, r"cash counted into the bag \(60.0\) is not"):
            deposit.action_prepare()
        self._count(deposit, {50.0: 1, 20.0: 1, 5.0: 2})
        deposit.action_prepare()
        self.assertEqual((deposit.state, deposit.user_prepared_id), ("prepared", self.csr))
        with self.assertRaisesRegex(AccessError, "Only a utility supervisor approves"):
            deposit.action_approve()
        deposit.with_user(self.supervisor).action_approve()
        self.assertEqual((deposit.state, deposit.user_approved_id), ("posted", self.supervisor))
        # The entry: Outstanding Receipts of the bank debited, Undeposited Funds credited.
        move = deposit.move_id
        self.assertEqual((move.state, move.journal_id), ("posted", self.bank))
        bank_line = move.line_ids.filtered("debit")
        self.assertEqual(bank_line.account_id, self.outstanding)
        self.assertAlmostEqual(bank_line.debit, 100.0)
        credit = move.line_ids.filtered("credit")
        self.assertEqual(credit.account_id, self.undeposited)
        # Every deposited payment's Undeposited Funds item is cleared by the deposit.
        items = (payments | payments2).move_id.line_ids.filtered(
            lambda line: line.account_id == self.undeposited
        )
        self.assertTrue(all(items.mapped("reconciled")))
        self.assertTrue(credit.reconciled)
        self.assertEqual(session.deposit_id, deposit)
        self.assertFalse(deposit.is_matched)
        # The bank statement line of the deposit, reconciled with Odoo's own API.
        st_line = self._statement_match(100.0, bank_line)
        self.assertTrue(st_line.is_reconciled)
        deposit.invalidate_recordset(["is_matched"])
        self.assertTrue(deposit.is_matched)
        with self.assertRaisesRegex(UserError, "already matched"):
            deposit.with_user(self.supervisor).action_cancel()

    def test_deposit_slip(self):
        session, _payments = self._session(
            self.cashier,
            [(self.account, 60.0, "cash", ""), (self.account2, 15.0, "check", "1001")],
        )
        deposit = self.env["utility.deposit"].create(
            {"journal_id": self.bank.id, "session_ids": [(6, 0, session.ids)]}
        )
        with self.assertRaisesRegex(UserError, "Cannot print the slip of"):
            deposit.action_print_slip()
        deposit.action_count_from_receipts()
        self.assertEqual(
            {line.denomination: line.count for line in deposit.cash_line_ids if line.count},
            {50.0: 1, 10.0: 1},
        )
        deposit.action_prepare()
        action = deposit.action_print_slip()
        self.assertEqual(action["report_name"], "utility_billing.report_utility_deposit_slip")
        html = str(
            self.env["ir.actions.report"]._render_qweb_html(
                "utility_billing.report_utility_deposit_slip", deposit.ids
            )[0]
        )
        self.assertIn("DEPOSIT SLIP", html)
        self.assertIn(deposit.name, html)
        number = "1001" if "check_number" in deposit.payment_ids._fields else "RCPT/"
        self.assertIn(number, html)
        self.assertIn("Total checks (1)", html)
        self.assertIn("75.00", html)

    def test_over_short_goes_into_the_bag(self):
        if not hasattr(self.Session, "_count"):
            self.skipTest("the cashier session has no blind count")
        session, payments = self._session(
            self.cashier, [(self.account, 60.0, "cash", "")], over_short=2.0
        )
        self.assertAlmostEqual(session.amount_over_short, 2.0)
        deposit = self.env["utility.deposit"].create(
            {"journal_id": self.bank.id, "session_ids": [(6, 0, session.ids)]}
        )
        self.assertEqual((deposit.amount_cash, deposit.amount_over_short), (62.0, 2.0))
        self._count(deposit, {50.0: 1, 10.0: 1, 2.0: 1})
        deposit.action_prepare()
        deposit.with_user(self.supervisor).action_approve()
        items = (payments.move_id | session.over_short_move_id).line_ids.filtered(
            lambda line: line.account_id == self.undeposited
        )
        self.assertEqual(len(items), 2)
        self.assertTrue(all(items.mapped("reconciled")))

    def test_cancelling_a_posted_deposit_reverses_it(self):
        session, payments = self._session(self.cashier, [(self.account, 60.0, "cash", "")])
        deposit = self.env["utility.deposit"].create(
            {"journal_id": self.bank.id, "session_ids": [(6, 0, session.ids)]}
        )
        self._count(deposit, {50.0: 1, 10.0: 1})
        deposit.with_user(self.csr).action_prepare()
        deposit.with_user(self.supervisor).action_approve()
        with self.assertRaisesRegex(AccessError, "Only a utility supervisor cancels"):
            deposit.with_user(self.csr).action_cancel()
        deposit.with_user(self.supervisor).action_cancel()
        self.assertEqual(deposit.state, "cancelled")
        self.assertFalse(session.deposit_id)
        self.assertFalse(payments.deposit_id)
        item = payments.move_id.line_ids.filtered(lambda line: line.account_id == self.undeposited)
        self.assertFalse(item.reconciled)
        reversal = self.env["account.move"].search([("reversed_entry_id", "=", deposit.move_id.id)])
        self.assertEqual(reversal.state, "posted")
        # The money can go in another deposit.
        again = self.env["utility.deposit"].create({"journal_id": self.bank.id})
        again.action_load_sessions()
        self.assertEqual(again.payment_ids, payments)

    def test_deposit_rules(self):
        session, _payments = self._session(self.cashier, [(self.account, 60.0, "cash", "")])
        empty = self.env["utility.deposit"].create({"journal_id": self.bank.id})
        with self.assertRaisesRegex(UserError, "add the closed cashier sessions"):
            empty.action_prepare()
        deposit = self.env["utility.deposit"].create(
            {"journal_id": self.bank.id, "session_ids": [(6, 0, session.ids)]}
        )
        self._count(deposit, {50.0: 1, 10.0: 1})
        # Nobody approves a deposit they prepared.
        deposit.with_user(self.supervisor).action_prepare()
        with self.assertRaisesRegex(UserError, "another supervisor approves it"):
            deposit.with_user(self.supervisor).action_approve()
        with self.assertRaisesRegex(UserError, "sessions of a prepared or posted deposit"):
            deposit.session_ids = [(5, 0, 0)]
        with self.assertRaisesRegex(UserError, "Only a draft or cancelled deposit"):
            deposit.unlink()
        deposit.action_reset_to_draft()
        self.assertEqual(deposit.state, "draft")
        # A session goes in one deposit only.
        other = self.env["utility.deposit"].create({"journal_id": self.bank.id})
        other.action_load_sessions()
        self.assertFalse(other.session_ids)
        # A cashier sees deposits but does not make them.
        self.assertTrue(deposit.with_user(self.cashier).read(["name"]))
        with self.assertRaises(AccessError):
            self.env["utility.deposit"].with_user(self.cashier).create({"journal_id": self.bank.id})

    def test_new_deposit_form_and_sessions_only_linked(self):
        """Bank Deposits > New opens (its default count lines are computed before
        the deposit has a company), and the sessions list only links and unlinks
        closed drawers: it neither creates nor deletes a session."""
        session, payments = self._session(self.cashier, [(self.account, 60.0, "cash", "")])
        with Form(self.env["utility.deposit"].with_user(self.csr)) as form:
            form.journal_id = self.bank
            self.assertTrue(form.cash_line_ids)
            with form.cash_line_ids.edit(0) as line:
                line.count = 3
                self.assertEqual(line.amount, 3 * line.denomination)
        deposit = form.record
        self.assertTrue(deposit.name.startswith("DEP/"))
        # The form's sessions list is the many2many widget: Add picks among
        # closed drawers, the trash icon unlinks.
        arch = etree.fromstring(deposit.get_views([(False, "form")])["views"]["form"]["arch"])
        sessions = arch.xpath("//field[@name='session_ids']")[0]
        self.assertEqual(sessions.get("widget"), "many2many")
        self.assertIn("no_create", sessions.get("options"))
        deposit.with_user(self.csr).session_ids = [Command.link(session.id)]
        self.assertEqual(deposit.payment_ids, payments)
        deposit.with_user(self.csr).session_ids = [Command.unlink(session.id)]
        self.assertTrue(session.exists())
        self.assertFalse(session.deposit_id)
        self.assertFalse(deposit.session_ids)
        self.assertFalse(deposit.payment_ids)
