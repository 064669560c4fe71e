# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import Counter, defaultdict
from datetime import date, timedelta
from decimal import Decimal
from unittest.mock import patch

import psycopg2

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from ..lib import rating
from ..models.utility_locked_fields_mixin import as_action
from .common_billing import CURRENT_READ, PREVIOUS_READ, BillingCommon, trap_jobs

# 7 kgal: water 10 + 5 x 2 + 2 x 3, sewer 5 + 7 x 4, garbage 15
BILL_7KGAL = 74.0


@tagged("post_install", "-at_install")
class TestBillingRun(BillingCommon):
    def _rate(self, run):
        run.action_compute()
        return run

    def _current_reading(self, account):
        return self.env["utility.meter.reading"].search(
            [("account_id", "=", account.id), ("date", "=", CURRENT_READ)]
        )

    def _ledger(self, moves):
        """Balance per GL account of the moves (one grouped query)."""
        return {
            account: round(balance, 2)
            for account, balance in self.env["account.move.line"]._read_group(
                [("move_id", "in", moves.ids)], ["account_id"], ["balance:sum"]
            )
        }

    # ------------------------------------------------------------------
    # The happy path
    # ------------------------------------------------------------------
    def test_compute_review_post(self):
        accounts = self._make_accounts(3)
        run = self._new_run()
        self.assertTrue(run.name.startswith("BR/"))
        self._rate(run)
        self.assertEqual(run.state, "rated")
        self.assertEqual((run.account_count, run.ok_count, run.exception_count), (3, 3, 0))
        self.assertAlmostEqual(run.amount_total, 3 * BILL_7KGAL)
        line = run.line_ids.filtered(lambda line: line.account_id == accounts[0])
        self.assertEqual((line.date_from, line.date_to), (PREVIOUS_READ, CURRENT_READ))
        self.assertAlmostEqual(line.consumption, 7.0)
        self.assertEqual(len(line.charge_ids), 6)
        self.assertIn("Sewer", run.register_html)
        self.assertIn("Residential", run.register_html)

        run.action_post()
        self.assertEqual(run.state, "posted")
        self.assertEqual(run.posted_count, 3)
        moves = run.move_ids
        self.assertEqual(len(moves), 3)
        self.assertEqual(set(moves.mapped("state")), {"posted"})
        move = moves.filtered(lambda m: m.utility_account_id == accounts[0])
        self.assertEqual(move.invoice_date, date(2025, 2, 15))
        self.assertEqual(move.invoice_date_due, date(2025, 3, 7))
        self.assertEqual(move.utility_date_penalty, date(2025, 3, 12))
        self.assertEqual(move.utility_bill_kind, "cycle")
        self.assertEqual(move.utility_period_start, PREVIOUS_READ)
        self.assertEqual(move.utility_period_end, CURRENT_READ)
        self.assertAlmostEqual(move.amount_total, BILL_7KGAL)
        self.assertEqual(
            sorted(move.invoice_line_ids.mapped("name")),
            [
                "Garbage - Cart (01/03-02/03)",
                "Sewer - Base (01/03-02/03)",
                "Sewer - Usage: 7.000 kgal (01/03-02/03)",
                "Water - Base (01/03-02/03)",
                "Water - Usage 0-5 kgal: 7.000 kgal (01/03-02/03)",
                "Water - Usage over 5 kgal: 7.000 kgal (01/03-02/03)",
            ],
        )
        usage = move.invoice_line_ids.filtered(lambda aml: aml.utility_component == "block")
        self.assertEqual(
            sorted(usage.mapped("name")),
            [
                "Water - Usage 0-5 kgal: 7.000 kgal (01/03-02/03)",
                "Water - Usage over 5 kgal: 7.000 kgal (01/03-02/03)",
            ],
        )
        for aml in move.invoice_line_ids:
            self.assertEqual(aml.account_id, self.income[aml.utility_service_type_id])
            self.assertEqual(aml.product_id, aml.utility_service_type_id.product_id)
            self.assertTrue(aml.utility_service_id)
            self.assertEqual(
                (aml.utility_date_from, aml.utility_date_to), (PREVIOUS_READ, CURRENT_READ)
            )
        water_line = usage[:1]
        self.assertEqual(water_line.utility_reading_id.date, CURRENT_READ)
        self.assertAlmostEqual(water_line.utility_consumption, 7.0)
        # Readings billed, one billed period per service.
        self.assertEqual(set(line.reading_ids.mapped("state")), {"billed"})
        periods = self.env["utility.service.period"].search([("run_id", "=", run.id)])
        self.assertEqual(len(periods), 9)
        self.assertEqual(set(periods.mapped("date_from")), {PREVIOUS_READ})

    def test_lines_and_charges_store_what_create_would(self):
        """The chunk writes its lines and charges with COPY: the rows must be
        those an ORM create of the same values gives (related fields, rounding,
        defaults), and the caches must show them at once."""
        self._make_accounts(1, usage=7.123)
        self._make_accounts(1, usage=12.5, prefix="BIG")
        run = self._rate(self._new_run())
        self.assertEqual(run.ok_count, 2)
        Line = self.env["utility.billing.run.line"]
        Charge = self.env["utility.billing.run.charge"]
        other = self._new_run(date_from=date(2025, 2, 2))
        for line in run.line_ids:
            vals = {
                fname: line._fields[fname].convert_to_write(line[fname], line)
                for fname in (
                    "account_id", "partner_id", "location_id", "state", "message", "date_from",
                    "date_to", "amount_total", "consumption", "consumption_unit",
                    "consumption_last", "consumption_last_year", "change_percent",
                    "is_high_change", "move_id",
                )
            }  # fmt: skip
            twin = Line.create(dict(vals, run_id=other.id))
            twin.charge_ids = [
                Command.create(
                    {
                        fname: charge._fields[fname].convert_to_write(charge[fname], charge)
                        for fname in Charge._fields
                        if Charge._fields[fname].store
                        and Charge._fields[fname].column_type
                        and fname not in ("id", "line_id", "run_id", "company_id")
                    }
                )
                for charge in line.charge_ids
            ]
            self.env.flush_all()
            self.env.invalidate_all()
            skip = {"id", "run_id", "create_date", "write_date", "line_id"}
            stored = [
                f
                for f, field in Line._fields.items()
                if field.store and field.column_type and f not in skip
            ]
            self.assertEqual(
                line.read(stored, load=None)[0] | {"id": 0},
                twin.read(stored, load=None)[0] | {"id": 0},
            )
            self.assertEqual(line.company_id, run.company_id)
            self.assertEqual(line.customer_class, line.location_id.customer_class)
            self.assertEqual(line.create_uid, self.env.user)
            self.assertEqual(line.reading_ids.mapped("date"), [CURRENT_READ])
            stored = [
                f
                for f, field in Charge._fields.items()
                if field.store and field.column_type and f not in skip
            ]
            self.assertEqual(
                [vals | {"id": 0} for vals in line.charge_ids.read(stored, load=None)],
                [vals | {"id": 0} for vals in twin.charge_ids.read(stored, load=None)],
            )
            self.assertEqual(line.charge_ids.run_id, run)
        # Rounded as the ORM rounds: 3 decimals of consumption, cents.
        small = run.line_ids.filtered(lambda line: line.consumption < 10)
        self.assertEqual(small.consumption, 7.123)
        self.assertEqual(
            round(sum(small.charge_ids.mapped("amount")), 2), round(small.amount_total, 2)
        )

    def test_commit_point(self):
        """The chunk commits when the jobs run in-process, except for a caller
        owning the transaction (the demo town, during the module install)."""
        from ..models.utility_billing_run import UtilityBillingRun

        run = self._new_run()
        commit_chunk = UtilityBillingRun._commit_chunk  # not the test's patched one
        with patch.object(self.env.cr, "commit") as commit:
            commit_chunk(run)
            self.assertEqual(commit.call_count, 1)
            commit_chunk(run.with_context(utility_billing_run_commit=False))
            commit_chunk(run.with_context(queue_job__no_delay=False))
            self.assertEqual(commit.call_count, 1)

    def test_default_dates_from_cycle(self):
        dates = self.env["utility.billing.run"]._get_cycle_dates(self.cycle, date(2025, 2, 12))
        self.assertEqual(
            dates,
            {
                "date_from": date(2025, 2, 1),
                "date_to": date(2025, 2, 10),
                "date_invoice": date(2025, 2, 15),
                "date_due": date(2025, 3, 7),
                "date_penalty": date(2025, 3, 12),
            },
        )

    # ------------------------------------------------------------------
    # Idempotency and restart
    # ------------------------------------------------------------------
    def test_second_compute_and_second_post_change_nothing(self):
        self._make_accounts(3)
        run = self._rate(self._new_run())
        lines = run.line_ids
        run.action_compute()
        self.assertEqual(run.line_ids, lines)
        run.action_post()
        with self.assertRaisesRegex(UserError, "Post Bills is not possible"):
            run.action_post()
        self.assertEqual(len(run.move_ids), 3)
        # A chunk job run again (a duplicate in the queue) posts nothing.
        # As if the run crashed before it saw the chunk finish (only actions write it).
        as_action(run).state = "posting"
        run._post_chunk(lines.ids)
        self.assertEqual(len(run.move_ids), 3)
        self.assertEqual(run.state, "posted")

    def test_bills_stay_out_of_the_sales_team_figures(self):
        """With Sales installed (the city database of ``./ub test``), Odoo gives
        every customer invoice the sales team of its salesperson, and the
        team's invoiced figures count it: a utility bill is no sale of theirs.
        Both paths leave the team empty: the writer's and Odoo's (the fast
        writers turned off, a bill on demand)."""
        if "team_id" not in self.env["account.move"]._fields:
            self.skipTest("Sales is not installed: no sales team on invoices")
        self.env["crm.team"].create(
            {"name": "Counter Sales", "member_ids": [Command.link(self.env.uid)]}
        )
        accounts = self._make_accounts(2)
        accounts.date_start = date(2024, 1, 1)
        run = self._rate(self._new_run())
        run.action_post()
        self.assertEqual(len(run.move_ids), 2)
        self.assertFalse(run.move_ids.team_id)
        self.company.utility_fast_writers = False
        run.move_ids.utility_account_id._action_final_bill(
            date(2025, 2, 20),
            reading_values={s.id: 110.0 for s in accounts.service_ids if s.is_metered},
        )
        finals = self.env["account.move"].search(
            [("utility_account_id", "in", accounts.ids), ("utility_bill_kind", "=", "final")]
        )
        self.assertEqual(len(finals), 2)
        self.assertFalse(finals.team_id)

    def test_jobs_are_enqueued_once_per_chunk(self):
        self._make_accounts(5)
        run = self._new_run(chunk_size=2)
        with trap_jobs() as trap:
            run.with_context(queue_job__no_delay=False).action_compute()
            run.with_context(queue_job__no_delay=False).action_compute()
            trap.assert_jobs_count(3, only=run._rate_chunk)
            self.assertEqual(run.state, "draft")
            trap.perform_enqueued_jobs()
        self.assertEqual(run.state, "rated")
        self.assertEqual(len(run.line_ids), 5)

    def test_crash_while_posting_resumes_without_double_billing(self):
        self._make_accounts(5)
        run = self._rate(self._new_run(chunk_size=2))
        with self._crash_in("utility.bill.builder", "_create_posted_moves", 2):
            run.action_post()
        # The first chunk is committed, the second rolled back, the third never ran.
        self.assertEqual(run.state, "posting")
        self.assertEqual(run.posted_count, 2)
        self.assertEqual(len(run.move_ids), 2)
        run.action_resume()
        self.assertEqual(run.state, "posted")
        self.assertEqual(run.posted_count, 5)
        per_account = Counter(run.move_ids.mapped("utility_account_id.id"))
        self.assertEqual(set(per_account.values()), {1})
        self.assertEqual(len(run.move_ids), 5)
        periods = self.env["utility.service.period"].search([("run_id", "=", run.id)])
        self.assertEqual(len(periods), 15)

    def test_crash_while_rating_resumes(self):
        self._make_accounts(5)
        run = self._new_run(chunk_size=2)
        with self._crash_in("utility.bill.builder", "_build_bills", 2):
            run.action_compute()
        self.assertEqual(run.state, "draft")
        self.assertEqual(len(run.line_ids), 2)
        run.action_resume()
        self.assertEqual(run.state, "rated")
        self.assertEqual(len(run.line_ids), 5)
        self.assertEqual(len(run.line_ids.account_id), 5)

    # ------------------------------------------------------------------
    # Concurrency and the exactly-once ledger
    # ------------------------------------------------------------------
    def test_one_run_per_cycle_and_period(self):
        run = self._new_run()
        with self.assertRaisesRegex(ValidationError, "already exists"):
            self._new_run()
        # The database index is the guarantee when the Python check is bypassed.
        other = self._new_run(date_from=date(2025, 2, 2))
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(psycopg2.errors.UniqueViolation),
            self.env.cr.savepoint(),
        ):
            self.env.cr.execute(
                "UPDATE utility_billing_run SET date_from = %s WHERE id = %s",
                [run.date_from, other.id],
            )
        # A cancelled run frees the period.
        run.action_cancel()
        self.assertTrue(self._new_run())

    def test_period_billed_meanwhile_by_a_special_bill_is_refused(self):
        accounts = self._make_accounts(2)
        run = self._rate(self._new_run())
        line = run.line_ids.filtered(lambda rl: rl.account_id == accounts[0])
        water = accounts[0].service_ids.filtered(lambda s: s.service_type_id == self.water)
        # A back-bill posted after rating, starting a day later than the run's
        # period: the unique index does not see it, the overlap check does.
        self.env["utility.service.period"].sudo().create(
            {
                "service_id": water.id,
                "date_from": line.date_from + timedelta(days=1),
                "date_to": line.date_to,
            }
        )
        run.action_post()
        self.assertEqual(line.state, "exception")
        self.assertIn("is already billed from", line.message)
        self.assertEqual(run.posted_count, 1)
        self.assertFalse(line.move_id)

    def test_service_period_billed_once_across_runs(self):
        self._make_accounts(2)
        first = self._rate(self._new_run())
        second = self._rate(self._new_run(date_from=date(2025, 2, 2)))
        self.assertEqual(second.ok_count, 2)
        first.action_post()
        second.action_post()
        self.assertEqual(second.posted_count, 0)
        self.assertEqual(second.exception_count, 2)
        self.assertIn("already billed", second.line_ids[0].message)
        self.assertFalse(second.move_ids)
        # The database refuses a second billed row for a service and period.
        period = self.env["utility.service.period"].search([("run_id", "=", first.id)], limit=1)
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(psycopg2.errors.UniqueViolation),
            self.env.cr.savepoint(),
        ):
            self.env["utility.service.period"].sudo().create(
                {
                    "service_id": period.service_id.id,
                    "date_from": period.date_from,
                    "date_to": period.date_to,
                }
            )
            self.env.flush_all()
        # Nor a billed period sharing a day with it, starting on another day.
        Period = self.env["utility.service.period"].sudo()
        inside = {"service_id": period.service_id.id, "date_to": period.date_to}
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(psycopg2.errors.ExclusionViolation),
            self.env.cr.savepoint(),
        ):
            Period.create(dict(inside, date_from=period.date_from + timedelta(days=10)))
            self.env.flush_all()
        # The next period starts on the day this one ends (excluded), and a
        # credited period may be billed again.
        Period.create(
            dict(inside, date_from=period.date_to, date_to=period.date_to + timedelta(days=30))
        )
        Period.create(
            dict(inside, date_from=period.date_from + timedelta(days=10), state="credited")
        )
        self.env.flush_all()
        # A third run finds the readings billed: nothing to bill again.
        third = self._rate(self._new_run(date_from=date(2025, 2, 3)))
        self.assertEqual(third.ok_count, 0)
        self.assertIn("no valid reading", third.line_ids[0].message)

    # ------------------------------------------------------------------
    # Money: proration from the engine, GL tie-out
    # ------------------------------------------------------------------
    def test_rate_change_inside_period_is_prorated_on_the_invoice(self):
        schedule = self.schedules[self.water]
        self.env["utility.rate.version"].create(
            {
                "schedule_id": schedule.id,
                "date_start": date(2025, 1, 20),
                "line_ids": [
                    Command.create(
                        {"name": "Base", "sequence": 10, "component": "fixed", "amount": 12.0}
                    ),
                    Command.create(
                        {
                            "name": "Usage",
                            "sequence": 20,
                            "component": "block",
                            "block_ids": [
                                Command.create({"quantity_from": 0, "price_unit": 2.5}),
                                Command.create({"quantity_from": 5, "price_unit": 3.5}),
                            ],
                        }
                    ),
                ],
            }
        )
        accounts = self._make_accounts(1, usage=7.0)
        run = self._rate(self._new_run())
        run.action_post()
        move = run.move_ids
        expected = rating.rate(
            schedule._get_rate_plan()[schedule.id],
            rating.RatingInput(
                date_from=PREVIOUS_READ,
                date_to=CURRENT_READ,
                usage=Decimal(7),
                meter_size="5/8",
                customer_class=accounts.customer_class.code,
            ),
        )
        self.assertEqual(len(expected.segments), 2)
        water = move.invoice_line_ids.filtered(
            lambda aml: aml.utility_service_type_id == self.water
        )
        self.assertEqual(len(water), len(expected.lines))
        self.assertAlmostEqual(sum(water.mapped("price_subtotal")), float(expected.amount_total))
        self.assertTrue(any("(2025-01-20 to 2025-02-02)" in name for name in water.mapped("name")))

    def test_gl_tie_out(self):
        self._make_accounts(4, usage=7.0)
        self._make_accounts(3, usage=12.5, prefix="BIG")
        run = self._rate(self._new_run())
        receivable_before = self._balance(self.receivable)
        run.action_post()
        self.assertEqual(run.state, "posted")
        charges = self.env["utility.billing.run.charge"].search([("run_id", "=", run.id)])
        by_type = defaultdict(float)
        for charge in charges:
            by_type[charge.service_type_id] += charge.amount
        self.assertAlmostEqual(
            self._balance(self.receivable) - receivable_before, run.amount_total, places=2
        )
        ledger = self._ledger(run.move_ids)
        self.assertEqual(ledger[self.receivable], round(run.amount_total, 2))
        for service_type, amount in by_type.items():
            self.assertEqual(ledger[self.income[service_type]], -round(amount, 2))
        self.assertEqual(len(ledger), 4)

    def _balance(self, account):
        self.env.flush_all()
        groups = self.env["account.move.line"]._read_group(
            [("account_id", "=", account.id), ("parent_state", "=", "posted")], [], ["balance:sum"]
        )
        return groups[0][0]

    # ------------------------------------------------------------------
    # Cost per account
    # ------------------------------------------------------------------
    def _count_queries(self, count, prefix):
        cycle = self.env["utility.billing.cycle"].create(
            {"name": f"Cycle {prefix}", "code": prefix, "read_day_start": 1, "read_day_end": 10}
        )
        self.env["utility.route"].create({"name": prefix, "code": prefix, "cycle_id": cycle.id})
        self._make_accounts(count, cycle=cycle, prefix=prefix)
        run = self._new_run(cycle=cycle, chunk_size=1000)
        self.env.flush_all()
        self.env.invalidate_all()
        self.env.cr.sql_log_count = 0
        start = self.env.cr.sql_log_count
        run.action_compute()
        self.env.flush_all()
        rated = self.env.cr.sql_log_count - start
        Builder = type(self.env["utility.bill.builder"])
        original = Builder._create_posted_moves
        in_writer = []

        def create_posted_moves(builder, vals_list):
            before = self.env.cr.sql_log_count
            moves = original(builder, vals_list)
            builder.env.flush_all()
            in_writer.append(self.env.cr.sql_log_count - before)
            return moves

        with patch.object(Builder, "_create_posted_moves", create_posted_moves):
            run.action_post()
        self.env.flush_all()
        self.assertEqual(run.posted_count, count)
        posted = self.env.cr.sql_log_count - start - rated
        return rated, posted - sum(in_writer), posted

    def test_query_count_does_not_grow_with_accounts(self):
        small = self._count_queries(5, "Q5")
        large = self._count_queries(20, "Q20")
        message = f"(rate, post) queries: 5 accounts {small}, 20 accounts {large}"
        # A constant cost per chunk: 4x the accounts, (almost) the same queries.
        self.assertLessEqual(large[0] - small[0], 2, message)
        self.assertLessEqual(large[1] - small[1], 2, message)
        if "utility.move.writer" not in self.env:
            self.skipTest(
                f"invoices posted the standard way until the writer is registered: {message}"
            )
        self.assertLessEqual(large[2] - small[2], 10, message)

    # ------------------------------------------------------------------
    # Bad input: a clear reason on the line, the rest of the run goes on
    # ------------------------------------------------------------------
    def test_bad_accounts_become_exception_lines(self):
        good, held, unread, unrated = self._make_accounts(4)
        # A reading held for review.
        held_reading = self._current_reading(held)
        held_reading.state = "exception"
        # A meter with no reading in the window.
        self._current_reading(unread).state = "cancelled"
        # A garbage rate with no version in force.
        late = self._create_schedule(
            "BR-G2",
            self.garbage,
            [{"name": "Cart", "sequence": 10, "component": "cart", "price_unit": 15.0}],
            date_start="2026-01-01",
        )
        unrated.service_ids.filtered(
            lambda s: s.service_type_id == self.garbage
        ).rate_schedule_id = late
        run = self._rate(self._new_run())
        self.assertEqual(run.state, "rated")
        by_account = {line.account_id: line for line in run.line_ids}
        self.assertEqual(by_account[good].state, "ok")
        self.assertEqual(by_account[held].state, "exception")
        self.assertIn("held for review", by_account[held].message)
        self.assertEqual(by_account[unread].state, "exception")
        self.assertIn("no valid reading of meter", by_account[unread].message)
        self.assertEqual(by_account[unrated].state, "exception")
        self.assertIn("no version in force on 01/03/2025", by_account[unrated].message)
        run.action_post()
        self.assertEqual(run.state, "posted")
        self.assertEqual(run.move_ids.utility_account_id, good)
        self.assertEqual(held_reading.state, "exception")

    def test_cycle_without_readings(self):
        self._make_accounts(2, readings=False)
        run = self._rate(self._new_run())
        self.assertEqual(run.exception_count, 2)
        self.assertTrue(all("no valid reading" in m for m in run.line_ids.mapped("message")))
        with self.assertRaisesRegex(UserError, "no bill ready to post"):
            run.action_post()

    def test_recompute_after_fixing_an_exception(self):
        accounts = self._make_accounts(2)
        reading = self._current_reading(accounts[1])
        reading.state = "exception"
        run = self._rate(self._new_run())
        self.assertEqual(run.exception_count, 1)
        ok_line = run.line_ids.filtered(lambda line: line.state == "ok")
        reading.state = "valid"
        run.action_compute()
        self.assertEqual((run.ok_count, run.exception_count), (2, 0))
        self.assertIn(ok_line, run.line_ids)

    # ------------------------------------------------------------------
    # Access
    # ------------------------------------------------------------------
    def test_access(self):
        Run = self.env["utility.billing.run"]
        with self.assertRaises(AccessError):
            Run.with_user(self.csr).create(
                {"cycle_id": self.cycle.id, "journal_id": self.journal.id}
            )
        run = Run.with_user(self.specialist).create(
            {"cycle_id": self.cycle.id, "journal_id": self.journal.id}
        )
        self.assertEqual(run.state, "draft")
        self.assertTrue(run.date_from)
