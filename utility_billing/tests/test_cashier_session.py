# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import io
from datetime import date

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools.pdf import PdfReader

from .common_cashier import CashierCommon


@tagged("post_install", "-at_install")
class TestCashierSession(CashierCommon):
    # ------------------------------------------------------------------
    # Opening
    # ------------------------------------------------------------------
    def test_a_cashier_opens_one_session_at_a_time(self):
        self.assertEqual(self.session.state, "open")
        self.assertTrue(self.session.name.startswith("CS/"))
        self.assertEqual(self.session.user_id, self.cashier)
        with self.assertRaisesRegex(ValidationError, "one open session at a time"), \
                self.cr.savepoint():  # fmt: skip
            self._open_session(self.cashier)
        other = self._open_session(self.cashier2, 50.0)
        self.assertEqual(other.user_id, self.cashier2)
        with self.assertRaisesRegex(ValidationError, "cannot be negative"), self.cr.savepoint():
            self._open_session(self.supervisor, -1.0)

    def test_my_session_opens_the_drawer_or_a_new_one(self):
        Session = self.env["utility.cashier.session"].with_company(self.company)
        action = Session.with_user(self.cashier).action_my_session()
        self.assertEqual(action["res_id"], self.session.id)
        action = Session.with_user(self.supervisor).action_my_session()
        self.assertNotIn("res_id", action)

    # ------------------------------------------------------------------
    # The counter: tenders
    # ------------------------------------------------------------------
    def test_cash_payment_gives_change_and_pays_the_oldest_bill_first(self):
        wizard, payment = self._receive([(self.account, 70.0)], amount_tendered=100.0)
        self.assertAlmostEqual(wizard.amount_change, 30.0)
        self.assertEqual(payment.state, "posted")
        self.assertEqual(payment.session_id, self.session)
        self.assertEqual(payment.cashier_id, self.cashier)
        self.assertEqual(payment.source, "counter")
        self.assertEqual(payment.partner_id, self.account.partner_id)
        self.assertAlmostEqual(payment.amount_tendered, 100.0)
        self.assertAlmostEqual(payment.amount_change, 30.0)
        self.assertTrue(payment.name.startswith("RCPT/"))
        self.assertEqual(self.old_bill.payment_state, "paid")
        self.assertEqual(self.new_bill.payment_state, "partial")
        # The entry is the core's: Undeposited Funds debited, written without the
        # cashier having any right on journal entries.
        debit = payment.move_id.line_ids.filtered("debit")
        self.assertEqual(debit.account_id, self.company._get_utility_undeposited_account())
        self.assertAlmostEqual(debit.debit, 70.0)

    def test_the_amount_defaults_to_the_balance_due(self):
        Line = self.env["utility.payment.receive.line"].with_user(self.cashier)
        line = Line.new({"account_id": self.account.id})
        self.assertAlmostEqual(line.amount_due, 105.0)
        self.assertAlmostEqual(line.amount, 105.0)
        wizard, payment = self._receive([(self.account, None)])
        self.assertAlmostEqual(payment.amount, 105.0)
        # Once posted, the balance the dialog reads is what is left: nothing.
        self.assertAlmostEqual(wizard.line_ids.amount_due, 0.0)
        self.assertAlmostEqual(self._balance(self.account), 0.0)
        self.assertAlmostEqual(payment.amount_change, 0.0)

    def test_change_is_given_for_cash_only(self):
        wizard = (
            self.env["utility.payment.receive"]
            .with_user(self.cashier)
            .create(
                {
                    "session_id": self.session.id,
                    "tender": "check",
                    "check_number": "1001",
                    "line_ids": [Command.create({"account_id": self.account.id, "amount": 50.0})],
                }
            )
        )
        wizard.amount_tendered = 80.0
        self.assertEqual(wizard.amount_change, 0.0, "no change on a check")
        payment = wizard._post_payment()
        self.assertEqual(payment.amount_tendered, 0.0, "a check pays its own amount")
        # Written by hand, a check "tendered" for more is refused.
        payment = (
            self.env["utility.payment"]
            .with_user(self.cashier)
            .create(
                {
                    "session_id": self.session.id,
                    "tender": "check",
                    "check_number": "1002",
                    "amount_tendered": 80.0,
                    "line_ids": [Command.create({"account_id": self.account.id, "amount": 50.0})],
                }
            )
        )
        with self.assertRaisesRegex(UserError, "change is given for cash only"), \
                self.cr.savepoint():  # fmt: skip
            payment._post_payments()
        payment.tender = "cash"
        payment.amount_tendered = 40.0
        with self.assertRaisesRegex(UserError, r"cash tendered \(\$.40\.00\) is less"), \
                self.cr.savepoint():  # fmt: skip
            payment._post_payments()
        self.assertEqual(payment.state, "draft")

    def test_check_needs_its_number(self):
        with self.assertRaisesRegex(UserError, "enter the check number"), self.cr.savepoint():
            self._receive([(self.account, 50.0)], tender="check")
        _wizard, payment = self._receive(
            [(self.account, 50.0)], tender="check", check_number="1043", check_bank="First State"
        )
        self.assertEqual((payment.check_number, payment.check_bank), ("1043", "First State"))
        self.assertEqual(payment.tender, "check")

    def test_card_needs_last_four_and_reference(self):
        with (
            self.assertRaisesRegex(
                UserError, r"(?s)last four digits of the card.*processor reference"
            ),
            self.cr.savepoint(),
        ):
            self._receive([(self.account, 50.0)], tender="card")
        with self.assertRaisesRegex(ValidationError, "exactly 4 digits"), self.cr.savepoint():
            self._receive(
                [(self.account, 50.0)], tender="card", card_last4="42a2", card_reference="A1"
            )
        _wizard, payment = self._receive(
            [(self.account, 50.0)],
            tender="card",
            card_brand="visa",
            card_last4="4242",
            card_reference="AUTH 836112",
            check_number="should not stay",
        )
        self.assertEqual(
            (payment.card_brand, payment.card_last4, payment.card_reference),
            ("visa", "4242", "AUTH 836112"),
        )
        self.assertFalse(payment.check_number, "only the tender's own details are kept")

    def test_money_order(self):
        _wizard, payment = self._receive(
            [(self.account, 20.0)], tender="money_order", check_number="MO-1"
        )
        self.assertEqual((payment.tender, payment.check_number), ("money_order", "MO-1"))

    def test_cash_only_account_refuses_a_check(self):
        self.account2.is_cash_only = True
        self._post_bill(self.account2, date(2025, 2, 15), {self.garbage: 15.0})
        with self.assertRaisesRegex(UserError, f"Account {self.account2.name} is cash only"), \
                self.cr.savepoint():  # fmt: skip
            self._receive(
                [(self.account, 10.0), (self.account2, 15.0)], tender="check", check_number="7"
            )
        _wizard, payment = self._receive([(self.account2, 15.0)], tender="money_order")
        self.assertEqual(payment.state, "posted")
        _wizard, payment = self._receive([(self.account2, 5.0)])
        self.assertEqual(payment.line_ids.amount_credit, 5.0)

    # ------------------------------------------------------------------
    # The counter: allocation
    # ------------------------------------------------------------------
    def test_partial_payment_and_overpayment_kept_as_credit(self):
        _wizard, partial = self._receive([(self.account, 30.0)])
        self.assertEqual(self.old_bill.payment_state, "partial")
        self.assertAlmostEqual(self.old_bill.amount_residual, 25.0)
        self.assertAlmostEqual(self._balance(self.account), 75.0)
        self.assertAlmostEqual(partial.line_ids.amount_credit, 0.0)
        _wizard, over = self._receive([(self.account, 100.0)], amount_tendered=100.0)
        self.assertAlmostEqual(over.line_ids.amount_credit, 25.0)
        self.assertAlmostEqual(self._balance(self.account), -25.0)
        self.assertEqual(self.new_bill.payment_state, "paid")

    def test_service_priority_at_the_counter(self):
        self.company.utility_payment_allocation = "priority"
        _wizard, payment = self._receive([(self.account, 40.0)])
        self.assertEqual(
            sorted((a.service_type_id.code, a.amount) for a in payment.allocation_ids),
            [("GARBAGE", 15.0), ("SEWER", 20.0), ("WATER", 5.0)],
        )

    def test_several_accounts_and_a_misc_receipt_in_one_transaction(self):
        bill2 = self._post_bill(self.account2, date(2025, 2, 15), {self.garbage: 15.0})
        permit_account = self.env["account.account"].create(
            {"code": "42910", "name": "Permit revenue", "account_type": "income_other"}
        )
        permit = self.env["utility.misc.receipt.type"].create(
            {"name": "Building permit", "code": "PERMIT", "account_id": permit_account.id}
        )
        _wizard, payment = self._receive(
            [(self.account, None), (self.account2, None), (permit, 75.0)],
            tender="check",
            check_number="2210",
        )
        self.assertAlmostEqual(payment.amount, 195.0)
        self.assertEqual(len(payment.line_ids), 3)
        self.assertEqual(bill2.payment_state, "paid")
        self.assertEqual(self.new_bill.payment_state, "paid")
        permit_line = payment.move_id.line_ids.filtered(
            lambda line: line.account_id == permit_account
        )
        self.assertAlmostEqual(permit_line.credit, 75.0)
        self.assertFalse(permit_line.utility_account_id, "a misc receipt has no utility account")

    def test_bad_counter_input_is_refused_at_once(self):
        with self.assertRaisesRegex(UserError, "Add the accounts or receipts"), \
                self.cr.savepoint():  # fmt: skip
            self._receive([])
        with self.assertRaisesRegex(UserError, "the amount must be positive"), \
                self.cr.savepoint():  # fmt: skip
            self._receive([(self.account, 0.0)])
        self.assertFalse(self.session.payment_ids)

    def test_post_and_print_and_post_and_new(self):
        wizard = (
            self.env["utility.payment.receive"]
            .with_user(self.cashier)
            .create(
                {
                    "session_id": self.session.id,
                    "line_ids": [Command.create({"account_id": self.account.id, "amount": 5.0})],
                }
            )
        )
        action = wizard.action_post_print()
        self.assertEqual(action["report_name"], "utility_billing.report_utility_payment_receipt")
        self.assertTrue(action["close_on_report_download"])
        wizard = (
            self.env["utility.payment.receive"]
            .with_user(self.cashier)
            .create(
                {
                    "session_id": self.session.id,
                    "amount_tendered": 10.0,
                    "line_ids": [Command.create({"account_id": self.account.id, "amount": 5.0})],
                }
            )
        )
        wizard.amount_tendered = 10.0
        action = wizard.action_post_new()
        self.assertEqual(action["tag"], "display_notification")
        self.assertIn("Change due", action["params"]["message"])
        self.assertEqual(action["params"]["next"]["res_model"], "utility.payment.receive")
        self.assertEqual(len(self.session.payment_ids), 2)

    def test_take_payment_from_the_account(self):
        action = self.account.with_user(self.cashier).action_take_payment()
        self.assertEqual(action["res_model"], "utility.payment.receive")
        wizard = (
            self.env["utility.payment.receive"]
            .with_user(self.cashier)
            .with_context(**action["context"])
            .create({})
        )
        self.assertEqual(wizard.session_id, self.session)
        self.assertEqual(wizard.line_ids.account_id, self.account)
        self.assertAlmostEqual(wizard.line_ids.amount, 105.0)
        self.assertEqual(wizard.partner_id, self.account.partner_id)
        self.assertAlmostEqual(wizard.amount_tendered, 105.0)

    def test_the_counter_needs_an_open_session(self):
        Receive = self.env["utility.payment.receive"].with_user(self.cashier2)
        with self.assertRaisesRegex(UserError, "Open your session first"):
            Receive.default_get(["session_id"])
        self.assertEqual(
            self.env["utility.payment.receive"]
            .with_user(self.cashier)
            .default_get(["session_id"])["session_id"],
            self.session.id,
        )

    # ------------------------------------------------------------------
    # Blind count and over / short
    # ------------------------------------------------------------------
    def _take_one_of_each(self):
        self._receive([(self.account, 48.60)], amount_tendered=60.0)
        self._receive([(self.account, 20.0)], tender="check", check_number="1")
        self._receive([(self.account, 15.0)], tender="card", card_last4="4242", card_reference="A1")
        self._receive([(self.account, 10.0)], tender="money_order", check_number="MO")

    def test_balanced_count_closes_without_entry(self):
        self._take_one_of_each()
        # Float 100 + cash 48.60 = 148.60
        self._count(
            cash=[(100.0, 1), (20.0, 2), (5.0, 1), (1.0, 3), (0.5, 1), (0.1, 1)],
            amount_check=20.0,
            amount_card=15.0,
            amount_money_order=10.0,
        )
        session = self.session
        self.assertEqual(session.state, "closed")
        self.assertTrue(session.date_close)
        self.assertAlmostEqual(session.amount_counted_cash, 148.60)
        self.assertAlmostEqual(session.amount_expected_cash, 148.60)
        self.assertAlmostEqual(session.amount_expected_total, 193.60)
        self.assertAlmostEqual(session.amount_over_short, 0.0)
        self.assertAlmostEqual(session.amount_deposit, 93.60)
        self.assertFalse(session.over_short_move_id)
        self.assertEqual(len(session.count_line_ids.filtered(lambda c: c.tender == "cash")), 6)
        self.assertIn("over / short $&nbsp;0.00", " ".join(session.message_ids.mapped("body")))

    def test_short_within_the_tolerance_posts_to_cash_over_and_short(self):
        self._take_one_of_each()
        self._count(
            cash=[(100.0, 1), (20.0, 2), (5.0, 1), (1.0, 3), (0.25, 1), (0.1, 1)],
            amount_check=20.0,
            amount_card=15.0,
            amount_money_order=10.0,
        )
        session = self.session
        self.assertEqual(session.state, "closed")
        self.assertAlmostEqual(session.amount_over_short, -0.25)
        move = session.over_short_move_id
        self.assertEqual(move.state, "posted")
        self.assertEqual(move.journal_id, self.company._get_utility_receipt_journal())
        over_short = self.company.utility_cash_over_short_account_id
        self.assertEqual(over_short.name, "Cash Over and Short")
        self.assertEqual(over_short.account_type, "expense")
        self.assertEqual(
            sorted((line.account_id.id, line.debit, line.credit) for line in move.line_ids),
            sorted(
                [
                    (over_short.id, 0.25, 0.0),
                    (self.company._get_utility_undeposited_account().id, 0.0, 0.25),
                ]
            ),
        )

    def test_over_beyond_the_tolerance_waits_for_a_supervisor(self):
        self._take_one_of_each()
        self._count(
            cash=[(100.0, 1), (50.0, 1), (5.0, 1), (1.0, 3), (0.5, 1), (0.1, 1)],
            amount_check=20.0,
            amount_card=15.0,
            amount_money_order=10.0,
        )
        session = self.session
        self.assertEqual(session.state, "to_approve")
        self.assertAlmostEqual(session.amount_over_short, 10.0)
        self.assertFalse(session.over_short_move_id, "nothing posted before the approval")
        with self.assertRaises(AccessError), self.cr.savepoint():
            session.with_user(self.cashier).action_approve_count()
        with self.assertRaisesRegex(UserError, "closed: it takes no more payments"), \
                self.cr.savepoint():  # fmt: skip
            self._receive([(self.account, 1.0)])
        session.with_user(self.supervisor).action_approve_count()
        self.assertEqual(session.state, "closed")
        self.assertEqual(session.approved_by_id, self.supervisor)
        move = session.over_short_move_id
        self.assertEqual(
            sorted((line.account_id.id, line.debit, line.credit) for line in move.line_ids),
            sorted(
                [
                    (self.company._get_utility_undeposited_account().id, 10.0, 0.0),
                    (self.company.utility_cash_over_short_account_id.id, 0.0, 10.0),
                ]
            ),
        )
        self.assertIn("approved by Sue", " ".join(session.message_ids.mapped("body")))

    def test_a_tender_off_needs_approval_even_when_the_total_balances(self):
        self._receive([(self.account, 40.0)], tender="check", check_number="9")
        self._count(cash=[(100.0, 1), (20.0, 2)])  # the check counted as cash
        self.assertEqual(self.session.state, "to_approve")
        self.assertAlmostEqual(self.session.amount_over_short, 0.0)

    def test_supervisor_sends_the_drawer_back_to_recount(self):
        self._receive([(self.account, 40.0)])
        self._count(cash=[(100.0, 1)])
        session = self.session
        self.assertEqual(session.state, "to_approve")
        self.assertAlmostEqual(session.amount_over_short, -40.0)
        session.with_user(self.supervisor).action_recount()
        self.assertEqual(session.state, "open")
        self.assertFalse(session.count_line_ids)
        self._count(cash=[(100.0, 1), (20.0, 2)])
        self.assertEqual(session.state, "closed")
        self.assertAlmostEqual(session.amount_over_short, 0.0)

    def test_nobody_approves_their_own_drawer(self):
        session = self._open_session(self.supervisor, 0.0)
        self._count(session=session, cash=[(20.0, 1)])
        self.assertEqual(session.state, "to_approve")
        with self.assertRaisesRegex(UserError, "Nobody approves their own drawer"), \
                self.cr.savepoint():  # fmt: skip
            session.with_user(self.supervisor).action_approve_count()
        session.with_user(self.supervisor2).action_approve_count()
        self.assertEqual(session.state, "closed")

    def test_a_closed_session_takes_no_payment(self):
        self._count(cash=[(100.0, 1)])
        self.assertEqual(self.session.state, "closed")
        with self.assertRaisesRegex(UserError, "closed: it takes no more payments"), \
                self.cr.savepoint():  # fmt: skip
            self._receive([(self.account, 5.0)])
        with self.assertRaisesRegex(UserError, "closed: it takes no more payments"), \
                self.cr.savepoint():  # fmt: skip
            self._payment([(self.account, 5.0)], post=False, session_id=self.session.id)
        with self.assertRaisesRegex(UserError, "closed"), self.cr.savepoint():
            self.session.with_user(self.cashier).action_close()
        with self.assertRaisesRegex(UserError, "float of a counted drawer"), \
                self.cr.savepoint():  # fmt: skip
            self.session.with_user(self.cashier).amount_opening = 50.0
        # The cashier opens a new drawer for the afternoon.
        afternoon = self._open_session(self.cashier, 100.0)
        _wizard, payment = self._receive([(self.account, 5.0)], session=afternoon)
        self.assertEqual(payment.session_id, afternoon)

    def test_drafts_must_be_posted_before_the_count(self):
        draft = (
            self.env["utility.payment"]
            .with_user(self.cashier)
            .create(
                {
                    "session_id": self.session.id,
                    "line_ids": [Command.create({"account_id": self.account.id, "amount": 5.0})],
                }
            )
        )
        with self.assertRaisesRegex(UserError, "draft payments"), self.cr.savepoint():
            self._count(cash=[(100.0, 1)])
        draft.unlink()
        self._count(cash=[(100.0, 1)])
        self.assertEqual(self.session.state, "closed")

    def test_the_count_is_written_through_the_actions_only(self):
        session = self.session.with_user(self.cashier)
        for vals in (
            {"state": "closed"},
            {"amount_over_short": 5.0},
            {"amount_expected_cash": 1.0},
            {"user_id": self.cashier2.id},
        ):
            with self.assertRaises(AccessError), self.cr.savepoint():
                session.write(vals)
        with self.assertRaisesRegex(AccessError, "created open"), self.cr.savepoint():
            self.env["utility.cashier.session"].with_user(self.cashier2).create({"state": "closed"})
        session.amount_opening = 120.0
        self.assertEqual(self.session.amount_opening, 120.0)

    def test_only_the_sessions_cashier_counts_it(self):
        csr = self.env["res.users"].create(
            {
                "name": "Cris CSR",
                "login": "ub_cris",
                "company_ids": [Command.set(self.company.ids)],
                "company_id": self.company.id,
                "groups_id": [Command.link(self.env.ref("utility_billing.group_utility_csr").id)],
            }
        )
        self.assertIn(self.session, self.env["utility.cashier.session"].with_user(csr).search([]))
        with self.assertRaisesRegex(AccessError, "Only the cashier of session"), \
                self.cr.savepoint():  # fmt: skip
            self._count(user=csr, cash=[(100.0, 1)])
        self.assertEqual(self.session.state, "open")

    # ------------------------------------------------------------------
    # Reports
    # ------------------------------------------------------------------
    def _render(self, report, records):
        html, _kind = (
            self.env["ir.actions.report"]
            .with_user(self.cashier)
            ._render_qweb_html(report, records.ids)
        )
        return html.decode()

    def test_receipt(self):
        _wizard, cash = self._receive([(self.account, 70.0)], amount_tendered=100.0)
        _wizard, card = self._receive(
            [(self.account, 10.0)],
            tender="card",
            card_brand="visa",
            card_last4="4242",
            card_reference="AUTH 836112",
        )
        html = self._render("utility_billing.report_utility_payment_receipt", cash | card)
        self.assertIn("PAYMENT RECEIPT", html)
        self.assertIn(cash.name, html)
        self.assertIn(card.name, html)
        self.assertIn(self.account.name, html)
        self.assertIn("Carla", html)
        self.assertIn(">100.00</span>", html)  # tendered
        self.assertIn(">30.00</span>", html)  # change
        self.assertIn("**** <span>4242</span>", html)
        self.assertIn("AUTH 836112", html)
        self.assertIn("Balance now", html)
        self.assertNotIn("VOID", html)
        self.assertNotIn("DUPLICATE", html)
        self.assertEqual((cash.receipt_print_count, card.receipt_print_count), (1, 1))
        # Reprinted after a void, the receipt says so, and that it is a copy.
        self._void(card, reason="Wrong card")
        html = self._render("utility_billing.report_utility_payment_receipt", card)
        self.assertIn("VOID", html)
        self.assertIn("Wrong card", html)
        self.assertRegex(html, r"DUPLICATE - copy\s*2")
        self.assertEqual(card.receipt_print_count, 2)
        self.assertIn(
            "Receipt reprinted (copy 2)", card.message_ids[:1].body, "noted in the chatter"
        )
        self.assertEqual(card.message_ids[:1].author_id, self.cashier.partner_id)
        self.assertEqual(
            card.action_print_receipt()["report_name"],
            "utility_billing.report_utility_payment_receipt",
        )

    def test_receipt_prints_on_the_counter_paper(self):
        _wizard, cash = self._receive([(self.account, 70.0)], amount_tendered=100.0)
        report = self.env.ref("utility_billing.action_report_utility_payment_receipt")
        self.assertEqual(
            report.get_paperformat(), self.env.ref("utility_billing.paperformat_utility_receipt")
        )
        self.company.utility_receipt_paper = "roll_80"
        roll = self.env.ref("utility_billing.paperformat_utility_receipt_roll")
        self.assertEqual(report.get_paperformat(), roll)
        # The real PDF (wkhtmltopdf): pages 80 mm wide, the receipt on them.
        pdf, kind = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            .with_user(self.cashier)
            ._render_qweb_pdf("utility_billing.report_utility_payment_receipt", cash.ids)
        )
        self.assertEqual(kind, "pdf")
        reader = PdfReader(io.BytesIO(pdf))
        width_mm = float(reader.pages[0].mediabox.width) * 25.4 / 72
        self.assertAlmostEqual(width_mm, 80, delta=1)
        text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
        self.assertIn("PAYMENT RECEIPT", text)
        self.assertIn(cash.name, text)
        self.assertIn("Change $ 30.00", text)
        # Other reports keep their own paper.
        self.assertNotEqual(
            self.env.ref("utility_billing.action_report_utility_cashier_session").get_paperformat(),
            roll,
        )

    def test_cashier_report_by_tender_with_voids(self):
        self._take_one_of_each()
        _wizard, mistake = self._receive([(self.account, 5.0)])
        self._void(mistake, reason="Keyed twice")
        with self.assertRaisesRegex(UserError, "printed after the count"), self.cr.savepoint():
            self._render("utility_billing.report_utility_cashier_session", self.session)
        self._count(
            cash=[(100.0, 1), (20.0, 2), (5.0, 1), (1.0, 3), (0.5, 1), (0.1, 1)],
            amount_check=20.0,
            amount_card=15.0,
            amount_money_order=10.0,
        )
        html = self._render("utility_billing.report_utility_cashier_session", self.session)
        self.assertIn("Cashier's Report", html)
        self.assertIn(self.session.name, html)
        for label in ("Cash", "Check", "Card", "Money Order"):
            self.assertIn(f"<td>{label}</td>", html)
        self.assertIn(">148.60</span>", html)  # expected = counted cash
        self.assertIn(">193.60</span>", html)  # counted total
        self.assertIn("Keyed twice", html)
        self.assertIn("Voids", html)
        data = self.session._get_cashier_report_data()
        cash = next(row for row in data["tenders"] if row["tender"] == "cash")
        self.assertEqual((cash["count"], cash["void_count"]), (1, 1))
        self.assertAlmostEqual(cash["amount"], 48.60)
        self.assertAlmostEqual(cash["difference"], 0.0)
        self.assertEqual(data["total_count"], 4)

    def test_daily_receipts_summary_across_sessions(self):
        self._take_one_of_each()
        other = self._open_session(self.cashier2, 0.0)
        self._receive([(self.account, 7.0)], user=self.cashier2, session=other)
        self._count(cash=[(100.0, 1), (20.0, 2), (5.0, 1), (1.0, 3), (0.5, 1), (0.1, 1)],
                    amount_check=20.0, amount_card=15.0, amount_money_order=10.0)  # fmt: skip
        self._count(session=other, cash=[(5.0, 1), (1.0, 2)])
        sessions = self.session | other
        data = sessions.with_user(self.supervisor)._get_daily_receipts_data()
        self.assertEqual(len(data["days"]), 1)
        day = data["days"][0]
        self.assertEqual(len(day["rows"]), 2)
        self.assertAlmostEqual(day["totals"]["cash"], 55.60)
        self.assertAlmostEqual(day["total"], 100.60)
        self.assertEqual(day["count"], 5)
        html, _kind = (
            self.env["ir.actions.report"]
            .with_user(self.supervisor)
            ._render_qweb_html("utility_billing.report_utility_daily_receipts", sessions.ids)
        )
        html = html.decode()
        self.assertIn("Daily Receipts Summary", html)
        self.assertIn(other.name, html)
        self.assertIn(">100.60</span>", html)
        # The pivot of the same figures: by date and tender.
        groups = self.env["utility.payment"]._read_group(
            [("session_id", "in", sessions.ids), ("state", "=", "posted")],
            ["date:day", "tender"],
            ["amount:sum"],
        )
        self.assertAlmostEqual(sum(total for _d, _t, total in groups), 100.60)
