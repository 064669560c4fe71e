# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Posting utility bills: utility.move.writer against the standard ORM path.

    .venv/bin/python benchmarks/bench_invoices.py --db <db> [-n 2000] [--batch 100]
        [--chunk 1000] [--sample 50] [--only fast|standard] [--concurrency] [--hash]

Needs a database where utility_billing is installed (with the writer loaded:
``--addons-path`` if it comes from another folder). The runs use a throw-away
copy ``<db>_bench`` holding ``--history`` (20,000) invoices of past periods,
committed and ANALYZEd: on an empty ledger the planner has no statistics and
the standard path's queries slow down as the run grows, which would flatter
the writer. The copy is dropped at the end (``--keep-bench-db`` to reuse it).
Each path runs in its own process and its own transaction, which is rolled
back. Each process creates the same N customers, three income accounts
and three service products, then posts N bills of three lines (water, sewer,
garbage) through its path, timed end to end (values to posted, flushed rows,
pre-commit hooks). The parent then checks that the two ledgers are identical
(per GL account, and per customer and account) and compares a sample of
invoices column by column (every stored column of account.move and
account.move.line but ids and create/write dates; the numbers are the same
since both start from the same state). Each path's numbers must be gapless,
and both paths must agree on payment states and aged receivables (residual per
customer and bucket of days past due); a bill dated in a locked sales period
is posted once more by each path (neither may account it inside the lock).
``--hash`` gives the journal a hash chain: Odoo's integrity report must verify
each path's chain (the hashes themselves differ: Odoo hashes the line ids).

