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
import json
import os
import random
import resource
import subprocess
import sys
import time
import tracemalloc

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), os.pardir))
# The venv imports Odoo already; ODOO_SOURCE only matters when run with another Python.
ODOO = os.environ.get("ODOO_SOURCE", "/opt/odoo")
SERVICES = ("water", "sewer", "garbage")
JOURNAL_CODE = "UBB"


# ----------------------------------------------------------------------
# Child process: one path, one transaction
# ----------------------------------------------------------------------
def _odoo_env(args):
    sys.path.insert(0, ODOO)
    import odoo
    from odoo import api

    options = ["-c", args.config, "-d", args.db, "--log-level=warn"]
    if args.addons_path:
        options.append(f"--addons-path={args.addons_path}")
    odoo.tools.config.parse_config(options)
    registry = odoo.modules.registry.Registry(args.db)
    cr = registry.cursor()
    env = api.Environment(cr, odoo.SUPERUSER_ID, {})
    admin = env.ref("base.user_admin")
    return cr, api.Environment(cr, admin.id, {"lang": "en_US", "tz": "UTC"})


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
    move_ids = []
    start = time.perf_counter()
    if mode == "standard":
        for vals_batch in _batched(values, batch):
            moves = Move.create([writer._prepare_standard_move_vals(v) for v in vals_batch])
            moves.action_post()
            move_ids += moves.ids
            env.flush_all()
            env.invalidate_all()
            if verbose:
                print(f"{mode} {len(move_ids)} {time.perf_counter() - start:.1f}s", file=sys.stderr)
    else:
        for vals_chunk in _batched(values, chunk):
            move_ids += writer._create_posted_invoices(vals_chunk, chunk_size=chunk).ids
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
    cr = env.cr
    # Odoo's hash covers the line ids, which differ between the two processes.
    skip = {"id", "move_id", "create_date", "write_date", "full_reconcile_id", "inalterable_hash"}
    result = []
    for move_id in move_ids:
        cr.execute("SELECT * FROM account_move WHERE id = %s", [move_id])
        columns = [d[0] for d in cr.description]
        move = {
            c: _normalize(v, c, keys)
            for c, v in zip(columns, cr.fetchone(), strict=True)
            if c not in skip
        }
        cr.execute("SELECT * FROM account_move_line WHERE move_id = %s ORDER BY id", [move_id])
        columns = [d[0] for d in cr.description]
        lines = [
            {c: _normalize(v, c, keys) for c, v in zip(columns, row, strict=True) if c not in skip}
            for row in cr.fetchall()
        ]
        result.append({"move": move, "lines": lines})
    return result


