# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The bulk writers know when not to run.

They do the work of ``account.move.create`` / ``_post``, of the line's
``create`` and of ``_reconcile_plan`` without calling them: when a module
outside the verified list overrides one of them, or when the company turns
them off, every entry goes through Odoo's own path.

The foreign module is a class put in front of the registry class of the
model for the duration of the test, with its own ``_module``, exactly where
Odoo's registry puts the class of an installed module that inherits the
model: the writers look at the same MRO either way. Installing a real
test-only addon would take a database of its own (a registry cannot load a
module inside a test's transaction) for no difference in what is checked.
"""

from datetime import date
from unittest.mock import patch

from odoo.tests import tagged

from odoo.addons.utility_billing.models import utility_payment_writer

from .common_payment import PaymentCommon

SQL_LOGGER = "odoo.addons.utility_billing.models.utility_sql_writer"


class PostOverride:
    """What a city's own module could do: something more when a move posts."""

    __slots__ = ()
    _module = "ub_test_post_override"
    posted = []

    def _post(self, soft=True):
        PostOverride.posted.append(set(self.ids))
        return super()._post(soft)


class PartialOverride:
    """A module reconciling its own way."""

    __slots__ = ()
    _module = "ub_test_post_override"

    def create(self, vals_list):
        return super().create(vals_list)


@tagged("post_install", "-at_install")
class TestWriterFallback(PaymentCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.move_writer = cls.env["utility.move.writer"]
        cls.sql = cls.env["utility.sql.writer"]
        cls.bank = cls.company_data["default_journal_bank"]

    def setUp(self):
        super().setUp()
        PostOverride.posted = []
        # Another test may have cached the verdict of a patched registry.
        self.env.registry.clear_cache()
        self.addCleanup(self.env.registry.clear_cache)

    def _install_override(self, model_name, override):
        """Put ``override`` in front of the registry class of ``model_name``, as
        the registry does for a module inheriting it, until the test ends."""
        cls = type(self.env[model_name])
        bases = cls.__bases__
        cls.__bases__ = (override, *bases)
        self.addCleanup(setattr, cls, "__bases__", bases)
        self.env.registry.clear_cache()

    def _invoice_vals(self, amount=21.5):
        return {
            "partner_id": self.account.partner_id.id,
            "journal_id": self.journal.id,
            "invoice_date": date(2025, 3, 1),
            "invoice_date_due": date(2025, 3, 21),
            "utility_account_id": self.account.id,
            "lines": [
                {
                    "name": "Water",
                    "product_id": self.water.product_id.id,
                    "account_id": self.income[self.water].id,
                    "quantity": 1.0,
                    "price_unit": amount,
                }
            ],
        }

    def test_only_verified_modules_override_what_the_writers_skip(self):
        """On this addon's own database nothing stands in the writers' way."""
        for writer in ("utility.move.writer", "utility.payment.writer"):
            self.assertEqual(self.sql._get_foreign_overrides(writer), ())
        self.assertTrue(self.sql._can_bypass_orm("utility.move.writer", self.company))

    def test_foreign_post_override_sends_invoices_through_the_orm(self):
        self._install_override("account.move", PostOverride)
        with self.assertLogs(SQL_LOGGER, "WARNING") as logs:
            moves = self.move_writer._create_posted_invoices([self._invoice_vals()])
        self.assertIn("account.move._post", logs.output[0])
        self.assertIn("ub_test_post_override", logs.output[0])
        # Odoo's path posted it: the module's _post saw it.
        self.assertEqual(PostOverride.posted, [set(moves.ids)])
        self.assertEqual(moves.state, "posted")
        self.assertAlmostEqual(moves.amount_total, 21.5)
        # The warning is given once, not for every chunk.
        with self.assertNoLogs(SQL_LOGGER, "WARNING"):
            again = self.move_writer._create_posted_invoices([self._invoice_vals(30.0)])
        self.assertEqual(PostOverride.posted[-1], set(again.ids))

    def test_without_override_the_fast_path_posts(self):
        moves = self.move_writer._create_posted_invoices([self._invoice_vals()])
        self.assertEqual(PostOverride.posted, [])
        self.assertEqual(moves.state, "posted")

    def test_company_setting_turns_the_fast_path_off(self):
        self.company.utility_fast_writers = False
        Writer = type(self.move_writer)
        with patch.object(
            Writer, "_write_fast_invoices", side_effect=AssertionError("fast path used")
        ):
            moves = self.move_writer._create_posted_invoices([self._invoice_vals()])
        self.assertEqual(moves.state, "posted")
        self.assertFalse(self.env["utility.payment.writer"]._can_write_fast(self.company))
        self.company.utility_fast_writers = True
        self.assertTrue(self.env["utility.payment.writer"]._can_write_fast(self.company))

    def test_storable_product_takes_the_orm(self):
        """A bill of goods (a meter sold, a storable part) may move stock value
        at posting: Odoo's path posts it."""
        product = self.env["product.product"].create({"name": "Meter box", "type": "consu"})
        vals = self._invoice_vals()
        vals["lines"][0]["product_id"] = product.id
        fast, slow = self.move_writer._split_fast_invoices([self._invoice_vals(), vals])
        self.assertEqual((fast, slow), ([0], [1]))

    def test_foreign_reconcile_override_sends_payment_files_through_the_orm(self):
        """A module overriding account.partial.reconcile.create: a big lockbox
        batch is reconciled by Odoo's _reconcile_plan, not by the writer."""
        self._install_override("account.partial.reconcile", PartialOverride)
        writer = self.env["utility.payment.writer"]
        with self.assertLogs(SQL_LOGGER, "WARNING"):
            self.assertFalse(writer._can_write_fast(self.company))
        bills = self._post_bill(self.account, date(2025, 2, 15), {self.water: 40.0})
        bills |= self._post_bill(self.account2, date(2025, 2, 15), {self.garbage: 15.0})
        payments = self._payment(
            [(self.account, 40.0)],
            post=False,
            source="lockbox",
            tender="check",
            reference="F-1",
            journal_id=self.bank.id,
            date=date(2025, 3, 10),
        ) | self._payment(
            [(self.account2, 15.0)],
            post=False,
            source="lockbox",
            tender="check",
            reference="F-2",
            journal_id=self.bank.id,
            date=date(2025, 3, 10),
        )
        Payment = type(self.env["utility.payment"])
        with (
            patch.object(Payment, "_get_move_group_key", lambda payment: ("lockbox", 1)),
            patch.object(utility_payment_writer, "FAST_MIN_LINES", 2),
            patch.object(
                type(writer), "_create_posted_entries", side_effect=AssertionError("fast path")
            ),
            patch.object(type(writer), "_reconcile_pairs", side_effect=AssertionError("fast")),
        ):
            payments._post_payments()
        self.assertEqual(set(payments.mapped("state")), {"posted"})
        self.assertEqual(set(bills.mapped("payment_state")), {"paid"})