``--concurrency`` also runs two writer processes at once on a throw-away copy
of the database (``<db>_conc``, dropped afterwards), each committing its own
invoices in the same journal, and checks the numbers have no gap and no
duplicate.
"""

import argparse
import datetime as dt
import os
import random
import subprocess
import sys
import time

import bench_common
import ledger_facts

SERVICES = ("water", "sewer", "garbage")
JOURNAL_CODE = "UBB"


# ----------------------------------------------------------------------
# Child process: one path, one transaction
# ----------------------------------------------------------------------
def _odoo_env(args):
    return bench_common.admin_env(args.config, args.db, args.addons_path)


def _setup(env, n, code=JOURNAL_CODE):
    """Customers, accounts, products and a sales journal of its own (its own
    numbering, so both processes start at INV number 1)."""
    company = env.company
    journal = env["account.journal"].create(
        {
            "name": f"Utility bills (bench {code})",
            "code": code,
            "type": "sale",
            "company_id": company.id,
        }
    )
    accounts = {
        service: env["account.account"].create(
            {
                "code": f"49{index}{code}",
                "name": f"{service.title()} sales (bench {code})",
                "account_type": "income",
            }
        )
        for index, service in enumerate(SERVICES)
    }
    products = {
        service: env["product.product"].create(
            {
                "name": f"{service.title()} service (bench {code})",
                "type": "service",
                "taxes_id": [(5, 0, 0)],
            }
        )
        for service in SERVICES
    }
    partners = env["res.partner"]
    for start in range(0, n, 1000):
        partners |= env["res.partner"].create(
            [
                {"name": f"Bench customer {code} {i:06d}", "ref": f"{code}{i:06d}"}
                for i in range(start, min(n, start + 1000))
            ]
        )
    env.flush_all()
    keys = {("res.partner", p.id): p.ref for p in partners}
    keys.update({("account.account", a.id): f"income:{code}" for code, a in accounts.items()})
    keys.update({("product.product", p.id): f"product:{code}" for code, p in products.items()})
    keys[("account.journal", journal.id)] = "journal"
    return journal, accounts, products, partners, keys


def _invoice_values(journal, accounts, products, partners):
    """The same N bills in both processes (seeded)."""
    rng = random.Random(4)
    date = dt.date(2026, 1, 31)
    for index, partner in enumerate(partners):
        usage = round(rng.uniform(0, 25), 3)
        yield {
            "partner_id": partner.id,
            "journal_id": journal.id,
            "invoice_date": date,
            "invoice_date_due": dt.date(2026, 2, 20),
            "utility_period_start": dt.date(2026, 1, 1),
            "utility_period_end": date,
            "utility_date_penalty": dt.date(2026, 3, 5),
            "invoice_origin": f"Cycle 1 Jan 2026 / {index}",
            "lines": [
                {
                    "name": f"Water {usage} kgal",
                    "product_id": products["water"].id,
                    "account_id": accounts["water"].id,
                    "quantity": usage,
                    "price_unit": 4.125,
                    "tax_ids": [],
                    "utility_consumption": usage,
                    "utility_date_from": dt.date(2025, 12, 31),
                    "utility_date_to": date,
                    "utility_component": "unit",
                },
                {
                    "name": "Sewer",
                    "product_id": products["sewer"].id,
                    "account_id": accounts["sewer"].id,
                    "quantity": usage,
                    "price_unit": 6.31,
                    "tax_ids": [],
                    "utility_consumption": usage,
                    "utility_component": "unit",
                },
                {
                    "name": "Garbage 64 gal cart",
                    "product_id": products["garbage"].id,
                    "account_id": accounts["garbage"].id,
                    "quantity": 1,
                    "price_unit": rng.choice((18.5, 21.5, 27.25)),
                    "tax_ids": [],
                    "utility_component": "cart",
                },
            ],
        }


def _batched(iterable, size):
    batch = []
    for item in iterable:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _run_path(env, mode, values, args):
    batch, chunk, verbose = args.batch, args.chunk, args.verbose
    writer = env["utility.move.writer"]
    Move = env["account.move"]
    if mode == "standard":
        size = batch

        def post(vals_batch):
            moves = Move.create([writer._prepare_standard_move_vals(v) for v in vals_batch])
            moves.action_post()
            return moves.ids

    else:
        size = chunk

        def post(vals_chunk):
            return writer._create_posted_invoices(vals_chunk, chunk_size=chunk).ids

    move_ids = []
    start = time.perf_counter()
    for vals_batch in _batched(values, size):
        move_ids += post(vals_batch)
        env.flush_all()
        env.invalidate_all()
        if verbose:
            print(f"{mode} {len(move_ids)} {time.perf_counter() - start:.1f}s", file=sys.stderr)
    env.cr.precommit.run()  # what a commit would run (mail tracking...)
    return move_ids


# The records each process creates for itself, by the columns pointing to them
# (ids differ between the processes; a partner and an account may share one).
_KEYED_COLUMNS = {
    "partner_id": "res.partner",
    "commercial_partner_id": "res.partner",
    "partner_shipping_id": "res.partner",
    "account_id": "account.account",
    "product_id": "product.product",
    "journal_id": "account.journal",
}


def _normalize(value, column, keys):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    model = _KEYED_COLUMNS.get(column)
    if model and (model, value) in keys:
        return keys[(model, value)]
    return value


def _snapshot(env, move_ids, keys):
    # Odoo's hash covers the line ids, which differ between the two processes.
    skip = {"id", "move_id", "create_date", "write_date", "full_reconcile_id", "inalterable_hash"}
    return [
        ledger_facts.move_snapshot(
            env.cr, move_id, skip, lambda v, c: _normalize(v, c, keys), line_order="id"
        )
        for move_id in move_ids
    ]


def _ledger(env, keys):
    cr = env.cr
    lines = """
          FROM account_move_line l JOIN account_journal j ON j.id = l.journal_id
         WHERE j.code = %(code)s AND l.parent_state = 'posted'
    """
    by_account = {
        keys.get(("account.account", a), str(a)): [float(d), float(c), float(b), n]
        for a, d, c, b, n in ledger_facts.gl_by_account(cr, lines, {"code": JOURNAL_CODE})
    }
    cr.execute(
        """SELECT l.partner_id, l.account_id, SUM(l.balance), SUM(l.amount_residual)
             FROM account_move_line l JOIN account_journal j ON j.id = l.journal_id
            WHERE j.code = %s AND l.parent_state = 'posted'
         GROUP BY l.partner_id, l.account_id""",
        [JOURNAL_CODE],
    )
    by_partner = sorted(
        [keys[("res.partner", p)], keys.get(("account.account", a), str(a)), float(b), float(r)]
        for p, a, b, r in cr.fetchall()
    )
    return {"by_account": by_account, "by_partner": by_partner}


def _checks(env, args, move_ids, keys):
    """Payment states, aged receivables and (``--hash``) the journal's hash chain."""
    cr = env.cr
    cr.execute(
        "SELECT payment_state, count(*) FROM account_move WHERE id = ANY(%s) GROUP BY 1",
        [move_ids],
    )
    checks = {"payment_states": dict(cr.fetchall())}
    # Aged receivables 60 days after the bill date, by customer and bucket.
    lines = """
          FROM account_move_line l
          JOIN account_account a ON a.id = l.account_id
         WHERE l.move_id = ANY(%(moves)s)
    """
    aged = ledger_facts.aged_receivables(cr, lines, {"moves": move_ids}, dt.date(2026, 3, 31))
    checks["aged"] = sorted(
        [keys[("res.partner", p)], bucket, float(residual)] for p, bucket, residual in aged
    )
    if args.hash:
        checks["hash_integrity"] = ledger_facts.hash_integrity(env, JOURNAL_CODE)
    return checks