def _ledger(env, keys):
    cr = env.cr
    cr.execute(
        """SELECT l.account_id, SUM(l.debit), SUM(l.credit), SUM(l.balance), COUNT(*)
             FROM account_move_line l JOIN account_journal j ON j.id = l.journal_id
            WHERE j.code = %s AND l.parent_state = 'posted'
         GROUP BY l.account_id ORDER BY l.account_id""",
        [JOURNAL_CODE],
    )
    by_account = {
        keys.get(("account.account", a), str(a)): [float(d), float(c), float(b), n]
        for a, d, c, b, n in cr.fetchall()
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
    cr.execute(
        """
        SELECT l.partner_id,
               CASE WHEN %(as_of)s - l.date_maturity <= 0 THEN 'current'
                    WHEN %(as_of)s - l.date_maturity <= 30 THEN '1-30'
                    WHEN %(as_of)s - l.date_maturity <= 60 THEN '31-60'
                    WHEN %(as_of)s - l.date_maturity <= 90 THEN '61-90'
                    ELSE '90+' END,
               SUM(l.amount_residual)
          FROM account_move_line l
          JOIN account_account a ON a.id = l.account_id
         WHERE l.move_id = ANY(%(moves)s) AND a.account_type = 'asset_receivable'
           AND NOT l.reconciled
         GROUP BY 1, 2
        """,
        {"as_of": dt.date(2026, 3, 31), "moves": move_ids},
    )
    checks["aged"] = sorted(
        [keys[("res.partner", p)], bucket, float(residual)] for p, bucket, residual in cr.fetchall()
    )
    if args.hash:
        # Odoo shows the report to accountants only (this transaction is rolled back).
        env.user.sudo().groups_id += env.ref("account.group_account_user")
        report = env.company._check_hash_integrity()
        checks["hash_integrity"] = sorted(
            {r["status"] for r in report["results"] if JOURNAL_CODE in r["journal_name"]}
        )
    return checks


def _lock_date_check(env, args, vals):
    """Post one more bill dated in a locked sales period through this path.

    Neither path may account it inside the locked period: the writer refuses
    it with Odoo's lock date message, the standard ``action_post`` accounts it
    after the lock date (``_get_accounting_date``).
    """
    from odoo.exceptions import UserError, ValidationError

    env.flush_all()
    env.cr.execute("SAVEPOINT bench_lock_date")
    try:
        env.company.sale_lock_date = vals["invoice_date"]
        env.flush_all()
        if args.child == "fast":
            move = env["utility.move.writer"]._create_posted_invoices([vals])
        else:
            move = env["account.move"].create(
                env["utility.move.writer"]._prepare_standard_move_vals(vals)
            )
            move.action_post()
        env.flush_all()
        outcome = f"posted on {move.date} (bill date {move.invoice_date})"
    except (UserError, ValidationError) as error:
        outcome = "refused: " + str(error).splitlines()[0]
    env.cr.execute("ROLLBACK TO SAVEPOINT bench_lock_date")
    env.transaction.clear()
    return outcome


def _outside_lock(outcome):
    if not outcome:
        return False
    if outcome.startswith("refused"):
        return True
    accounted = dt.date.fromisoformat(outcome.split()[2])
    return accounted > dt.date.fromisoformat(outcome.split()[-1].rstrip(")"))


def _memory(key):
    """Resident memory of this process in kB (VmRSS now, VmHWM peak)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _reset_peak_rss():
    # Linux: writing 5 to clear_refs resets VmHWM, so the peak is the run's own.
    try:
        with open("/proc/self/clear_refs", "w") as clear_refs:
            clear_refs.write("5")
    except OSError:
        pass


def child(args):
    cr, env = _odoo_env(args)
    try:
        journal, accounts, products, partners, keys = _setup(env, args.n)
        journal.restrict_mode_hash_table = args.hash
        values = _invoice_values(journal, accounts, products, partners)
        env.invalidate_all()
        rss_before = _memory("VmRSS")
        _reset_peak_rss()
        if args.tracemalloc:
            tracemalloc.start()
        cpu_before = time.process_time()
        start = time.perf_counter()
        move_ids = _run_path(env, args.child, values, args)
        elapsed = time.perf_counter() - start
        cpu = time.process_time() - cpu_before
        python_peak = tracemalloc.get_traced_memory()[1] if args.tracemalloc else None
        tracemalloc.stop()
        rss_after = _memory("VmRSS")
        rss_peak = _memory("VmHWM")
        rng = random.Random(7)
        sample = sorted(rng.sample(range(len(move_ids)), min(args.sample, len(move_ids))))
        cr.execute(
            "SELECT min(sequence_number), max(sequence_number), count(DISTINCT name) "
            "FROM account_move WHERE id = ANY(%s)",
            [move_ids],
        )
        seq_min, seq_max, distinct = cr.fetchone()
        result = {
            "mode": args.child,
            "n": len(move_ids),
            "seconds": elapsed,
            "cpu_seconds": cpu,
            "rss_before_kb": rss_before,
            "rss_after_kb": rss_after,
            "rss_peak_kb": rss_peak,
            "python_peak_kb": python_peak and python_peak // 1024,
            "numbers": [seq_min, seq_max, distinct],
            "gapless": distinct == len(move_ids) == seq_max - seq_min + 1,
            "ledger": _ledger(env, keys),
            "sample": _snapshot(env, [move_ids[i] for i in sample], keys),
        }
        result.update(_checks(env, args, move_ids, keys))
        result["lock_date"] = _lock_date_check(
            env, args, next(_invoice_values(journal, accounts, products, partners))
        )
    finally:
        cr.rollback()
        cr.close()
    with open(args.out, "w") as file:
        json.dump(result, file, default=str)


# ----------------------------------------------------------------------
# Concurrency check on a throw-away copy
# ----------------------------------------------------------------------
def concurrency_child(args):
    """Post N invoices with the writer and COMMIT (throw-away database only)."""
    cr, env = _odoo_env(args)
    try:
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
        cr.commit()
    finally:
        cr.close()


def run_concurrency(args, env_vars):
    copy = f"{args.db}_conc"
    subprocess.run(["dropdb", "--if-exists", copy], check=True, env=env_vars)
    subprocess.run(["createdb", "-T", args.db, copy], check=True, env=env_vars)
    try:
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
    finally:
        subprocess.run(["dropdb", "--if-exists", copy], check=False, env=env_vars)


def setup_commit(args):
    cr, env = _odoo_env(args)
    try:
        _setup(env, args.n)
        cr.commit()
    finally:
        cr.close()


def history_commit(args):
    """Posted invoices of past periods, committed, so that the planner has
    the statistics of a database in use (an empty ledger makes the standard
    path's queries pick plans that degrade as the run grows)."""
    cr, env = _odoo_env(args)
    try:
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
    finally:
        cr.close()


# ----------------------------------------------------------------------
# Parent
# ----------------------------------------------------------------------
def _spawn(args, mode):
    out = f"/tmp/bench_invoices_{os.getpid()}_{mode}.json"
    command = [sys.executable, __file__, "--db", args.db, "--config", args.config,
               "-n", str(args.n), "--batch", str(args.batch), "--chunk", str(args.chunk),
               "--sample", str(args.sample), "--child", mode, "--out", out,
               "--history", "0"]  # fmt: skip
    if args.verbose:
        command.append("--verbose")
    if args.tracemalloc:
        command.append("--tracemalloc")
    if args.hash:
        command.append("--hash")
    if args.addons_path:
        command.append(f"--addons-path={args.addons_path}")
    subprocess.run(command, check=True)
    with open(out) as file:
        result = json.load(file)
    os.unlink(out)
    return result


def _diff(a, b, path=""):
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b)):
            yield from _diff(a.get(key), b.get(key), f"{path}.{key}")
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for index, (x, y) in enumerate(zip(a, b, strict=True)):
            yield from _diff(x, y, f"{path}[{index}]")
    elif a != b:
        yield f"{path}: {a!r} != {b!r}"


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
    parser.add_argument("--config", default=os.path.join(ROOT, "var", "dev.conf"))
    parser.add_argument("--addons-path")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child in ("fast", "standard"):
        return child(args)
    if args.child == "setup-commit":
        return setup_commit(args)
    if args.child == "concurrent":
        return concurrency_child(args)
    if args.child == "history":
        return history_commit(args)

    env_vars = dict(os.environ, PGHOST="localhost", PGUSER="odoo", PGPASSWORD="odoo")
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
            subprocess.run(["dropdb", "--if-exists", bench_db], check=False, env=env_vars)


