# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Aged receivables by service, proven on posted entries and tied to the ledger.

The rule followed is the city's own payment order, as the payment poster
allocates: Fairmont, NC § 50.22(C) ("Partial payments shall be applied to the
oldest debt first ... wastewater ... then water usage as metered",
https://codelibrary.amlegal.com/codes/fairmontnc/latest/fairmont_nc/0-0-0-938):
oldest bill first, sewer (priority 10) before garbage (20) before water (30).
"""

import io
from datetime import date

import openpyxl

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common_payment import PaymentCommon
from .common_rpc import RpcCase

MARCH_5 = date(2025, 3, 5)
MARCH_31 = date(2025, 3, 31)


@tagged("post_install", "-at_install")
class TestReceivableAging(PaymentCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.utility_payment_allocation = "oldest"
        # Account 1: January bill (due February 4) water 40.00 + garbage 15.00;
        # February bill (due March 7) water 30.00 + sewer 20.00.
        cls.january = cls._post_bill(
            cls.account, date(2025, 1, 15), {cls.water: 40.0, cls.garbage: 15.0}
        )
        cls.february = cls._post_bill(
            cls.account, date(2025, 2, 15), {cls.water: 30.0, cls.sewer: 20.0}
        )
        # Account 2: a November bill (due November 21) never paid: water 60.00.
        cls.november = cls._post_bill(cls.account2, date(2024, 11, 1), {cls.water: 60.0})

    def _setup_history(self):
        """March 1: 70.00 paid on account 1 (January's garbage 15.00 and water
        40.00, then February's sewer 15.00). March 10: a 10.00 credit note on
        the February bill. March 12: a 5.00 late fee. March 20: account 3 pays
        20.00 with nothing owed (an open credit)."""
        self._payment([(self.account, 70.0)], date=date(2025, 3, 1))
        credit = self.env["account.move"].create(
            {
                "move_type": "out_refund",
                "partner_id": self.account.partner_id.id,
                "journal_id": self.journal.id,
                "invoice_date": date(2025, 3, 10),
                "utility_account_id": self.account.id,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "Courtesy credit",
                            "account_id": self.income[self.water].id,
                            "quantity": 1.0,
                            "price_unit": 10.0,
                            "tax_ids": [],
                        }
                    )
                ],
            }
        )
        credit.action_post()
        receivable = "asset_receivable"
        (credit.line_ids | self.february.line_ids).filtered(
            lambda line: line.account_id.account_type == receivable
        ).reconcile()
        fee_day = date(2025, 3, 12)
        self.env["utility.bill.builder"]._create_posted_moves(
            [
                {
                    "partner_id": self.account.partner_id.id,
                    "journal_id": self.journal.id,
                    "invoice_date": fee_day,
                    "invoice_date_due": fee_day,
                    "utility_account_id": self.account.id,
                    "utility_location_id": self.account.location_id.id,
                    "utility_bill_kind": "fee",
                    "lines": [
                        {
                            "name": "Late fee",
                            "account_id": self.income[self.water].id,
                            "quantity": 1.0,
                            "price_unit": 5.0,
                            "tax_ids": [],
                        }
                    ],
                }
            ]
        )
        self._payment([(self.account3, 20.0)], date=date(2025, 3, 20))

    def _aging(self, day):
        aging = self.env["utility.receivable.aging"].create({"date_aging": day})
        aging.action_compute()
        return aging

    def _ledger(self, day):
        lines = self.env["account.move.line"].search(
            [
                ("company_id", "=", self.env.company.id),
                ("account_id.account_type", "=", "asset_receivable"),
                ("parent_state", "=", "posted"),
                ("date", "<=", day),
            ]
        )
        return round(sum(lines.mapped("balance")), 2)

    def _cells(self, aging):
        return sorted(
            (
                line.account_id.name or "",
                line.line_kind,
                line.service_type_id.code or "",
                line.amount_current,
                line.amount_1_30,
                line.amount_31_60,
                line.amount_61_90,
                line.amount_90_plus,
            )
            for line in aging.line_ids
        )

    def test_split_by_service_and_age_ties_to_the_ledger(self):
        """March 31: February's bill (24 days past due) owed 50.00 - 15.00 paid
        (sewer) = 35.00, less the 10.00 credit note, which comes off by the
        payment order: sewer's 5.00, then 5.00 of water: water 25.00 in 1-30.
        The late fee (19 days) 5.00 in 1-30 as a fee. November's water 60.00,
        130 days: over 90. Account 3's 20.00 credit (11 days): -20.00.
        Total 25.00 + 5.00 + 60.00 - 20.00 = 70.00, the receivable account's
        balance: 55.00 + 50.00 + 60.00 + 5.00 billed - 70.00 - 10.00 - 20.00."""
        self._setup_history()
        aging = self._aging(MARCH_31)
        a1, a2, a3 = (self.account.name, self.account2.name, self.account3.name)
        self.assertEqual(
            self._cells(aging),
            sorted(
                [
                    (a1, "service", "WATER", 0.0, 25.0, 0.0, 0.0, 0.0),
                    (a1, "fee", "", 0.0, 5.0, 0.0, 0.0, 0.0),
                    (a2, "service", "WATER", 0.0, 0.0, 0.0, 0.0, 60.0),
                    (a3, "credit", "", 0.0, -20.0, 0.0, 0.0, 0.0),
                ]
            ),
        )
        self.assertEqual(aging.state, "computed")
        self.assertEqual(aging.amount_total, 70.0)
        self.assertEqual(aging.amount_1_30, 10.0)
        self.assertEqual(aging.amount_90_plus, 60.0)
        self.assertEqual(aging.amount_ledger, 70.0)
        self.assertEqual(aging.amount_ledger, self._ledger(MARCH_31))
        self.assertEqual(aging.amount_difference, 0.0)

    def test_an_earlier_date_sees_the_bills_as_they_stood(self):
        """March 5: the payment of March 1 is in (sewer 15.00 of February's),
        the credit note, the fee and account 3's payment not yet: February's
        bill is not due (March 7): sewer 5.00 + water 30.00 current; November's
        60.00 (104 days) over 90. Total 95.00 = 165.00 billed - 70.00 paid."""
        self._setup_history()
        aging = self._aging(MARCH_5)
        a1, a2 = self.account.name, self.account2.name
        self.assertEqual(
            self._cells(aging),
            sorted(
                [
                    (a1, "service", "SEWER", 5.0, 0.0, 0.0, 0.0, 0.0),
                    (a1, "service", "WATER", 30.0, 0.0, 0.0, 0.0, 0.0),
                    (a2, "service", "WATER", 0.0, 0.0, 0.0, 0.0, 60.0),
                ]
            ),
        )
        self.assertEqual(aging.amount_total, 95.0)
        self.assertEqual(aging.amount_ledger, self._ledger(MARCH_5))

    def test_the_split_is_the_payment_posters(self):
        """Today, each bill's open part per service is what the payment poster
        would allocate the next payment against (``_get_open_buckets``)."""
        self._setup_history()
        aging = self._aging(date.today())
        buckets = self.env["utility.payment.poster"]._get_open_buckets(self.accounts)
        poster = {}
        for account_id, account_buckets in buckets.items():
            for bucket in account_buckets:
                key = (account_id, bucket.key[1] or False)
                poster[key] = poster.get(key, 0) + float(bucket.amount)
        report = {
            (line.account_id.id, line.service_type_id.id): line.amount_total
            for line in aging.line_ids
            if line.line_kind != "credit"
        }
        self.assertEqual(report, {key: value for key, value in poster.items() if value})

    def test_xlsx_by_service(self):
        self._setup_history()
        aging = self._aging(MARCH_31)
        content, kind = self.env["ir.actions.report"]._render(
            "utility_billing.report_utility_receivable_aging_xlsx", aging.ids
        )
        self.assertEqual(kind, "xlsx")
        book = openpyxl.load_workbook(io.BytesIO(content))
        self.assertEqual(book.sheetnames, ["By Service", "Accounts"])
        rows = [list(row) for row in book["By Service"].iter_rows(values_only=True)]
        self.assertEqual(
            rows[0],
            ["Service", "Not Yet Due", "1-30 Days", "31-60 Days", "61-90 Days", "Over 90 Days",
             "Total"],
        )  # fmt: skip
        by_label = {row[0]: row[1:] for row in rows[1:]}
        self.assertEqual(by_label["Water"], [0, 25, 0, 0, 60, 85])
        self.assertEqual(by_label["Fees and Other Charges"], [0, 5, 0, 0, 0, 5])
        self.assertEqual(by_label["Unapplied Credits"], [0, -20, 0, 0, 0, -20])
        self.assertEqual(by_label["Total"], [0, 10, 0, 0, 60, 70])
        self.assertEqual(by_label["Receivable in the Ledger"][-1], 70)
        accounts = list(book["Accounts"].iter_rows(values_only=True))
        self.assertEqual(accounts[0][0], "Account")
        self.assertEqual(len(accounts), 1 + len(aging.line_ids))
        self.assertIn((self.account2.display_name, 60), [(row[0], row[10]) for row in accounts[1:]])

    def test_demo_town_computes_todays_aging(self):
        """The demo town's generator: today's aging, computed and tied to the ledger."""
        self.assertFalse(self.env["utility.receivable.aging"].search([]))
        self._setup_history()
        aging = self.env["utility.demo.town"]._generate_reports()
        self.assertEqual(aging.state, "computed")
        self.assertEqual(aging.date_aging, date.today())
        self.assertEqual(aging.amount_total, 70.0)
        self.assertEqual(aging.amount_ledger, self._ledger(date.today()))

    def test_bad_date_changes_nothing(self):
        aging = self.env["utility.receivable.aging"].create({"date_aging": date(2999, 1, 1)})
        with self.assertRaisesRegex(UserError, "has not come yet"):
            aging.action_compute()
        self.assertEqual(aging.state, "draft")
        self.assertFalse(aging.line_ids)
        with self.assertRaisesRegex(UserError, "Compute the aged receivables first"):
            aging.action_export_xlsx()

    def test_new_date_clears_the_lines(self):
        self._setup_history()
        aging = self._aging(MARCH_31)
        self.assertTrue(aging.line_ids)
        aging.date_aging = MARCH_5
        self.assertEqual(aging.state, "draft")
        self.assertFalse(aging.line_ids)

    def test_roles(self):
        """Supervisors compute, billing specialists read, cashiers and CSRs see nothing."""
        self._setup_history()
        aging = self._aging(MARCH_31)
        users = self.env["res.users"]
        for role, group in (
            ("cashier", "group_utility_cashier"),
            ("csr", "group_utility_csr"),
            ("billing", "group_utility_billing"),
        ):
            users |= users.create(
                {
                    "name": f"Aging {role}",
                    "login": f"aging_{role}",
                    "groups_id": [Command.set(self.env.ref(f"utility_billing.{group}").ids)],
                }
            )
        cashier, csr, billing = users
        for user in (cashier, csr):
            with self.assertRaises(AccessError):
                self.env["utility.receivable.aging"].with_user(user).search([])
            with self.assertRaises(AccessError):
                self.env["utility.receivable.aging.line"].with_user(user).search([])
        self.assertEqual(self.env["utility.receivable.aging"].with_user(billing).search([]), aging)
        with self.assertRaises(AccessError):
            aging.with_user(billing).action_compute()
        with self.assertRaises(AccessError):
            self.env["utility.receivable.aging"].with_user(billing).create({})
        # Nobody types the amounts in, not even a supervisor.
        with self.assertRaises(UserError):
            aging.amount_total = 1.0

    def test_reporting_menu_per_role(self):
        """Cashiers see their own reports only; billing specialists all of them."""
        reporting = self.env.ref("utility_billing.utility_reporting_menu")
        names = {}
        for role in ("cashier", "billing"):
            user = new_test_user(
                self.env,
                login=f"menu_{role}",
                groups=f"utility_billing.group_utility_{role}",
                company_id=self.env.company.id,
                company_ids=[Command.set(self.env.company.ids)],
            )
            menus = (
                self.env["ir.ui.menu"].with_user(user).search([("parent_id", "=", reporting.id)])
            )
            names[role] = set(menus.mapped("name"))
        self.assertEqual(names["cashier"], {"Daily Receipts", "Cashier's Reports", "Deposit Slips"})
        self.assertLessEqual(names["cashier"], names["billing"])
        self.assertLessEqual(
            {
                "Aged Receivables by Service",
                "Consumption by Class",
                "Delinquency List",
                "Meter Exceptions",
                "Open Orders by Age",
                "Billing Register",
            },
            names["billing"],
        )

    def test_other_company_is_hidden(self):
        self._setup_history()
        aging = self._aging(MARCH_31)
        other = self.env["res.company"].create({"name": "Other City"})
        user = self.env["res.users"].create(
            {
                "name": "Other supervisor",
                "login": "aging_other",
                "company_id": other.id,
                "company_ids": [Command.set(other.ids)],
                "groups_id": [
                    Command.set(self.env.ref("utility_billing.group_utility_supervisor").ids)
                ],
            }
        )
        self.assertFalse(self.env["utility.receivable.aging"].with_user(user).search([]))
        self.assertFalse(
            self.env["utility.receivable.aging.line"]
            .with_user(user)
            .search([("aging_id", "=", aging.id)])
        )


@tagged("post_install", "-at_install")
class TestReceivableAgingRpc(PaymentCommon, RpcCase):
    def test_roles_over_rpc(self):
        """What a script sends: a cashier reads no aging, a billing specialist
        reads it but neither computes it nor types its amounts in."""
        self._post_bill(self.account, date(2025, 1, 15), {self.water: 40.0})
        aging = self.env["utility.receivable.aging"].create({"date_aging": MARCH_31})
        aging.action_compute()
        users = {}
        for role in ("cashier", "billing"):
            users[role] = new_test_user(
                self.env,
                login=f"aging_rpc_{role}",
                groups=f"utility_billing.group_utility_{role}",
                company_id=self.env.company.id,
                company_ids=[Command.set(self.env.company.ids)],
            )
        Aging, Line = "utility.receivable.aging", "utility.receivable.aging.line"
        fields = ["amount_total"]
        for model in (Aging, Line):
            self.assertRpcRefused(self.rpc(users["cashier"], model, "search_read", [], fields))
        read = self.rpc(users["billing"], Aging, "search_read", [], fields)
        self.assertEqual(read, [{"id": aging.id, "amount_total": 40.0}])
        lines = self.rpc(
            users["billing"], Line, "search_read", [("aging_id", "=", aging.id)], fields
        )
        self.assertEqual([line["amount_total"] for line in lines], [40.0])
        self.assertRpcRefused(self.rpc(users["billing"], Aging, "action_compute", aging.ids))
        self.assertRpcRefused(
            self.rpc(users["billing"], Aging, "write", aging.ids, {"amount_total": 1.0})
        )
        self.assertRpcRefused(
            self.rpc(users["billing"], Line, "write", lines[0]["id"], {"amount_total": 1.0})
        )
        self.assertEqual(aging.amount_total, 40.0)
