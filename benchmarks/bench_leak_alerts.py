# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Leak alerts: an AMI interval file of N meters x 7 days of hourly reads,
imported and checked, against the ORM doing the same row by row and meter by meter.

    .venv/bin/python benchmarks/bench_leak_alerts.py --db <db> [-n 10000] [--config var/hx.conf]

Needs a database where utility_billing is installed. Everything happens in one
transaction that is rolled back at the end: the database is left as it was.

The set-up creates N premises with an account, a water service and an
installed gallon meter, and the head-end's CSV (``Meter_ID,Read_Time,
Consumption``) of 7 days x 24 hours per meter (10,000 meters: 1.68 million
rows, about 50 MB). One meter in a hundred has a running toilet (2 gallons
every hour for its last 60 hours), one in a hundred used five times its
usual water over its last 2 days; the others sleep at night.

* **import**, baseline: ``utility.meter.interval.create`` one row at a time
  (what a script calling the ORM per row does) on the first 20,000 rows,
  its rate extrapolated to the file; fast path: the import wizard (parse,
  match every row in a few queries, COPY per 100,000 rows) on the whole file.
* **check**, baseline: meter by meter through the ORM (its last read, its
  recent reads, its usual use: three searches per meter, the same pure rules,
  one ``create`` per alert); fast path: ``_check_leaks`` on the file (two
  grouped queries per 2,000 meters, one ``create`` for every alert).

Both checks must find the same alerts (meter, kind, start, end); the
customers are told on both paths.
"""

import base64
import csv
import datetime as dt
import io
import resource
import sys
import time
from datetime import timedelta

from bench_common import argument_parser, create_accounts, quiet, superuser_env

DAY_PROFILE = (0, 0, 0, 0, 0, 0, 8, 14, 10, 4, 3, 3, 5, 4, 3, 3, 4, 8, 12, 10, 8, 6, 2, 0)
DAYS = 7
BASELINE_ROWS = 20000


def setup(env, n, today):
    water = env.ref("utility_billing.service_type_water")
    schedule = env["utility.rate.schedule"].create(
        {"name": "Bench water", "code": "BENCH-LEAK", "service_type_id": water.id}
    )
    cycle = env["utility.billing.cycle"].create({"name": "Bench leak", "code": "BLEAK"})
    route = env["utility.route"].create({"name": "Bench", "code": "BLEAK-1", "cycle_id": cycle.id})
    accounts = create_accounts(
        env, route, [{"name": f"Bench customer {i}"} for i in range(n)], "{} Leak Bench St"
    )
    meters = env["utility.meter"].create(
        [
            {"name": f"BLEAK{i:07d}", "unit": "gallon", "dials": 7, "state": "installed"}
            for i in range(n)
        ]
    )
    env["utility.account.service"].create(
        [
            {
                "account_id": a.id,
                "service_type_id": water.id,
                "rate_schedule_id": schedule.id,
                "meter_id": m.id,
                "date_start": today - timedelta(days=400),
            }
            for a, m in zip(accounts, meters, strict=True)
        ]
    )
    accounts.action_activate()
    env.flush_all()
    return meters


def build_file(meters, start):
    """The head-end's CSV, and what each meter does (meter name -> 'flow' / 'jump')."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["Meter_ID", "Read_Time", "Consumption"])
    hours = DAYS * 24
    times = [start + timedelta(hours=h) for h in range(hours)]
    texts = [f"{t:%Y-%m-%d %H:%M}" for t in times]
    expected = {}
    for i, meter in enumerate(meters):
        scale = 1 + (i % 5) / 10
        kind = {7: "flow", 42: "jump"}.get(i % 100)
        if kind:
            expected[meter.name] = kind
        for h in range(hours):
            gallons = DAY_PROFILE[times[h].hour] * scale
            if kind == "flow" and h >= hours - 60:
                gallons += 2
            elif kind == "jump" and h >= hours - 48:
                gallons *= 5
            writer.writerow([meter.name, texts[h], f"{gallons:.1f}"])
    return out.getvalue().encode(), expected


def import_baseline(env, data, meters):
    """ORM create per row on the first BASELINE_ROWS rows: rows a second."""
    by_name = {m.name: m.id for m in meters}
    reader = csv.reader(io.StringIO(data.decode()))
    next(reader)
    Interval = quiet(env)["utility.meter.interval"]
    company = env.company.id
    started = time.perf_counter()
    for count, (name, when, usage) in enumerate(reader):
        if count == BASELINE_ROWS:
            break
        Interval.create(
            {
                "meter_id": by_name[name],
                "company_id": company,
                "date_start": dt.datetime.strptime(when, "%Y-%m-%d %H:%M"),
                "interval_minutes": 60,
                "usage": float(usage),
            }
        )
    env.flush_all()
    return BASELINE_ROWS / (time.perf_counter() - started)


def import_wizard(env, data):
    started = time.perf_counter()
    wizard = env["utility.meter.interval.import"].create(
        {
            "file_data": base64.b64encode(data),
            "file_name": "ami-week.csv",
            "layout_id": env.ref("utility_billing.interval_file_layout_ami_hourly").id,
        }
    )
    action = wizard.action_import()
    env.flush_all()
    return env["utility.interval.file"].browse(action["res_id"]), time.perf_counter() - started