def _lock_date_check(env, args, vals):
    """Post one more bill dated in a locked sales period through this path
    (``ledger_facts.post_in_locked_period``)."""

    def post():
        if args.child == "fast":
            return env["utility.move.writer"]._create_posted_invoices([vals])
        move = env["account.move"].create(
            env["utility.move.writer"]._prepare_standard_move_vals(vals)
        )
        move.action_post()
        return move

    return ledger_facts.post_in_locked_period(env, vals["invoice_date"], post)


def child(args):
    cr, env = _odoo_env(args)
    bench_common.rolled_back(cr, lambda: _measure(env, args), args.out)


def _measure(env, args):
    journal, accounts, products, partners, keys = _setup(env, args.n)
    journal.restrict_mode_hash_table = args.hash
    values = _invoice_values(journal, accounts, products, partners)
    env.invalidate_all()
    rss_before = bench_common.start_memory_watch(args.tracemalloc)
    move_ids, elapsed, cpu = bench_common.timed(_run_path, env, args.child, values, args)
    python_peak = bench_common.python_peak_kb(args.tracemalloc)
    rss_after = bench_common.memory_kb("VmRSS")
    rss_peak = bench_common.memory_kb("VmHWM")
    sample = ledger_facts.sample(range(len(move_ids)), args.sample)
    _count, distinct, seq_min, seq_max, _prefixes = ledger_facts.numbering(
        env.cr, "id = ANY(%s)", [move_ids]
    )
    result = {
        "mode": args.child,
        "n": len(move_ids),
        "seconds": elapsed,
        "cpu_seconds": cpu,
        "rss_before_kb": rss_before,
        "rss_after_kb": rss_after,
        "rss_peak_kb": rss_peak,
        "python_peak_kb": python_peak,
        "numbers": [seq_min, seq_max, distinct],
        "gapless": distinct == len(move_ids) == seq_max - seq_min + 1,
        "ledger": _ledger(env, keys),
        "sample": _snapshot(env, [move_ids[i] for i in sample], keys),
    }
    result.update(_checks(env, args, move_ids, keys))
    result["lock_date"] = _lock_date_check(
        env, args, next(_invoice_values(journal, accounts, products, partners))
    )
    return result


# ----------------------------------------------------------------------
# Concurrency check on a throw-away copy
# ----------------------------------------------------------------------
def concurrency_child(args):
    """Post N invoices with the writer and COMMIT (throw-away database only)."""
    cr, env = _odoo_env(args)
    with cr:  # commits at the end (none when it fails), then closes
        journal = env["account.journal"].search([("code", "=", JOURNAL_CODE)], limit=1)
        partners = env["res.partner"].search(
            [("ref", "=like", f"{JOURNAL_CODE}%")], order="id", limit=args.n
        )
        accounts = {
            code: env["account.account"].search(
                [("name", "=", f"{code.title()} sales (bench {JOURNAL_CODE})")], limit=1
            )
            for code in SERVICES
        }
        products = {
            code: env["product.product"].search(
                [("name", "=", f"{code.title()} service (bench {JOURNAL_CODE})")], limit=1
            )
            for code in SERVICES
        }
        values = list(_invoice_values(journal, accounts, products, partners))
        for vals_chunk in _batched(values, args.chunk):
            env["utility.move.writer"]._create_posted_invoices(vals_chunk)
            env.flush_all()


