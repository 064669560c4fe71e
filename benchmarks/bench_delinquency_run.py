# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Delinquency run (aging + late fees) against Odoo's own way of doing the same.

    .venv/bin/python benchmarks/bench_delinquency_run.py --db <db> [-n 10000] [--chunk 1000]
        [--baseline-n 2000] [--batch 100] [--block 5000] [--setup-batch 5000]
        [--keep-bench-db] [--setup-only] [--check-setup]

Needs a database where utility_billing is installed. The set-up goes to a
throw-away copy ``<db>_dlq<N>b<block>`` (``--keep-bench-db`` keeps it for the
next runs; a set-up that stopped is resumed by running again; ``--setup-only``
builds it and stops): N accounts of one cycle (water, sewer, garbage), each
with a December and a January bill (three lines) posted through the product's
invoice writer, then the customers' payments through a lockbox file per batch
of ``--setup-batch`` accounts (the product's own import): 60 % paid both bills,
20 % paid December only, 10 % paid nothing, 10 % paid December and half of
January. The amounts differ from account to account within a batch and repeat
from batch to batch. The first ``--block`` accounts are built through the
product; the rest are copies of that block written with SQL
(``bench_block_copy``: ids, account, invoice and receipt numbers, names, the
lockbox references and the files' checksums moved as the product would have
numbered them): 100,000 accounts in minutes instead of hours.
``--check-setup`` proves the copies are what the product writes: it builds
``-n`` accounts both ways (``--block`` copied, and all through the product by
batches of ``--setup-batch``), compares every row of every table the set-up
fills, column by column but the timestamps, then runs the delinquency run on
both and compares fees, aging, GL, aged receivables and lists
(``-n 500 --block 100 --setup-batch 100``).

A late-fee rule of the cycle: 10 % of the unpaid January bill (the base most
cities use, "current charges"), fee day 2025-02-10, the day after the penalty
date. Then each path runs in its own process on its own fresh copy of that
set-up (each commits as it goes; the copy is dropped afterwards):

1. **run**: a delinquency run of the cycle: Compute (aging of every account
   by bucket from the ledger, its late fee by the rule) and Release (the fee
   invoices posted through the product's writer), its queue jobs run in this
   process, each chunk committing, timed end to end;
2. **baseline**: Odoo's own way: aging read through the ORM
   (``account.move.line._read_group`` of the open receivable, one call per
   aging bucket: Odoo Community ships no aged-receivable report engine, its
   Enterprise ``account_reports`` groups the same lines), then the fee of each
   account's unpaid January bill by the same rule and one invoice per fee
   through ``account.move.create`` + ``action_post``, committed every
   ``--batch`` fees; on the first ``--baseline-n`` accounts.

The parent prints both rates and the ratio, then compares on the accounts the
baseline charged: the fee of each account (cents), the fee invoices' GL per
account, the aging buckets of every account (the run's register against the
ORM's groups), aged receivables per customer after the fees, and that each
path's fee numbers are gapless. Last (``--no-lists`` skips them; stopping
them leaves the figures above), the run's lists on its copy, timed step by
step (no baseline: Odoo has none): past-due notices listed and sent, final
notices listed and sent, the shut-off list.
"""

import argparse
import base64
import csv
import datetime as dt
import functools
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from decimal import Decimal

import bench_block_copy
import bench_common
import ledger_facts

PREFIX = "DLQ"
DECEMBER = (dt.date(2024, 12, 15), dt.date(2025, 1, 4))
JANUARY = (dt.date(2025, 1, 15), dt.date(2025, 2, 4))
PENALTY = dt.date(2025, 2, 9)
FEE_DATE = dt.date(2025, 2, 10)
PAID_ON = dt.date(2025, 2, 1)
BUCKETS = ("current", "1_30", "31_60", "61_90", "90_plus")


def _env(args, db):
    return bench_common.admin_env(
        args.config,
        db,
        context={
            "queue_job__no_delay": True,
            "tracking_disable": True,
            "mail_create_nolog": True,
            "mail_notrack": True,
        },
    )


# ----------------------------------------------------------------------
# Set-up (committed in the throw-away copy)
# ----------------------------------------------------------------------
def _paid(index, december, january):
    """What customer ``index`` paid before the fee day (Decimal)."""
    kind = index % 10
    if kind < 6:
        return december + january
    if kind < 8:
        return december
    if kind == 8:
        return Decimal(0)
    return december + (january / 2).quantize(Decimal("0.01"))


def child_setup(args):
    """The set-up, resumable: the town, the first ``--block`` accounts through
    the product by batches of ``--setup-batch`` (accounts, their two bills, the
    batch's lockbox file), then copies of that block with SQL up to ``-n``.
    Each batch and each copy commits; run again, it goes on where it stopped."""
    cr, env = _env(args, args.bench_db)
    env = bench_common.quiet(env)
    with cr:  # commits at the end (none when it fails), then closes
        started = time.perf_counter()
        state = bench_block_copy.setup_state(cr)
        if "before" not in state:
            _create_town(env)
            state["before"] = bench_block_copy.snapshot(cr)
            bench_block_copy.save_setup_state(cr, "before", state["before"])
            cr.commit()
        town = _town(env)
        built = env["utility.account"].search_count([("cycle_id", "=", town["cycle"].id)])
        if "plan" not in state:
            for start in range(built, args.block, args.setup_batch):
                _build_batch(env, town, args, start)
                cr.commit()
                env.invalidate_all()
                print(f"  set-up: {start + args.setup_batch} accounts through the product, "
                      f"{time.perf_counter() - started:.0f} s", file=sys.stderr)  # fmt: skip
            state["plan"] = bench_block_copy.plan(
                cr, state["before"], functools.partial(_copy_rules, cr, args, state["before"])
            )
            bench_block_copy.save_setup_state(cr, "plan", state["plan"])
            cr.commit()
        plan = state["plan"]
        copies = args.n // args.block - 1
        for k in range(bench_block_copy.copies_done(cr, plan, "utility_account") + 1, copies + 1):
            bench_block_copy.copy_block(cr, plan, k, _copy_overrides(cr, args, plan, k))
            bench_block_copy.advance_sequences(cr, plan, k)
            cr.commit()
            print(f"  set-up: {(k + 1) * args.block} accounts (copy {k} of the block), "
                  f"{time.perf_counter() - started:.0f} s", file=sys.stderr)  # fmt: skip


def _create_town(env):
    town = bench_common.billed_town(env, PREFIX)
    income = env["account.account"].create(
        {"code": "49909", "name": "Bench late fees", "account_type": "income"}
    )
    env["utility.late.fee.rule"].create(
        {
            "name": "Bench late fee: 10 % of the unpaid bill",
            "cycle_ids": [town["cycle"].id],
            "percent": 10.0,
            "base": "current",
            "income_account_id": income.id,
        }
    )
    env.flush_all()


def _town(env):
    """``bench_common.billed_town``'s dict of the town already created."""
    cycle = _cycle(env)
    types = {
        code: env.ref(f"utility_billing.service_type_{code}")
        for code in ("water", "sewer", "garbage")
    }
    return {
        "types": types,
        "income": {code: st.account_income_id for code, st in types.items()},
        "schedules": {
            code: env["utility.rate.schedule"].search([("code", "=", f"{PREFIX}-{code}")])
            for code in types
        },
        "cycle": cycle,
        "route": env["utility.route"].search([("cycle_id", "=", cycle.id)], limit=1),
        "journal": env["utility.billing.run"]._default_journal(),
    }


def _build_batch(env, town, args, start):
    """Accounts ``start`` to ``start + --setup-batch`` through the product: the
    accounts, their December and January bills (invoice writer), their
    customers' payments (one lockbox file). Amounts repeat every batch (seeded
    by the place in the batch): a copy of a batch is then the batch the product
    would have built."""
    accounts, _meters = env["utility.demo.town"]._create_billable_accounts(
        args.setup_batch, town["route"], town["schedules"], f"{PREFIX}{start:06d}",
        dt.date(2024, 1, 1),
    )  # fmt: skip
    vals_list, rows = [], []
    for offset, account in enumerate(accounts):
        bills = [
            bench_common.bill_vals(town, account, offset * 2 + month, *dates)
            for month, dates in enumerate((DECEMBER, JANUARY))
        ]
        vals_list += bills
        amounts = [sum(Decimal(str(line["price_unit"])) for line in b["lines"]) for b in bills]
        paid = _paid(start + offset, *amounts)
        if paid:
            rows.append((start + offset, account.name, paid))
    env["utility.bill.builder"]._create_posted_moves(vals_list)
    _import_payments(env, start, rows)


def _lockbox_file(start, rows):
    """(name, bytes) of the lockbox file of the batch from account ``start``:
    rows (account index, account number, amount). Batch and item number are
    the account's place in the cycle: unique across the files."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(bench_common.LOCKBOX_HEADER)
    for index, account, amount in rows:
        writer.writerow(
            [PAID_ON.strftime("%m/%d/%Y"), index // 100 + 1, index % 100 + 1, account, "",
             f"{amount:.2f}", 100000 + index, ""]
        )  # fmt: skip
    return f"bench-lockbox-{start}.csv", out.getvalue().encode()


def _import_payments(env, start, rows):
    """The customers' payments of a batch through the product's lockbox import."""
    layout = env.ref("utility_billing.payment_file_layout_lockbox_csv")
    bank = env["account.journal"].search(
        [*env["account.journal"]._check_company_domain(env.company), ("type", "=", "bank")],
        limit=1,
    )
    name, data = _lockbox_file(start, rows)
    wizard = env["utility.payment.file.import"].create(
        {
            "file_data": base64.b64encode(data),
            "file_name": name,
            "layout_id": layout.id,
            "journal_id": bank.id,
            "date": PAID_ON,
        }
    )
    wizard.action_check()
    wizard.action_import()


def _copy_rules(cr, args, before, _spans):
    """The numbers a copy of the block moves: account numbers, receipt and
    invoice numbers (by what the block used), the bench's names and the
    lockbox references (by the block's accounts)."""
    low = before["max_ids"]
    rules = bench_block_copy.sequence_rules(cr, before)
    block = args.block
    cr.execute(
        "SELECT regexp_replace(name, '[0-9]+$', '') FROM utility_account WHERE id > %s LIMIT 1",
        [low.get("utility_account", 0)],
    )
    return [
        *rules,
        bench_block_copy.Rule(bench_block_copy.escape(cr.fetchone()[0]), block),
        bench_block_copy.Rule(PREFIX, block),
        bench_block_copy.Rule(f"{PREFIX}[0-9]+-M", _spans["utility_account"], ("name",)),
        bench_block_copy.Rule("bench-lockbox-", block),
        bench_block_copy.Rule("[0-9]{2}/[0-9]{2}/[0-9]{4}-", block // 100, ("reference",)),
        bench_block_copy.Rule("^", block, ("check_number",)),
    ]


def _copy_overrides(cr, args, plan, k):
    """What copy ``k`` computes itself: the invoice numbers' sequence numbers,
    the lockbox files' checksums (of the files the product would have read)."""
    overrides = bench_block_copy.sequence_number_override(cr, plan, k)
    cases, params = [], []
    for start in range(0, args.block, args.setup_batch):
        rows = _copied_rows(cr, plan, start, k * args.block)
        data = _lockbox_file(start + k * args.block, rows)[1]
        cases.append("WHEN %s THEN %s")
        params += [f"bench-lockbox-{start}.csv", hashlib.sha256(data).hexdigest()]
    overrides[("utility_payment_file", "checksum")] = (
        f"CASE name {' '.join(cases)} END",
        params,
    )
    return overrides


def _copied_rows(cr, plan, start, shift):
    """Rows (account index, account number, amount) of the block's lockbox file
    of the batch from ``start``, as in the copy whose accounts come ``shift``
    later."""
    cr.execute(
        """
        SELECT a.name, l.amount, l.check_number FROM utility_payment_file_line l
          JOIN utility_payment_file f ON f.id = l.file_id
          JOIN utility_account a ON a.id = l.account_id
         WHERE f.name = %s AND f.id > %s ORDER BY l.line_number
        """,
        [f"bench-lockbox-{start}.csv", plan["low"]["utility_payment_file"]],
    )
    rows = []
    for account, amount, check_number in cr.fetchall():
        digits = re.search(r"[0-9]+$", account)
        number = str(int(digits.group()) + shift).zfill(len(digits.group()))
        rows.append((int(check_number) - 100000 + shift, account[: digits.start()] + number,
                     Decimal(amount)))  # fmt: skip
    return rows


# ----------------------------------------------------------------------
# Children: one path each, on a fresh copy
# ----------------------------------------------------------------------
def _cycle(env):
    return env["utility.billing.cycle"].search([("code", "=", PREFIX)], limit=1)


def _rule(env):
    return env["utility.late.fee.rule"].search([("cycle_ids", "in", _cycle(env).ids)], limit=1)


def _committed(env, action):
    action()
    env.cr.commit()


def child_run(args):
    cr, env = _env(args, args.bench_db)
    run = env["utility.delinquency.run"].create(
        {
            "cycle_id": _cycle(env).id,
            "date_due": JANUARY[1],
            "date_penalty": PENALTY,
            "date_fee": FEE_DATE,
            "chunk_size": args.chunk,
        }
    )
    cr.commit()
    env.invalidate_all()
    load_before = os.getloadavg()[0]
    rss_before = bench_common.start_memory_watch()
    _none, t_compute, cpu_compute = bench_common.timed(_committed, env, run.action_compute)
    _none, t_release, cpu_release = bench_common.timed(_committed, env, run.action_release)
    result = {
        "state": run.state,
        "aged": run.account_count,
        "fees": len(run.move_ids),
        "compute_seconds": t_compute,
        "release_seconds": t_release,
        "seconds": t_compute + t_release,
        "cpu_seconds": cpu_compute + cpu_release,
        "rss_before_kb": rss_before,
        "rss_peak_kb": bench_common.memory_kb("VmHWM"),
        "load": [load_before, os.getloadavg()[0]],
    }
    env.flush_all()
    cr.execute(
        f"""
        SELECT a.name, {", ".join(f"l.amount_{b}" for b in BUCKETS)}
          FROM utility_delinquency_run_line l JOIN utility_account a ON a.id = l.account_id
         WHERE l.run_id = %s
        """,
        [run.id],
    )
    # Accounts with nothing open are in the register (no fee: paid), not in the
    # ORM's groups: compare those with something open.
    result["aging"] = {
        row[0]: [f"{v or 0:.2f}" for v in row[1:]] for row in cr.fetchall() if any(row[1:])
    }
    result.update(_facts(env, "m.utility_delinquency_run_id = %(run)s", {"run": run.id}))
    cr.close()
    return result


def child_lists(args):
    """The lists of the run ``child_run`` released in this database."""
    cr, env = _env(args, args.bench_db)
    run = env["utility.delinquency.run"].search([("cycle_id", "=", _cycle(env).id)], limit=1)
    load_before = os.getloadavg()[0]
    result = _measure_lists(env, run)
    result["load"] = [load_before, os.getloadavg()[0]]
    cr.close()
    return result


def _measure_lists(env, run):
    """The run's lists after the fees (timed, not compared: Odoo has none):
    past-due notices listed and sent (printed: no paperless account here),
    final notices listed and sent, the shut-off list. Each step commits, as a
    clerk's click does. A step that fails is reported, the fees' figures stay."""
    run.date_notice = FEE_DATE + dt.timedelta(days=1)
    env.cr.commit()
    steps = [
        ("past-due notices listed", run.action_notices_past_due),
        ("past-due notices sent", run.action_send_notices),
        ("final notices listed", run.action_notices_final),
        ("final notices sent", run.action_send_notices),
        ("shut-off list", run.action_compute_shutoff_list),
    ]
    timings = []
    for label, action in steps:
        try:
            _none, seconds, _cpu = bench_common.timed(_committed, env, action)
        except Exception as error:  # reported; the fees' figures stand
            env.cr.rollback()
            timings.append([label, None, f"{type(error).__name__}: {error}"[:300]])
            break
        timings.append([label, seconds, None])
    env.invalidate_all()
    counts = {
        "notices": len(run.notice_ids),
        "shut-off lines": len(run.shutoff_line_ids),
        "listed": len(run.shutoff_line_ids.filtered(lambda line: line.state == "listed")),
    }
    return {"steps": timings, "counts": counts}


def _orm_aging(env):
    """Aging of every account of the cycle through the ORM: one ``_read_group``
    of the open receivable per bucket of days past due on the fee day."""
    AML = env["account.move.line"]
    common = [
        ("utility_account_id.cycle_id", "=", _cycle(env).id),
        ("account_id.account_type", "=", "asset_receivable"),
        ("parent_state", "=", "posted"),
        ("amount_residual", "!=", 0),
        ("date", "<=", FEE_DATE),
    ]
    days = dt.timedelta
    bounds = {
        "current": [("date_maturity", ">=", FEE_DATE)],
        "1_30": [("date_maturity", "<", FEE_DATE), ("date_maturity", ">=", FEE_DATE - days(30))],
        "31_60": [
            ("date_maturity", "<", FEE_DATE - days(30)),
            ("date_maturity", ">=", FEE_DATE - days(60)),
        ],
        "61_90": [
            ("date_maturity", "<", FEE_DATE - days(60)),
            ("date_maturity", ">=", FEE_DATE - days(90)),
        ],
        "90_plus": [("date_maturity", "<", FEE_DATE - days(90))],
    }
    aging = {}
    for position, bucket in enumerate(BUCKETS):
        for account, residual in AML._read_group(
            common + bounds[bucket], ["utility_account_id"], ["amount_residual:sum"]
        ):
            row = aging.setdefault(account.name, ["0.00"] * len(BUCKETS))
            row[position] = f"{residual:.2f}"
    return aging


def child_baseline(args):
    cr, env = _env(args, args.bench_db)
    from odoo.addons.utility_billing.lib import late_fees  # once Odoo knows the addons path

    rule = _rule(env)
    journal = env["utility.billing.run"]._default_journal()
    env.invalidate_all()
    load_before = os.getloadavg()[0]
    rss_before = bench_common.start_memory_watch()
    cpu0, t0 = time.process_time(), time.perf_counter()
    aging = _orm_aging(env)
    t_aging = time.perf_counter() - t0
    bills = env["account.move"].search(
        [
            ("utility_account_id.cycle_id", "=", _cycle(env).id),
            ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
            ("invoice_date_due", "=", JANUARY[1]),
            ("amount_residual", ">", 0),
        ],
        order="utility_account_id",
        limit=args.baseline_n,
    )
    lib_rule = rule._get_lib_rule()
    Move = env["account.move"]
    fees = 0
    for number, bill in enumerate(bills, 1):
        fee = late_fees.late_fee(lib_rule, Decimal(str(bill.amount_residual)))
        move = Move.create(
            {
                "move_type": "out_invoice",
                "partner_id": bill.partner_id.id,
                "journal_id": journal.id,
                "invoice_date": FEE_DATE,
                "invoice_date_due": FEE_DATE,
                "date": FEE_DATE,
                "utility_account_id": bill.utility_account_id.id,
                "utility_location_id": bill.utility_location_id.id,
                "utility_bill_kind": "fee",
                "invoice_line_ids": [
                    (
                        0,
                        0,
                        {
                            "name": f"Late fee on {bill.name}",
                            "account_id": rule.income_account_id.id,
                            "quantity": 1.0,
                            "price_unit": float(fee),
                            "tax_ids": [],
                        },
                    )
                ],
            }
        )
        move.action_post()
        fees += 1
        if number % args.batch == 0:
            cr.commit()
            env.invalidate_all()
    cr.commit()
    result = {
        "aged": len(aging),
        "fees": fees,
        "aging_seconds": t_aging,
        "seconds": time.perf_counter() - t0,
        "cpu_seconds": time.process_time() - cpu0,
        "rss_before_kb": rss_before,
        "rss_peak_kb": bench_common.memory_kb("VmHWM"),
        "load": [load_before, os.getloadavg()[0]],
        "aging": aging,
    }
    result.update(
        _facts(
            env,
            "m.utility_bill_kind = 'fee' AND m.invoice_date = %(day)s AND m.journal_id = %(j)s",
            {"day": FEE_DATE, "j": journal.id},
        )
    )
    cr.close()
    return result


def _facts(env, where, params):
    """Fee of each account, GL of the fee invoices per account, aged receivables
    per customer after the fees and the fee numbering, keyed by names."""
    env.flush_all()
    cr = env.cr
    cr.execute(
        f"""
        SELECT a.name, SUM(m.amount_total)
          FROM account_move m JOIN utility_account a ON a.id = m.utility_account_id
         WHERE {where} GROUP BY a.name
        """,
        params,
    )
    fees = {name: f"{total:.2f}" for name, total in cr.fetchall()}
    lines = (
        "FROM account_move_line l JOIN account_account a ON a.id = l.account_id "
        f"JOIN account_move m ON m.id = l.move_id WHERE {where}"
    )
    gl = [
        [code, f"{debit:.2f}", f"{credit:.2f}", count]
        for code, debit, credit, _balance, count in _gl_by_code(cr, lines, params)
    ]
    aged_lines = (
        "FROM account_move_line l JOIN account_account a ON a.id = l.account_id "
        "JOIN res_partner p ON p.id = l.partner_id WHERE l.parent_state = 'posted' "
        "AND p.name LIKE %(prefix)s"
    )
    aged = {
        f"{partner}|{bucket}": f"{residual:.2f}"
        for partner, bucket, residual in ledger_facts.aged_receivables(
            cr, aged_lines, {"prefix": f"{PREFIX}%"}, FEE_DATE
        )
    }
    count, names, low, high, _prefixes = ledger_facts.numbering(cr, where.replace("m.", ""), params)
    cr.execute(f"SELECT DISTINCT m.partner_id FROM account_move m WHERE {where}", params)
    return {
        "charged_partners": [row[0] for row in cr.fetchall()],
        "fee_by_account": fees,
        "gl": gl,
        "aged_receivables": aged,
        "gapless": bool(count == names and (not count or high - low + 1 == count)),
    }


def _gl_by_code(cr, lines, params):
    rows = ledger_facts.gl_by_account(cr, lines, params)
    cr.execute("SELECT id, code_store->>'1' FROM account_account WHERE id = ANY(%s)",
               [[row[0] for row in rows]])  # fmt: skip
    codes = dict(cr.fetchall())
    return [(codes.get(row[0]) or str(row[0]), *row[1:]) for row in rows]


# ----------------------------------------------------------------------
# Parent
# ----------------------------------------------------------------------
def _psql(db, sql, env_vars):
    return subprocess.run(
        ["psql", "-At", "-d", db, "-c", sql],
        check=True, capture_output=True, text=True, env=env_vars,
    ).stdout.strip()  # fmt: skip


def _prepare_bench_db(args, env_vars):
    """The set-up database: reused when complete, finished when a set-up
    stopped half-way (kept for that), else a new copy of ``--db`` set up."""
    if bench_common.database_exists(args.bench_db, env_vars):
        if _psql(args.bench_db, "SELECT to_regclass('bench_setup_state')", env_vars) and _psql(
            args.bench_db, "SELECT 1 FROM bench_setup_state WHERE key = 'complete'", env_vars
        ):
            print(f"reusing {args.bench_db}")
            return
        print(f"resuming the set-up of {args.bench_db} ...", flush=True)
    else:
        print(f"preparing {args.bench_db}: copy of {args.db} with {args.n} accounts, the first "
              f"{args.block} through the product ...", flush=True)  # fmt: skip
        bench_common.createdb(args.bench_db, args.db, env_vars)
    started = time.perf_counter()
    command = [sys.executable, __file__, "--db", args.db, "--config", args.config,
               "-n", str(args.n), "--block", str(args.block),
               "--setup-batch", str(args.setup_batch), "--child", "setup", "--out", os.devnull,
               "--path-db", args.bench_db]  # fmt: skip
    try:
        subprocess.run(command, check=True)
    except BaseException:
        print(f"set-up stopped: {args.bench_db} kept, run again to resume", flush=True)
        raise
    _psql(args.bench_db, "VACUUM ANALYZE", env_vars)
    _psql(args.bench_db, "INSERT INTO bench_setup_state VALUES ('complete', 'true')", env_vars)
    print(f"set-up: {time.perf_counter() - started:.0f} s", flush=True)


def _copy(args, role, env_vars):
    """A fresh copy of the set-up for one path (``with``: dropped afterwards)."""
    return bench_common.throwaway_copy(args.bench_db, f"{args.bench_db}_{role}", env_vars)


def _child(args, role, db, tmp):
    """The result of child ``role`` run on database ``db``."""
    out = os.path.join(tmp, f"{role}.json")
    command = [sys.executable, __file__, "--db", args.db, "--config", args.config,
               "-n", str(args.n), "--chunk", str(args.chunk), "--batch", str(args.batch),
               "--baseline-n", str(args.baseline_n), "--child", role, "--out", out,
               "--path-db", db]  # fmt: skip
    return bench_common.run_child(command, out)


def compare(run, base):
    """Differences between the two paths on the accounts the baseline charged."""
    problems = []
    charged = set(base["fee_by_account"])
    run_fees = {k: v for k, v in run["fee_by_account"].items() if k in charged}
    if run_fees != base["fee_by_account"]:
        differ = [k for k in charged if run_fees.get(k) != base["fee_by_account"][k]]
        problems.append(f"fees differ on {len(differ)} accounts, e.g. {differ[:3]}")
    if run["aging"] != base["aging"]:
        differ = [k for k in base["aging"] if run["aging"].get(k) != base["aging"][k]]
        missing = set(base["aging"]) ^ set(run["aging"])
        problems.append(f"aging differs on {len(differ)} accounts ({len(missing)} only in one)")
    # Aged receivables per customer after the fees: the same for every customer
    # both paths charged and every customer neither charged.
    only_run = set(run["charged_partners"]) - set(base["charged_partners"])
    keys = {k for k in set(run["aged_receivables"]) | set(base["aged_receivables"])
            if int(k.split("|")[0]) not in only_run}  # fmt: skip
    differ = [k for k in keys if run["aged_receivables"].get(k) != base["aged_receivables"].get(k)]
    if differ:
        problems.append(f"aged receivables differ on {len(differ)} rows, e.g. {differ[:3]}")
    if not (run["gapless"] and base["gapless"]):
        problems.append("fee numbers with gaps")
    return problems


def main():
    parser = bench_common.argument_parser(__doc__.split("\n")[0], n=10000)
    parser.add_argument("--chunk", type=int, default=1000)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--baseline-n", type=int, default=2000)
    parser.add_argument("--block", type=int, default=5000)
    parser.add_argument("--setup-batch", type=int, default=5000)
    parser.add_argument("--keep-bench-db", action="store_true")
    parser.add_argument("--check-setup", action="store_true")
    parser.add_argument("--setup-only", action="store_true")
    parser.add_argument("--no-lists", action="store_true")
    parser.add_argument("--child", choices=("setup", "run", "lists", "baseline", "dump"),
                        help=argparse.SUPPRESS)  # fmt: skip
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--path-db", help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.block = min(args.block, args.n)
    args.setup_batch = min(args.setup_batch, args.block)
    if args.n % args.block or args.block % args.setup_batch or args.block % 100:
        parser.error("-n must be a multiple of --block, itself a multiple of --setup-batch and 100")
    args.bench_db = _bench_db_name(args)
    if args.child:
        args.bench_db = args.path_db
        if args.child == "setup":
            return child_setup(args)
        work = {
            "run": child_run,
            "lists": child_lists,
            "baseline": child_baseline,
            "dump": child_dump,
        }[args.child]
        result = work(args)
        with open(args.out, "w") as file:
            json.dump(result, file)
        return None

    env_vars = {**bench_common.PG_DEFAULTS, **os.environ}
    os.environ.update(env_vars)
    if args.check_setup:
        return check_setup(args, env_vars)
    _prepare_bench_db(args, env_vars)
    if args.setup_only:
        return None
    try:
        problems = _measure(args, env_vars)
    finally:
        if not args.keep_bench_db:
            bench_common.dropdb(args.bench_db, env_vars)
    if problems:
        sys.exit(1)
    return None


def _measure(args, env_vars):
    """Both paths, their figures and comparison printed, then the run's lists
    (last: the figures stand if they are stopped). Returns the differences."""
    with tempfile.TemporaryDirectory() as tmp, _copy(args, "run", env_vars) as run_db:
        print(f"run: delinquency run of {args.n} accounts (compute + release) ...", flush=True)
        run = _child(args, "run", run_db, tmp)
        print(f"baseline: ORM aging + create/post one by one on {args.baseline_n} ...",
              flush=True)  # fmt: skip
        with _copy(args, "baseline", env_vars) as base_db:
            base = _child(args, "baseline", base_db, tmp)
        _report(run, base)
        problems = compare(run, base)
        if problems:
            print("LEDGERS DIFFER: " + "; ".join(problems), flush=True)
        else:
            print(
                f"ledgers agree: the fee of each of the {len(base['fee_by_account'])} accounts "
                f"the baseline charged, the aging of all {len(base['aging'])} accounts in 5 "
                "buckets, aged receivables per customer after the fees, gapless fee numbers in "
                "both paths",
                flush=True,
            )
        if not args.no_lists:
            print("lists: notices and shut-off list of the run ...", flush=True)
            _report_lists(_child(args, "lists", run_db, tmp))
    return problems


def _bench_db_name(args):
    suffix = "" if args.setup_batch == args.block else f"s{args.setup_batch}"
    return f"{args.db}_dlq{args.n}b{args.block}{suffix}"


# ----------------------------------------------------------------------
# The copied set-up against the product's
# ----------------------------------------------------------------------
def child_dump(args):
    """Every row of every table the set-up filled (the plan's), but the
    timestamps of when it ran, by table."""
    cr = _env(args, args.bench_db)[0]
    rows = bench_block_copy.dump_rows(cr, bench_block_copy.setup_state(cr)["plan"])
    cr.close()
    return rows


def check_setup(args, env_vars):
    """The copied set-up against the product's at ``-n`` accounts: the same
    rows in every table the set-up fills, and the same delinquency run (fees,
    aging, fee invoices' GL, aged receivables, lists)."""
    results = {}
    for label, block in (("copied", args.block), ("product", args.n)):
        path = argparse.Namespace(**vars(args))
        path.block = block
        path.bench_db = _bench_db_name(path)
        started = time.perf_counter()
        _prepare_bench_db(path, env_vars)
        setup_seconds = time.perf_counter() - started
        try:
            with tempfile.TemporaryDirectory() as tmp:
                dump = _child(path, "dump", path.bench_db, tmp)
                with _copy(path, "run", env_vars) as run_db:
                    run = _child(path, "run", run_db, tmp)
                    run["lists"] = _child(path, "lists", run_db, tmp)
        finally:
            if not args.keep_bench_db:
                bench_common.dropdb(path.bench_db, env_vars)
        results[label] = (dump, run)
        print(f"{label}: set-up {setup_seconds:.0f} s, {sum(map(len, dump.values()))} rows in "
              f"{len(dump)} tables, {run['fees']} fees", flush=True)  # fmt: skip
    (dump_copied, run_copied), (dump_product, run_product) = results["copied"], results["product"]
    problems = list(ledger_facts.diff(dump_copied, dump_product, "rows"))
    for key in ("fee_by_account", "aging", "gl", "aged_receivables", "gapless", "fees", "aged"):
        problems += ledger_facts.diff(run_copied[key], run_product[key], f"run.{key}")
    problems += ledger_facts.diff(
        run_copied["lists"]["counts"], run_product["lists"]["counts"], "run.lists"
    )
    if problems:
        print(f"SET-UPS DIFFER ({len(problems)}):\n" + "\n".join(problems[:20]))
        sys.exit(1)
    print(
        f"set-ups agree: {sum(map(len, dump_copied.values()))} rows of {len(dump_copied)} tables "
        f"identical column by column (timestamps aside); the runs charged the same "
        f"{run_copied['fees']} fees, aged the same {len(run_copied['aging'])} accounts, same GL, "
        "aged receivables and lists"
    )


def _report(run, base):
    fee_rate = run["fees"] / run["release_seconds"] if run["release_seconds"] else 0
    base_fee_rate = base["fees"] / (base["seconds"] - base["aging_seconds"])
    print(f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, machine load (1 min) now "
          f"{os.getloadavg()[0]:.1f}; beside each path: at its start -> at its end")  # fmt: skip
    print(
        f"run       {run['aged']} accounts aged, {run['fees']} fees posted in "
        f"{run['seconds']:.1f} s (compute {run['compute_seconds']:.1f} s = "
        f"{run['aged'] / run['compute_seconds']:.0f} accounts/s, release "
        f"{run['release_seconds']:.1f} s = {fee_rate:.0f} fees/s; "
        f"{run['cpu_seconds']:.1f} CPU s), peak RSS +"
        f"{(run['rss_peak_kb'] - run['rss_before_kb']) / 1024:.0f} MB; "
        f"load {run['load'][0]:.1f} -> {run['load'][1]:.1f}"
    )
    print(
        f"baseline  aging of {base['aged']} accounts in {base['aging_seconds']:.1f} s, "
        f"{base['fees']} fees in {base['seconds'] - base['aging_seconds']:.1f} s = "
        f"{base_fee_rate:.1f} fees/s ({base['cpu_seconds']:.1f} CPU s); "
        f"load {base['load'][0]:.1f} -> {base['load'][1]:.1f}"
    )
    # End to end at the same size: the baseline's aging measured on all accounts,
    # its fees extrapolated from its rate to the run's number of fees.
    base_total = base["aging_seconds"] + run["fees"] / base_fee_rate
    print(
        f"ratio     {base_total / run['seconds']:.1f}x end to end ({base_total:.0f} s for the "
        f"baseline at {run['fees']} fees), {fee_rate / base_fee_rate:.1f}x on posting fees"
    )


def _report_lists(lists):
    print(f"lists     load {lists['load'][0]:.1f} -> {lists['load'][1]:.1f}")
    for label, seconds, error in lists["steps"]:
        print(f"          {label}: " + (f"{seconds:.1f} s" if error is None else f"FAILED {error}"))
    print("          " + ", ".join(f"{k} {v}" for k, v in lists["counts"].items()), flush=True)


if __name__ == "__main__":
    main()
