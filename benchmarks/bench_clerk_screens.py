# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Clerk screens over HTTP in a city of 100,000 accounts, beside Odoo's own screens.

    # 1. the city, built once and kept: the first block of 2,000 accounts
    #    through the product, then SQL copies of it (an hour on the busy machine)
    .venv/bin/python benchmarks/bench_clerk_screens.py build --template <db> --block 2000 \
        [--db ub_bench_screens]
    #    the copies against the product: 300 accounts both ways, compared
    .venv/bin/python benchmarks/bench_clerk_screens.py check --template <db>
    # 2. serve it as a city would (another shell)
    .venv/bin/python /opt/odoo/odoo-bin -c var/hx.conf -d ub_bench_screens \\
        --db-filter='^ub_bench_screens$' --http-interface=127.0.0.1 --http-port=8111 \\
        --workers=2 --max-cron-threads=1 --load=web,queue_job
    # 3. the requests of each screen, captured once from the web client (chromium)
    node benchmarks/clerk_screens_capture.mjs --url http://127.0.0.1:8111 \\
        --out benchmarks/clerk_screens_requests.json --account <number>
    # 4. p50 / p95 of each screen, one clerk at a time
    .venv/bin/python benchmarks/bench_clerk_screens.py measure --url http://127.0.0.1:8111
    # 5. 20 clerks for 5 minutes (locust, headless, localhost only)
    .venv/bin/locust -f benchmarks/locust_clerks.py --headless -u 20 -r 2 -t 5m \\
        --host http://127.0.0.1:8111 --only-summary

**The city** (``build``): a copy of ``--template`` (utility_billing installed,
no demo data) filled through the product's own builders, each stage
committed and skipped when already done, so one build serves every
measurement:

1. 100,000 billable accounts with their readings: ``bench_billing_run``'s
   set-up (``utility.demo.town._create_billable_accounts``);
2. the customers' mailing addresses (their premise's: one UPDATE);
3. read exceptions for the queue: a later reading on some meters that the
   read edits hold (negative and zero usage), through ``utility.meter.reading``;
4. the demo role users (``utility.demo.town._demo_role_users``) and an open
   cashier session of the demo CSR, so the take-payment dialog opens;
5. the ledger, account by account (``--ledger-chunk`` accounts a commit,
   ``--jobs`` processes): every account's last ``--months`` monthly bills
   (``--long-months``, several years, for ``--long-accounts`` long-standing
   customers spread over the city: the heaviest forms and statements the
   counter opens), each account rated once by
   ``utility.bill.builder._build_bills`` and billed through
   ``utility.bill.builder._create_posted_moves`` (the invoice writer); then
   their payments, one lockbox file a month (``utility.payment.file.import``,
   as ``bench_payment_file`` does): most customers (``--paid``) pay each
   bill in full before it is due, the others skip it (it stays open until a
   later payment reaches it, oldest first); the last ``--open-months`` bills
   of every account are open. The longest stage: stopped, it leaves whole
   accounts and goes on where it stopped at the next ``build``.

**By blocks** (``build --block B``): the same city, built as
``bench_delinquency_run`` builds its own (``bench_block_copy``): a snapshot of
the database once the bench town (cycle, route, schedules) is made, the first
``B`` accounts entirely through the product as above (accounts and readings,
addresses, read exceptions, their ledger, a tenth of them with
``--long-months``), then copies of that block with SQL until the city has
``-n`` accounts, each numbered as the product would have numbered the next
block: account numbers, the block's names (``CS002000 Customer 17``, its
street and meter), invoice and payment numbers per journal and year, receipt
numbers, lockbox batches; the stubs' scan lines and the files' checksums
computed again (``_fix_copy``); then the demo users once. What the product
writes depends on the account's place in its block, not on the block (the
readings, which bills are paid, the long histories, the exceptions), so a
copy is the block the product would have built. ``check`` proves it: ``-n
300 --block 100`` built twice, copied and all through the product
(``--no-copy``), compared row by row in every table the build fills (ids,
numbers and every column but the timestamps) and by the clerk screens'
figures of every account. Each block, step and copy commits; the state is
kept in the database: a stopped build goes on where it stopped.