def run_concurrency(args, env_vars):
    with bench_common.throwaway_copy(args.db, f"{args.db}_conc", env_vars) as copy:
        # Set-up committed in the copy, then two writers at once.
        base = [sys.executable, __file__, "--db", copy, "--config", args.config, "-n", str(args.n),
                "--history", "0", "--out", os.devnull]  # fmt: skip
        if args.addons_path:
            base.append(f"--addons-path={args.addons_path}")
        subprocess.run([*base, "--child", "setup-commit"], check=True)
        procs = [
            subprocess.Popen([*base, "--child", "concurrent", "--chunk", "250"]) for _ in range(2)
        ]
        codes = [p.wait() for p in procs]
        out = subprocess.run(
            ["psql", "-At", copy, "-c",
             "SELECT count(*), count(DISTINCT m.name), "
             "min(m.sequence_number), max(m.sequence_number) "
             "FROM account_move m JOIN account_journal j ON j.id = m.journal_id "
             f"WHERE j.code = '{JOURNAL_CODE}' AND m.state = 'posted'"],
            check=True, capture_output=True, text=True, env=env_vars,
        ).stdout.strip()  # fmt: skip
        count, distinct, low, high = (int(x) for x in out.split("|"))
        ok = codes == [0, 0] and count == distinct == 2 * args.n and (low, high) == (1, count)
        print(
            f"concurrency: 2 processes x {args.n} invoices committed in one journal -> "
            f"{count} invoices, {distinct} distinct numbers, {low}..{high}: "
            f"{'OK (gapless, no duplicate)' if ok else 'FAILED'}"
        )
        return ok


def setup_commit(args):
    cr, env = _odoo_env(args)
    with cr:  # commits at the end (none when it fails), then closes
        _setup(env, args.n)


def history_commit(args):
    """Posted invoices of past periods, committed, so that the planner has
    the statistics of a database in use (an empty ledger makes the standard
    path's queries pick plans that degrade as the run grows)."""
    cr, env = _odoo_env(args)
    with cr:  # commits at the end (none when it fails), then closes
        journal, accounts, products, partners, _keys = _setup(env, min(args.history, 5000), "UBH")
        values = _invoice_values(journal, accounts, products, partners)
        done = 0
        for month in range(1, 13):
            if done >= args.history:
                break
            for vals_chunk in _batched(values, 1000):
                for vals in vals_chunk:
                    vals["invoice_date"] = vals["date"] = dt.date(2025, month, 28)
                    vals["invoice_date_due"] = dt.date(2025, month, 28) + dt.timedelta(days=20)
                env["utility.move.writer"]._create_posted_invoices(vals_chunk)
                done += len(vals_chunk)
                cr.commit()
                env.invalidate_all()
                if done >= args.history:
                    break
            values = _invoice_values(journal, accounts, products, partners)


# ----------------------------------------------------------------------
# Parent
# ----------------------------------------------------------------------
def _spawn(args, mode):
    out = f"/tmp/bench_invoices_{os.getpid()}_{mode}.json"
    command = [sys.executable, __file__, "--db", args.db, "--config", args.config,
               "-n", str(args.n), "--batch", str(args.batch), "--chunk", str(args.chunk),
               "--sample", str(args.sample), "--child", mode, "--out", out,
               "--history", "0"]  # fmt: skip
    for flag in ("verbose", "tracemalloc", "hash"):
        if getattr(args, flag):
            command.append(f"--{flag}")
    if args.addons_path:
        command.append(f"--addons-path={args.addons_path}")
    return bench_common.run_child(command, out)


