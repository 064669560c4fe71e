# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Billing run end to end against the standard Odoo way of posting the same bills.

    .venv/bin/python benchmarks/bench_billing_run.py --db <db> [-n 10000] [--chunk 500]

Needs a database where utility_billing is installed. In one transaction, rolled
back at the end (the database is left as it was): generates a cycle of N
accounts with water (metered, kgal), sewer on water and garbage (one cart),
an initial and a current reading per meter, then

1. the billing run: Compute + Post Bills, the queue jobs run synchronously in
   this process (``queue_job__no_delay``; the chunk commit point only flushes);
2. the baseline: the same invoices (the run's own invoice values, in a journal
   of their own) created with ``account.move.create`` (invoice_line_ids) and
   ``action_post`` in batches of 100.

Prints invoices/s for both, the ratio, the peak memory, and checks that the two
ledgers are identical per GL account.
"""

import argparse
import datetime as dt
import os
import resource
import sys
import time
from collections import defaultdict
from unittest.mock import patch

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), os.pardir))
# The venv imports Odoo already; ODOO_SOURCE only matters when run with another Python.
ODOO = os.environ.get("ODOO_SOURCE", "/opt/odoo")
PREVIOUS_READ = dt.date(2025, 1, 3)
CURRENT_READ = dt.date(2025, 2, 3)


def _env(args):
    sys.path.insert(0, ODOO)
    import odoo
    from odoo import api

    odoo.tools.config.parse_config(["-c", args.config, "-d", args.db, "--log-level=warn"])
    registry = odoo.modules.registry.Registry(args.db)
    cr = registry.cursor()
    env = api.Environment(cr, odoo.SUPERUSER_ID, {})
    admin = env.ref("base.user_admin")
    context = {"lang": "en_US", "tz": "UTC", "queue_job__no_delay": True}
    return cr, api.Environment(cr, admin.id, context)


def _setup(env, n):
    from odoo import Command

    types = {
        code: env.ref(f"utility_billing.service_type_{code}")
        for code in ("water", "sewer", "garbage")
    }
    for index, service_type in enumerate(types.values()):
        service_type.account_income_id = env["account.account"].create(
            {"code": f"4990{index}", "name": f"Bench {service_type.name}", "account_type": "income"}
        )

    def schedule(code, service_type, lines, **vals):
        return env["utility.rate.schedule"].create(
            dict(
                {
                    "name": f"Bench {code}",
                    "code": f"BENCH-{code}",
                    "service_type_id": service_type.id,
                    "version_ids": [
                        Command.create(
                            {
                                "date_start": "2024-01-01",
                                "line_ids": [Command.create(line) for line in lines],
                            }
                        )
                    ],
                },
                **vals,
            )
        )

    schedules = {
        "water": schedule(
            "W",
            types["water"],
            [
                {"name": "Base", "sequence": 10, "component": "fixed", "amount": 18.5},
                {
                    "name": "Usage",
                    "sequence": 20,
                    "component": "block",
                    "block_ids": [
                        Command.create({"quantity_from": 0, "price_unit": 4.25}),
                        Command.create({"quantity_from": 5, "price_unit": 5.10}),
                        Command.create({"quantity_from": 15, "price_unit": 6.35}),
                    ],
                },
            ],
        ),
        "sewer": schedule(
            "S",
            types["sewer"],
            [
                {"name": "Base", "sequence": 10, "component": "fixed", "amount": 22.0},
                {"name": "Usage", "sequence": 20, "component": "unit", "price_unit": 4.85},
            ],
            volume_basis="water",
        ),
        "garbage": schedule(
            "G",
            types["garbage"],
            [{"name": "Cart", "sequence": 10, "component": "cart", "price_unit": 16.75}],
        ),
    }
    cycle = env["utility.billing.cycle"].create(
        {"name": "Bench cycle", "code": "BENCH", "read_day_start": 1, "read_day_end": 10}
    )
    route = env["utility.route"].create({"name": "Bench", "code": "BENCH", "cycle_id": cycle.id})
    _accounts, meters = env["utility.demo.town"]._create_billable_accounts(
        n, route, schedules, "BENCH", dt.date(2024, 1, 1)
    )
    Reading = env["utility.meter.reading"]
    Reading.create(
        [
            {"meter_id": m.id, "date": PREVIOUS_READ, "value": 100.0, "read_type": "initial"}
            for m in meters
        ]
    )
    Reading.create(
        [
            {"meter_id": m.id, "date": CURRENT_READ, "value": 100.0 + 3 + (i % 17) * 0.731}
            for i, m in enumerate(meters)
        ]
    )
    env.flush_all()
    return cycle


def _analyze(env):
    """Planner statistics of the tables this transaction fills: without them
    PostgreSQL plans Odoo's posting queries for the empty tables it last saw
    (one of action_post's queries took 40 s a batch on a fresh database)."""
    env.flush_all()
    env.cr.execute(
        "ANALYZE account_move, account_move_line, account_partial_reconcile, "
        "utility_meter_reading, utility_account, utility_account_service, "
        "utility_billing_run_line, utility_billing_run_charge, utility_service_period"
    )


def _ledger(env, moves):
    env.flush_all()
    return {
        account.code: round(balance, 2)
        for account, balance in env["account.move.line"]._read_group(
            [("move_id", "in", moves.ids)], ["account_id"], ["balance:sum"]
        )
    }


def main():  # noqa: PLR0915 (a benchmark reads best top to bottom)
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--config", default=os.path.join(ROOT, "var", "dev.conf"))
    parser.add_argument("-n", type=int, default=10000)
    parser.add_argument("--chunk", type=int, default=500)
    parser.add_argument("--batch", type=int, default=100)
    args = parser.parse_args()

    cr, env = _env(args)
    try:
        started = time.perf_counter()
        cycle = _setup(env, args.n)
        _analyze(env)
        print(f"setup: {args.n} accounts and readings in {time.perf_counter() - started:.1f} s")
        Run = env["utility.billing.run"]
        writer = "utility.move.writer" in env
        print(f"invoice path of the run: {'utility.move.writer' if writer else 'standard ORM'}")
        run = Run.create(
            {
                "cycle_id": cycle.id,
                "date_from": dt.date(2025, 2, 1),
                "date_to": dt.date(2025, 2, 10),
                "chunk_size": args.chunk,
            }
        )

        def flush_only(run):
            run.env.flush_all()

        with patch.object(type(Run), "_commit_chunk", flush_only):
            t0 = time.perf_counter()
            run.action_compute()
            env.flush_all()
            t_rate = time.perf_counter() - t0
            print(
                f"compute: {run.ok_count} ready, {run.exception_count} exceptions, {t_rate:.1f} s"
            )

            # The baseline posts the very invoices the run will post, in a journal of its own.
            builder = env["utility.bill.builder"]
            journal = env["account.journal"].create(
                {"name": "Bench baseline", "code": "BBASE", "type": "sale"}
            )
            lines = run.line_ids.filtered(lambda line: line.state == "ok")
            charges = defaultdict(list)
            for charge in env["utility.billing.run.charge"].search([("run_id", "=", run.id)]):
                charges[charge.line_id.id].append(run._charge_dict(charge))
            vals_list = [
                builder._prepare_invoice_vals(
                    dict(
                        run._prepare_invoice_header(line),
                        journal_id=journal.id,
                        utility_billing_run_id=False,
                    ),
                    charges[line.id],
                )
                for line in lines
            ]
            t0 = time.perf_counter()
            baseline = env["account.move"]
            for start in range(0, len(vals_list), args.batch):
                baseline |= builder._create_posted_moves_standard(
                    vals_list[start : start + args.batch]
                )
                if start % 1000 == 0:
                    _analyze(env)
            env.flush_all()
            t_base = time.perf_counter() - t0

            _analyze(env)
            t0 = time.perf_counter()
            run.action_post()
            env.flush_all()
            t_post = time.perf_counter() - t0
        count = len(run.move_ids)
        print(f"run state {run.state}: {count} invoices posted")
        run_rate = count / (t_rate + t_post)
        post_rate = count / t_post
        base_rate = len(baseline) / t_base
        print(f"billing run (compute + post): {t_rate + t_post:.1f} s, {run_rate:.0f} invoices/s")
        print(f"  post alone: {t_post:.1f} s, {post_rate:.0f} invoices/s")
        print(f"baseline (create + action_post, batches of {args.batch}): {t_base:.1f} s, "
              f"{base_rate:.0f} invoices/s")  # fmt: skip
        ratio, post_ratio = run_rate / base_rate, post_rate / base_rate
        print(f"ratio run/baseline: {ratio:.2f} (post alone: {post_ratio:.2f})")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak memory (max RSS): {peak:.0f} MB")
        same = _ledger(env, run.move_ids) == _ledger(env, baseline)
        print(f"ledger per GL account identical: {same}")
        print(f"  {_ledger(env, run.move_ids)}")
        if not same:
            print(f"  baseline {_ledger(env, baseline)}")
            sys.exit(1)
    finally:
        cr.rollback()
        cr.close()


if __name__ == "__main__":
    main()