**The requests**: ``clerk_screens_capture.mjs`` drives chromium through each
screen as a clerk does and records every JSON-RPC request the web client
sends (``/web/dataset/call_kw``, ``call_button``, ``/mail/...``) and the
report download. ``measure`` replays them, logged in as the demo CSR, for
``--samples`` different accounts each (the captured account's id, number,
name and street replaced by another's), one screen after the other: a
screen's time is the time of its requests one after the other (the browser
sends some of them at the same time: an upper bound). It prints p50 / p95 per
screen and per request, and ``uptime`` (the machine is shared).
"""

import argparse
import datetime as dt
import functools
import json
import os
import random
import re
import subprocess
import sys
import time
from decimal import Decimal

import bench_billing_run
import bench_block_copy
import bench_common
import bench_payment_file
import clerk_screens_replay
import ledger_facts

DEFAULT_DB = "ub_bench_screens"
# The read window of bench_billing_run's readings: each account is rated on it once.
READ_FROM = dt.date(2025, 2, 1)
READ_TO = dt.date(2025, 2, 10)
# The last bill: the 15th of last month, so the account's statement (the last 12
# months by default) and its open bills are today's.
LAST_BILL = (dt.date.today().replace(day=1) - dt.timedelta(days=1)).replace(day=15)
EXCEPTION_READ = dt.date.today() - dt.timedelta(days=3)
CHUNK = 2000
BILL_BATCH = 200
LOCKBOX_ROWS = 10000
STAGE_PARAM = "bench_clerk_screens.stage"
STAGES = ("accounts", "addresses", "exceptions", "users", "ledger")
DEFAULT_REQUESTS = os.path.join(os.path.dirname(__file__), "clerk_screens_requests.json")


# ----------------------------------------------------------------------
# The city
# ----------------------------------------------------------------------
def _quiet_env(args):
    """Admin environment without chatter (``bench_common.quiet``)."""
    cr, env = bench_common.admin_env(args.config, args.db)
    return cr, bench_common.quiet(env)


def _stage_done(env, stage):
    done = env["ir.config_parameter"].sudo().get_param(STAGE_PARAM, "")
    return stage in done.split(",")


def _mark_done(env, stage):
    params = env["ir.config_parameter"].sudo()
    done = [s for s in params.get_param(STAGE_PARAM, "").split(",") if s]
    params.set_param(STAGE_PARAM, ",".join([*done, stage]))
    env.cr.commit()


def _commit(env, progress, started):
    """Commit a chunk of a stage (a stopped build keeps it) and say how far it is."""
    env.cr.commit()
    env.invalidate_all()
    print(f"  {progress}, {time.perf_counter() - started:.0f} s", file=sys.stderr)


def _bench_accounts(env):
    return env["utility.account"].search([("cycle_id.code", "=", "BENCH")], order="id")


def _long_ids(account_ids, count):
    """``count`` accounts spread evenly over the city."""
    step = max(len(account_ids) // max(count, 1), 1)
    return set(account_ids[::step][:count])


def _bill_dates(months_back):
    """Bill date, due date, penalty date and period of the bill ``months_back``
    months before the last one."""
    from dateutil.relativedelta import relativedelta

    invoice_date = LAST_BILL - relativedelta(months=months_back)
    return {
        "invoice_date": invoice_date,
        "invoice_date_due": invoice_date + relativedelta(days=20),
        "utility_date_penalty": invoice_date + relativedelta(days=25),
        # from the rated window (February 2025) to the bill's
        "shift": relativedelta(
            months=(invoice_date.year - READ_TO.year) * 12 + invoice_date.month - READ_TO.month
        ),
    }


def _invoice_vals(builder, journal, bill, months_back):
    """The writer's invoice dict of ``bill`` (``_build_bills``) moved
    ``months_back`` months earlier: same charges, earlier dates."""
    dates = _bill_dates(months_back)
    shift = dates["shift"]
    charges = [
        dict(c, date_from=c["date_from"] + shift, date_to=c["date_to"] + shift)
        for c in bill["charges"]
    ]
    header = {
        "partner_id": bill["partner_id"],
        "journal_id": journal.id,
        "invoice_date": dates["invoice_date"],
        "invoice_date_due": dates["invoice_date_due"],
        "date": dates["invoice_date"],
        "invoice_origin": f"BENCH/{dates['invoice_date']:%Y-%m}",
        "utility_account_id": bill["account_id"],
        "utility_location_id": bill["location_id"],
        "utility_period_start": bill["date_from"] + shift,
        "utility_period_end": bill["date_to"] + shift,
        "utility_date_penalty": dates["utility_date_penalty"],
        "utility_bill_kind": "cycle",
    }
    return builder._prepare_invoice_vals(header, charges)


def build_addresses(args, env):
    """The customers' mailing address: their premise's (the account builder gives
    a customer a name only). One UPDATE: Odoo's Contacts search by street then
    has as many addresses to look through as the accounts' search."""
    env.cr.execute(
        """
        UPDATE res_partner p
           SET street = l.street, city = l.city, zip = '50211'
          FROM utility_account a
          JOIN utility_service_location l ON l.id = a.location_id
         WHERE a.partner_id = p.id AND p.street IS NULL
        """
    )


def _ledger_months(args, long_ids, account_id):
    return args.long_months if account_id in long_ids else args.months


def _ledger_todo(args, env):
    """The accounts still to do, in the city's order: an account is done when
    its oldest bill is there and a payment (its bills are committed first,
    then their payments: the accounts of a chunk have one or none)."""
    account_ids = _bench_accounts(env).ids
    long_ids = _long_ids(account_ids, args.long_accounts)
    journal = env["utility.billing.run"]._default_journal()
    env.cr.execute(
        "SELECT utility_account_id, min(invoice_date) FROM account_move "
        "WHERE journal_id = %s AND move_type = 'out_invoice' GROUP BY 1",
        [journal.id],
    )
    oldest = dict(env.cr.fetchall())
    env.cr.execute(
        "SELECT DISTINCT account_id FROM utility_payment_line WHERE account_id IS NOT NULL"
    )
    paying = {row[0] for row in env.cr.fetchall()}
    first = {
        months: _bill_dates(months - 1)["invoice_date"]
        for months in (args.months, args.long_months)
    }
    todo = [
        a
        for a in account_ids
        if a not in paying
        or oldest.get(a) is None
        or oldest[a] > first[_ledger_months(args, long_ids, a)]
    ]
    return todo, long_ids


