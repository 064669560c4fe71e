# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Rate what-if: last year's posted bills priced again under proposed rates.

The city: Modesto, CA, "How much will monthly rates increase for the average
customer?" (https://modestogov.com/FAQ.aspx?QID=758): a 1-inch meter pays a
base rate of $36.83 and $2.02 per hundred cubic feet (CCF) today; the proposed
rates are $38.55 and $2.11 per CCF. "Current Bill = $36.83 + (15 CCF x
$2.02/CCF) = $67.13; Proposed = $38.55 + (15 CCF x $2.11/CCF) = $70.20".
"""

import io
from datetime import date, timedelta
from decimal import Decimal

import openpyxl

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import freeze_time, new_test_user, tagged

from .common_rate_whatif import RateWhatifCommon

READ_FROM = date(2025, 1, 3)
READ_TO = date(2025, 2, 3)


@tagged("post_install", "-at_install")
class TestRateWhatif(RateWhatifCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.modesto, cls.proposed = cls._modesto_proposal("MOD-W")
        cls.billing_user = new_test_user(
            cls.env,
            login="ub_whatif_billing",
            groups="base.group_user,utility_billing.group_utility_billing",
        )
        cls.csr_user = new_test_user(
            cls.env,
            login="ub_whatif_csr",
            groups="base.group_user,utility_billing.group_utility_csr",
        )

    def _bill_accounts(self, usages):
        """One account per usage (CCF, 1-inch meter read in CCF), billed by one
        posted run; returns the accounts and their posted bills."""
        accounts = self.env["utility.account"]
        for usage in usages:
            account = self._account([(self.modesto, {})], meter_unit="ccf", meter_size="1")
            self._read(account, usage, READ_FROM, READ_TO)
            accounts |= account
        run = self._new_run(
            cycle=accounts[0].cycle_id,
            date_from=READ_TO - timedelta(days=2),
            date_to=READ_TO + timedelta(days=2),
            date_invoice=READ_TO + timedelta(days=5),
            date_due=READ_TO + timedelta(days=25),
            date_penalty=READ_TO + timedelta(days=30),
        )
        self._rate_run(run)
        run.action_post()
        moves = run.move_ids
        self.assertEqual(len(moves), len(usages))
        return accounts, {m.utility_account_id: m for m in moves}

    def _whatif(self, **vals):
        return self.env["utility.rate.whatif"].create(
            dict(
                {
                    "name": "Modesto proposal",
                    "date_from": date(2024, 3, 1),
                    "date_to": date(2025, 2, 28),
                    "version_ids": [Command.set(self.proposed.ids)],
                    "usage_list": "0, 15",
                },
                **vals,
            )
        )

    @staticmethod
    def _money(value):
        return Decimal(str(value)).quantize(Decimal("0.01"))

    # ------------------------------------------------------------------
    # A proposed version never bills
    # ------------------------------------------------------------------
    def test_proposed_version_never_bills(self):
        """A proposed version starting inside the billed period would split it by
        days if it were a real rate change; the run ignores it: 15 CCF bills
        $36.83 + 15 x $2.02 = $67.13, the posted invoice's total."""
        self.proposed.date_start = READ_FROM + timedelta(days=10)
        _accounts, moves = self._bill_accounts([15])
        (move,) = moves.values()
        self.assertEqual(self._money(move.amount_total), Decimal("67.13"))
        self.assertEqual(
            sorted(self._money(line.price_subtotal) for line in move.invoice_line_ids),
            [Decimal("30.30"), Decimal("36.83")],
        )
        self.assertNotIn(self.proposed, move.invoice_line_ids.utility_rate_line_id.version_id)
        # Nor is it the version in force, nor does it end the one in force.
        self.assertNotEqual(self.modesto.current_version_id, self.proposed)
        self.assertFalse((self.modesto.version_ids - self.proposed).date_end)
        plan = self.modesto._get_rate_plan()[self.modesto.id]
        self.assertNotIn(self.proposed.id, [v.id for v in plan.versions])

    # ------------------------------------------------------------------
    # Cents, by hand
    # ------------------------------------------------------------------
    def test_whatif_modesto_cents(self):
        """Three 1-inch accounts billed 8, 15 and 30 CCF at today's rates:
        8: 36.83 + 16.16 = 52.99; 15: 36.83 + 30.30 = 67.13; 30: 36.83 + 60.60 = 97.43,
        $217.55 billed. Proposed: 38.55 + 16.88 = 55.43; 38.55 + 31.65 = 70.20;
        38.55 + 63.30 = 101.85, $227.48: +$9.93, +4.6 %."""
        accounts, moves = self._bill_accounts([8, 15, 30])
        billed = sum(self._money(moves[a].amount_total) for a in accounts)
        self.assertEqual(billed, Decimal("217.55"))
        move_count = self.env["account.move"].search_count([])
        whatif = self._whatif()
        whatif.action_compute()
        # Nothing is posted, nothing billed.
        self.assertEqual(self.env["account.move"].search_count([]), move_count)
        self.assertEqual(whatif.state, "computed")
        self.assertEqual(whatif.bill_count, 3)
        self.assertEqual(whatif.account_count, 3)
        self.assertEqual(self._money(whatif.amount_billed), Decimal("217.55"))
        self.assertEqual(self._money(whatif.amount_rerated), Decimal("217.55"))
        self.assertEqual(self._money(whatif.amount_proposed), Decimal("227.48"))
        self.assertEqual(self._money(whatif.amount_change), Decimal("9.93"))
        self.assertAlmostEqual(whatif.change_percent, 4.6)
        self.assertEqual(whatif.difference_bill_count, 0)
        (revenue,) = whatif.revenue_line_ids
        self.assertEqual(revenue.service_type_id, self.water)
        self.assertEqual(revenue.customer_class.code, "residential")
        self.assertEqual((revenue.bill_count, revenue.account_count), (3, 3))
        self.assertAlmostEqual(revenue.usage, 53.0)
        self.assertTrue(revenue.is_reproduced)
        self.assertEqual(self._money(revenue.amount_proposed), Decimal("227.48"))
        # Typical customers: the 10th / 50th / 90th percentile of 8, 15, 30 CCF.
        typical = whatif.bill_line_ids.filtered(lambda b: b.kind == "percentile")
        self.assertEqual(
            [
                (
                    b.percentile,
                    b.usage,
                    self._money(b.amount_current),
                    self._money(b.amount_proposed),
                )
                for b in typical.sorted("percentile")
            ],
            [
                (10, 8.0, Decimal("52.99"), Decimal("55.43")),
                (50, 15.0, Decimal("67.13"), Decimal("70.20")),
                (90, 30.0, Decimal("97.43"), Decimal("101.85")),
            ],
        )
        self.assertEqual(typical[0].meter_size, "1")
        table = whatif.bill_line_ids.filtered(lambda b: b.kind == "usage").sorted("usage")
        self.assertEqual(
            [
                (b.usage, self._money(b.amount_current), self._money(b.amount_proposed))
                for b in table
            ],
            [(0.0, Decimal("36.83"), Decimal("38.55")), (15.0, Decimal("67.13"), Decimal("70.20"))],
        )
        # Most affected first: 30 CCF (+4.42), 15 CCF (+3.07), 8 CCF (+2.44).
        self.assertEqual(
            [
                (line.account_id, self._money(line.amount_change))
                for line in whatif.account_line_ids
            ],
            [
                (accounts[2], Decimal("4.42")),
                (accounts[1], Decimal("3.07")),
                (accounts[0], Decimal("2.44")),
            ],
        )
        self.assertIn("Proposed", whatif.chart_html)

    def test_whatif_flags_bills_it_does_not_reproduce(self):
        """A price changed after billing (a correction typed into the version in
        force) makes the bills differ from their re-rating: the what-if says so."""
        _accounts, _moves = self._bill_accounts([15])
        base = self.modesto.version_ids.filtered(lambda v: not v.is_proposed).line_ids.filtered(
            lambda line: line.component == "fixed"
        )
        base.amount = 36.93
        whatif = self._whatif()
        whatif.action_compute()
        self.assertEqual(whatif.difference_bill_count, 1)
        self.assertEqual(self._money(whatif.amount_billed), Decimal("67.13"))
        self.assertEqual(self._money(whatif.amount_rerated), Decimal("67.23"))
        self.assertFalse(whatif.revenue_line_ids.is_reproduced)

    def test_demo_town_whatif(self):
        """The demo town's proposal: every price of the version in force 8 % up,
        to the cent (36.83 x 1.08 = 39.7764: $39.78; 2.02 x 1.08 = 2.1816: $2.18),
        computed on last year's bills: 15 CCF is 39.78 + 15 x 2.18 = $72.48."""
        self._bill_accounts([15])
        with freeze_time("2025-03-01"):
            whatif = self.env["utility.demo.town"]._generate_whatif(self.modesto)
        version = whatif.version_ids
        self.assertTrue(version.is_proposed)
        self.assertEqual(version.schedule_id, self.modesto)
        self.assertEqual(
            sorted(version.line_ids.mapped(lambda line: line.amount or line.price_unit)),
            [2.18, 39.78],
        )
        self.assertEqual(whatif.state, "computed")
        self.assertEqual(self._money(whatif.amount_billed), Decimal("67.13"))
        self.assertEqual(self._money(whatif.amount_proposed), Decimal("72.48"))

    def test_whatif_schedule_without_proposal_keeps_what_it_billed(self):
        """Garbage has no proposed rates: its bills stay as billed ($15.00 a cart),
        even when a cart was delivered since (priced again: 2 carts, $30.00, a
        bill the what-if says it does not reproduce); water changes alone."""
        garbage = self._schedule(
            "MOD-G", self.garbage, [{"name": "Cart", "component": "cart", "price_unit": 15.0}]
        )
        account = self._account(
            [
                (self.modesto, {}),
                (garbage, {"cart_count": 1, "cart_size": self._cart_size("96").id}),
            ],
            meter_unit="ccf",
            meter_size="1",
        )
        self._read(account, 15, READ_FROM, READ_TO)
        run = self._new_run(
            cycle=account.cycle_id,
            date_from=READ_TO - timedelta(days=2),
            date_to=READ_TO + timedelta(days=2),
        )
        self._rate_run(run)
        run.action_post()
        self.assertEqual(self._money(run.move_ids.amount_total), Decimal("82.13"))
        account.service_ids.filtered(lambda s: s.rate_schedule_id == garbage).cart_count = 2
        whatif = self._whatif()
        whatif.action_compute()
        lines = {line.service_type_id: line for line in whatif.revenue_line_ids}
        self.assertEqual(
            [
                self._money(lines[self.garbage][name])
                for name in ("amount_billed", "amount_rerated", "amount_proposed", "amount_change")
            ],
            [Decimal("15.00"), Decimal("30.00"), Decimal("15.00"), Decimal("0.00")],
        )
        self.assertEqual(self._money(lines[self.water].amount_proposed), Decimal("70.20"))
        self.assertEqual(whatif.difference_bill_count, 1)
        self.assertEqual(self._money(whatif.amount_change), Decimal("3.07"))
        self.assertEqual(self._money(whatif.account_line_ids.amount_change), Decimal("3.07"))

    # ------------------------------------------------------------------
    # Reports
    # ------------------------------------------------------------------
    def test_whatif_pdf_and_xlsx(self):
        self._bill_accounts([15])
        whatif = self._whatif()
        with self.assertRaisesRegex(UserError, "Compute the what-if first"):
            whatif.action_print_pdf()
        whatif.action_compute()
        # The company chose its document layout (else Odoo asks for it first).
        self.env.company.external_report_layout_id = self.env.ref("web.external_layout_standard")
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("utility_billing.report_utility_rate_whatif", whatif.ids)[0]
            .decode()
        )
        for text in ("Modesto proposal", "67.13", "70.20", "Accounts most affected"):
            self.assertIn(text, html)
        self.assertEqual(
            whatif.action_print_pdf()["report_name"], "utility_billing.report_utility_rate_whatif"
        )
        content, kind = self.env["ir.actions.report"]._render(
            "utility_billing.report_utility_rate_whatif_xlsx", whatif.ids
        )
        self.assertEqual(kind, "xlsx")
        book = openpyxl.load_workbook(io.BytesIO(content))
        self.assertEqual(book.sheetnames, ["Revenue", "Bill Impact", "Most Affected"])
        revenue = list(book["Revenue"].iter_rows(values_only=True))
        self.assertEqual(
            revenue[0][:6], ("Service", "Class", "Accounts", "Bills", "Volume", "Billed")
        )
        self.assertEqual(
            [(row[5], row[7]) for row in revenue[1:]],
            [(line.amount_billed, line.amount_proposed) for line in whatif.revenue_line_ids],
        )
        self.assertIn(67.13, [row[5] for row in revenue[1:]])

    # ------------------------------------------------------------------
    # Bad input, locks, roles
    # ------------------------------------------------------------------
    def test_whatif_bad_input(self):
        self._bill_accounts([15])
        whatif = self._whatif(version_ids=[Command.clear()])
        with self.assertRaisesRegex(UserError, "Pick at least one proposed rate version"):
            whatif.action_compute()
        self.assertEqual(whatif.state, "draft")
        adopted = self.modesto.version_ids - self.proposed
        whatif.version_ids = adopted
        with self.assertRaisesRegex(UserError, "is not a proposed version"):
            whatif.action_compute()
        whatif.write({"version_ids": [Command.set(self.proposed.ids)], "usage_list": "5, ten"})
        with self.assertRaisesRegex(UserError, "'ten' is not a number"):
            whatif.action_compute()
        # Proposed rates without a base charge for the accounts' 1-inch meters.
        self.proposed.line_ids.filtered(
            lambda line: line.component == "fixed"
        ).meter_size = self.env["utility.meter.size"].search([("code", "=", "5/8")], limit=1)
        whatif.usage_list = "5"
        with self.assertRaisesRegex(
            UserError,
            r"(?s)Some bills cannot be priced.*"
            r"the proposed version has no base charge for meter size 1",
        ):
            whatif.action_compute()
        self.assertEqual(whatif.state, "draft")
        empty = self._whatif(date_from=date(2023, 1, 1), date_to=date(2023, 12, 31))
        with self.assertRaisesRegex(UserError, "No bill was posted .* nothing to compare"):
            empty.action_compute()
        self.assertEqual(empty.state, "draft")
        self.assertFalse(empty.revenue_line_ids)

    def test_whatif_results_are_final(self):
        self._bill_accounts([15])
        whatif = self._whatif()
        whatif.action_compute()
        with self.assertRaisesRegex(UserError, "reset it to draft"):
            whatif.date_from = date(2024, 6, 1)
        with self.assertRaises(UserError):
            whatif.revenue_line_ids.amount_proposed = 1.0
        with self.assertRaises(AccessError):
            whatif.state = "draft"
        whatif.name = "Renamed after the hearing"
        whatif.action_reset_to_draft()
        self.assertEqual(whatif.state, "draft")
        self.assertFalse(whatif.revenue_line_ids)

    def test_whatif_roles(self):
        self._bill_accounts([15])
        whatif = self._whatif()
        whatif.action_compute()
        as_billing = whatif.with_user(self.billing_user)
        self.assertEqual(self._money(as_billing.amount_proposed), Decimal("70.20"))
        self.assertTrue(as_billing.revenue_line_ids.read(["amount_billed"]))
        with self.assertRaises(AccessError):
            as_billing.action_compute()
        with self.assertRaises(AccessError):
            self.env["utility.rate.whatif"].with_user(self.billing_user).create({"name": "x"})
        with self.assertRaises(AccessError):
            whatif.with_user(self.csr_user).read(["name"])
