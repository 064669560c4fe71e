# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Rate what-if: a year of bills priced again, against pricing them bill by bill.

    .venv/bin/python benchmarks/bench_rate_whatif.py --db <db> [-n 1000] [--months 12]
        [--real-n 10000] [--baseline-n 200] [--keep-bench-db]

Needs a database where utility_billing is installed. The set-up goes to a
throw-away copy ``<db>_whatif<N>x<M>`` (``--keep-bench-db`` keeps it): N
accounts with water (metered, kgal), sewer on water and garbage (one cart),
through the product's own code (``_create_billable_accounts``, the schedules
of ``bench_billing_run``), a reading a month for M + 1 months (3 to 20 kgal,
a different usage for nearly every account and month), and M monthly billing
runs computed and posted by the product (``utility.billing.run``), then a
proposed water version (the demo town's: every price + 8 %, a top block).
With ``--real-n`` below N, only that many accounts are billed for real and
the others are copies of them made in PostgreSQL (``bench_rate_whatif_copy``:
same columns as the product writes, each month's usage and amounts from a
real bill picked by a hash): 100,000 accounts in minutes instead of hours.
Run it again on a kept set-up and it finishes the copies it had not made.

Then each path runs in its own process, rolled back:

1. the what-if: ``utility.rate.whatif.action_compute`` on the M months, timed;
   then (not timed) its totals per account for the baseline's accounts;
2. the baseline, bill by bill through the ORM: for each posted bill of
   ``--baseline-n`` accounts spread over the city (real and copied alike:
   every (N / baseline-n)th account), its readings searched, and the rate
   calculator (``utility.rate.calculator``, the per-bill path a clerk uses)
   filled from the account and computed at the rates in force and, dated
   into the proposed version, at the proposed rates.

The parent prints both rates (bills a second) and the ratio, and compares, on
the baseline's accounts: billed (posted invoice lines) = what-if priced again
= calculator at the rates in force, and what-if proposed = calculator at the
proposed rates, to the cent.
"""

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import time
from decimal import Decimal

import bench_billing_run
import bench_common
import bench_rate_whatif_copy

FIRST_READ = dt.date(2024, 2, 3)
SETUP_BATCH = 5000
CENT = Decimal("0.01")


def _env(args):
    return bench_common.admin_env(args.config, args.db, context={"queue_job__no_delay": True})


def _read_date(month):
    from dateutil.relativedelta import relativedelta

    return FIRST_READ + relativedelta(months=month)


def _usage(index, month):
    # 3 to 20 kgal, three decimals, as a register reads.
    return 3 + ((index * 7919 + month * 104729) % 17000) / 1000


# ----------------------------------------------------------------------
# Set-up (committed in the throw-away copy)
# ----------------------------------------------------------------------
def setup_commit(args):
    """Accounts and readings by batches, then the product's billing runs, month
    by month (each commits its chunks), then the proposed water version."""
    cr, env = _env(args)
    env = env(
        context=dict(
            env.context,
            tracking_disable=True,
            mail_create_nolog=True,
            mail_create_nosubscribe=True,
            mail_notrack=True,
        )
    )
    with cr:
        started = time.perf_counter()
        # Monthly usage moves a lot here: no read edit holds a bill.
        env.company.write(
            {"utility_high_usage_percent": 100000.0, "utility_low_usage_percent": 0.0}
        )
        schedules = bench_billing_run._schedules(env)
        cycle = env["utility.billing.cycle"].create(
            {"name": "Bench cycle", "code": "BENCH", "read_day_start": 1, "read_day_end": 10}
        )
        route = env["utility.route"].create(
            {"name": "Bench", "code": "BENCH", "cycle_id": cycle.id}
        )
        cr.commit()
        Reading = env["utility.meter.reading"]
        real_n = _real_n(args)
        for start in range(0, real_n, SETUP_BATCH):
            count = min(SETUP_BATCH, real_n - start)
            _accounts, meters = env["utility.demo.town"]._create_billable_accounts(
                count, route, schedules, f"W{start // SETUP_BATCH:03d}", dt.date(2024, 1, 1)
            )
            values = [100.0] * count
            for month in range(args.months + 1):
                if month:
                    values = [
                        round(value + _usage(start + i, month), 3) for i, value in enumerate(values)
                    ]
                Reading.create(
                    [
                        {
                            "meter_id": meter.id,
                            "date": _read_date(month),
                            "value": value,
                            "read_type": "initial" if not month else "actual",
                        }
                        for meter, value in zip(meters, values, strict=True)
                    ]
                )
            cr.commit()
            env.invalidate_all()
            print(
                f"  set-up: {start + count} accounts, {time.perf_counter() - started:.0f} s",
                file=sys.stderr,
            )
        Run = env["utility.billing.run"].with_context(queue_job__no_delay=True)
        for month in range(1, args.months + 1):
            read = _read_date(month)
            run = Run.create(
                {
                    "cycle_id": cycle.id,
                    "date_from": read - dt.timedelta(days=2),
                    "date_to": read + dt.timedelta(days=7),
                    "date_invoice": read + dt.timedelta(days=12),
                    "date_due": read + dt.timedelta(days=32),
                    "date_penalty": read + dt.timedelta(days=37),
                }
            )
            cr.commit()
            run.action_compute()
            cr.commit()
            run.action_post()
            cr.commit()
            env.invalidate_all()
            print(
                f"  set-up: month {month} billed ({run.posted_count} bills, "
                f"{run.exception_count} exceptions), {time.perf_counter() - started:.0f} s",
                file=sys.stderr,
            )
        water = schedules["water"]
        env["utility.demo.town"]._demo_proposed_water_version(water.version_ids[:1])
        cr.commit()


def _real_n(args):
    return min(args.real_n or args.n, args.n)


def copy_commit(args):
    """The accounts beyond ``--real-n``: copies of the real ones (resumable)."""
    cr, env = _env(args)
    with cr:
        bench_rate_whatif_copy.copy_accounts(env, _real_n(args), args.n, args.months)


def _is_complete(bench_db, args, env_vars):
    """Whether a kept set-up has its ``-n`` accounts and its checks rebuilt."""
    found = subprocess.run(
        ["psql", "-Atq", "-d", bench_db, "-c",
         "SELECT COUNT(*), to_regclass('wc_saved_ddl') IS NULL FROM utility_account"],
        check=True, env=env_vars, capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip
    return found == f"{args.n}|t"


def prepare_bench_db(args, env_vars):
    bench_db = f"{args.db}_whatif{args.n}x{args.months}"
    started = time.perf_counter()
    command = [sys.executable, __file__, "--db", bench_db, "--config", args.config,
               "-n", str(args.n), "--months", str(args.months), "--real-n",
               str(_real_n(args)), "--out", os.devnull, "--child"]  # fmt: skip
    if not bench_common.database_exists(bench_db, env_vars):
        print(f"preparing {bench_db}: copy of {args.db} with {_real_n(args)} accounts billed ...")
        bench_common.prepare_copy(args.db, bench_db, [*command, "setup"], env_vars)
        print(
            f"set-up: {_real_n(args)} accounts x {args.months} months billed in "
            f"{time.perf_counter() - started:.0f} s"
        )
    if _real_n(args) < args.n and not _is_complete(bench_db, args, env_vars):
        # Resumable: a kept set-up gets only the copies it had not made yet.
        copied = time.perf_counter()
        subprocess.run([*command, "copy"], check=True)
        # Planner statistics and visibility maps of the copied tables.
        subprocess.run(["psql", "-q", "-d", bench_db, "-c", "VACUUM ANALYZE " + ", ".join(
            bench_rate_whatif_copy.TABLES)], check=True, env=env_vars)  # fmt: skip
        print(
            f"set-up: {args.n} accounts ({args.n - _real_n(args)} copied) in "
            f"{time.perf_counter() - copied:.0f} s"
        )
    return bench_db


# ----------------------------------------------------------------------
# Children: one path each, rolled back
# ----------------------------------------------------------------------
def _window(env, args):
    return _read_date(1), _read_date(args.months)


def _baseline_accounts(env, args):
    """``--baseline-n`` accounts spread evenly over the city, by id."""
    accounts = env["utility.account"].search([("name", "!=", False)], order="id")
    step = max(len(accounts) // max(args.baseline_n, 1), 1)
    return accounts[::step][: args.baseline_n]


def _new_whatif(env, args):
    date_from, date_to = _window(env, args)
    proposed = env["utility.rate.version"].search([("is_proposed", "=", True)])
    return env["utility.rate.whatif"].create(
        {
            "name": "Bench",
            "date_from": date_from,
            "date_to": date_to,
            "version_ids": [(6, 0, proposed.ids)],
        }
    )


def _backend_cpu(env):
    """CPU seconds of this transaction's PostgreSQL backend so far (Linux, the
    server on this machine): most of the what-if's work is SQL."""
    env.cr.execute("SELECT pg_backend_pid()")
    try:
        with open(f"/proc/{env.cr.fetchone()[0]}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _measure_whatif(env, args):
    whatif = _new_whatif(env, args)
    env.flush_all()
    # The compute's work tables and ratings are kept for the comparison
    # below (not timed) instead of computing everything a second time.
    Whatif = type(whatif)
    kept = {}
    rate_keys = Whatif._rate_keys

    def keep_rated(self, keys, plans):
        kept["rated"] = rate_keys(self, keys, plans)
        return kept["rated"]

    Whatif._rate_keys = keep_rated
    Whatif._drop_work_tables = lambda self: None
    backend = _backend_cpu(env)
    _none, seconds, cpu = bench_common.timed(whatif.action_compute)
    backend = None if backend is None else _backend_cpu(env) - backend
    rated = kept["rated"]
    result = {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "backend_cpu_seconds": backend,
        "bills": whatif.bill_count,
        "accounts": whatif.account_count,
        "inputs": whatif.input_count,
        "billed": str(whatif.amount_billed),
        "rerated": str(whatif.amount_rerated),
        "proposed": str(whatif.amount_proposed),
        "differences": whatif.difference_bill_count,
    }
    # Not timed: the baseline's accounts read from the compute's work tables.
    env.cr.execute("SELECT COUNT(DISTINCT move_id) FROM utility_whatif_period")
    result["moves"] = env.cr.fetchone()[0]
    accounts = _baseline_accounts(env, args)
    result["per_account"] = {
        str(account_id): [str(billed), str(rerated), str(proposed)]
        for account_id, _bills, billed, rerated, proposed in whatif._get_account_totals(
            rated, account_ids=accounts.ids
        )
    }
    return result


def _measure_baseline(env, args):
    """Each posted bill of the baseline's accounts priced through the ORM, bill
    by bill: its readings, then the rate calculator at the rates in force and,
    dated into the proposed version, at the proposed ones."""
    from dateutil.relativedelta import relativedelta

    date_from, date_to = _window(env, args)
    accounts = _baseline_accounts(env, args)
    proposed = env["utility.rate.version"].search([("is_proposed", "=", True)])
    shift = relativedelta(years=max(proposed.date_start.year - FIRST_READ.year + 1, 1))
    Calculator = env["utility.rate.calculator"]
    Proposed = Calculator.with_context(utility_rate_with_proposed=True)
    env.flush_all()
    started, cpu = time.perf_counter(), time.process_time()
    per_account = {}
    bills = 0
    for account in accounts:
        moves = env["account.move"].search(
            [
                ("utility_account_id", "=", account.id),
                ("state", "=", "posted"),
                ("utility_bill_kind", "=", "cycle"),
                ("utility_period_end", ">=", date_from),
                ("utility_period_end", "<=", date_to),
            ]
        )
        totals = [Decimal(0), Decimal(0), Decimal(0)]
        for move in moves:
            readings = env["utility.meter.reading"].search(
                [
                    ("account_id", "=", account.id),
                    ("date", ">", move.utility_period_start),
                    ("date", "<=", move.utility_period_end),
                    ("state", "=", "billed"),
                ]
            )
            usage = sum(readings.mapped("consumption"))
            vals = {
                "account_id": account.id,
                "date_from": move.utility_period_start,
                "date_to": move.utility_period_end,
                "usage": usage,
                "usage_unit": "kgal",
                "period_factor": 1.0,
            }
            current = Calculator.create(vals)
            current.action_compute()
            future = Proposed.create(
                dict(
                    vals,
                    date_from=move.utility_period_start + shift,
                    date_to=move.utility_period_end + shift,
                )
            )
            future.action_compute()
            totals[0] += Decimal(str(sum(move.invoice_line_ids.mapped("price_subtotal"))))
            totals[1] += Decimal(str(current.amount_total))
            totals[2] += Decimal(str(future.amount_total))
            bills += 1
        per_account[str(account.id)] = [str(total.quantize(CENT)) for total in totals]
    return {
        "seconds": time.perf_counter() - started,
        "cpu_seconds": time.process_time() - cpu,
        "bills": bills,
        "per_account": per_account,
    }


def child(args):
    cr, env = _env(args)
    measure = _measure_whatif if args.child == "whatif" else _measure_baseline
    bench_common.rolled_back(cr, lambda: measure(env, args), args.out)


def _run_child(args, bench_db, name):
    out = f"/tmp/bench_rate_whatif_{name}_{os.getpid()}.json"
    command = [sys.executable, __file__, "--db", bench_db, "--config", args.config,
               "-n", str(args.n), "--months", str(args.months), "--baseline-n",
               str(args.baseline_n), "--child", name, "--out", out]  # fmt: skip
    return bench_common.run_child(command, out)


def _compare(whatif, baseline):
    """Per baseline account: billed = priced again = calculator now, proposed =
    calculator at the proposed rates. :return: list of differences."""
    problems = []
    for account_id, (billed, calc_now, calc_proposed) in baseline["per_account"].items():
        found = whatif["per_account"].get(account_id)
        if not found:
            problems.append(f"account {account_id}: not in the what-if")
            continue
        w_billed, w_rerated, w_proposed = (Decimal(v).quantize(CENT) for v in found)
        expected = (Decimal(billed), Decimal(billed), Decimal(calc_now), Decimal(calc_proposed))
        got = (w_billed, w_rerated, w_rerated, w_proposed)
        if expected != got:
            problems.append(f"account {account_id}: baseline {expected}, what-if {got}")
    return problems


def main():
    parser = bench_common.argument_parser(__doc__.split("\n\n")[0], 1000)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--baseline-n", type=int, default=200)
    parser.add_argument(
        "--real-n",
        type=int,
        help="accounts billed by real billing runs (default: all); the others are copies",
    )
    parser.add_argument("--keep-bench-db", action="store_true")
    parser.add_argument("--only-whatif", action="store_true", help="time the what-if only")
    parser.add_argument(
        "--child", choices=("setup", "copy", "whatif", "baseline"), help=argparse.SUPPRESS
    )
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "setup":
        setup_commit(args)
        return
    if args.child == "copy":
        copy_commit(args)
        return
    if args.child:
        child(args)
        return
    env_vars = bench_common.pg_env()
    bench_db = prepare_bench_db(args, env_vars)
    try:
        whatif = _run_child(args, bench_db, "whatif")
        if args.only_whatif:
            print(json.dumps({k: v for k, v in whatif.items() if k != "per_account"}))
            return
        baseline = _run_child(args, bench_db, "baseline")
    finally:
        if not args.keep_bench_db:
            bench_common.dropdb(bench_db, env_vars)
    rate = whatif["bills"] / whatif["seconds"]
    base_rate = baseline["bills"] / baseline["seconds"]
    print(
        f"what-if: {whatif['bills']} service bills of {whatif['accounts']} accounts "
        f"({whatif['inputs']} distinct inputs) in {whatif['seconds']:.1f} s = {rate:,.0f} "
        f"bills/s wall; CPU {whatif['cpu_seconds']:.1f} s Python + "
        f"{whatif['backend_cpu_seconds'] or 0:.1f} s PostgreSQL; "
        f"billed {whatif['billed']}, priced again {whatif['rerated']}, proposed "
        f"{whatif['proposed']}, {whatif['differences']} not reproduced"
    )
    print(
        f"baseline (rate calculator bill by bill, both rates): {baseline['bills']} bills of "
        f"{len(baseline['per_account'])} accounts in {baseline['seconds']:.1f} s = "
        f"{base_rate:,.1f} bills/s wall ({baseline['bills'] / baseline['cpu_seconds']:,.1f} "
        f"per CPU second)"
    )
    # The what-if counts service bills (water, sewer, garbage); the baseline
    # prices whole customer bills: compare customer bills a second.
    per_bill = whatif["moves"] / whatif["seconds"]
    print(
        f"ratio: {per_bill / base_rate:,.0f}x ({per_bill:,.0f} customer bills/s against "
        f"{base_rate:,.1f})"
    )
    problems = _compare(whatif, baseline)
    if problems:
        print(f"DIFFERENT on {len(problems)} accounts:")
        for problem in problems[:20]:
            print(f"  {problem}")
        sys.exit(1)
    print(
        f"same to the cent on {len(baseline['per_account'])} accounts: billed = priced again "
        "= calculator at the rates in force; proposed = calculator at the proposed rates"
    )


if __name__ == "__main__":
    main()