def _ledger_bills(args, env, account_ids, long_ids):
    """Bill ``account_ids`` for their months up to LAST_BILL (``--months``,
    ``--long-months`` for the long-standing customers), rated once each by
    ``utility.bill.builder._build_bills`` and posted by the invoice writer,
    committed by ``BILL_BATCH`` accounts (the journal's numbers of a year stay
    locked until the commit); months already billed are skipped."""
    builder = env["utility.bill.builder"]
    journal = env["utility.billing.run"]._default_journal()
    env.cr.execute(
        "SELECT utility_account_id, invoice_date FROM account_move WHERE journal_id = %s "
        "AND move_type = 'out_invoice' AND utility_account_id = ANY(%s)",
        [journal.id, account_ids],
    )
    billed = set(env.cr.fetchall())
    count = 0
    for start in range(0, len(account_ids), BILL_BATCH):
        accounts = env["utility.account"].browse(account_ids[start : start + BILL_BATCH])
        vals_list = [
            _invoice_vals(builder, journal, bill, back)
            for bill in builder._build_bills(accounts, READ_FROM, READ_TO)
            if bill["state"] == "ok"
            for back in range(_ledger_months(args, long_ids, bill["account_id"]) - 1, -1, -1)
            if (bill["account_id"], _bill_dates(back)["invoice_date"]) not in billed
        ]
        if vals_list:
            builder._create_posted_moves(vals_list)
            env.cr.commit()
        count += len(vals_list)
    return count


def _lockbox_bank(env, worker):
    """The bank the lockbox of ``worker`` deposits in: the city's first bank
    account, or one more per process (each bank journal numbers its entries
    of a year under its own lock: two processes never wait for each other)."""
    if not worker:
        return bench_payment_file._bank(env)
    Journal = env["account.journal"]
    code = f"LBX{worker}"
    bank = Journal.search([*Journal._check_company_domain(env.company), ("code", "=", code)])
    return bank or Journal.create({"name": f"Lockbox {worker + 1}", "type": "bank", "code": code})


def _ledger_payments(args, env, account_ids, worker, *, seed=None, first_batch=None):
    """Lockbox files, one per month from the oldest: most customers
    (``--paid``) pay each bill in full three days before it is due; the last
    ``--open-months`` bills of every account are still open. A file pays the
    account's oldest open bill first (the company's allocation rule). The
    chunk's deposits are batches ``100 x its first account id`` on (a
    lockbox transaction is its deposit date, batch and item: a build started
    again numbers them the same way). A block build gives the chunk's place in
    the block as ``seed`` and its place in the city as ``first_batch``: every
    block pays the same way, its batches numbered after the block before."""
    rng = random.Random(account_ids[0] if seed is None else seed)
    if first_batch is None:
        first_batch = 100 * account_ids[0]
    bank = _lockbox_bank(env, worker)
    journal = env["utility.billing.run"]._default_journal()
    Move = env["account.move"]
    paid = 0
    for back in range(args.long_months - 1, args.open_months - 1, -1):
        dates = _bill_dates(back)
        bills = Move.search(
            [
                ("journal_id", "=", journal.id),
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("invoice_date", "=", dates["invoice_date"]),
                ("utility_account_id", "in", account_ids),
                ("payment_state", "=", "not_paid"),
            ],
            order="id",
        )
        payers = bills.filtered(lambda _b: rng.random() < args.paid)
        if not payers:
            continue
        deposit = dates["invoice_date_due"] - dt.timedelta(days=3)
        data = bench_payment_file.lockbox_file(
            env, payers, deposit, dates["invoice_date_due"], first_batch=first_batch
        )
        wizard = bench_payment_file.lockbox_import_wizard(env, data, bank, deposit)
        wizard.action_check()
        wizard.action_import()
        paid += len(payers)
    return paid


def build_ledger(args, env):
    """Every account's history, account by account (chunks of
    ``--ledger-chunk``): its monthly bills through the invoice writer, then
    their payments through lockbox files, each committed, so a build stopped
    at any point leaves whole accounts (and goes on where it stopped).
    ``--jobs`` processes share the chunks, each depositing in its own bank
    journal (a journal's numbers of a year are locked until the commit)."""
    if args.jobs > 1 and args.worker is None:
        env.cr.commit()
        command = [
            sys.executable, __file__, "build", "--template", args.template, "--db", args.db,
            "--config", args.config, "--months", str(args.months),
            "--long-months", str(args.long_months), "--long-accounts", str(args.long_accounts),
            "--paid", str(args.paid), "--open-months", str(args.open_months),
            "--ledger-chunk", str(args.ledger_chunk), "--jobs", str(args.jobs),
        ]  # fmt: skip
        workers = [
            subprocess.Popen([*command, "--worker", str(worker)]) for worker in range(args.jobs)
        ]
        codes = [w.wait() for w in workers]
        if any(codes):
            raise SystemExit(f"ledger workers failed: {codes}")
        return
    from psycopg2 import errors as pgerrors

    todo, long_ids = _ledger_todo(args, env)
    chunks = [todo[i : i + args.ledger_chunk] for i in range(0, len(todo), args.ledger_chunk)]
    worker, jobs = args.worker or 0, max(args.jobs, 1)
    started = time.perf_counter()
    done = bills = paid = 0
    for index in range(worker, len(chunks), jobs):
        chunk = chunks[index]
        for attempt in range(5):
            try:
                chunk_bills = _ledger_bills(args, env, chunk, long_ids)
                chunk_paid = _ledger_payments(args, env, chunk, worker)
                break
            except (pgerrors.SerializationFailure, pgerrors.DeadlockDetected,
                    pgerrors.LockNotAvailable):  # fmt: skip
                env.cr.rollback()
                env.invalidate_all()
                print(f"  worker {worker}: chunk {index} retried ({attempt + 1})", file=sys.stderr)
        else:
            raise SystemExit(f"chunk {index} failed five times")
        done, bills, paid = done + len(chunk), bills + chunk_bills, paid + chunk_paid
        _commit(
            env,
            f"ledger worker {worker}: chunk {index + 1}/{len(chunks)}, {done} accounts, "
            f"{bills} bills, {paid} payments, {done / (time.perf_counter() - started):.1f} "
            "accounts/s",
            started,
        )


