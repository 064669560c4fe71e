# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Move-in, move-out, transfer, landlord revert and vacancies.

Fixtures of ``BillingCommon``: water 10.00 base + 2.00 / kgal up to 5 kgal and
3.00 above, sewer 5.00 base + 4.00 / kgal, garbage 15.00 a cart; the run of
January 3 - February 3 bills 7 kgal: 74.00. A move-out on February 20 with
the meter at 110 is a final bill of 17/28 of a period and 3 kgal: 36.22
(worked out in ``test_special_bills.test_final_bill_is_prorated_to_the_day``).

The money rules follow published city policies:
- El Reno, OK (https://www.elrenook.gov/FAQ.aspx?QID=79): at move-out the deposit
  is applied to the final bill and what is over is refunded "to the forwarding
  address you provided";
- Shelby, NC (http://cityofshelby.com/faq_detail.php?f_recid=15): a credit left
  on a closed account is mailed back as a check;
- Gainesville, TX (https://www.gainesville.org/FAQ.aspx?QID=123): money due on a
  closed account goes to the customer's current account first.
"""

from datetime import date

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from .common_billing import CURRENT_READ, BillingCommon

MOVE_OUT = date(2025, 2, 20)


@tagged("post_install", "-at_install")
class TestAccountLifecycle(BillingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bank_journal = cls.company_data["default_journal_bank"]
        cls.landlord = cls.env["res.partner"].create({"name": "Prairie Rentals LLC"})
        cls.cashier = new_test_user(
            cls.env,
            login="ub_life_cashier",
            groups="base.group_user,utility_billing.group_utility_cashier",
        )

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _billed_accounts(self, count=1):
        accounts = self._make_accounts(count)
        accounts.date_start = date(2024, 1, 1)
        run = self._new_run()
        run.action_compute()
        run.action_post()
        self.assertEqual(run.posted_count, count)
        return accounts

    def _pay(self, account, amount, day=date(2025, 2, 18)):
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

    def _move_out(self, account, value=110.0, user=None, **vals):
        Wizard = self.env["utility.account.move.out"]
        if user:
            Wizard = Wizard.with_user(user)
        with Form(Wizard.with_context(default_account_id=account.id)) as form:
            form.date_end = vals.pop("date_end", MOVE_OUT)
            for name, value_ in vals.items():
                setattr(form, name, value_)
            with form.line_ids.edit(0) as line:
                line.value = value
        action = form.save().action_confirm()
        return self.env["account.move"].browse(action["res_id"])

    def _move_in(
        self, location, name="Nora Newcomer", date_start=MOVE_OUT, opening=None, user=None
    ):
        Wizard = self.env["utility.account.move.in"]
        if user:
            Wizard = Wizard.with_user(user)
        Wizard = Wizard.with_context(default_location_id=location.id)
        with Form(Wizard) as form:
            form.name = name
            form.date_start = date_start
            if opening is not None:
                for index in range(len(form.line_ids)):
                    with form.line_ids.edit(index) as line:
                        if line.meter_id:
                            line.opening_read = opening
        action = form.save().action_confirm()
        return self.env["utility.account"].browse(action["res_id"])

    def _receivable_lines(self, account):
        self.env.flush_all()
        return self.env["account.move.line"].search(
            [
                ("utility_account_id", "=", account.id),
                ("account_id.account_type", "=", "asset_receivable"),
            ]
        )

    # ------------------------------------------------------------------
    # Move-out
    # ------------------------------------------------------------------
    def test_move_out_refunds_the_credit_to_the_forwarding_address(self):
        account = self._billed_accounts()
        # 150.00 paid on the 74.00 bill: 76.00 of credit.
        self._pay(account, 150.0)
        self.assertAlmostEqual(account.amount_balance, -76.0)
        bill = self._move_out(
            account,
            fwd_street="PO Box 12",
            fwd_city="Ames",
            fwd_zip="50010",
            refund_journal_id=self.bank_journal,
        )
        self.assertEqual(bill.utility_bill_kind, "final")
        self.assertAlmostEqual(bill.amount_total, 36.22)
        # The credit paid the final bill; 76.00 - 36.22 = 39.78 is refunded.
        self.assertEqual(bill.payment_state, "paid")
        refund = account.refund_payment_ids
        self.assertEqual(len(refund), 1)
        self.assertEqual(
            (refund.payment_type, refund.partner_type, refund.journal_id, refund.state),
            ("outbound", "customer", self.bank_journal, "in_process"),
        )
        self.assertAlmostEqual(refund.amount, 39.78)
        receivable = refund.move_id.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        self.assertAlmostEqual(receivable.debit, 39.78)
        self.assertEqual(receivable.utility_account_id, account)
        self.assertTrue(receivable.reconciled)
        account.invalidate_recordset(["amount_balance"])
        self.assertTrue(account.currency_id.is_zero(account.amount_balance))
        self.assertFalse(self._receivable_lines(account).filtered(lambda line: not line.reconciled))
        # Issue 11 B.7: the final bill goes to the forwarding address.
        self.assertEqual(account.mailing_partner_id.street, "PO Box 12")
        self.assertEqual(account.mailing_partner_id.parent_id, account.partner_id)
        printed = bill._prepare_bill_data()[0]
        self.assertIn("PO Box 12", " ".join(printed.mailing_address))
        self.assertEqual(account.state, "final_billed")
        self.assertEqual(account.date_end, MOVE_OUT)

    def test_move_out_transfers_the_balance_to_the_new_account(self):
        account, new_account = self._billed_accounts(2)
        new_account.partner_id = account.partner_id
        bill = self._move_out(account, settlement="transfer", transfer_account_id=new_account)
        # 74.00 cycle bill + 36.22 final bill = 110.22 moved; the new account's own
        # 74.00 bill stays: 184.22.
        self.assertAlmostEqual(bill.amount_total, 36.22)
        (account | new_account).invalidate_recordset(["amount_balance"])
        self.assertTrue(account.currency_id.is_zero(account.amount_balance))
        self.assertAlmostEqual(new_account.amount_balance, 184.22)
        transfer = account.transfer_move_ids
        self.assertEqual(transfer.state, "posted")
        by_account = {line.utility_account_id: round(line.balance, 2) for line in transfer.line_ids}
        self.assertEqual(by_account, {account: -110.22, new_account: 110.22})
        self.assertEqual(
            set(transfer.line_ids.account_id.mapped("account_type")), {"asset_receivable"}
        )
        self.assertEqual(account.state, "final_billed")

    def test_move_out_bad_input_changes_nothing(self):
        account = self._billed_accounts()
        moves_before = self.env["account.move"].search_count(
            [("utility_account_id", "=", account.id)]
        )
        with self.assertRaisesRegex(UserError, "the move-out date must be later"):
            self._move_out(account, date_end=date(2023, 12, 31))
        with self.assertRaisesRegex(UserError, "only go to another open account"):
            self._move_out(account, settlement="transfer", transfer_account_id=account)
        with self.assertRaisesRegex(UserError, "has no owner"):
            account._move_out(
                MOVE_OUT, {account.service_ids.meter_id.id: 110.0}, revert_to_owner=True
            )
        self.assertEqual(account.state, "active")
        self.assertEqual(
            self.env["account.move"].search_count([("utility_account_id", "=", account.id)]),
            moves_before,
        )
        # A CSR opens accounts; the final bill is a billing specialist's.
        with self.assertRaises(AccessError):
            account.with_user(self.csr)._move_out(
                MOVE_OUT, {account.service_ids.meter_id.id: 110.0}
            )
        self.assertEqual(account.state, "active")

    # ------------------------------------------------------------------
    # Move-in
    # ------------------------------------------------------------------
    def test_move_in_takes_over_the_meter_read_at_move_out(self):
        account = self._billed_accounts()
        meter = account.service_ids.meter_id
        self._move_out(account)
        new = self._move_in(account.location_id, user=self.csr)
        self.assertEqual(new.state, "active")
        self.assertEqual(new.partner_id.name, "Nora Newcomer")
        self.assertEqual(new.previous_account_id, account)
        self.assertEqual(new.date_start, MOVE_OUT)
        # Services proposed from the last account, the same meter taken over in place.
        self.assertEqual(
            sorted(new.service_ids.service_type_id.mapped("code")),
            sorted(account.service_ids.service_type_id.mapped("code")),
        )
        self.assertEqual(new.service_ids.meter_id, meter)
        self.assertEqual((meter.state, meter.location_id), ("installed", account.location_id))
        self.assertEqual(new.service_ids.filtered("cart_count").cart_count, 1)
        # The move-out's final reading is the newcomer's opening one: no reading added.
        readings = self.env["utility.meter.reading"].search([("meter_id", "=", meter.id)])
        self.assertEqual(readings.mapped("date"), [MOVE_OUT, CURRENT_READ, date(2025, 1, 3)])
        # The next reading belongs to the newcomer and counts from 110.
        later = self._read_meters(meter, date(2025, 3, 3), [115.0])
        self.assertEqual(later.service_id.account_id, new)
        self.assertEqual(later.consumption, 5.0)
        # The welcome letter is on the account.
        self.assertTrue(any("welcome" in (m.subject or "") for m in new.message_ids))

    def test_vacancy_registering_use_then_move_in_with_an_opening_read(self):
        account = self._billed_accounts()
        meter = account.service_ids.meter_id
        location = account.location_id
        self._move_out(account)
        Vacancy = self.env["utility.vacancy"]
        self.assertFalse(Vacancy.search([("location_id", "=", location.id)]))
        # 3 kgal through the meter of an empty house.
        self._read_meters(meter, date(2025, 3, 3), [113.0])
        vacancy = Vacancy.search([("location_id", "=", location.id)])
        self.assertEqual(
            (vacancy.meter_id, vacancy.last_account_id, vacancy.date_vacant, vacancy.consumption),
            (meter, account, MOVE_OUT, 3.0),
        )
        new = self._move_in(location, date_start=date(2025, 3, 5), opening=113.5)
        opening = self.env["utility.meter.reading"].search(
            [("meter_id", "=", meter.id), ("date", "=", date(2025, 3, 5))]
        )
        self.assertEqual(
            (opening.read_type, opening.value, opening.consumption, opening.account_id),
            ("initial", 113.5, 0.0, new),
        )
        self.assertFalse(Vacancy.search([("location_id", "=", location.id)]))

    def test_move_in_bad_input_changes_nothing(self):
        account = self._billed_accounts()
        location = account.location_id
        accounts_before = self.env["utility.account"].search_count(
            [("location_id", "=", location.id)]
        )
        with self.assertRaisesRegex(UserError, "move that customer out first"):
            self._move_in(location)
        self._move_out(account)
        with self.assertRaisesRegex(UserError, "the start date cannot be earlier"):
            self._move_in(location, date_start=date(2025, 2, 10))
        with self.assertRaisesRegex(UserError, "below the last reading"):
            self._move_in(location, date_start=date(2025, 3, 1), opening=100.0)
        self.assertEqual(
            self.env["utility.account"].search_count([("location_id", "=", location.id)]),
            accounts_before,
        )
        # A cashier cannot start service.
        with self.assertRaises(AccessError):
            self.env["utility.account.move.in"].with_user(self.cashier).create(
                {"location_id": location.id, "name": "X"}
            )

    def test_duplicate_customer_is_flagged(self):
        account = self._billed_accounts()
        wizard = self.env["utility.account.move.in"].new(
            {"location_id": account.location_id.id, "name": account.partner_id.name}
        )
        self.assertIn(account.partner_id.id, wizard.duplicate_ids._origin.ids)

    # ------------------------------------------------------------------
    # Landlord revert
    # ------------------------------------------------------------------
    def test_service_reverts_to_the_owner_and_back(self):
        account = self._billed_accounts()
        location = account.location_id
        location.owner_id = self.landlord
        meter = account.service_ids.meter_id
        self._move_out(account, is_revert_to_owner=True)
        owner = location.current_account_id
        self.assertEqual(
            (owner.partner_id, owner.is_landlord_revert, owner.date_start, owner.state),
            (self.landlord, True, MOVE_OUT, "active"),
        )
        self.assertEqual(owner.previous_account_id, account)
        self.assertEqual(owner.service_ids.meter_id, meter)
        # The next tenant: the owner's account is final-billed on the start date.
        tenant = self._move_in(
            location, date_start=date(2025, 3, 10), opening=112.0, user=self.specialist
        )
        self.assertEqual(owner.state, "final_billed")
        self.assertEqual(owner.date_end, date(2025, 3, 10))
        final = owner.move_ids.filtered(lambda m: m.utility_bill_kind == "final")
        self.assertEqual(len(final), 1)
        self.assertEqual(tenant.previous_account_id, owner)
        self.assertEqual(tenant.state, "active")
        location.invalidate_recordset(["current_account_id"])
        self.assertEqual(location.current_account_id, tenant)
        self.assertEqual(
            self.env["utility.account"].search_count([("location_id", "=", location.id)]), 3
        )
