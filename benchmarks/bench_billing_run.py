# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Billing run end to end against the standard Odoo way of posting the same bills.

    .venv/bin/python benchmarks/bench_billing_run.py --db <db> [-n 10000] [--chunk 500]
        [--batch 100] [--baseline-n 10000] [--sample 50] [--hash] [--tax] [--keep-bench-db]

Needs a database where utility_billing is installed. The set-up goes to a
throw-away copy ``<db>_run<N>`` (``--keep-bench-db`` keeps it for the next
runs): N accounts with water (metered, kgal), sewer on water and garbage (one
cart), an initial and a current reading per meter (a different usage for
nearly every account), committed by batches of 5,000 accounts through the
product's own code and VACUUM ANALYZEd. Then each path runs in its own process,
on its own fresh copy of that set-up (dropped afterwards):

1. the billing run: Compute + Post Bills of a run of the cycle, the queue jobs
   run in this process (``queue_job__no_delay``), each chunk committing at the
   run's own commit point, timed end to end;
2. the baseline: the same run computed (not timed), then the same invoices
   (the run's own invoice values, the same journal and numbering) created with
   ``account.move.create`` (invoice_line_ids) and ``action_post`` in batches of
   ``--batch``, a commit after each batch, timed; on the first
   ``--baseline-n`` ready accounts only (the standard path needs about 13
   minutes for 10,000 bills on this machine).

The parent prints both rates, the ratio, the peak memory of the run process
(max RSS during the run, and the Python allocations peak with
``--tracemalloc``), then compares the two ledgers on the accounts both paths
billed: amounts per utility account and per GL account, the partner ledger
(debit, credit, balance and residual per customer on the receivable), aged
receivables (residual per customer and bucket of days past due), payment
states, invoice numbers per account (and that each path's numbers are gapless),
the hash chain when the journal has one (``--hash``: every bill hashed, and
Odoo's integrity report verifies each path's chain; the hashes themselves
differ, Odoo hashes the line ids), a sale lock date (neither path accounts a
bill inside the locked period), and a sample of invoices field by field (every
stored column of account.move and account.move.line but ids and create/write
dates).

``--tax`` bills every water charge with a 5% utility tax (a rate-line tax,
Odoo's tax engine on both paths): the ledgers then also compare the tax lines
per tax (amount, base, count) and the taxed invoice lines per tax.
"""

import argparse
import datetime as dt
import os
import sys
import time

import bench_common
import ledger_facts

PREVIOUS_READ = dt.date(2025, 1, 3)
CURRENT_READ = dt.date(2025, 2, 3)
RUN_NAME = "BENCH/RUN"
SETUP_BATCH = 5000


def _env(args):
    return bench_common.admin_env(args.config, args.db, context={"queue_job__no_delay": True})


# ----------------------------------------------------------------------
# Set-up (committed in the throw-away copy)
# ----------------------------------------------------------------------
def _schedules(env, tax=False):
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
    if tax:
        # A city's 5% utility users tax on every water charge (base and usage).
        company = env.company
        tax_account = env["account.account"].create(
            {
                "code": "2990",
                "name": "Bench utility tax payable",
                "account_type": "liability_current",
            }
        )
        water_tax = env["account.tax"].create(
            {
                "name": "Bench Utility Tax 5%",
                "amount": 5.0,
                "amount_type": "percent",
                "type_tax_use": "sale",
                "company_id": company.id,
                "invoice_repartition_line_ids": [
                    Command.create({"repartition_type": "base"}),
                    Command.create({"repartition_type": "tax", "account_id": tax_account.id}),
                ],
                "refund_repartition_line_ids": [
                    Command.create({"repartition_type": "base"}),
                    Command.create({"repartition_type": "tax", "account_id": tax_account.id}),
                ],
            }
        )
        schedules["water"].version_ids.line_ids.tax_ids = water_tax
    return schedules


def bench_town(env, tax=False, hash_moves=False):
    """The cycle BENCH (read days 1-10), its route and the water, sewer and
    garbage schedules the bench accounts are billed on: (schedules, route)."""
    schedules = _schedules(env, tax=tax)
    cycle = env["utility.billing.cycle"].create(
        {"name": "Bench cycle", "code": "BENCH", "read_day_start": 1, "read_day_end": 10}
    )
    route = env["utility.route"].create({"name": "Bench", "code": "BENCH", "cycle_id": cycle.id})
    journal = env["utility.billing.run"]._default_journal()
    journal.restrict_mode_hash_table = hash_moves
    return schedules, route


def create_readings(env, meters, start):
    """The previous and the current reading of ``meters``, the ``start``-th
    account's first: 3 to 20 kgal, a different usage for (nearly) every
    account (three decimals, as a register reads)."""
    Reading = env["utility.meter.reading"]
    Reading.create(
        [
            {"meter_id": m.id, "date": PREVIOUS_READ, "value": 100.0, "read_type": "initial"}
            for m in meters
        ]
    )
    Reading.create(
        [
            {
                "meter_id": m.id,
                "date": CURRENT_READ,
                "value": round(100.0 + 3 + ((start + i) * 7919 % 17000) / 1000, 3),
            }
            for i, m in enumerate(meters)
        ]
    )


def setup_commit(args):
    """N accounts by batches of SETUP_BATCH, each batch committed (bounded memory).

    Without chatter (creation messages, followers), as a data migration loads
    a city: the set-up of 100,000 accounts takes minutes instead of an hour.
    """
    cr, env = _env(args)
    env = bench_common.quiet(env)
    with cr:  # commits at the end (none when it fails), then closes
        started = time.perf_counter()
        schedules, route = bench_town(env, tax=args.tax, hash_moves=args.hash)
        cr.commit()
        for start in range(0, args.n, SETUP_BATCH):
            count = min(SETUP_BATCH, args.n - start)
            _accounts, meters = env["utility.demo.town"]._create_billable_accounts(
                count, route, schedules, f"B{start // SETUP_BATCH:03d}", dt.date(2024, 1, 1)
            )
            create_readings(env, meters, start)
            cr.commit()
            env.invalidate_all()
            print(
                f"  set-up: {start + count} accounts, {time.perf_counter() - started:.0f} s",
                file=sys.stderr,
            )


def prepare_bench_db(args, env_vars):
    bench_db = f"{args.db}_run{args.n}{'h' if args.hash else ''}{'t' if args.tax else ''}"
    if bench_common.database_exists(bench_db, env_vars):
        return bench_db
    print(f"preparing {bench_db}: copy of {args.db} with {args.n} billable accounts ...")
    started = time.perf_counter()
    command = [sys.executable, __file__, "--db", bench_db, "--config", args.config,
               "-n", str(args.n), "--child", "setup", "--out", os.devnull]  # fmt: skip
    if args.hash:
        command.append("--hash")
    if args.tax:
        command.append("--tax")
    bench_common.prepare_copy(args.db, bench_db, command, env_vars)
    print(f"set-up: {args.n} accounts and readings in {time.perf_counter() - started:.0f} s")
    return bench_db


# ----------------------------------------------------------------------
# Children: one path each, one transaction, rolled back
# ----------------------------------------------------------------------
def _analyze(env):
    """Planner statistics of the tables this transaction fills (ANALYZE sees
    the transaction's own rows): a database in use has them."""
    env.flush_all()
    env.cr.execute(
        "ANALYZE account_move, account_move_line, utility_billing_run_line, "
        "utility_billing_run_charge, utility_service_period"
    )


def _new_run(env, args):
    """The run both paths bill, committed (its jobs commit at each chunk)."""
    cycle = env["utility.billing.cycle"].search([("code", "=", "BENCH")], limit=1)
    run = env["utility.billing.run"].create(
        {
            "name": RUN_NAME,
            "cycle_id": cycle.id,
            "date_from": dt.date(2025, 2, 1),
            "date_to": dt.date(2025, 2, 10),
            "date_invoice": dt.date(2025, 2, 15),
            "date_due": dt.date(2025, 3, 7),
            "date_penalty": dt.date(2025, 3, 12),
            "chunk_size": args.chunk,
        }
    )
    env.cr.commit()
    return run


def child(args):
    """One path (``--child run`` or ``baseline``) in its own transaction, rolled back."""
    cr, env = _env(args)
    measure = _measure_run if args.child == "run" else _measure_baseline
    bench_common.rolled_back(cr, lambda: measure(env, args), args.out)


def _committed(env, action):
    action()
    env.cr.commit()


def _measure_run(env, args):
    run = _new_run(env, args)
    env.invalidate_all()
    rss_before = bench_common.start_memory_watch(args.tracemalloc)
    # The product's own path: each chunk commits (queue_job__no_delay).
    _none, t_compute, cpu_compute = bench_common.timed(_committed, env, run.action_compute)
    # A clerk reviews the register between the two: the planner has
    # the statistics of the new lines by then (autovacuum).
    _analyze(env)
    env.cr.commit()
    _none, t_post, cpu_post = bench_common.timed(_committed, env, run.action_post)
    cpu = cpu_compute + cpu_post
    python_peak = bench_common.python_peak_kb(args.tracemalloc)
    rss_peak = bench_common.memory_kb("VmHWM")
    result = {
        "state": run.state,
        "ready": run.posted_count,
        "exceptions": run.exception_count,
        "n": len(run.move_ids),
        "compute_seconds": t_compute,
        "post_seconds": t_post,
        "seconds": t_compute + t_post,
        "cpu_seconds": cpu,
        "rss_before_kb": rss_before,
        "rss_peak_kb": rss_peak,
        "python_peak_kb": python_peak,
    }
    lines = env["utility.billing.run.line"].browse(_subset(env, run, args))
    result.update(_compared_facts(env, run, lines, args, "run"))
    return result


def _measure_baseline(env, args):
    run = _new_run(env, args)
    run.action_compute()
    _analyze(env)
    env.cr.commit()
    builder = env["utility.bill.builder"]
    lines = env["utility.billing.run.line"].browse(_subset(env, run, args))
    charges = run._read_charges(lines.ids)
    vals_list = [
        builder._prepare_invoice_vals(run._prepare_invoice_header(line), charges[line.id])
        for line in lines
    ]
    env.invalidate_all()
    rss_before = bench_common.start_memory_watch()
    cpu0 = time.process_time()
    t0 = time.perf_counter()
    count = 0
    for start in range(0, len(vals_list), args.batch):
        batch = vals_list[start : start + args.batch]
        count += len(bench_common.create_posted_moves_standard(env, batch))
        # As a script posting by batches would: one transaction a batch.
        env.cr.commit()
        if start and start % 2000 == 0:
            _analyze(env)
            if args.verbose:
                print(f"baseline {start} {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    elapsed = time.perf_counter() - t0
    result = {
        "n": count,
        "seconds": elapsed,
        "cpu_seconds": time.process_time() - cpu0,
        "rss_before_kb": rss_before,
        "rss_peak_kb": bench_common.memory_kb("VmHWM"),
    }
    result.update(_compared_facts(env, run, lines, args, "standard"))
    return result


def _compared_facts(env, run, lines, args, path):
    """The facts of the bills of the accounts of ``lines``, and a bill posted
    through ``path`` in a locked period."""
    facts = _facts(env, run, set(lines.mapped("account_id").ids), args)
    facts["lock_date"] = _lock_date_check(env, run, args, path)
    return facts


def _subset(env, run, args):
    """Lines of the accounts the baseline bills: the first --baseline-n ready
    ones (posted, in the run's process), in the order the run posts them."""
    env.flush_all()
    env.cr.execute(
        """
        SELECT id FROM utility_billing_run_line
         WHERE run_id = %s AND state IN ('ok', 'posted') ORDER BY id LIMIT %s
        """,
        [run.id, args.baseline_n],
    )
    return [row[0] for row in env.cr.fetchall()]


# ----------------------------------------------------------------------
# What both paths must agree on
# ----------------------------------------------------------------------
def _facts(env, run, account_ids, args):
    """Ledger facts of the bills of ``account_ids`` (and checks of every bill
    of the journal posted in this transaction)."""
    env.flush_all()
    cr = env.cr
    accounts = sorted(account_ids)
    journal = run.journal_id
    facts = {"accounts": len(accounts)}
    # The accounts compared, as a table the planner knows (statistics too:
    # the ledger grew by N bills in this transaction).
    cr.execute("CREATE TEMP TABLE bench_accounts (id int PRIMARY KEY) ON COMMIT DROP")
    cr.execute("INSERT INTO bench_accounts SELECT unnest(%s::int[])", [accounts])
    _analyze(env)
    cr.execute("ANALYZE bench_accounts")
    # Numbering: each path's bills are numbered without gap or duplicate.
    count, distinct, low, high, prefixes = ledger_facts.numbering(
        cr,
        "journal_id = %s AND state = 'posted' AND utility_billing_run_id = %s",
        [journal.id, run.id],
    )
    facts["numbering"] = {
        "count": count,
        "gapless": bool(count) and count == distinct == high - low + 1 and prefixes == 1,
        "first": low,
        "last": high,
    }
    cr.execute(
        """
        SELECT utility_account_id, name, amount_total, amount_residual, payment_state, state,
               inalterable_hash
          FROM account_move m
          JOIN bench_accounts b ON b.id = m.utility_account_id
         WHERE utility_billing_run_id = %s
        """,
        [run.id],
    )
    per_account = {}
    payment_states = {}
    for account_id, name, total, residual, payment_state, state, move_hash in cr.fetchall():
        # Odoo's hash covers the line ids, which differ between the paths:
        # the chains are checked by Odoo's integrity report, not compared.
        per_account[str(account_id)] = [name, round(total, 2), round(residual, 2), state]
        if args.hash:
            per_account[str(account_id)].append(bool(move_hash))
        payment_states[payment_state] = payment_states.get(payment_state, 0) + 1
    facts["per_account"] = per_account
    facts["payment_states"] = payment_states
    lines = """
          FROM account_move_line l
          JOIN account_move m ON m.id = l.move_id
          JOIN bench_accounts b ON b.id = m.utility_account_id
          JOIN account_account a ON a.id = l.account_id
         WHERE m.utility_billing_run_id = %(run)s AND l.parent_state = 'posted'
    """
    params = {"run": run.id}
    codes = env["account.account"]
    facts["gl"] = {
        codes.browse(account_id).code: [round(d, 2), round(c, 2), round(b, 2), n]
        for account_id, d, c, b, n in ledger_facts.gl_by_account(cr, lines, params)
    }
    # Partner ledger: the receivable of each customer.
    cr.execute(
        f"""
        SELECT l.partner_id, SUM(l.debit), SUM(l.credit), SUM(l.balance),
               SUM(l.amount_residual) {lines} AND a.account_type = 'asset_receivable'
         GROUP BY l.partner_id
        """,
        params,
    )
    facts["partner_ledger"] = {
        str(p): [round(d, 2), round(c, 2), round(b, 2), round(r, 2)]
        for p, d, c, b, r in cr.fetchall()
    }
    # Aged receivables 60 days after the bill date, by customer and bucket.
    as_of = run.date_invoice + dt.timedelta(days=60)
    facts["aged"] = sorted(
        [str(p), bucket, round(r, 2)]
        for p, bucket, r in ledger_facts.aged_receivables(cr, lines, params, as_of)
    )
    # Taxes: the tax lines per tax, and the invoice lines each tax is on.
    cr.execute(
        f"""
        SELECT l.tax_line_id, SUM(l.balance), SUM(l.tax_base_amount), COUNT(*)
               {lines} AND l.display_type = 'tax'
         GROUP BY l.tax_line_id
        """,
        params,
    )
    taxes = env["account.tax"]
    facts["taxes"] = {
        taxes.browse(tax_id).name: [round(b, 2), round(base, 2), n]
        for tax_id, b, base, n in cr.fetchall()
    }
    taxed = lines.replace(
        "JOIN account_account a",
        "JOIN account_move_line_account_tax_rel r ON r.account_move_line_id = l.id\n"
        "          JOIN account_account a",
    )
    cr.execute(f"SELECT r.account_tax_id, SUM(l.balance), COUNT(*) {taxed} GROUP BY 1", params)
    facts["taxed_lines"] = {
        taxes.browse(tax_id).name: [round(b, 2), n] for tax_id, b, n in cr.fetchall()
    }
    if args.hash:
        facts["hash_integrity"] = ledger_facts.hash_integrity(env, journal.name)
    facts["sample"] = _snapshot(env, run, ledger_facts.sample(accounts, args.sample))
    cr.execute("DROP TABLE bench_accounts")
    return facts


def _lock_date_check(env, run, args, path):
    """Post one more bill dated in a locked sales period through ``path``
    (``ledger_facts.post_in_locked_period``)."""
    line = env["utility.billing.run.line"].browse(_subset(env, run, args)[:1])
    if not line:
        return None
    builder = env["utility.bill.builder"]
    vals = builder._prepare_invoice_vals(
        run._prepare_invoice_header(line), run._read_charges(line.ids)[line.id]
    )
    post = {
        "run": builder._create_posted_moves,
        "standard": lambda vals_list: bench_common.create_posted_moves_standard(env, vals_list),
    }
    outcome = ledger_facts.post_in_locked_period(env, run.date_invoice, lambda: post[path]([vals]))
    env.invalidate_all()
    return outcome


def _normalize(value, column, run_id):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if column == "utility_billing_run_id" and value == run_id:
        return "run"
    if isinstance(value, float):
        return round(value, 6)
    return value


def _snapshot(env, run, account_ids):
    cr = env.cr
    skip = {
        "id", "move_id", "create_date", "write_date", "full_reconcile_id", "matching_number",
        "inalterable_hash",
    }  # fmt: skip
    cr.execute(
        "SELECT id, utility_account_id FROM account_move "
        "WHERE utility_billing_run_id = %s AND utility_account_id = ANY(%s)",
        [run.id, list(account_ids)],
    )
    return {
        str(account_id): ledger_facts.move_snapshot(
            cr,
            move_id,
            skip,
            lambda v, c: _normalize(v, c, run.id),
            line_order="display_type, account_id, name, balance",
        )
        for move_id, account_id in cr.fetchall()
    }


# ----------------------------------------------------------------------
# Parent
# ----------------------------------------------------------------------
def _spawn(args, mode, env_vars):
    """Run ``mode`` in its own process, on its own copy of the set-up."""
    out = f"/tmp/bench_billing_run_{os.getpid()}_{mode}.json"
    with bench_common.throwaway_copy(args.db, f"{args.db}_{mode}", env_vars) as work_db:
        command = [sys.executable, __file__, "--db", work_db, "--config", args.config,
                   "-n", str(args.n), "--chunk", str(args.chunk), "--batch", str(args.batch),
                   "--baseline-n", str(args.baseline_n), "--sample", str(args.sample),
                   "--child", mode, "--out", out]  # fmt: skip
        for flag in ("hash", "tracemalloc", "verbose"):
            if getattr(args, flag):
                command.append(f"--{flag}")
        return bench_common.run_child(command, out)


def _restrict(facts, accounts):
    """The run's facts on the accounts the baseline billed."""
    keep = {str(a) for a in accounts}
    restricted = dict(facts)
    restricted["per_account"] = {k: v for k, v in facts["per_account"].items() if k in keep}
    return restricted


def compare(run, base):
    checks = {}
    run_accounts = set(run["per_account"])
    base_accounts = set(base["per_account"])
    checks["same accounts billed"] = not (base_accounts - run_accounts)
    run_facts = _restrict(run, base_accounts)
    for key, label in (
        ("per_account", "number, amount, residual and state of each bill"),
        ("gl", "ledger per GL account (debit, credit, balance, lines)"),
        ("partner_ledger", "partner ledger (receivable per customer)"),
        ("aged", "aged receivables per customer and bucket"),
        ("payment_states", "payment states"),
        ("taxes", "tax lines per tax (amount, base, count)"),
        ("taxed_lines", "invoice lines per tax (amount, count)"),
        ("sample", f"{len(base['sample'])} sampled bills, every stored column"),
    ):
        differences = list(ledger_facts.diff(run_facts[key], base[key]))
        checks[label] = not differences
        for line in differences[:10]:
            print("    ", key, line)
    checks["numbers gapless in both paths"] = (
        run["numbering"]["gapless"] and base["numbering"]["gapless"]
    )
    checks["nothing accounted in a locked sales period by either path"] = all(
        ledger_facts.outside_lock(result["lock_date"]) for result in (run, base)
    )
    if "hash_integrity" in run:
        checks["hash chain verified by Odoo in both paths"] = (
            run["hash_integrity"] == base["hash_integrity"] == ["verified"]
        )
    return checks


def main():
    parser = bench_common.argument_parser(
        __doc__, n=10000, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--chunk", type=int, default=500, help="accounts per job")
    parser.add_argument("--batch", type=int, default=100, help="baseline: bills per create+post")
    parser.add_argument(
        "--baseline-n", type=int, default=10000, help="baseline: bills of the first N accounts"
    )
    parser.add_argument("--sample", type=int, default=50, help="bills compared column by column")
    parser.add_argument("--hash", action="store_true", help="journal with a hash chain")
    parser.add_argument("--tax", action="store_true", help="5%% utility tax on every water charge")
    parser.add_argument("--only", choices=("run", "baseline"))
    parser.add_argument("--keep-bench-db", action="store_true", help="keep <db>_run<N>")
    parser.add_argument("--tracemalloc", action="store_true", help="trace Python allocations")
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "setup":
        return setup_commit(args)
    if args.child:
        return child(args)

    env_vars = bench_common.pg_env()
    bench_db = prepare_bench_db(args, env_vars)
    args.db = bench_db
    print(
        f"{args.n} accounts (water{' taxed 5%' if args.tax else ''}, sewer on water, garbage), "
        f"chunks of {args.chunk}, "
        f"db {bench_db}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}"
    )
    try:
        results = {}
        if args.only in (None, "run"):
            run = results["run"] = _spawn(args, "run", env_vars)
            rate = run["n"] / run["seconds"]
            print(
                f"billing run (compute + post): {run['n']} invoices ({run['exceptions']} "
                f"exceptions), state {run['state']}, {run['seconds']:.1f} s = "
                f"{rate:.0f} invoices/s "
                f"({run['n'] / run['cpu_seconds']:.0f} per CPU second of the process)"
            )
            print(
                f"  compute {run['compute_seconds']:.1f} s "
                f"({run['n'] / run['compute_seconds']:.0f} accounts/s), "
                f"post {run['post_seconds']:.1f} s "
                f"({run['n'] / run['post_seconds']:.0f} invoices/s)"
            )
            print(
                f"  memory: RSS {run['rss_before_kb'] / 1024:.0f} MB before the run, peak "
                f"{run['rss_peak_kb'] / 1024:.0f} MB during it "
                f"(+{(run['rss_peak_kb'] - run['rss_before_kb']) / 1024:.0f} MB)"
                + (
                    f", Python allocations peak {run['python_peak_kb'] / 1024:.1f} MB"
                    if run.get("python_peak_kb")
                    else ""
                )
            )
        if args.only in (None, "baseline"):
            base = results["baseline"] = _spawn(args, "baseline", env_vars)
            print(
                f"baseline (create + action_post, batches of {args.batch}): {base['n']} invoices "
                f"in {base['seconds']:.1f} s = {base['n'] / base['seconds']:.1f} invoices/s "
                f"({base['n'] / base['cpu_seconds']:.1f} per CPU second)"
            )
        if len(results) < 2:
            return 0
        run, base = results["run"], results["baseline"]
        run_rate, base_rate = run["n"] / run["seconds"], base["n"] / base["seconds"]
        post_rate = run["n"] / run["post_seconds"]
        print(
            f"ratio run / baseline: {run_rate / base_rate:.1f}x end to end "
            f"(posting alone: {post_rate / base_rate:.1f}x)"
        )
        checks = compare(run, base)
        print(f"compared on the {base['accounts']} accounts both paths billed:")
        for label, ok in checks.items():
            print(f"  {'OK ' if ok else 'BAD'} {label}")
        print(f"  run numbers {run['numbering']}, baseline numbers {base['numbering']}")
        print(f"  lock date: run {run['lock_date']!r}; baseline {base['lock_date']!r}")
        return 0 if all(checks.values()) else 1
    finally:
        if not args.keep_bench_db:
            bench_common.dropdb(bench_db, env_vars)


if __name__ == "__main__":
    sys.exit(main())
