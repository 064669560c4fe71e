# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""utility.move.writer: the fast path must give what account.move.create +
action_post give, row for row, and keep numbering, lock dates and hashes."""

from datetime import date

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.addons.account.tools import format_structured_reference_iso

# Columns that legitimately differ between two runs of the same invoice.
MOVE_SKIP = {"id", "create_date", "write_date"}
LINE_SKIP = {"id", "move_id", "create_date", "write_date"}


@tagged("post_install", "-at_install")
class TestMoveWriter(AccountTestInvoicingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The billing run posts as a billing specialist who is also an invoicing user.
        cls.env.user.groups_id += cls.env.ref("utility_billing.group_utility_billing")
        cls.writer = cls.env["utility.move.writer"]
        cls.journal = cls.company_data["default_journal_sale"]
        cls.income = {
            code: cls.env["account.account"].create(
                {"code": f"4009{index}", "name": f"{code} income", "account_type": "income"}
            )
            for index, code in enumerate(("water", "sewer", "garbage"))
        }
        cls.products = {
            code: cls.env["product.product"].create(
                {
                    "name": f"{code.title()} service",
                    "type": "service",
                    "taxes_id": [Command.clear()],
                }
            )
            for code in ("water", "sewer", "garbage")
        }
        cls.water_type = cls.env.ref("utility_billing.service_type_water")
        cycle = cls.env["utility.billing.cycle"].create({"name": "Writer Cycle", "code": "W1"})
        route = cls.env["utility.route"].create(
            {"name": "Writer Route", "code": "W1-1", "cycle_id": cycle.id}
        )
        cls.location = cls.env["utility.service.location"].create(
            {"street": "1 Ledger Lane", "city": "Prairie City", "route_id": route.id}
        )
        cls.utility_account = cls.env["utility.account"].create(
            {"partner_id": cls.partner_a.id, "location_id": cls.location.id}
        )
        cls.tax = cls.company_data["default_tax_sale"]
        cls.invoice_date = date(2026, 1, 31)

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _line(self, code, quantity, price_unit, **extra):
        return dict(
            {
                "name": f"{code.title()} {quantity} @ {price_unit}",
                "product_id": self.products[code].id,
                "account_id": self.income[code].id,
                "quantity": quantity,
                "price_unit": price_unit,
                "tax_ids": [],
            },
            **extra,
        )

    def _invoice(self, partner=None, lines=None, **extra):
        return dict(
            {
                "partner_id": (partner or self.partner_a).id,
                "journal_id": self.journal.id,
                "invoice_date": self.invoice_date,
                "invoice_date_due": date(2026, 2, 20),
                "lines": lines
                if lines is not None
                else [
                    self._line("water", 5.0, 4.125),
                    self._line("sewer", 5.0, 6.31),
                    self._line("garbage", 1.0, 21.5),
                ],
            },
            **extra,
        )

    def _standard(self, invoice_vals_list):
        writer = self.env["utility.move.writer"]
        moves = self.env["account.move"].create(
            [writer._prepare_standard_move_vals(vals) for vals in invoice_vals_list]
        )
        moves.action_post()
        return moves

    def _fast(self, invoice_vals_list, **kwargs):
        return self.env["utility.move.writer"]._create_posted_invoices(invoice_vals_list, **kwargs)

    def _snapshot(self, moves):
        """Every stored column of the moves and of their lines, plus the ledger
        side effects (followers, messages, partner ranks)."""
        self.env.flush_all()
        cr = self.env.cr
        result = []
        for move in moves:
            cr.execute("SELECT * FROM account_move WHERE id = %s", [move.id])
            columns = [d[0] for d in cr.description]
            move_row = {
                c: v for c, v in zip(columns, cr.fetchone(), strict=True) if c not in MOVE_SKIP
            }
            cr.execute("SELECT * FROM account_move_line WHERE move_id = %s ORDER BY id", [move.id])
            columns = [d[0] for d in cr.description]
            lines = [
                {c: v for c, v in zip(columns, row, strict=True) if c not in LINE_SKIP}
                for row in cr.fetchall()
            ]
            for line in lines:
                # Ids of reconciliation records differ between two runs.
                line["full_reconcile_id"] = bool(line["full_reconcile_id"])
                line["matching_number"] = bool(line["matching_number"])
            cr.execute(
                """SELECT l.display_type, array_agg(r.account_tax_id ORDER BY r.account_tax_id)
                     FROM account_move_line l
                     JOIN account_move_line_account_tax_rel r ON r.account_move_line_id = l.id
                    WHERE l.move_id = %s GROUP BY l.id ORDER BY l.id""",
                [move.id],
            )
            taxes = cr.fetchall()
            cr.execute(
                """SELECT f.partner_id, array_agg(r.mail_message_subtype_id ORDER BY 1)
                     FROM mail_followers f
                LEFT JOIN mail_followers_mail_message_subtype_rel r ON r.mail_followers_id = f.id
                    WHERE f.res_model = 'account.move' AND f.res_id = %s
                 GROUP BY f.id ORDER BY f.partner_id""",
                [move.id],
            )
            followers = cr.fetchall()
            cr.execute(
                """SELECT subtype_id, message_type, body, author_id, record_name, record_company_id
                     FROM mail_message WHERE model = 'account.move' AND res_id = %s ORDER BY id""",
                [move.id],
            )
            messages = cr.fetchall()
            result.append((move_row, lines, taxes, followers, messages))
        cr.execute(
            "SELECT id, customer_rank FROM res_partner WHERE id IN %s ORDER BY id",
            [tuple(moves.partner_id.commercial_partner_id.ids + moves.partner_id.ids)],
        )
        return result, cr.fetchall()

    def _in_rollback(self, func, snapshot=None):
        """Run func, snapshot what it made, and undo it: both paths then start
        from the same state and get the same numbers."""
        savepoint = self.env.cr.savepoint()
        try:
            result = func()
            return (snapshot or self._snapshot)(result)
        finally:
            savepoint.close(rollback=True)
            self.env.invalidate_all()

    def assertSameAsStandard(self, invoice_vals_list):
        fast = self._in_rollback(lambda: self._fast(invoice_vals_list))
        standard = self._in_rollback(lambda: self._standard(invoice_vals_list))
        (fast_moves_data, fast_ranks), (std_moves_data, std_ranks) = fast, standard
        self.assertEqual(len(fast_moves_data), len(std_moves_data))
        for fast_data, std_data in zip(fast_moves_data, std_moves_data, strict=True):
            fast_move, fast_lines, *fast_rest = fast_data
            std_move, std_lines, *std_rest = std_data
            diff = {k: (v, std_move[k]) for k, v in fast_move.items() if v != std_move[k]}
            self.assertFalse(diff, "account.move differs (fast, standard)")
            self.assertEqual(len(fast_lines), len(std_lines))
            for fast_line, std_line in zip(fast_lines, std_lines, strict=True):
                diff = {k: (v, std_line[k]) for k, v in fast_line.items() if v != std_line[k]}
                self.assertFalse(diff, f"line {std_line['name']!r} differs (fast, standard)")
            self.assertEqual(fast_rest, std_rest, "taxes, followers or messages differ")
        self.assertEqual(fast_ranks, std_ranks)
        return fast_moves_data

    # ------------------------------------------------------------------
    # Same rows as the standard path
    # ------------------------------------------------------------------
    def test_fast_matches_standard_field_by_field(self):
        invoices = [
            self._invoice(),
            self._invoice(
                self.partner_b,
                [self._line("water", 1.0, 18.0)],
                ref="ACCT-42 Jan",
                invoice_origin="Billing run 7",
            ),
            self._invoice(
                lines=[
                    # Rounding: price to 2 digits, quantity x price half-up, sum of floats.
                    self._line("water", 3.333, 1.115),
                    self._line("sewer", 0.1, 0.1),
                    self._line("sewer", 0.2, 1.0),
                    self._line("garbage", 1.0, 0.005),
                ],
                utility_account_id=self.utility_account.id,
                utility_location_id=self.location.id,
                utility_period_start=date(2026, 1, 1),
                utility_period_end=date(2026, 1, 31),
                utility_date_penalty=date(2026, 3, 5),
            ),
            self._invoice(
                lines=[
                    self._line(
                        "water",
                        12.345678,
                        2.5,
                        utility_service_type_id=self.water_type.id,
                        utility_consumption=12.345678,
                        utility_date_from=date(2026, 1, 1),
                        utility_date_to=date(2026, 1, 31),
                        utility_component="block",
                        sequence=10,
                    ),
                    # A discount program credit line, and a line labelled by its product.
                    self._line("water", 1.0, -3.5, name="Senior discount"),
                    self._line("garbage", 2.0, 11.0, name=False),
                    {
                        key: value
                        for key, value in self._line("sewer", 1.0, 2.0).items()
                        if key != "name"
                    },
                ]
            ),
        ]
        data = self.assertSameAsStandard(invoices)
        # Numbered as Odoo numbers a posted batch: by date, then reference.
        self.assertEqual([d[0]["name"] for d in data], [f"INV/2026/0000{i}" for i in (1, 4, 2, 3)])
        self.assertEqual(data[0][0]["amount_total"], 20.65 + 31.55 + 21.5)

    def test_chatter_and_contacts_match_standard(self):
        """With tracking on: creation message, followers (user and customer),
        and a contact of a company (commercial partner, ranks of both)."""
        self.env = self.env(
            context=dict(
                self.env.context,
                tracking_disable=False,
                mail_create_nolog=False,
                mail_create_nosubscribe=False,
                mail_notrack=False,
            )
        )
        contact = self.env["res.partner"].create(
            {"name": "Billing contact", "parent_id": self.partner_b.id, "type": "invoice"}
        )
        invoices = [
            self._invoice(),
            self._invoice(contact, payment_reference="ACCT 7-001"),
            self._invoice(self.partner_b, ref="R-1", delivery_date=date(2026, 1, 15)),
        ]
        data = self.assertSameAsStandard(invoices)
        move, lines, _taxes, followers, messages = data[1]
        self.assertEqual(move["commercial_partner_id"], self.partner_b.id)
        self.assertEqual({line["partner_id"] for line in lines}, {self.partner_b.id})
        self.assertEqual(lines[-1]["name"], "ACCT 7-001")
        self.assertEqual(
            {partner for partner, _subtypes in followers},
            {self.env.user.partner_id.id, contact.id},
        )
        self.assertEqual(len(messages), 1)
        self.assertIn("Invoice Created", messages[0][2])
        self.assertEqual(data[2][1][-1]["name"], f"R-1 - {data[2][0]['name']}")

    def test_payment_reference_models(self):
        for reference_type, model in (("partner", "odoo"), ("none", "odoo")):
            self.journal.write(
                {"invoice_reference_type": reference_type, "invoice_reference_model": model}
            )
            data = self.assertSameAsStandard([self._invoice(), self._invoice(self.partner_b)])
            if reference_type == "partner":
                self.assertTrue(data[0][0]["payment_reference"].endswith(f"/{self.partner_a.id}"))
        # The RF creditor reference of an invoice is built on its id.
        self.journal.write({"invoice_reference_type": "invoice", "invoice_reference_model": "euro"})
        moves = self._fast([self._invoice(), self._invoice(self.partner_b)])
        self.assertEqual(
            moves.mapped("payment_reference"),
            [format_structured_reference_iso(move.id) for move in moves],
        )

    def test_iterable_input_in_small_chunks(self):
        invoices = [self._invoice(self.partner_a if i % 2 else self.partner_b) for i in range(5)]
        moves = self._fast(iter(invoices), chunk_size=2)
        self.assertEqual(moves.mapped("name"), [f"INV/2026/{n:05d}" for n in range(1, 6)])
        self.assertEqual(moves.mapped("partner_id").ids, [self.partner_b.id, self.partner_a.id])
        self.assertEqual(self.partner_a.customer_rank, 2)
        self.assertEqual(self.partner_b.customer_rank, 3)

    def test_nothing_to_post(self):
        """An empty list or iterable posts nothing and writes nothing."""
        count = self.env["account.move"].search_count([])
        self.assertFalse(self._fast([]))
        self.assertFalse(self._fast(iter([])))
        self.assertEqual(self.env["account.move"].search_count([]), count)

    def test_zero_total_invoice_is_paid(self):
        data = self.assertSameAsStandard(
            [self._invoice(lines=[self._line("water", 1.0, 10.0), self._line("water", 1.0, -10.0)])]
        )
        self.assertEqual(data[0][0]["payment_state"], "paid")

    # ------------------------------------------------------------------
    # Taxed invoices: the fast path writes Odoo's tax lines
    # ------------------------------------------------------------------
    def _sale_tax(self, name, amount, **extra):
        """A sales tax posting to the company's tax account (a copy of its default)."""
        return self.tax.copy(dict({"name": name, "amount": amount}, **extra))

    def _taxed_invoices(self, utility_tax, state_tax):
        return [
            # A 5% utility tax on water only.
            self._invoice(
                lines=[
                    self._line("water", 7.0, 4.13, tax_ids=utility_tax.ids),
                    self._line("sewer", 5.0, 6.31),
                    self._line("garbage", 1.0, 21.5),
                ]
            ),
            # Several rates on one bill, two lines sharing a rate, and a line
            # with two taxes.
            self._invoice(
                self.partner_b,
                [
                    self._line("water", 3.333, 1.115, tax_ids=utility_tax.ids),
                    self._line("water", 1.0, 18.07, tax_ids=utility_tax.ids),
                    self._line("garbage", 1.0, 21.53, tax_ids=(utility_tax + state_tax).ids),
                    self._line("sewer", 1.0, -3.5, tax_ids=utility_tax.ids, name="Senior credit"),
                ],
            ),
            # Untaxed between taxed ones: one chunk, one numbering.
            self._invoice(),
        ]

    def test_taxed_invoices_match_standard(self):
        """Rows, tax lines, tags, amounts and the taxes' many2many equal the
        standard path's, rounding per line (the default)."""
        utility_tax = self._sale_tax("Utility Users Tax 5%", 5.0)
        state_tax = self._sale_tax("State Sales Tax 6.25%", 6.25)
        data = self.assertSameAsStandard(self._taxed_invoices(utility_tax, state_tax))
        move, lines, taxes, *_rest = data[0]
        # 7 x 4.13 = 28.91; 5% = 1.4455 -> 1.45 (half-up).
        self.assertEqual(move["amount_tax"], 1.45)
        self.assertEqual(move["amount_total"], round(28.91 + 31.55 + 21.5 + 1.45, 2))
        tax_lines = [line for line in lines if line["display_type"] == "tax"]
        self.assertEqual([line["tax_line_id"] for line in tax_lines], utility_tax.ids)
        self.assertEqual(tax_lines[0]["tax_base_amount"], 28.91)
        self.assertEqual(taxes, [("product", utility_tax.ids)])
        self.assertEqual(len([line for line in data[1][1] if line["display_type"] == "tax"]), 2)

    def test_taxed_invoices_round_globally_match_standard(self):
        self.company_data["company"].tax_calculation_rounding_method = "round_globally"
        utility_tax = self._sale_tax("Utility Users Tax 5%", 5.0)
        state_tax = self._sale_tax("State Sales Tax 6.25%", 6.25)
        self.assertSameAsStandard(self._taxed_invoices(utility_tax, state_tax))
        # Round globally: 0.21 x 5% three times is 0.0105 x 3 = 0.0315 -> 0.03,
        # where rounding each line gives 0.01 x 3 = 0.03 as well; 0.33 x 5%
        # three times: 0.0495 -> 0.05 globally, 0.02 x 3 = 0.06 per line.
        lines = [self._line("water", 1.0, 0.33, tax_ids=utility_tax.ids) for _i in range(3)]
        data = self.assertSameAsStandard([self._invoice(lines=lines)])
        self.assertEqual(data[0][0]["amount_tax"], 0.05)

    def test_price_included_tax_matches_standard(self):
        included = self._sale_tax(
            "Utility Tax 5% included", 5.0, price_include_override="tax_included"
        )
        lines = [
            self._line("water", 1.0, 21.53, tax_ids=included.ids),
            self._line("water", 1.0, 21.53, tax_ids=included.ids),
        ]
        data = self.assertSameAsStandard([self._invoice(lines=lines)])
        self.assertEqual(data[0][0]["amount_total"], 43.06)

    def test_exempt_account_by_fiscal_position_matches_standard(self):
        """A city building: its fiscal position maps the utility tax to no tax;
        the caller gives the mapped taxes (none) and the position."""
        utility_tax = self._sale_tax("Utility Users Tax 5%", 5.0)
        exempt = self.env["account.fiscal.position"].create(
            {
                "name": "Tax exempt (city buildings)",
                "tax_ids": [Command.create({"tax_src_id": utility_tax.id})],
            }
        )
        self.partner_b.property_account_position_id = exempt
        mapped = exempt.map_tax(utility_tax)
        self.assertFalse(mapped)
        data = self.assertSameAsStandard(
            [
                self._invoice(
                    self.partner_b,
                    [self._line("water", 2.0, 10.0, tax_ids=mapped.ids)],
                    fiscal_position_id=exempt.id,
                ),
                self._invoice(lines=[self._line("water", 2.0, 10.0, tax_ids=utility_tax.ids)]),
            ]
        )
        self.assertEqual(data[0][0]["fiscal_position_id"], exempt.id)
        self.assertEqual(data[0][0]["amount_tax"], 0.0)
        self.assertEqual(data[1][0]["amount_tax"], 1.0)

    def test_taxed_invoices_take_the_fast_path(self):
        utility_tax = self._sale_tax("Utility Users Tax 5%", 5.0)
        invoices = [
            self._invoice(lines=[self._line("water", 2.0, 10.0, tax_ids=utility_tax.ids)])
            for _i in range(3)
        ]
        fast, slow = self.writer._split_fast_invoices(invoices)
        self.assertEqual((fast, slow), ([0, 1, 2], []))

    def test_taxed_negative_total_left_to_odoo(self):
        """A taxed credit larger than the charges goes to the ORM path, which
        refuses it with Odoo's own message."""
        utility_tax = self._sale_tax("Utility Users Tax 5%", 5.0)
        invoice = self._invoice(
            lines=[
                self._line("water", 1.0, 10.0, tax_ids=utility_tax.ids),
                self._line("water", 1.0, -15.0, tax_ids=utility_tax.ids),
            ]
        )
        self.assertEqual(self.writer._split_fast_invoices([invoice]), ([], [0]))
        with self.assertRaisesRegex(UserError, "negative total amount"):
            self._fast([invoice])

    def test_cash_basis_tax_falls_back_to_standard(self):
        """Cash-basis taxes move at payment: the ORM posts those invoices."""
        self.company_data["company"].tax_exigibility = True
        caba = self._sale_tax(
            "Tax on payment 5%",
            5.0,
            tax_exigibility="on_payment",
            cash_basis_transition_account_id=self.company_data["default_account_tax_sale"]
            .copy({"code": "999777", "reconcile": True})
            .id,
        )
        taxed = self._invoice(lines=[self._line("water", 2.0, 10.0, tax_ids=caba.ids)])
        self.assertEqual(self.writer._split_fast_invoices([self._invoice(), taxed]), ([0], [1]))
        data = self.assertSameAsStandard([self._invoice(), taxed, self._invoice(self.partner_b)])
        self.assertEqual(data[1][0]["amount_tax"], 1.0)
        moves = self._fast([self._invoice(), taxed])
        self.assertEqual(moves[1].line_ids.tax_line_id, caba)
        self.assertEqual(
            sorted(moves.mapped("sequence_number")), [1, 2], "consecutive across both paths"
        )

    def test_returns_moves_in_input_order(self):
        later = self._invoice(self.partner_b, invoice_date=date(2026, 2, 28))
        moves = self._fast([later, self._invoice()])
        self.assertEqual(moves.mapped("partner_id"), self.partner_b + self.partner_a)
        # Numbered like Odoo numbers a posted batch: by date.
        self.assertEqual(moves.mapped("name"), ["INV/2026/00002", "INV/2026/00001"])
        self.assertTrue(all(move.state == "posted" for move in moves))

    # ------------------------------------------------------------------
    # Numbering
    # ------------------------------------------------------------------
    def test_numbering_continues_across_paths(self):
        first = self._fast([self._invoice(), self._invoice(self.partner_b)])
        standard = self._standard([self._invoice()])
        second = self._fast([self._invoice(), self._invoice(self.partner_b)])
        standard_again = self._standard([self._invoice()])
        names = (first + standard + second + standard_again).mapped("name")
        self.assertEqual(names, [f"INV/2026/{n:05d}" for n in range(1, 7)])
        self.assertEqual((first + second).mapped("sequence_number"), [1, 2, 4, 5])
        self.assertEqual(set((first + second).mapped("sequence_prefix")), {"INV/2026/"})
        self.assertFalse(any((first + second).mapped("made_sequence_gap")))
        # A new year starts a new sequence, as in Odoo.
        next_year = self._fast([self._invoice(invoice_date=date(2027, 1, 5))])
        self.assertEqual(next_year.name, "INV/2027/00001")

    def test_rollback_consumes_no_number(self):
        self._in_rollback(lambda: self._fast([self._invoice(), self._invoice()]))
        self.assertEqual(self._fast([self._invoice()]).name, "INV/2026/00001")

    # ------------------------------------------------------------------
    # Refusals
    # ------------------------------------------------------------------
    def test_lock_date_moves_the_date_as_odoo_does(self):
        """Odoo's ``_post`` accounts an invoice dated in a locked period on the
        first open date (``_get_accounting_date``), keeping the bill date; the
        writer does the same, column for column, and only to that invoice."""
        company = self.company_data["company"]
        company.sale_lock_date = date(2026, 1, 31)
        invoices = [
            self._invoice(invoice_date=date(2026, 2, 2)),
            self._invoice(),  # January 31: locked
            self._invoice(self.partner_b, invoice_date=date(2026, 1, 15)),
        ]
        data = self.assertSameAsStandard(invoices)
        moved = [row for row, *_rest in data]
        self.assertEqual(moved[0]["date"], date(2026, 2, 2))
        for row, invoice_date in zip(
            moved[1:], (date(2026, 1, 31), date(2026, 1, 15)), strict=True
        ):
            self.assertEqual(row["invoice_date"], invoice_date)
            self.assertGreater(row["date"], date(2026, 1, 31))
        self.assertFalse(company._get_violated_lock_dates(moved[1]["date"], False, self.journal))

    def test_bad_input_listed_at_once(self):
        with self.assertRaises(UserError) as error:
            self._fast(
                [
                    self._invoice(lines=[self._line("water", 1.0, -5.0)]),
                    self._invoice(lines=[]),
                    self._invoice(partner_id=False, name="X"),
                    self._invoice(
                        lines=[dict(self._line("water", 1.0, 1.0), account_id=False, balance=3)]
                    ),
                ]
            )
        message = str(error.exception)
        for expected in (
            "Invoice 2: an invoice needs at least one line.",
            "Invoice 3: partner_id is required.",
            "Invoice 3: unknown or read-only field name.",
            "Invoice 4, line 1: account_id is required.",
            "Invoice 4, line 1: unknown or read-only field balance.",
        ):
            self.assertIn(expected, message)
        with self.assertRaisesRegex(
            UserError, "Invoice 1: You cannot validate an invoice with a neg"
        ):
            self._fast([self._invoice(lines=[self._line("water", 1.0, -5.0)])])
        receivable = self.company_data["default_account_receivable"]
        with self.assertRaisesRegex(UserError, "cannot be used on an invoice line"):
            self._fast(
                [self._invoice(lines=[self._line("water", 1.0, 5.0, account_id=receivable.id)])]
            )

    # ------------------------------------------------------------------
    # Hash chain
    # ------------------------------------------------------------------
    def test_hash_chain_valid(self):
        self.journal.restrict_mode_hash_table = True
        before = self._standard([self._invoice()])
        fast = self._fast([self._invoice(), self._invoice(self.partner_b), self._invoice()])
        after = self._standard([self._invoice()])
        self.assertTrue(all((before + fast + after).mapped("inalterable_hash")))
        report = self.company_data["company"]._check_hash_integrity()
        results = [r for r in report["results"] if r["journal_name"].startswith(self.journal.name)]
        self.assertEqual([r["status"] for r in results], ["verified"])
        self.assertEqual(results[0]["first_move_name"], before.name)
        self.assertEqual(results[0]["last_move_name"], after.name)
        self.assertIn("This journal entry has been secured.", fast[0].message_ids.mapped("body")[0])
        # Hashed fields are protected like on any hashed move.
        with self.assertRaisesRegex(UserError, "This document is protected by a hash"):
            fast[1].write({"name": "INV/2026/99999"})

    # ------------------------------------------------------------------
    # After posting: payments, ledgers
    # ------------------------------------------------------------------
    def test_payment_register_pays_fast_invoice(self):
        def pay(make):
            invoice = make([self._invoice()])
            self.env["account.payment.register"].with_context(
                active_model="account.move", active_ids=invoice.ids
            ).create({"payment_date": self.invoice_date})._create_payments()
            return invoice

        fast = self._in_rollback(lambda: pay(self._fast))
        standard = self._in_rollback(lambda: pay(self._standard))
        self.assertEqual(fast, standard)
        state = fast[0][0][0]["payment_state"]
        self.assertIn(state, ("paid", "in_payment"))
        self.assertEqual(fast[0][0][0]["amount_residual"], 0.0)

        invoice = self._fast([self._invoice()])
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({"payment_date": self.invoice_date})._create_payments()
        self.assertEqual(invoice.payment_state, state)
        term = invoice.line_ids.filtered(lambda line: line.display_type == "payment_term")
        self.assertTrue(term.reconciled)

    def test_partner_ledger_and_credit_equal(self):
        invoices = [
            self._invoice(),
            self._invoice(self.partner_b, [self._line("water", 1.0, 99.99)]),
            self._invoice(lines=[self._line("garbage", 1.0, 12.34)]),
        ]

        def ledger(make):
            make(invoices)
            self.env.flush_all()
            partners = self.partner_a + self.partner_b
            partners.invalidate_recordset(["credit", "debit"])
            groups = self.env["account.move.line"]._read_group(
                [("partner_id", "in", partners.ids), ("parent_state", "=", "posted")],
                ["partner_id", "account_id"],
                ["balance:sum", "amount_residual:sum"],
            )
            return [
                (partner.id, account.id, balance, residual)
                for partner, account, balance, residual in groups
            ] + [(p.id, p.credit) for p in partners]

        fast = self._in_rollback(lambda: ledger(self._fast), snapshot=lambda data: data)
        standard = self._in_rollback(lambda: ledger(self._standard), snapshot=lambda data: data)
        self.assertEqual(fast, standard)
        self.assertIn((self.partner_a.id, 20.65 + 31.55 + 21.5 + 12.34), fast)

    # ------------------------------------------------------------------
    # Cost
    # ------------------------------------------------------------------
    def test_query_count_constant_per_chunk(self):
        self._in_rollback(lambda: self._fast([self._invoice()]))  # warm the caches

        def count(n):
            partners = self.env["res.partner"].create([{"name": f"Customer {i}"} for i in range(n)])
            self.env.flush_all()
            # The user's own partner (author and follower of the bills) is read
            # once per transaction, whatever the number of bills: read it here,
            # so the count does not depend on what else a database's modules
            # happened to leave in the cache.
            self.env.user.partner_id.fetch(["name", "email", "active", "partner_share"])
            invoices = [self._invoice(partner) for partner in partners]
            start = self.env.cr.sql_log_count
            self._fast(invoices)
            self.env.flush_all()
            return self.env.cr.sql_log_count - start

        # Once unmeasured: the first chunk of new customers fills caches
        # (registry, ormcache) that a single warm-up invoice does not reach.
        self._in_rollback(lambda: count(10), snapshot=lambda n: n)
        queries_10 = self._in_rollback(lambda: count(10), snapshot=lambda n: n)
        queries_100 = self._in_rollback(lambda: count(100), snapshot=lambda n: n)
        self.assertEqual(queries_10, queries_100)
        self.assertLess(queries_100, 80)

    def test_query_count_constant_per_chunk_taxed(self):
        """Taxed bills too: the tax engine reads its taxes once per chunk."""
        utility_tax = self._sale_tax("Utility Users Tax 5%", 5.0)
        lines = [
            self._line("water", 5.0, 4.13, tax_ids=utility_tax.ids),
            self._line("sewer", 5.0, 6.31),
        ]
        self._in_rollback(lambda: self._fast([self._invoice(lines=lines)]))  # warm the caches

        def count(n):
            partners = self.env["res.partner"].create([{"name": f"Customer {i}"} for i in range(n)])
            self.env.flush_all()
            # As in test_query_count_constant_per_chunk: the user's partner first.
            self.env.user.partner_id.fetch(["name", "email", "active", "partner_share"])
            invoices = [self._invoice(partner, lines=lines) for partner in partners]
            start = self.env.cr.sql_log_count
            moves = self._fast(invoices)
            self.env.flush_all()
            return self.env.cr.sql_log_count - start, moves.mapped("amount_tax")

        self._in_rollback(lambda: count(10), snapshot=lambda n: n)  # see above
        queries_10, taxes_10 = self._in_rollback(lambda: count(10), snapshot=lambda n: n)
        queries_100, taxes_100 = self._in_rollback(lambda: count(100), snapshot=lambda n: n)
        self.assertEqual(queries_10, queries_100)
        self.assertLess(queries_100, 90)
        # 5 x 4.13 = 20.65; 5% = 1.0325 -> 1.03.
        self.assertEqual(set(taxes_10 + taxes_100), {1.03})