def prepare_bench_db(args, env_vars):
    bench_db = f"{args.db}_bench"
    exists = subprocess.run(
        ["psql", "-At", "-d", "postgres", "-c",
         f"SELECT 1 FROM pg_database WHERE datname = '{bench_db}'"],
        check=True, capture_output=True, text=True, env=env_vars,
    ).stdout.strip()  # fmt: skip
    if not exists:
        print(f"preparing {bench_db}: copy of {args.db} with {args.history} posted invoices ...")
        subprocess.run(["createdb", "-T", args.db, bench_db], check=True, env=env_vars)
        command = [sys.executable, __file__, "--db", bench_db, "--config", args.config,
                   "--history", str(args.history), "--child", "history",
                   "--out", os.devnull]  # fmt: skip
        if args.addons_path:
            command.append(f"--addons-path={args.addons_path}")
        subprocess.run(command, check=True)
        subprocess.run(["psql", "-q", "-d", bench_db, "-c", "ANALYZE"], check=True, env=env_vars,
                       stderr=subprocess.DEVNULL)  # fmt: skip
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
        ledger_diff = list(_diff(fast["ledger"], standard["ledger"]))
        sample_diff = list(_diff(fast["sample"], standard["sample"]))
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
            "nothing accounted in a locked sales period by either path": _outside_lock(
                fast["lock_date"]
            )
            and _outside_lock(standard["lock_date"]),
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