def _report(result):
    rate = result["n"] / result["seconds"]
    print(
        f"{result['mode']:>8}: {result['n']} invoices in {result['seconds']:.1f} s = "
        f"{rate:,.0f} invoices/s "
        f"({result['n'] / result['cpu_seconds']:,.0f} per CPU second of this process); "
        f"RSS {result['rss_before_kb'] / 1024:.0f} MB before, "
        f"peak {result['rss_peak_kb'] / 1024:.0f} MB "
        f"during the run (+{(result['rss_peak_kb'] - result['rss_before_kb']) / 1024:.0f} MB)"
        + (
            f", Python allocations peak {result['python_peak_kb'] / 1024:.1f} MB"
            if result["python_peak_kb"]
            else ""
        )
        + "; "
        f"numbers {result['numbers'][0]}..{result['numbers'][1]}, {result['numbers'][2]} distinct"
    )
    return rate


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", required=True)
    parser.add_argument("-n", type=int, default=2000)
    parser.add_argument(
        "--batch", type=int, default=100, help="standard path: invoices per create+post"
    )
    parser.add_argument("--chunk", type=int, default=1000, help="writer: invoices per call")
    parser.add_argument("--sample", type=int, default=50, help="invoices compared column by column")
    parser.add_argument("--only", choices=("fast", "standard"))
    parser.add_argument("--concurrency", action="store_true")
    parser.add_argument("--hash", action="store_true", help="journal with a hash chain")
    parser.add_argument(
        "--history",
        type=int,
        default=20000,
        help="past invoices committed in a throw-away copy <db>_bench the runs use "
        "(0: run on <db>)",
    )
    parser.add_argument(
        "--keep-bench-db", action="store_true", help="keep <db>_bench for next runs"
    )
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument(
        "--tracemalloc", action="store_true", help="also trace Python allocations (slows the runs)"
    )
    parser.add_argument("--config", default=bench_common.DEFAULT_CONFIG)
    parser.add_argument("--addons-path")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()

    children = {
        "fast": child,
        "standard": child,
        "setup-commit": setup_commit,
        "concurrent": concurrency_child,
        "history": history_commit,
    }
    if args.child:
        return children[args.child](args)

    env_vars = bench_common.pg_env()
    bench_db = None
    if args.history:
        bench_db = prepare_bench_db(args, env_vars)
        args.db = bench_db
    print(
        f"{args.n} bills of 3 lines, db {args.db}, {os.cpu_count()} CPUs, "
        f"load {os.getloadavg()[0]:.1f}"
    )
    try:
        return run_all(args, env_vars)
    finally:
        if bench_db and not args.keep_bench_db:
            bench_common.dropdb(bench_db, env_vars)


def prepare_bench_db(args, env_vars):
    bench_db = f"{args.db}_bench"
    if not bench_common.database_exists(bench_db, env_vars):
        print(f"preparing {bench_db}: copy of {args.db} with {args.history} posted invoices ...")
        command = [sys.executable, __file__, "--db", bench_db, "--config", args.config,
                   "--history", str(args.history), "--child", "history",
                   "--out", os.devnull]  # fmt: skip
        if args.addons_path:
            command.append(f"--addons-path={args.addons_path}")
        bench_common.prepare_copy(args.db, bench_db, command, env_vars, analyze="ANALYZE")
    return bench_db


def run_all(args, env_vars):
    results = {}
    for mode in ("fast", "standard"):
        if args.only in (None, mode):
            results[mode] = _spawn(args, mode)
            _report(results[mode])
    ok = True
    if len(results) == 2:
        fast, standard = results["fast"], results["standard"]
        print(f"   ratio: fast / standard = {standard['seconds'] / fast['seconds']:.1f}x")
        ledger_diff = list(ledger_facts.diff(fast["ledger"], standard["ledger"]))
        sample_diff = list(ledger_facts.diff(fast["sample"], standard["sample"]))
        accounts = len(fast["ledger"]["by_account"])
        print(
            f"  ledger: {accounts} GL accounts, "
            f"{len(fast['ledger']['by_partner'])} customer/account "
            f"balances and residuals: {'identical' if not ledger_diff else 'DIFFERENT'}"
        )
        print(
            f"  sample: {len(fast['sample'])} invoices, every stored column of the moves and their "
            f"lines: {'identical' if not sample_diff else 'DIFFERENT'}"
        )
        for line in (ledger_diff + sample_diff)[:20]:
            print("    ", line)
        ok = not ledger_diff and not sample_diff
        checks = {
            "numbers gapless in both paths": fast["gapless"] and standard["gapless"],
            "payment states identical": fast["payment_states"] == standard["payment_states"],
            "aged receivables identical (per customer and bucket)": fast["aged"]
            == standard["aged"],
            "nothing accounted in a locked sales period by either path": (
                ledger_facts.outside_lock(fast["lock_date"])
                and ledger_facts.outside_lock(standard["lock_date"])
            ),
        }
        if args.hash:
            checks["hash chain verified by Odoo in both paths"] = (
                fast["hash_integrity"] == standard["hash_integrity"] == ["verified"]
            )
        for label, passed in checks.items():
            print(f"  {'OK ' if passed else 'BAD'} {label}")
        print(f"  lock date: fast {fast['lock_date']!r}; standard {standard['lock_date']!r}")
        ok = ok and all(checks.values())
    if args.concurrency:
        ok = run_concurrency(args, env_vars) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