def build_exceptions(args, env, meters=None):
    """A later reading on every ``--exception-every``-th meter (of ``meters``,
    default the city's), lower than the one before (negative usage) or equal
    to it (zero usage): the read edits hold them in the review queue."""
    Reading = env["utility.meter.reading"]
    if meters is None:
        meters = env["utility.meter"].search([("name", "=like", "B%-M%")], order="id")
    picked = meters[:: args.exception_every]
    for start in range(0, len(picked), CHUNK):
        chunk = picked[start : start + CHUNK]
        last = {
            r.meter_id.id: r.value
            for r in Reading.search([("meter_id", "in", chunk.ids)], order="date, id")
        }
        Reading.create(
            [
                {
                    "meter_id": m.id,
                    "date": EXCEPTION_READ,
                    "value": last[m.id] - 2.0 if index % 2 else last[m.id],
                }
                for index, m in enumerate(chunk)
            ]
        )
        env.cr.commit()
    opened = env["utility.reading.exception"].search_count([("state", "=", "open")])
    print(f"  exceptions: {opened} open", file=sys.stderr)


def build_users(args, env):
    town = env["utility.demo.town"]
    town._demo_role_users()
    csr = env["res.users"].search([("login", "=", "demo_csr")])
    Session = env["utility.cashier.session"].with_user(csr)
    if not Session._get_open_session():
        Session.create({"amount_opening": 100.0})
    env.cr.commit()


def build(args):
    env_vars = bench_common.pg_env()
    if not bench_common.database_exists(args.db, env_vars):
        bench_common.createdb(args.db, args.template, env_vars)
    cr, env = _quiet_env(args)
    if args.worker is not None:  # one of build_ledger's processes
        with cr:
            build_ledger(args, env)
        return
    with cr:
        for stage in STAGES:
            if _stage_done(env, stage):
                continue
            started = time.perf_counter()
            print(f"{args.db}: {stage} ...", flush=True)
            if stage == "accounts":
                if not env["utility.billing.cycle"].search_count([("code", "=", "BENCH")]):
                    # bench_billing_run's own set-up, in its own process (it
                    # commits by batches); then a new snapshot here.
                    cr.commit()
                    subprocess.run(
                        [sys.executable, bench_billing_run.__file__, "--db", args.db,
                         "--config", args.config, "-n", str(args.n), "--child", "setup",
                         "--out", os.devnull],
                        check=True,
                    )  # fmt: skip
                    cr.commit()
            else:
                globals()[f"build_{stage}"](args, env)
            _mark_done(env, stage)
            env.invalidate_all()
            print(f"{args.db}: {stage} done in {time.perf_counter() - started:.0f} s", flush=True)
        subprocess.run(
            ["psql", "-q", "-d", args.db, "-c", "VACUUM ANALYZE"],
            check=True,
            env=env_vars,
            stderr=subprocess.DEVNULL,
        )
        print(city_facts(env.cr))


# ----------------------------------------------------------------------
# The city by blocks: the first block through the product, then SQL copies
# ----------------------------------------------------------------------
BLOCK_PREFIX = "CS"


def _block_prefix(args, index):
    """The name prefix of block ``index``'s customers, streets and meters:
    ``CS002000`` for the block of the 2,001st account."""
    return f"{BLOCK_PREFIX}{index * args.block:06d}"


def _block_accounts(env, args, index):
    """The accounts of block ``index``, in the order the product created them."""
    return _bench_accounts(env)[index * args.block : (index + 1) * args.block]


