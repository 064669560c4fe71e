# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Conversion from a legacy system: Check, control totals, Load, the opening
balances and deposits on the posted entries, Finish, Roll Back, roles."""

from datetime import date

from odoo.exceptions import AccessError, UserError

from .common_conversion import HEADER, ROWS, ConversionCommon, accounts_csv


class TestConversionBatch(ConversionCommon):
    def _counts(self):
        return {
            model: self.env[model].sudo().search_count([])
            for model in (
                "res.partner",
                "utility.account",
                "utility.service.location",
                "utility.meter",
                "utility.account.service",
                "utility.meter.reading",
                "utility.customer.deposit",
                "account.move",
            )
        }

    # ------------------------------------------------------------------
    # Check: every bad input, nothing created
    # ------------------------------------------------------------------
    def test_check_lists_every_bad_row_and_creates_nothing(self):
        installed = self.accounts[0].service_ids.meter_id
        rows = [
            # unknown rate code
            ROWS[0].replace("WATER:BR-W;SEWER:BR-S", "WATER:BR-W;SEWER:NOPE"),
            # the same account twice in the file
            ROWS[0].replace("LM-1", "LM-9"),
            # a meter already installed in the city
            ROWS[1].replace("LM-2", installed.name),
            # a bad number and a bad date
            ROWS[2].replace(",1,,,-12.50", ",1,12.3.4,,-12.50").replace("11/04/2025", "31/31/2025"),
            # an account number already in the database, a rate of another service
            ROWS[2]
            .replace("70003", self.accounts[1].name)
            .replace("LM-3", "LM-4")
            .replace("WATER:BR-W;GARBAGE:BR-G", "WATER:BR-G;GARBAGE:BR-G"),
        ]
        before = self._counts()
        batch = self._batch(accounts_csv(rows))
        batch.action_check()
        self.assertEqual(batch.state, "draft")
        self.assertFalse(batch.total_ids)
        problems = batch.problems.split("\n")
        for expected in (
            "Row 2 (account 70001): the rate code NOPE is unknown.",
            "Row 3 (account 70001): the account 70001 is also on row 2.",
            f"Row 4 (account 70002): the meter {installed.name} is already installed at "
            f"{installed.location_id.name}.",
            "Row 5 (account 70003): the deposit '12.3.4' is not an amount in dollars and cents.",
            "Row 5 (account 70003): the last read date '31/31/2025' is not a date (MM/DD/YYYY).",
            f"Row 6 (account {self.accounts[1].name}): the account {self.accounts[1].name} "
            "already exists.",
            f"Row 6 (account {self.accounts[1].name}): the rate code BR-G prices Garbage, "
            "not Water.",
        ):
            self.assertIn(expected, problems)
        self.assertEqual(len(problems), 7, problems)
        with self.assertRaisesRegex(UserError, "does not apply to a conversion that is To Check"):
            batch.action_load()
        self.assertEqual(self._counts(), before)

    def test_check_refuses_a_file_without_a_column(self):
        header = HEADER.replace("route,", "")
        rows = [row.replace(",BR1-1,", ",") for row in ROWS]
        batch = self._batch(accounts_csv(rows, header=header))
        batch.action_check()
        self.assertEqual(
            batch.problems,
            "The header row has no column 'route'. Nothing was checked further.",
        )

    def test_check_refuses_a_negative_deposit_a_bad_reading_and_a_short_row(self):
        rows = [
            ROWS[0].replace(",100.00,", ",-5.00,"),
            ROWS[1].replace(",88,", ",1e5,"),
            "70009,C-9,Short Row",
        ]
        batch = self._batch(accounts_csv(rows))
        batch.action_check()
        self.assertEqual(
            batch.problems.split("\n"),
            [
                "Row 2 (account 70001): the deposit -5.00 cannot be negative.",
                "Row 3 (account 70002): the last reading '1e5' is not a number.",
                "Row 4: 3 columns where the header has 25.",
            ],
        )

    # ------------------------------------------------------------------
    # Control totals, load, the ledger
    # ------------------------------------------------------------------
    def test_control_totals_before_and_after_load(self):
        batch = self._batch()
        batch.action_check()
        self.assertEqual(batch.state, "checked", batch.problems)
        expected_file = {
            "accounts": 3,
            "customers": 2,
            "premises": 3,
            "meters": 3,
            "services:WATER": 3,
            "services:SEWER": 2,
            "services:GARBAGE": 2,
            "deposits": 150.00,
            "balance:WATER": 44.60,  # 45.10 + 12.00 - 12.50
            "balance:SEWER": 38.40,  # 30.00 + 8.40
            "balance:GARBAGE": 15.00,
            "balance": 98.00,
        }
        self.assertEqual({k: v[0] for k, v in self._totals(batch).items()}, expected_file)
        self.assertFalse(batch.account_ids)
        batch.action_load()
        self.assertEqual(batch.state, "loaded")
        self.assertEqual({k: v[1] for k, v in self._totals(batch).items()}, expected_file)
        self.assertTrue(batch.is_balanced)
        batch.action_finish()
        self.assertEqual(batch.state, "done")

        accounts = batch.account_ids.sorted("name")
        self.assertEqual(accounts.mapped("name"), ["70001", "70002", "70003"])
        self.assertEqual(set(accounts.mapped("state")), {"active"})
        self.assertEqual(accounts[1].partner_id, accounts[2].partner_id)
        self.assertEqual(accounts[0].partner_id.street, "PO Box 12")
        self.assertEqual(accounts[0].partner_id.ref, "C-1")
        self.assertEqual(accounts[2].location_id.name, "200 Elm St, B")
        water = accounts[0].service_ids.filtered(lambda s: s.service_type_id == self.water)
        self.assertEqual(water.state, "active")
        self.assertEqual(water.date_start, date(2025, 11, 3))
        self.assertEqual(water.meter_id.name, "LM-1")
        self.assertEqual(water.meter_id.state, "installed")
        self.assertEqual(water.meter_id.unit, "kgal")
        self.assertEqual(water.meter_id.last_reading_value, 1234.5)
        self.assertEqual(water.meter_id.last_reading_id.read_type, "initial")
        garbage = accounts[1].service_ids.filtered(lambda s: s.service_type_id == self.garbage)
        self.assertEqual(garbage.cart_count, 1)

    def test_opening_balances_and_deposits_on_the_posted_entries(self):
        batch = self._batch()
        batch.action_check()
        batch.action_load()
        clearing = self.company.utility_conversion_account_id
        deposits_account = self.company.utility_deposit_account_id
        self.assertEqual(clearing.account_type, "asset_current")
        accounts = {a.name: a for a in batch.account_ids}
        moves = batch.sudo().move_ids
        opening = moves.filtered(lambda m: m.utility_bill_kind == "conversion")
        self.assertEqual(len(opening), 3)
        self.assertEqual(set(opening.mapped("state")), {"posted"})
        first = opening.filtered(lambda m: m.utility_account_id == accounts["70001"])
        self.assertEqual(first.move_type, "out_invoice")
        self.assertEqual(first.journal_id, self.company.utility_conversion_journal_id)
        self.assertEqual(first.date, date(2025, 11, 30))
        self.assertEqual(first.invoice_date_due, date(2025, 10, 20))
        # 45.10 water + 30.00 sewer = 75.10 owed, credited to clearing, not revenue
        receivable = first.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        self.assertEqual(receivable.debit, 75.10)
        self.assertEqual(
            {
                (line.utility_service_type_id.code, line.credit, line.account_id)
                for line in first.invoice_line_ids
            },
            {("WATER", 45.10, clearing), ("SEWER", 30.00, clearing)},
        )
        # The credit balance: 12.50 as a credit note
        credit = opening.filtered(lambda m: m.utility_account_id == accounts["70003"])
        self.assertEqual(credit.move_type, "out_refund")
        self.assertEqual(credit.amount_total, 12.50)
        self.assertEqual(accounts["70003"].amount_balance, -12.50)
        self.assertEqual(accounts["70002"].amount_balance, 35.40)  # 12.00 + 8.40 + 15.00
        # Deposits held: 100.00 + 50.00 credited to Customer Deposits, no cash
        deposit_move = moves - opening
        self.assertEqual(deposit_move.move_type, "entry")
        by_account = {
            (line.account_id, line.utility_account_id.name): (line.debit, line.credit)
            for line in deposit_move.line_ids
        }
        self.assertEqual(
            by_account,
            {
                (deposits_account, "70001"): (0.0, 100.00),
                (deposits_account, "70002"): (0.0, 50.00),
                (clearing, False): (150.00, 0.0),
            },
        )
        self.assertEqual(accounts["70001"].amount_deposit, 100.00)
        deposit = accounts["70001"].deposit_ids
        self.assertEqual((deposit.state, deposit.amount_paid), ("billed", 100.00))
        self.assertEqual(deposit.date, date(2024, 3, 15))
        held, ledger = self.env["utility.customer.deposit"]._get_ledger_tie_out(self.company)
        self.assertEqual(held, ledger)
        # The clearing account: -98.00 of balances brought, +150.00 of deposits
        lines = self.env["account.move.line"].search([("account_id", "=", clearing.id)])
        self.assertAlmostEqual(sum(lines.mapped("balance")), 52.00, places=2)

    def test_opening_balance_paid_at_the_counter_oldest_first(self):
        batch = self._batch()
        batch.action_check()
        batch.action_load()
        account = batch.account_ids.filtered(lambda a: a.name == "70001")
        opening = batch.sudo().move_ids.filtered(lambda m: m.utility_account_id == account)
        newer = self._post_bill(account, date(2025, 12, 1), {self.water: 20.0})
        # 80.00 pays the opening balance (due 10/20, older) in full, then 4.90
        # of the December bill.
        _wizard, payment = self._receive([(account, 80.0)])
        self.assertEqual(opening.amount_residual, 0.0)
        self.assertEqual(opening.payment_state, "paid")
        self.assertEqual(newer.amount_residual, 15.10)
        by_service = {(a.bill_id, a.service_type_id.code): a.amount for a in payment.allocation_ids}
        self.assertEqual(
            by_service,
            {(opening, "WATER"): 45.10, (opening, "SEWER"): 30.00, (newer, "WATER"): 4.90},
        )

    def test_finish_refuses_when_a_total_no_longer_agrees(self):
        batch = self._batch()
        batch.action_check()
        batch.action_load()
        # A service removed behind the conversion's back.
        sewer = batch.account_ids.service_ids.filtered(lambda s: s.service_type_id == self.sewer)
        sewer[:1].sudo().with_context(utility_locked_action=None).unlink()
        with self.assertRaisesRegex(UserError, "Sewer services: 2 in the file, 1 created"):
            batch.action_finish()
        self.assertEqual(batch.state, "loaded")

    def test_same_file_is_loaded_once(self):
        batch = self._batch()
        batch.action_check()
        batch.action_load()
        again = self._batch(name="copy.csv")
        with self.assertRaisesRegex(UserError, "This file was already loaded by"):
            again.action_check()

    def test_rollback_removes_everything_and_frees_the_file(self):
        before = self._counts()
        batch = self._batch()
        batch.action_check()
        batch.action_load()
        self.assertNotEqual(self._counts(), before)
        with self.assertRaises(AccessError):
            batch.action_rollback()  # a billing specialist
        batch.with_user(self.supervisor).action_rollback()
        self.assertEqual(batch.state, "rolled_back")
        self.assertEqual(self._counts(), before)
        again = self._batch(name="again.csv")
        again.action_check()
        self.assertEqual(again.state, "checked")

    def test_rollback_refused_once_a_bill_is_posted(self):
        batch = self._batch()
        batch.action_check()
        batch.action_load()
        account = batch.account_ids.filtered(lambda a: a.name == "70002")
        self._post_bill(account, date(2025, 12, 1), {self.water: 20.0})
        with self.assertRaisesRegex(UserError, r"\(70002\): it can no longer be rolled back"):
            batch.with_user(self.supervisor).action_rollback()
        self.assertEqual(batch.state, "loaded")

    # ------------------------------------------------------------------
    # Roles
    # ------------------------------------------------------------------
    def test_csr_cannot_convert(self):
        with self.assertRaises(AccessError):
            self._batch(user=self.csr)
        batch = self._batch()
        with self.assertRaises(AccessError):
            batch.with_user(self.csr).action_check()
        batch.action_check()
        with self.assertRaises(AccessError):
            batch.with_user(self.csr).action_load()
        with self.assertRaisesRegex(UserError, "status and results change through its buttons"):
            batch.write({"state": "done"})
