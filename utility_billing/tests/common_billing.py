# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Fixtures of the billing run and bill builder tests.

``BillingCommon`` builds on ``AccountTestInvoicingCommon`` (company, sales
journal, receivable) a small utility: income accounts per service, water
(base + blocks, kgal), sewer on water and garbage (per cart) schedules, a
monthly cycle reading on days 1 to 10, and :meth:`_make_accounts` creating
accounts with the three services and a month of readings in a few batches.
Jobs run synchronously (``queue_job__no_delay``) and the chunk commit point
becomes a savepoint, so a test can simulate a crash after a committed chunk.
"""

from contextlib import contextmanager
from datetime import date
from unittest.mock import patch

import odoo.tests.common as odoo_tests_common
from odoo import Command
from odoo.tests import new_test_user

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

# queue_job 18.0.4's test helpers import a name that newer 18.0 releases of
# Odoo define; the Odoo of this repository predates it.
if not hasattr(odoo_tests_common, "SETATTR_SOURCES"):
    odoo_tests_common.SETATTR_SOURCES = {}
from odoo.addons.queue_job.tests.common import trap_jobs

from .config_lists import ConfigListsMixin

__all__ = ["BillingCommon", "trap_jobs"]

PREVIOUS_READ = date(2025, 1, 3)
CURRENT_READ = date(2025, 2, 3)
CHUNK_SAVEPOINT = "utility_billing_chunk"


class BillingCommon(ConfigListsMixin, AccountTestInvoicingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, queue_job__no_delay=True))
        cls.env.user.groups_id += cls.env.ref("utility_billing.group_utility_supervisor")
        cls.company = cls.env.company
        cls.company.write(
            {
                "utility_high_usage_percent": 200.0,
                "utility_low_usage_percent": 25.0,
                "utility_usage_min_average": 1.0,
            }
        )
        cls.journal = cls.company_data["default_journal_sale"]
        cls.receivable = cls.company_data["default_account_receivable"]
        cls.water = cls.env.ref("utility_billing.service_type_water")
        cls.sewer = cls.env.ref("utility_billing.service_type_sewer")
        cls.garbage = cls.env.ref("utility_billing.service_type_garbage")
        cls.income = {}
        for index, service_type in enumerate((cls.water, cls.sewer, cls.garbage)):
            cls.income[service_type] = cls.env["account.account"].create(
                {
                    "code": f"4100{index}",
                    "name": f"{service_type.name} revenue",
                    "account_type": "income",
                }
            )
            service_type.account_income_id = cls.income[service_type]
        cls.schedules = {
            cls.water: cls._create_schedule(
                "BR-W",
                cls.water,
                [
                    {"name": "Base", "sequence": 10, "component": "fixed", "amount": 10.0},
                    {
                        "name": "Usage",
                        "sequence": 20,
                        "component": "block",
                        "block_ids": [
                            Command.create({"quantity_from": 0, "price_unit": 2.0}),
                            Command.create({"quantity_from": 5, "price_unit": 3.0}),
                        ],
                    },
                ],
            ),
            cls.sewer: cls._create_schedule(
                "BR-S",
                cls.sewer,
                [
                    {"name": "Base", "sequence": 10, "component": "fixed", "amount": 5.0},
                    {"name": "Usage", "sequence": 20, "component": "unit", "price_unit": 4.0},
                ],
                volume_basis="water",
            ),
            cls.garbage: cls._create_schedule(
                "BR-G",
                cls.garbage,
                [{"name": "Cart", "sequence": 10, "component": "cart", "price_unit": 15.0}],
            ),
        }
        cls.cycle = cls.env["utility.billing.cycle"].create(
            {
                "name": "Run Cycle",
                "code": "BR1",
                "read_day_start": 1,
                "read_day_end": 10,
                "bill_day": 15,
                "due_days": 20,
                "penalty_days": 5,
            }
        )
        cls.route = cls.env["utility.route"].create(
            {"name": "Run Route", "code": "BR1-1", "cycle_id": cls.cycle.id}
        )
        cls.csr = new_test_user(
            cls.env, login="ub_run_csr", groups="base.group_user,utility_billing.group_utility_csr"
        )
        cls.specialist = new_test_user(
            cls.env,
            login="ub_run_billing",
            groups="base.group_user,utility_billing.group_utility_billing",
        )

    def setUp(self):
        super().setUp()
        self.commits = 0
        self.env.cr.execute(f"SAVEPOINT {CHUNK_SAVEPOINT}")  # pylint: disable=sql-injection

        def commit(run):
            # A test cannot commit: a savepoint marks what a commit would keep.
            run.env.flush_all()
            run.env.cr.execute(f"SAVEPOINT {CHUNK_SAVEPOINT}")
            self.commits += 1

        self.startPatcher(
            patch.object(type(self.env["utility.billing.run"]), "_commit_chunk", commit)
        )

    # ------------------------------------------------------------------
    # Builders
    # ------------------------------------------------------------------
    @classmethod
    def _create_schedule(cls, code, service_type, lines, date_start="2024-01-01", **vals):
        return cls.env["utility.rate.schedule"].create(
            dict(
                {
                    "name": f"{service_type.name} {code}",
                    "code": code,
                    "service_type_id": service_type.id,
                    "usage_unit": "kgal",
                    "version_ids": [
                        Command.create(
                            {
                                "date_start": date_start,
                                "line_ids": [Command.create(line) for line in lines],
                            }
                        )
                    ],
                },
                **vals,
            )
        )

    @classmethod
    def _make_accounts(cls, count, usage=7.0, cycle=None, readings=True, prefix="BR"):
        """``count`` active accounts with water, sewer and garbage, and, unless
        told otherwise, an initial read on PREVIOUS_READ and a read of ``usage``
        kgal on CURRENT_READ.

        :return: the accounts, ordered as created
        """
        route = cls.route if cycle is None else cycle.route_ids[:1]
        schedules = {
            "water": cls.schedules[cls.water],
            "sewer": cls.schedules[cls.sewer],
            "garbage": cls.schedules[cls.garbage],
        }
        accounts, meters = cls.env["utility.demo.town"]._create_billable_accounts(
            count, route, schedules, prefix, date(2024, 1, 1)
        )
        if readings:
            cls._read_meters(meters, PREVIOUS_READ, [100.0] * count, read_type="initial")
            cls._read_meters(meters, CURRENT_READ, [100.0 + usage] * count)
        return accounts

    @classmethod
    def _read_meters(cls, meters, day, values, **vals):
        return cls.env["utility.meter.reading"].create(
            [
                dict({"meter_id": meter.id, "date": day, "value": value}, **vals)
                for meter, value in zip(meters, values, strict=True)
            ]
        )

    def _new_run(self, cycle=None, **vals):
        return self.env["utility.billing.run"].create(
            dict(
                {
                    "cycle_id": (cycle or self.cycle).id,
                    "date_from": date(2025, 2, 1),
                    "date_to": date(2025, 2, 10),
                    "date_invoice": date(2025, 2, 15),
                    "date_due": date(2025, 3, 7),
                    "date_penalty": date(2025, 3, 12),
                    "journal_id": self.journal.id,
                },
                **vals,
            )
        )

    def _bill_february_and_march(self, meter, march_value=131.0):
        """Post the February bill (the fixture's readings) and the March bill of a
        read of ``march_value`` on March 3 (its usage edits accepted, as a clerk
        accepts a leak). :return: (February bill, March bill)"""
        run = self._new_run()
        run.action_compute()
        run.action_post()
        february = run.move_ids
        reading = self._read_meters(meter, date(2025, 3, 3), [march_value])
        reading.action_accept_exceptions()
        run = self._new_run(
            date_from=date(2025, 3, 1),
            date_to=date(2025, 3, 10),
            date_invoice=date(2025, 3, 15),
            date_due=date(2025, 4, 4),
            date_penalty=date(2025, 4, 9),
        )
        run.action_compute()
        run.action_post()
        return february, run.move_ids

    @contextmanager
    def _crash_in(self, model_name, method, call_number):
        """Make the ``call_number``-th call of ``model_name.method`` fail after
        doing its work, like a worker killed mid-chunk: the chunk is rolled
        back to the last chunk commit, the chunks before it stay."""
        Model = type(self.env[model_name])
        original = getattr(Model, method)
        calls = []

        def crashing(records, *args, **kwargs):
            result = original(records, *args, **kwargs)
            calls.append(1)
            if len(calls) == call_number:
                raise RuntimeError("worker killed")
            return result

        # Not assertRaises: Odoo's wraps the block in its own savepoint, which
        # would roll back the chunks "committed" before the crash too.
        crashed = False
        with patch.object(Model, method, crashing):
            try:
                yield calls
            except RuntimeError:
                crashed = True
        self.assertTrue(crashed, "the chunk did not crash")
        self.env.cr.execute(f"ROLLBACK TO SAVEPOINT {CHUNK_SAVEPOINT}")  # pylint: disable=sql-injection
        self.env.invalidate_all(flush=False)
        self.env.transaction.clear()