def check_baseline(env, meters, file):
    """Meter by meter through the ORM: the same rules, one create per alert."""
    from odoo.addons.utility_billing.lib import leak_detection

    Interval, Alert = env["utility.meter.interval"], env["utility.leak.alert"]
    rules = env.company._get_utility_leak_rules()
    window = timedelta(days=rules.jump_days)
    started = time.perf_counter()
    created = Alert
    for meter in meters:
        last = Interval.search([("meter_id", "=", meter.id)], order="date_start desc", limit=1)
        if not last:
            continue
        stop = last.date_start + timedelta(minutes=last.interval_minutes)
        recent = Interval.search_read(
            [("meter_id", "=", meter.id), ("date_start", ">=", stop - rules.lookback)],
            ["date_start", "interval_minutes", "usage"],
            order="date_start",
        )
        usual = Interval._read_group(
            [
                ("meter_id", "=", meter.id),
                ("date_start", ">=", stop - window - timedelta(days=rules.baseline_days)),
                ("date_start", "<", stop - window),
            ],
            [],
            ["usage:sum", "interval_minutes:sum"],
        )[0]
        intervals = [(r["date_start"], r["interval_minutes"], r["usage"]) for r in recent]
        for finding in leak_detection.detect(intervals, usual[0] or 0.0, usual[1] or 0, rules):
            created |= (
                Alert._as_action()
                .with_context(mail_create_nolog=True)
                .create(
                    {
                        **Alert._prepare_figures(finding),
                        "meter_id": meter.id,
                        "account_id": meter.account_id.id,
                        "company_id": meter.company_id.id,
                        "kind": finding.kind,
                        "date_start": finding.date_start,
                        "file_id": file.id,
                    }
                )
            )
    created.with_env(env)._notify()
    env.flush_all()
    return created, time.perf_counter() - started


def check_fast(env, file):
    started = time.perf_counter()
    alerts = file._check_leaks()
    env.flush_all()
    return alerts, time.perf_counter() - started


def summary(alerts):
    return sorted(
        (a.meter_id.name, a.kind, a.date_start, a.date_end, a.state, a.notice_method)
        for a in alerts
    )


def main():
    parser = argument_parser(__doc__.splitlines()[0], n=10000)
    args = parser.parse_args()
    cr, env = superuser_env(args.config, args.db)
    env = env(context=dict(env.context, tz="UTC"))
    try:
        env.company.utility_import_max_size_mb = 200
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None, minute=0, second=0, microsecond=0)
        start = now - timedelta(days=DAYS, hours=1)
        print(f"set-up: {args.n} premises, accounts, services and installed meters ...", flush=True)
        t0 = time.perf_counter()
        meters = setup(env, args.n, now.date())
        data, expected = build_file(meters, start)
        rows = args.n * DAYS * 24
        print(
            f"  {time.perf_counter() - t0:.1f} s; file of {rows:,} rows, {len(data) / 1e6:.1f} MB",
            flush=True,
        )

        cr.execute("SAVEPOINT bench_import")
        base_rate = import_baseline(env, data, meters)
        cr.execute("ROLLBACK TO SAVEPOINT bench_import")
        env.invalidate_all()
        print(f"import baseline (ORM create per row, {BASELINE_ROWS:,} rows): "
              f"{base_rate:,.0f} rows/s", flush=True)  # fmt: skip

        file, wiz_time = import_wizard(env, data)
        assert file.interval_count == rows, file.interval_count
        wiz_rate = rows / wiz_time
        print(f"import wizard (check + COPY, {rows:,} rows): {wiz_rate:,.0f} rows/s "
              f"({wiz_time:.1f} s)", flush=True)  # fmt: skip

        cr.execute("SAVEPOINT bench_check")
        base_alerts, base_time = check_baseline(env, meters, file)
        base = summary(base_alerts)
        cr.execute("ROLLBACK TO SAVEPOINT bench_check")
        env.invalidate_all()
        print(f"check baseline (meter by meter, ORM): {len(base)} alerts in {base_time:.1f} s",
              flush=True)  # fmt: skip

        fast_alerts, fast_time = check_fast(env, file)
        fast = summary(fast_alerts)
        print(f"check (grouped queries): {len(fast)} alerts in {fast_time:.1f} s", flush=True)

        found = {(name, kind) for name, kind, *_rest in fast}
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        base_total = rows / base_rate + base_time
        fast_total = wiz_time + fast_time
        print(f"import ratio {wiz_rate / base_rate:.1f}x; check ratio {base_time / fast_time:.1f}x")
        print(f"import + check: {fast_total:.1f} s against {base_total:.1f} s for the baseline "
              f"(its import extrapolated): {base_total / fast_total:.1f}x; "
              f"peak memory {peak_mb:.0f} MB")  # fmt: skip
        same = base == fast
        print(f"same alerts both ways: {'yes' if same else 'NO'}")
        planted = found == set(expected.items())
        print(f"every planted leak found, nothing else: {'yes' if planted else 'NO'}")
        if not (same and planted):
            sys.exit(1)
    finally:
        cr.rollback()
        cr.close()


if __name__ == "__main__":
    main()
