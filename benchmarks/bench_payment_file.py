# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Lockbox payment file import against the standard Odoo way of registering the same payments.

    .venv/bin/python benchmarks/bench_payment_file.py --db <db> [-n 10000] [--batch 100]
        [--config var/dev.conf] [--keep-bench-db] [--profile FILE]

Needs a database where utility_billing is installed. The runs use a throw-away
copy ``<db>_bench_pf`` (dropped at the end unless ``--keep-bench-db``) where a
set-up process creates N active accounts (water, sewer, garbage) with one open
three-line bill each, through the product's invoice writer, commits and runs
``VACUUM ANALYZE`` (real planner statistics). Then, each in its own process and
its own transaction, rolled back, from the same committed state:

* **baseline**: the fastest standard way: ``account.payment.register`` on the
  bills by batches of ``--batch`` (one payment per bill, each posted in the bank
  journal and reconciled with its bill by the wizard itself), the cache emptied
  between batches as between two requests of the web client (in one cache the
  standard path slows down as it grows: 10,000 payments took over 50 minutes);
* **file**: a 10,000-row lockbox CSV (half the rows with the account number,
  half with the stub's scan line only) through ``utility.payment.file.import``:
  Check File, then Import (payments allocated per service, one journal entry
  for the file, every bill reconciled).

Prints payments per second for both, the ratio, each process's peak memory,
and checks that both ledgers agree: the residual of every bill, the receivable
of every utility account and of every customer, the money in Outstanding
Receipts.
"""

import argparse
import csv
import datetime as dt
import io
import os
import sys
import tempfile
import time
from decimal import Decimal

import bench_common

PREFIX = "PFB"
BILL_DATE = dt.date(2025, 2, 15)
DUE_DATE = dt.date(2025, 3, 7)
DEPOSIT_DATE = dt.date(2025, 3, 10)
JOURNAL_CODE = "UBPF"


def _env(args, db):
    return bench_common.admin_env(args.config, db)


# ----------------------------------------------------------------------
# Set-up (committed in the throw-away copy)
# ----------------------------------------------------------------------
def child_setup(args):
    cr, env = _env(args, args.bench_db)
    with cr:  # commits at the end (none when it fails), then closes
        town = bench_common.billed_town(env, PREFIX, JOURNAL_CODE)
        t0 = time.perf_counter()
        accounts = env["utility.account"]
        for start in range(0, args.n, 2000):
            count = min(2000, args.n - start)
            chunk, _meters = env["utility.demo.town"]._create_billable_accounts(
                count, town["route"], town["schedules"], f"{PREFIX}{start:06d}", dt.date(2024, 1, 1)
            )
            accounts |= chunk
            env.flush_all()
        print(f"  {args.n} accounts in {time.perf_counter() - t0:.0f} s", flush=True)
        t0 = time.perf_counter()
        vals_list = [
            bench_common.bill_vals(town, account, index, BILL_DATE, DUE_DATE)
            for index, account in enumerate(accounts)
        ]
        Builder = env["utility.bill.builder"]
        for start in range(0, len(vals_list), 1000):
            Builder._create_posted_moves(vals_list[start : start + 1000])
            env.flush_all()
        print(f"  {args.n} bills in {time.perf_counter() - t0:.0f} s", flush=True)


# ----------------------------------------------------------------------
# The two paths: one process each, one transaction, rolled back
# ----------------------------------------------------------------------
def _bills(env):
    journal = env["account.journal"].search([("code", "=", JOURNAL_CODE)], limit=1)
    return env["account.move"].search(
        [("journal_id", "=", journal.id), ("state", "=", "posted")], order="id"
    )


def _bank(env):
    return env["account.journal"].search(
        [*env["account.journal"]._check_company_domain(env.company), ("type", "=", "bank")],
        limit=1,
    )


def _start_cold(env):
    """Right before the timed part: everything written, an empty cache, the
    memory peak reset. Returns the bank journal both paths deposit in."""
    bank = _bank(env)
    env.flush_all()
    env.invalidate_all()
    bench_common.reset_peak_rss()
    return bank


def lockbox_file(env, bills, deposit_date=DEPOSIT_DATE, due_date=DUE_DATE, first_batch=1):
    """The lockbox CSV of the bills: every customer pays the bill in full; half the
    stubs are keyed with their account number, half come with the scan line only.
    Batches of 100 items numbered from ``first_batch`` (a deposit's batches are unique)."""
    from odoo.addons.utility_billing.lib.scan_line import build_scan_line

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(bench_common.LOCKBOX_HEADER)
    bills.fetch(["utility_account_id", "amount_residual", "partner_id"])
    for index, bill in enumerate(bills):
        account = bill.utility_account_id
        amount = Decimal(str(bill.amount_residual)).quantize(Decimal("0.01"))
        by_stub = index % 2
        writer.writerow(
            [
                deposit_date.strftime("%m/%d/%Y"),
                first_batch + index // 100,
                index % 100 + 1,
                "" if by_stub else account.name,
                build_scan_line(account.name, amount, due_date) if by_stub else "",
                f"{amount:.2f}",
                f"{100000 + index}",
                bill.partner_id.name,
            ]
        )
    return out.getvalue().encode()


def lockbox_import_wizard(env, data, bank, deposit_date, layout=None):
    """The import wizard of the lockbox CSV ``data`` deposited in ``bank`` on
    ``deposit_date`` (also what ``bench_clerk_screens.py`` pays its history with)."""
    import base64

    layout = layout or env.ref("utility_billing.payment_file_layout_lockbox_csv")
    return env["utility.payment.file.import"].create(
        {
            "file_data": base64.b64encode(data),
            "file_name": f"lockbox-{deposit_date}.csv",
            "layout_id": layout.id,
            "journal_id": bank.id,
            "date": deposit_date,
        }
    )


def _run_file(env, bills, args):
    data = lockbox_file(env, bills)
    layout = env.ref("utility_billing.payment_file_layout_lockbox_csv")
    bank = _start_cold(env)
    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    cpu0, t0 = time.process_time(), time.perf_counter()
    wizard = lockbox_import_wizard(env, data, bank, DEPOSIT_DATE, layout)
    wizard.action_check()
    t_check = time.perf_counter() - t0
    action = wizard.action_import()
    env.flush_all()
    seconds, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    if profiler:
        profiler.disable()
        profiler.dump_stats(args.profile)
    file = env["utility.payment.file"].browse(action["res_id"])
    return {
        "seconds": seconds,
        "check_seconds": t_check,
        "cpu_seconds": cpu,
        "payments": len(file.payment_ids),
        "suspense": file.suspense_count,
        "moves": len(file.payment_ids.move_id),
    }


def _run_baseline(env, bills, args):
    bank = _start_cold(env)
    cpu0, t0 = time.process_time(), time.perf_counter()
    payments = env["account.payment"]
    Register = env["account.payment.register"]
    for start in range(0, len(bills), args.batch):
        batch = bills[start : start + args.batch]
        wizard = Register.with_context(active_model="account.move", active_ids=batch.ids).create(
            {"payment_date": DEPOSIT_DATE, "journal_id": bank.id, "group_payment": False}
        )
        payments |= wizard._create_payments()
        # Each batch is a request of its own in the web client: a fresh cache, as
        # the ORM's costs grow with what one cache holds.
        env.flush_all()
        env.invalidate_all()
    env.flush_all()
    seconds, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    return {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "payments": len(payments),
        "moves": len(payments.move_id),
    }


def _ledger(env, bills):
    """What both paths must agree on, keyed by things both share."""
    env.flush_all()
    env.invalidate_all()
    bills.fetch(["name", "amount_residual", "payment_state", "utility_account_id"])
    AML = env["account.move.line"]

    def receivable(field, records, aggregate):
        """The posted receivable of each of ``records`` (by name), grouped by ``field``."""
        return {
            record.name: round(total, 2)
            for record, total in AML._read_group(
                [
                    (field, "in", records.ids),
                    ("account_id.account_type", "=", "asset_receivable"),
                    ("parent_state", "=", "posted"),
                ],
                [field],
                [aggregate],
            )
        }

    accounts = receivable("utility_account_id", bills.utility_account_id, "amount_residual:sum")
    partners = receivable("partner_id", bills.partner_id, "balance:sum")
    outstanding = env["utility.payment.poster"]._get_outstanding_receipts_account(_bank(env))
    [(received,)] = AML._read_group(
        [("account_id", "=", outstanding.id), ("parent_state", "=", "posted")],
        [],
        ["balance:sum"],
    )
    return {
        "bills": {
            bill.name: [round(bill.amount_residual, 2), bill.payment_state] for bill in bills
        },
        "accounts": accounts,
        "partners": partners,
        "outstanding": round(received or 0.0, 2),
    }


def child_path(args):
    cr, env = _env(args, args.bench_db)
    bench_common.rolled_back(cr, lambda: _measure(env, args), args.out)


def _measure(env, args):
    bills = _bills(env)
    before = _ledger(env, bills)
    run = _run_file if args.child == "file" else _run_baseline
    result = run(env, bills, args)
    result["rss_peak_kb"] = bench_common.memory_kb("VmHWM")
    result["n"] = len(bills)
    result["before"] = before
    result["after"] = _ledger(env, bills)
    return result


# ----------------------------------------------------------------------
# Parent
# ----------------------------------------------------------------------
def _child(args, role, out):
    command = [sys.executable, __file__, "--db", args.db, "--config", args.config, "-n",
               str(args.n), "--batch", str(args.batch), "--child", role, "--out", out]  # fmt: skip
    if args.profile and role == "file":
        command += ["--profile", args.profile]
    return bench_common.run_child(command, out)


def _prepare_bench_db(args, env_vars):
    if bench_common.database_exists(args.bench_db, env_vars):
        print(f"reusing {args.bench_db}")
        return
    print(f"preparing {args.bench_db}: copy of {args.db} with {args.n} accounts and bills ...")
    started = time.perf_counter()
    command = [sys.executable, __file__, "--db", args.db, "--config", args.config,
               "-n", str(args.n), "--child", "setup", "--out", os.devnull]  # fmt: skip
    bench_common.prepare_copy(args.db, args.bench_db, command, env_vars)
    print(f"set-up: {time.perf_counter() - started:.0f} s", flush=True)


def _compare(base, mine):
    problems = []
    for key in ("bills", "accounts", "partners"):
        differ = [
            k for k in base["after"][key] if base["after"][key][k] != mine["after"][key].get(k)
        ]
        if differ or len(base["after"][key]) != len(mine["after"][key]):
            problems.append(f"{key}: {len(differ)} differ, e.g. {differ[:3]}")
    received = (base["after"]["outstanding"], mine["after"]["outstanding"])
    if received[0] != received[1]:
        problems.append(f"outstanding receipts: {received[0]} vs {received[1]}")
    return problems


def main():
    parser = bench_common.argument_parser(__doc__.split("\n")[0], n=10000)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--keep-bench-db", action="store_true")
    parser.add_argument("--profile", help="write a cProfile of the file import to this file")
    parser.add_argument("--child", choices=("setup", "baseline", "file"), help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.bench_db = f"{args.db}_bench_pf"
    if args.child == "setup":
        return child_setup(args)
    if args.child:
        return child_path(args)

    env_vars = {**bench_common.PG_DEFAULTS, **os.environ}
    os.environ.update(env_vars)
    _prepare_bench_db(args, env_vars)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            print(f"baseline: account.payment.register by batches of {args.batch} ...", flush=True)
            base = _child(args, "baseline", os.path.join(tmp, "baseline.json"))
            print("file: lockbox import (check + import) ...", flush=True)
            mine = _child(args, "file", os.path.join(tmp, "file.json"))
    finally:
        if not args.keep_bench_db:
            bench_common.dropdb(args.bench_db, env_vars)
    n = mine["n"]
    base_rate, file_rate = base["payments"] / base["seconds"], mine["payments"] / mine["seconds"]
    print(f"bills: {n}, paid in full by {mine['payments']} file payments "
          f"({mine['suspense']} in suspense, {mine['moves']} journal entry) and by "
          f"{base['payments']} standard payments ({base['moves']} entries)")  # fmt: skip
    print(
        f"baseline  account.payment.register: {base_rate:7.1f} payments/s wall "
        f"({base['seconds']:.1f} s, {base['payments'] / base['cpu_seconds']:.1f} per CPU second), "
        f"peak RSS {base['rss_peak_kb'] / 1024:.0f} MB"
    )
    print(
        f"file      check + import:           {file_rate:7.1f} payments/s wall "
        f"({mine['seconds']:.1f} s, of which check {mine['check_seconds']:.1f} s; "
        f"{mine['payments'] / mine['cpu_seconds']:.1f} per CPU second), "
        f"peak RSS {mine['rss_peak_kb'] / 1024:.0f} MB"
    )
    print(f"ratio     {file_rate / base_rate:.1f}x")
    problems = _compare(base, mine)
    paid = sum(1 for residual, _state in mine["after"]["bills"].values() if residual == 0)
    print(f"bills left with nothing to pay: {paid} of {n} (file path)")
    if problems:
        print("LEDGERS DIFFER: " + "; ".join(problems))
        sys.exit(1)
    print(
        "ledgers agree: residual of every bill, receivable of every utility account and "
        f"customer, outstanding receipts {mine['after']['outstanding']:.2f}"
    )


if __name__ == "__main__":
    main()
