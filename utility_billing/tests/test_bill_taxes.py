# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Taxes on utility bills, proven on the posted invoices of a billing run.

The rules are real cities' published utility taxes:

* Palo Alto Municipal Code 2.35.080, water users tax: "five percent of the
  charges ... for metered water and charges for service, including customer
  charges" (https://codelibrary.amlegal.com/codes/paloalto/latest/paloalto_ca/0-0-0-62611);
* Sebastopol Municipal Code 3.10.090(A), refuse collection tax: "3.75 percent
  of the charges made for such services"
  (https://sebastopol.municipal.codes/SMC/3.10.090(A)).

The water schedule of these tests bills a 10.30 base charge, 2.02 per kgal
up to 5 kgal and 3.15 per kgal above; a 7 kgal bill is:

====================  ========  ==============  ===========================
line                  amount    5% per line     5% on the water total
====================  ========  ==============  ===========================
Water base            10.30     0.515 -> 0.52
Water 0-5 kgal        10.10     0.505 -> 0.51
Water over 5 kgal      6.30     0.315 -> 0.32
water total           26.70     1.35            1.335 -> 1.34
Sewer (5 + 7 x 4)     33.00     untaxed
Garbage (1 cart)      15.00     untaxed (3.75% in the refuse tests: 0.5625 -> 0.56)
====================  ========  ==============  ===========================

Odoo rounds each line's tax by default ("round per line": 1.35, bill 76.05);
a company rounding globally gets 1.34 (bill 76.04).
"""

from datetime import date
from unittest.mock import patch

from odoo import Command
from odoo.tests import tagged

from .common_billing import CURRENT_READ, BillingCommon

UNTAXED_7KGAL = 74.70  # 26.70 water + 33.00 sewer + 15.00 garbage


@tagged("post_install", "-at_install")
class TestBillTaxes(BillingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        water_lines = cls.schedules[cls.water].version_ids.line_ids
        water_lines.filtered(lambda line: line.component == "fixed").amount = 10.30
        blocks = water_lines.block_ids.sorted("quantity_from")
        blocks[0].price_unit = 2.02
        blocks[1].price_unit = 3.15
        default_tax = cls.company_data["default_tax_sale"]
        cls.tax_account = default_tax.invoice_repartition_line_ids.account_id
        cls.water_tax = default_tax.copy(
            {"name": "Water Users Tax 5% (Palo Alto 2.35.080)", "amount": 5.0}
        )
        cls.refuse_tax = default_tax.copy(
            {"name": "Refuse Collection Tax 3.75% (Sebastopol 3.10.090)", "amount": 3.75}
        )
        # Palo Alto taxes every water charge: the base and usage rate lines.
        water_lines.tax_ids = cls.water_tax
        cls.exempt = cls.env["account.fiscal.position"].create(
            {
                "name": "Tax exempt (city buildings)",
                "tax_ids": [Command.create({"tax_src_id": cls.water_tax.id})],
            }
        )

    def _post_run(self, accounts):
        run = self._new_run()
        run.action_compute()
        run.action_post()
        self.assertEqual(run.state, "posted")
        return {move.utility_account_id: move for move in run.move_ids}

    def _tax_lines(self, move):
        return move.line_ids.filtered(lambda line: line.display_type == "tax")

    def test_water_tax_on_the_posted_bill(self):
        """5% on the water lines only, rounded per line: 1.35 on 26.70."""
        accounts = self._make_accounts(2)
        with patch.object(
            type(self.env["utility.move.writer"]),
            "_write_fast_invoices",
            autospec=True,
            side_effect=type(self.env["utility.move.writer"])._write_fast_invoices,
        ) as fast:
            moves = self._post_run(accounts)
        self.assertEqual(sum(len(call.args[1]) for call in fast.call_args_list), 2)
        move = moves[accounts[0]]
        self.assertAlmostEqual(move.amount_untaxed, UNTAXED_7KGAL)
        self.assertAlmostEqual(move.amount_tax, 1.35)
        self.assertAlmostEqual(move.amount_total, 76.05)
        for line in move.invoice_line_ids:
            expected = self.water_tax if line.utility_service_type_id == self.water else False
            self.assertEqual(line.tax_ids, expected or self.env["account.tax"], line.name)
        water = move.invoice_line_ids.filtered(lambda line: line.tax_ids)
        self.assertEqual(
            sorted(round(line.price_total - line.price_subtotal, 2) for line in water),
            [0.32, 0.51, 0.52],
        )
        tax_line = self._tax_lines(move)
        self.assertEqual(len(tax_line), 1)
        self.assertEqual(tax_line.tax_line_id, self.water_tax)
        self.assertEqual(tax_line.account_id, self.tax_account)
        self.assertAlmostEqual(tax_line.balance, -1.35)
        self.assertAlmostEqual(tax_line.tax_base_amount, 26.70)
        receivable = move.line_ids.filtered(lambda line: line.display_type == "payment_term")
        self.assertAlmostEqual(receivable.balance, 76.05)
        self.assertAlmostEqual(receivable.amount_residual, 76.05)
        # The general ledger of the run: tax payable 2 x 1.35.
        self.env.flush_all()
        ledger = dict(
            self.env["account.move.line"]._read_group(
                [("move_id", "in", [m.id for m in moves.values()])],
                ["account_id"],
                ["balance:sum"],
            )
        )
        self.assertAlmostEqual(ledger[self.tax_account], -2.70)
        self.assertAlmostEqual(ledger[self.receivable], 2 * 76.05)
        # The run's register: charges before tax, then the posted tax.
        run = move.utility_billing_run_id
        self.assertIn("Taxes on the posted bills", run.register_html)
        self.assertIn(
            "<td>Water Users Tax 5% (Palo Alto 2.35.080)</td><td>2</td>", run.register_html
        )
        self.assertIn("2.70", run.register_html)

    def test_round_globally(self):
        """A company rounding globally: 5% of 26.70 = 1.335 -> 1.34."""
        self.company.tax_calculation_rounding_method = "round_globally"
        accounts = self._make_accounts(1)
        move = self._post_run(accounts)[accounts[0]]
        self.assertAlmostEqual(move.amount_tax, 1.34)
        self.assertAlmostEqual(move.amount_total, 76.04)
        self.assertAlmostEqual(self._tax_lines(move).balance, -1.34)

    def test_product_tax_and_rate_line_tax(self):
        """The garbage product carries Sebastopol's 3.75% refuse tax; water
        lines name their own tax: 15.00 x 3.75% = 0.5625 -> 0.56, 1.35 on water."""
        self.garbage.product_id.taxes_id = self.refuse_tax
        accounts = self._make_accounts(1)
        move = self._post_run(accounts)[accounts[0]]
        self.assertAlmostEqual(move.amount_tax, 1.35 + 0.56)
        self.assertAlmostEqual(move.amount_total, UNTAXED_7KGAL + 1.91)
        garbage = move.invoice_line_ids.filtered(
            lambda line: line.utility_service_type_id == self.garbage
        )
        self.assertEqual(garbage.tax_ids, self.refuse_tax)
        self.assertEqual(
            {line.tax_line_id: round(line.balance, 2) for line in self._tax_lines(move)},
            {self.water_tax: -1.35, self.refuse_tax: -0.56},
        )

    def test_tax_exempt_by_fiscal_position(self):
        """A city building (fiscal position on the account) and a customer
        exempt everywhere (on the partner) pay no water tax; a third pays it."""
        accounts = self._make_accounts(3)
        accounts[0].fiscal_position_id = self.exempt
        accounts[1].partner_id.property_account_position_id = self.exempt
        moves = self._post_run(accounts)
        for account in accounts[:2]:
            move = moves[account]
            self.assertEqual(move.fiscal_position_id, self.exempt)
            self.assertFalse(move.invoice_line_ids.tax_ids)
            self.assertFalse(self._tax_lines(move))
            self.assertAlmostEqual(move.amount_total, UNTAXED_7KGAL)
        self.assertAlmostEqual(moves[accounts[2]].amount_total, 76.05)
        self.assertFalse(moves[accounts[2]].fiscal_position_id)

    def test_printed_bill_shows_the_tax(self):
        accounts = self._make_accounts(1)
        move = self._post_run(accounts)[accounts[0]]
        bill = move._prepare_bill_data()[0]
        taxes = [service for service in bill.services if service.name == "Taxes"]
        self.assertEqual(len(taxes), 1)
        (line,) = taxes[0].lines
        self.assertEqual(
            line.description, "Water Users Tax 5% (Palo Alto 2.35.080) on Water ($26.70)"
        )
        self.assertEqual(str(line.amount), "1.35")
        self.assertEqual(str(sum(service.amount_total for service in bill.services)), "76.05")

    # ------------------------------------------------------------------
    # Special bills carry the taxes too
    # ------------------------------------------------------------------
    def test_final_bill_is_taxed(self):
        """17 days of 28 (February 3-20), 3 kgal: water 10.30 x 17/28 = 6.2536
        -> 6.25 and 3 x 2.02 = 6.06, taxed 0.3125 -> 0.31 and 0.303 -> 0.30;
        sewer 5.00 x 17/28 -> 3.04 + 12.00; garbage 15.00 x 17/28 -> 9.11.
        36.46 + 0.61 = 37.07."""
        accounts = self._make_accounts(1)
        accounts.date_start = date(2024, 1, 1)
        self._post_run(accounts)
        service = accounts.service_ids.filtered(lambda s: s.service_type_id == self.water)
        final = accounts._action_final_bill(
            date(2025, 2, 20),
            reading_values={service.id: 110.0},
            date_invoice=date(2025, 2, 21),
        )
        self.assertAlmostEqual(final.amount_untaxed, 36.46)
        self.assertAlmostEqual(final.amount_tax, 0.61)
        self.assertAlmostEqual(final.amount_total, 37.07)
        self.assertEqual(self._tax_lines(final).tax_line_id, self.water_tax)

    def test_cancel_and_rebill_credits_the_tax(self):
        """A misread 7 kgal bill (76.05, tax 1.35) rebilled at 5 kgal: water
        10.30 + 5 x 2.02 = 20.40, tax 0.52 + 0.51 = 1.03; sewer 25.00, garbage
        15.00: 61.43. The credit note reverses the old tax: the tax account
        nets to the corrected bill's 1.03."""
        accounts = self._make_accounts(1)
        old = self._post_run(accounts)[accounts]
        misread = old.invoice_line_ids.utility_reading_id
        self.assertEqual(misread.date, CURRENT_READ)
        new = old._action_cancel_rebill(
            "Reader swapped two digits",
            reading_values={misread.id: 105.0},
            date_invoice=date(2025, 2, 21),
        )
        self.assertAlmostEqual(new.amount_tax, 1.03)
        self.assertAlmostEqual(new.amount_total, 61.43)
        credit = old.reversal_move_ids
        self.assertAlmostEqual(credit.amount_tax, 1.35)
        self.env.flush_all()
        ledger = dict(
            self.env["account.move.line"]._read_group(
                [("move_id", "in", (old | credit | new).ids)], ["account_id"], ["balance:sum"]
            )
        )
        self.assertAlmostEqual(ledger[self.tax_account], -1.03)
        self.assertAlmostEqual(ledger[self.receivable], 61.43)

    # ------------------------------------------------------------------
    # Cost
    # ------------------------------------------------------------------
    def _post_queries(self, count, prefix):
        cycle = self.env["utility.billing.cycle"].create(
            {"name": f"Cycle {prefix}", "code": prefix, "read_day_start": 1, "read_day_end": 10}
        )
        self.env["utility.route"].create({"name": prefix, "code": prefix, "cycle_id": cycle.id})
        self._make_accounts(count, cycle=cycle, prefix=prefix)
        run = self._new_run(cycle=cycle, chunk_size=1000)
        run.action_compute()
        self.env.flush_all()
        self.env.invalidate_all()
        start = self.env.cr.sql_log_count
        run.action_post()
        self.env.flush_all()
        self.assertEqual(run.posted_count, count)
        self.assertAlmostEqual(sum(run.move_ids.mapped("amount_tax")), count * 1.35)
        return self.env.cr.sql_log_count - start

    def test_taxed_posting_queries_do_not_grow(self):
        """Fiscal positions and taxes are found for the chunk, not per bill."""
        self._post_queries(3, "TQW")  # warm the caches
        self.assertEqual(self._post_queries(5, "TQA"), self._post_queries(20, "TQB"))