def build_block(args, env, town, index, state):
    """Block ``index`` entirely through the product, each step committed and
    recorded in ``state`` (a stopped build goes on where it stopped): its
    accounts with their readings (``_create_billable_accounts``, the readings
    of ``bench_billing_run``), their mailing addresses, read exceptions on
    every ``--exception-every``-th meter, then its ledger chunk by chunk
    (bills through the invoice writer, payments through lockbox files), a
    tenth of the block with ``--long-months``. What the product writes
    depends on the place in the block, not on the block: every block is the
    same city block, numbered after the one before."""
    key = f"block{index}"
    done = state.get(key, [])

    def step(name, work):
        if name in done:
            return
        work()
        done.append(name)
        bench_block_copy.save_setup_state(env.cr, key, done)
        env.cr.commit()
        env.invalidate_all()

    schedules, route = town

    def accounts():
        _accounts, meters = env["utility.demo.town"]._create_billable_accounts(
            args.block, route, schedules, _block_prefix(args, index), dt.date(2024, 1, 1)
        )
        bench_billing_run.create_readings(env, meters, 0)
        build_addresses(args, env)

    step("accounts", accounts)
    block = _block_accounts(env, args, index)
    meters = env["utility.meter"].search([("name", "=like", f"{_block_prefix(args, index)}-M%")])
    step("exceptions", lambda: build_exceptions(args, env, meters.sorted("id")))
    long_ids = _long_ids(block.ids, args.long_accounts * args.block // args.n)
    for offset in range(0, args.block, args.ledger_chunk):
        chunk = block.ids[offset : offset + args.ledger_chunk]

        def ledger(chunk=chunk, offset=offset):
            _ledger_bills(args, env, chunk, long_ids)
            first_batch = (index * args.block + offset) // 100 + 1
            _ledger_payments(args, env, chunk, 0, seed=offset, first_batch=first_batch)

        step(f"ledger{offset}", ledger)


def _block_rules(cr, args, before, spans):
    """The numbers a copy of the block moves: journal entries per journal and
    year, receipts (``bench_block_copy.sequence_rules``), account numbers, the
    block's names (customers, streets, meters) and the lockbox batches."""
    low = before["max_ids"]
    cr.execute(
        "SELECT regexp_replace(name, '[0-9]+$', '') FROM utility_account WHERE id > %s LIMIT 1",
        [low.get("utility_account", 0)],
    )
    account_prefix = cr.fetchone()[0]
    Rule = bench_block_copy.Rule
    return [
        *bench_block_copy.sequence_rules(cr, before),
        Rule(bench_block_copy.escape(account_prefix), args.block),
        Rule(BLOCK_PREFIX, args.block),
        Rule(f"{BLOCK_PREFIX}[0-9]+-M", spans["utility_account"], ("name",)),
        # a lockbox transaction: <deposit date>-<batch>-<item>
        Rule("[0-9]{2}/[0-9]{2}/[0-9]{4}-", args.block // 100),
    ]


def _copy_overrides(cr, plan, k):
    """What copy ``k`` computes itself: the entries' sequence numbers, and a
    provisional checksum of its lockbox files (unique per company: the real
    one, of the file the product would have read, is ``_fix_copy``'s)."""
    return {
        **bench_block_copy.sequence_number_override(cr, plan, k),
        ("utility_payment_file", "checksum"): ("checksum || %s", [f"~{k}"]),
    }


def _fix_copy(cr, plan, k):
    """The values of copy ``k`` that a renumbering cannot give: the scan lines
    of its lockbox stubs (their check digit covers the account number) and
    the checksums of its lockbox files (of the bytes the product would have
    read: the header and one row per transaction, as ``lockbox_file`` writes
    them)."""
    import csv
    import hashlib
    import io

    from odoo.addons.utility_billing.lib.scan_line import build_scan_line

    low, spans = plan["low"], plan["spans"]
    first = low["utility_payment_file"] + k * spans["utility_payment_file"]
    lines = (low["utility_payment_file_line"] + k * spans["utility_payment_file_line"],) * 2
    cr.execute(
        "SELECT id, scan_line FROM utility_payment_file_line "
        "WHERE id > %s AND id <= %s + %s AND scan_line IS NOT NULL AND scan_line != ''",
        [*lines, spans["utility_payment_file_line"]],
    )
    fixed = []
    for line_id, scan in cr.fetchall():
        doc, key, due, cents = scan[0], scan[2:14], scan[15:23], scan[24:34]
        due = dt.date(int(due[:4]), int(due[4:6]), int(due[6:]))
        fixed.append((line_id, build_scan_line(key, Decimal(cents) / 100, due, doc)))
    if fixed:
        cr.execute(
            "UPDATE utility_payment_file_line l SET scan_line = v.scan "
            "FROM (SELECT unnest(%s::int[]) AS id, unnest(%s::text[]) AS scan) v WHERE l.id = v.id",
            [[i for i, _s in fixed], [s for _i, s in fixed]],
        )
    cr.execute(
        """
        SELECT f.id, f.date, l.reference, l.account_number, l.scan_line, l.amount,
               l.check_number, l.payer_name
          FROM utility_payment_file f JOIN utility_payment_file_line l ON l.file_id = f.id
         WHERE f.id > %s AND f.id <= %s + %s ORDER BY f.id, l.line_number
        """,
        [first, first, spans["utility_payment_file"]],
    )
    files = {}
    for file_id, date, reference, account, scan, amount, check, payer in cr.fetchall():
        _date, batch, item = reference.rsplit("-", 2)
        files.setdefault(file_id, []).append(
            [date.strftime("%m/%d/%Y"), batch, item, "" if scan else account, scan or "",
             f"{Decimal(str(amount)):.2f}", check, payer]
        )  # fmt: skip
    checksums = {}
    for file_id, rows in files.items():
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(bench_common.LOCKBOX_HEADER)
        writer.writerows(rows)
        checksums[file_id] = hashlib.sha256(out.getvalue().encode()).hexdigest()
    if checksums:
        cr.execute(
            "UPDATE utility_payment_file f SET checksum = v.checksum FROM (SELECT "
            "unnest(%s::int[]) AS id, unnest(%s::text[]) AS checksum) v WHERE f.id = v.id",
            [list(checksums), list(checksums.values())],
        )


def _copy_done(cr, plan, k):
    """Whether copy ``k`` is in (each copy is one transaction: its first account is)."""
    first = plan["low"]["utility_account"] + k * plan["spans"]["utility_account"] + 1
    cr.execute("SELECT 1 FROM utility_account WHERE id = %s", [first])
    return bool(cr.fetchone())


def _copy_blocks(args, cr, plan, started):
    """The copies of the block still to do (those of ``--copy-worker`` of
    ``--copy-jobs``: copies are independent, so processes share them), each
    one transaction."""
    worker, jobs = args.copy_worker or 0, args.copy_jobs
    copied, count = time.perf_counter(), 0
    for k in range(1 + worker, args.n // args.block, jobs):
        if _copy_done(cr, plan, k):
            continue
        bench_block_copy.copy_block(cr, plan, k, _copy_overrides(cr, plan, k))
        _fix_copy(cr, plan, k)
        cr.commit()
        count += 1
        rate = count * args.block / (time.perf_counter() - copied)
        print(f"  copy {k} of the block: accounts {k * args.block + 1} to {(k + 1) * args.block}, "
              f"{time.perf_counter() - started:.0f} s ({rate:.0f} accounts/s copied by worker "
              f"{worker})", file=sys.stderr)  # fmt: skip


def build_blocks(args):
    """The city by blocks of ``--block`` accounts: a snapshot of the database
    (the bench town made), the first block through the product
    (``build_block``), then copies of it with SQL (``bench_block_copy``) up to
    ``-n`` accounts; ``--no-copy`` builds every block through the product
    instead (what ``check`` compares the copies with). Then the demo role users
    and the cashier session, once. Every step commits; the state is kept in
    the database: a stopped build goes on where it stopped."""
    env_vars = bench_common.pg_env()
    if not bench_common.database_exists(args.db, env_vars):
        bench_common.createdb(args.db, args.template, env_vars)
    cr, env = _quiet_env(args)
    started = time.perf_counter()
    with cr:
        state = bench_block_copy.setup_state(cr)
        if "before" not in state:
            bench_billing_run.bench_town(env)
            env.flush_all()
            state["before"] = bench_block_copy.snapshot(cr)
            bench_block_copy.save_setup_state(cr, "before", state["before"])
            cr.commit()
        Schedule = env["utility.rate.schedule"]
        town = (
            {code: Schedule.search([("code", "=", f"BENCH-{c}")]) for code, c in
             (("water", "W"), ("sewer", "S"), ("garbage", "G"))},
            env["utility.route"].search([("code", "=", "BENCH")]),
        )  # fmt: skip
        blocks = args.n // args.block
        for index in range(blocks if args.no_copy else 1):
            build_block(args, env, town, index, state)
            print(f"  block {index + 1} through the product: {(index + 1) * args.block} "
                  f"accounts, {time.perf_counter() - started:.0f} s", file=sys.stderr)  # fmt: skip
        if args.first_block_only:
            return
        if not args.no_copy:
            if "plan" not in state:
                rules = functools.partial(_block_rules, cr, args, state["before"])
                state["plan"] = bench_block_copy.plan(cr, state["before"], rules, ("bus_bus",))
                bench_block_copy.save_setup_state(cr, "plan", state["plan"])
                cr.commit()
            if args.copy_jobs > 1 and args.copy_worker is None:
                cr.commit()
                command = [sys.executable, __file__, "build", "--template", args.template,
                           "--db", args.db, "--config", args.config, "-n", str(args.n),
                           "--block", str(args.block),
                           "--copy-jobs", str(args.copy_jobs)]  # fmt: skip
                workers = [subprocess.Popen([*command, "--copy-worker", str(w)])
                           for w in range(args.copy_jobs)]  # fmt: skip
                if any(w.wait() for w in workers):
                    raise SystemExit("copy workers failed")
            else:
                _copy_blocks(args, cr, state["plan"], started)
                if args.copy_worker is not None:
                    return
            bench_block_copy.advance_sequences(cr, state["plan"], blocks - 1)
            cr.commit()
        if "users" not in state:
            build_users(args, env)
            bench_block_copy.save_setup_state(cr, "users", True)
            cr.commit()
        cr.commit()
        subprocess.run(
            ["psql", "-q", "-d", args.db, "-c", "VACUUM ANALYZE"],
            check=True,
            env=env_vars,
            stderr=subprocess.DEVNULL,
        )
        print(f"{args.db}: built in {time.perf_counter() - started:.0f} s; {city_facts(cr)}")


# ----------------------------------------------------------------------
# Check: the copied city against the one the product builds
# ----------------------------------------------------------------------
def check_dump(args):
    """Every row of every table the build filled (``bench_block_copy.dump_rows``
    of a plan of the whole build, but the demo users' avatars and password hashes), and what the
    clerk screens show of every account: balance, bills and payments counted,
    the statement of account of the last three years (opening, charges,
    credits, closing, rows)."""
    cr, env = _quiet_env(args)
    with cr:
        state = bench_block_copy.setup_state(cr)
        whole = bench_block_copy.plan(cr, state["before"], lambda _spans: [], ("bus_bus",))
        # The demo users' avatars (an SVG Odoo colours by the time the user was
        # made) and passwords (hashed with a random salt).
        avatars = {"ir_attachment": "res_model = 'res.partner' AND res_field LIKE 'image_%'"}
        rows = bench_block_copy.dump_rows(cr, whole, avatars, [("res_users", "password")])
        screens = {}
        Statement = env["utility.account.statement"]
        today = dt.date.today()
        for account in _bench_accounts(env):
            statement = Statement.new(
                {"account_id": account.id, "date_from": today.replace(year=today.year - 3),
                 "date_to": today}
            )  # fmt: skip
            lines = statement._get_statement()
            screens[account.name] = [
                account.amount_balance, account.open_bill_count, account.bill_count,
                account.payment_count, account.exception_count, statement.amount_opening,
                statement.amount_charges, statement.amount_credits, statement.amount_closing,
                len(lines.entries),
            ]  # fmt: skip
        cr.rollback()
    with open(args.out, "w") as file:
        json.dump({"rows": rows, "screens": screens}, file, default=str)


def check(args):
    """``-n`` accounts by blocks of ``--block`` twice, copied and all through
    the product, compared: every row of every table, column by column
    (timestamps aside), and every account's figures on the clerk screens."""
    import tempfile

    env_vars = bench_common.pg_env()
    results = {}
    common = ["--template", args.template, "--config", args.config, "-n", str(args.n),
              "--block", str(args.block), "--ledger-chunk", str(args.ledger_chunk),
              "--months", str(args.months), "--long-months", str(args.long_months),
              "--long-accounts", str(args.long_accounts), "--paid", str(args.paid),
              "--open-months", str(args.open_months),
              "--exception-every", str(args.exception_every)]  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        for label, more in (("copied", []), ("product", ["--no-copy"])):
            db = f"{args.db}_{label}"
            started = time.perf_counter()
            if not (args.reuse and bench_common.database_exists(db, env_vars)):
                bench_common.dropdb(db, env_vars, check=True)
                subprocess.run([sys.executable, __file__, "build", "--db", db, *common, *more],
                               check=True)  # fmt: skip
            seconds = time.perf_counter() - started
            out = os.path.join(tmp, f"{label}.json")
            subprocess.run([sys.executable, __file__, "check-dump", "--db", db, "--config",
                            args.config, "--out", out], check=True)  # fmt: skip
            with open(out) as file:
                results[label] = json.load(file)
            rows = results[label]["rows"]
            print(f"{label}: built in {seconds:.0f} s, {sum(map(len, rows.values())):,} rows "
                  f"in {len(rows)} tables", flush=True)  # fmt: skip
            if not args.keep:
                bench_common.dropdb(db, env_vars)
    copied, product = results["copied"], results["product"]
    problems = list(ledger_facts.diff(copied["rows"], product["rows"], "rows"))
    problems += ledger_facts.diff(copied["screens"], product["screens"], "screens")
    if problems:
        print(f"CITIES DIFFER ({len(problems)}):\n" + "\n".join(problems[:30]))
        return 1
    print(
        f"cities agree: {sum(map(len, copied['rows'].values())):,} rows of "
        f"{len(copied['rows'])} tables identical column by column (timestamps aside); the "
        f"clerk screens' figures of all {len(copied['screens'])} accounts identical (balance, "
        "open bills, bills, payments, read exceptions, statement of the last three years: "
        "opening, charges, credits, closing, rows)"
    )
    return 0


def city_facts(cr):
    facts = {}
    for label, query in (
        ("accounts", "SELECT count(*) FROM utility_account"),
        ("bills", "SELECT count(*) FROM account_move WHERE move_type = 'out_invoice'"),
        ("journal items", "SELECT count(*) FROM account_move_line"),
        ("payments", "SELECT count(*) FROM utility_payment"),
        ("open read exceptions", "SELECT count(*) FROM utility_reading_exception "
                                 "WHERE state = 'open'"),
        ("partners", "SELECT count(*) FROM res_partner"),
    ):  # fmt: skip
        cr.execute(query)
        facts[label] = cr.fetchone()[0]
    return ", ".join(f"{n:,} {label}" for label, n in facts.items())


# ----------------------------------------------------------------------
# Command line
# ----------------------------------------------------------------------
def _city_arguments(parser, db, *, n, long_accounts, ledger_chunk, every):
    """The options of the city ``build`` and ``check`` build."""
    parser.add_argument("--template", required=True, help="database with utility_billing")
    parser.add_argument("--db", default=db)
    parser.add_argument("--config", default=bench_common.DEFAULT_CONFIG)
    parser.add_argument("-n", type=int, default=n, help="accounts")
    parser.add_argument("--months", type=int, default=12, help="months billed for every account")
    parser.add_argument("--long-months", type=int, default=36, help="months of long histories")
    parser.add_argument("--long-accounts", type=int, default=long_accounts,
                        help="accounts with a long history")  # fmt: skip
    parser.add_argument("--ledger-chunk", type=int, default=ledger_chunk,
                        help="accounts per commit")  # fmt: skip
    parser.add_argument("--paid", type=float, default=0.85, help="share of the bills paid")
    parser.add_argument("--open-months", type=int, default=2, help="last bills left unpaid")
    parser.add_argument("--exception-every", type=int, default=every,
                        help="one meter in N held")  # fmt: skip


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="build (or finish building) the city")
    _city_arguments(b, DEFAULT_DB, n=100000, long_accounts=10000, ledger_chunk=1000, every=40)
    b.add_argument("--jobs", type=int, default=1, help="processes building the ledger")
    b.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    b.add_argument("--block", type=int, help="accounts built through the product, then copied")
    b.add_argument("--no-copy", action="store_true", help="every block through the product")
    b.add_argument("--first-block-only", action="store_true", help="stop after the first block")
    b.add_argument("--copy-jobs", type=int, default=1, help="processes copying the block")
    b.add_argument("--copy-worker", type=int, help=argparse.SUPPRESS)
    c = sub.add_parser("check", help="a city copied by blocks against the product's")
    _city_arguments(c, "ub_bench_screens_check", n=300, long_accounts=30, ledger_chunk=100,
                    every=20)  # fmt: skip
    c.add_argument("--block", type=int, default=100)
    c.add_argument("--keep", action="store_true", help="keep both databases")
    c.add_argument("--reuse", action="store_true", help="compare the databases kept before")
    d = sub.add_parser("check-dump", help=argparse.SUPPRESS)
    d.add_argument("--db", required=True)
    d.add_argument("--config", default=bench_common.DEFAULT_CONFIG)
    d.add_argument("--out", required=True)
    m = sub.add_parser("measure", help="p50 / p95 of each screen over HTTP")
    m.add_argument("--url", required=True)
    m.add_argument("--db", default=DEFAULT_DB)
    m.add_argument("--config", default=bench_common.DEFAULT_CONFIG)
    m.add_argument("--requests", default=DEFAULT_REQUESTS)
    m.add_argument("--samples", type=int, default=40, help="accounts per screen")
    m.add_argument("--login", default="demo_csr")
    m.add_argument("--only", help="screens whose name contains this")
    m.add_argument("--history", type=int, default=0, help="other accounts: at least N bills")
    m.add_argument("--json", help="write the timings here too")
    args = parser.parse_args()
    if args.command in ("build", "check") and args.block:
        if args.n % args.block or args.block % 100 or args.block % args.ledger_chunk:
            parser.error("-n must be a multiple of --block, itself of --ledger-chunk and of 100")
        if (args.long_accounts * args.block) % args.n or args.block % args.exception_every:
            parser.error("--block must hold whole shares of the long histories and exceptions")
    if args.command == "check":
        return check(args)
    if args.command == "check-dump":
        return check_dump(args)
    if args.command == "build":
        return build_blocks(args) if args.block else build(args)
    return measure(args)


# ----------------------------------------------------------------------
# Measure: one clerk at a time, over HTTP
# ----------------------------------------------------------------------
def sample_accounts(cr, count, seed=0.42, history=0):
    """``count`` accounts at random, half of them among the long histories
    (the heaviest forms and statements), the others among the accounts with
    at least ``history`` bills (a city whose ledger stage is not finished),
    the order shuffled the same way each run."""
    cr.execute("SELECT setseed(%s)", [seed])
    long_history = clerk_screens_replay.account_facts(
        cr,
        "a.id IN (SELECT utility_account_id FROM account_move "
        "WHERE move_type = 'out_invoice' GROUP BY 1 HAVING count(*) > 12)",
        limit=count // 2,
        order="random()",
    )
    where, params = "TRUE", []
    if history:
        where = (
            "a.id IN (SELECT utility_account_id FROM account_move "
            "WHERE move_type = 'out_invoice' GROUP BY 1 HAVING count(*) >= %s)"
        )
        params = [history]
    others = clerk_screens_replay.account_facts(
        cr, where, params, limit=count - len(long_history), order="random()"
    )
    accounts = long_history + others
    random.Random(seed).shuffle(accounts)
    return accounts


class Clerk:
    """A logged-in browser session of ``login`` (password = login, as the demo
    users have), sending the captured requests."""

    def __init__(self, url, db, login, password=None):
        import requests

        self.url = url.rstrip("/")
        self.http = requests.Session()
        answer = self.http.post(
            f"{self.url}/web/session/authenticate",
            json={"jsonrpc": "2.0", "params": {"db": db, "login": login,
                                               "password": password or login}},
        ).json()  # fmt: skip
        if answer.get("error") or not answer.get("result", {}).get("uid"):
            raise SystemExit(f"{login} cannot log in: {answer.get('error')}")
        page = self.http.get(f"{self.url}/odoo").text
        self.csrf = re.search(r'csrf_token: "([^"]+)"', page).group(1)

    def send(self, request):
        body, headers = request["body"], {}
        if isinstance(body, dict):  # a form post (the report download)
            data = {k: (self.csrf if v == clerk_screens_replay.CSRF else v)
                    for k, v in body.items()}  # fmt: skip
            started = time.perf_counter()
            response = self.http.post(self.url + request["path"], data=data)
            seconds = time.perf_counter() - started
            return response.status_code, None, seconds
        headers["Content-Type"] = request["content_type"] or "application/json"
        started = time.perf_counter()
        response = self.http.request(
            request["method"], self.url + request["path"], data=body, headers=headers
        )
        seconds = time.perf_counter() - started
        try:
            data = response.json()
        except ValueError:
            data = None
        return response.status_code, data, seconds


def _percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _uptime():
    return subprocess.run(["uptime"], check=True, capture_output=True, text=True).stdout.strip()


def measure(args):
    capture = clerk_screens_replay.Capture(args.requests)
    cr, _env = bench_common.admin_env(args.config, args.db)
    with cr:
        captured = clerk_screens_replay.account_facts(
            cr, "a.name = %s", [capture.captured["name"]], limit=1
        )
        capture.captured.update(captured[0])
        accounts = sample_accounts(cr, args.samples + 1, history=args.history)
        facts = city_facts(cr)
    warm, accounts = accounts[0], accounts[1:]
    clerk = Clerk(args.url, args.db, args.login)
    screens = [s for s in capture.order if not args.only or args.only in s]
    print(f"{args.db}: {facts}")
    print(f"{len(accounts)} accounts per screen, logged in as {args.login}, {args.url}")
    print(f"before: {_uptime()}")
    for screen in screens:  # warm-up: every worker's caches, not counted
        for _worker in range(2):
            clerk_screens_replay.run_screen(capture, screen, warm, clerk.send)
    results = {}
    for screen in screens:
        totals, per_request, errors = [], {}, []
        for account in accounts:
            timings = clerk_screens_replay.run_screen(capture, screen, account, clerk.send)
            totals.append(sum(seconds for _name, seconds, _error in timings))
            for name, seconds, error in timings:
                per_request.setdefault(name, []).append(seconds)
                if error:
                    errors.append(f"{account['name']}: {name}: {error}")
        results[screen] = {
            "p50": _percentile(totals, 0.5) * 1000,
            "p95": _percentile(totals, 0.95) * 1000,
            "max": max(totals) * 1000,
            "n": len(totals),
            "errors": errors,
            "requests": {
                name: [_percentile(v, 0.5) * 1000, _percentile(v, 0.95) * 1000]
                for name, v in per_request.items()
            },
        }
    print(f"after:  {_uptime()}")
    print(f"{'screen':48} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'n':>4} errors")
    for screen, r in results.items():
        print(f"{screen:48} {r['p50']:8.0f} {r['p95']:8.0f} {r['max']:8.0f} {r['n']:4} "
              f"{len(r['errors'])}")  # fmt: skip
        for name, (p50, p95) in r["requests"].items():
            print(f"    {name:44} {p50:8.0f} {p95:8.0f}")
        for error in r["errors"][:3]:
            print(f"    ERROR {error}")
    if args.json:
        with open(args.json, "w") as file:
            json.dump({"uptime": _uptime(), "results": results}, file, indent=1)
    return 1 if any(r["errors"] for r in results.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
