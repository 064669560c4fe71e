# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Readings import: the import wizard against Odoo's standard import of the same file.

    .venv/bin/python benchmarks/bench_readings_import.py --db <db> [-n 5000] [--config var/dev.conf]

Needs a database where utility_billing is installed. Everything happens in one
transaction that is rolled back at the end: the database is left as it was.

The set-up creates N premises with an account, a water service, an installed
meter and an initial reading. Then the same handheld CSV file of N readings is
loaded twice from that state:

* **baseline**: Odoo's standard import (`Model.load()`, what Settings > Import
  records does), meter found by its serial number row by row;
* **wizard**: `utility.meter.reading.import`, "Check file" then "Import": every
  row parsed, matched and validated, then one batched create with the read
  edits run over the whole batch.

It prints readings per second for both, the ratio, and the peak memory, and
checks both paths created the same readings with the same consumption.
"""

import base64
import csv
import datetime as dt
import io
import resource
import sys
import time

from bench_common import argument_parser, create_accounts, superuser_env


def setup(env, n, start):
    water = env.ref("utility_billing.service_type_water")
    schedule = env["utility.rate.schedule"].create(
        {"name": "Bench water", "code": "BENCH-W", "service_type_id": water.id}
    )
    cycle = env["utility.billing.cycle"].create({"name": "Bench cycle", "code": "BENCH"})
    route = env["utility.route"].create({"name": "Bench", "code": "BENCH-1", "cycle_id": cycle.id})
    accounts = create_accounts(
        env, route, [{"name": f"Bench customer {i}"} for i in range(n)], "{} Bench St"
    )
    meters = env["utility.meter"].create(
        [{"name": f"BENCH{i:07d}", "unit": "gallon", "dials": 7} for i in range(n)]
    )
    services = env["utility.account.service"].create(
        [
            {
                "account_id": a.id,
                "service_type_id": water.id,
                "rate_schedule_id": schedule.id,
                "meter_id": m.id,
                "date_start": start,
            }
            for a, m in zip(accounts, meters, strict=True)
        ]
    )
    for meter, service in zip(meters, services, strict=True):
        meter._install_on_service(service, start)
    services.write({"state": "active"})
    accounts.write({"state": "active"})
    env["utility.meter.reading"].create(
        [{"meter_id": m.id, "date": start, "value": 1000.0, "read_type": "initial"} for m in meters]
    )
    env.flush_all()
    return meters, accounts


def build_file(meters, accounts, read_date):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Meter", "Account", "Read Date", "Reading", "Read Type", "Reader", "Note"])
    for i, (meter, account) in enumerate(zip(meters, accounts, strict=True)):
        writer.writerow(
            [
                meter.name,
                account.name,
                read_date.strftime("%m/%d/%Y"),
                1000 + 4000 + i % 900,
                "A",
                "R7",
                "",
            ]
        )
    return out.getvalue().encode()


def run_baseline(env, meters, read_date):
    rows = [
        [meter.name, read_date.isoformat(), str(1000 + 4000 + i % 900), "actual"]
        for i, meter in enumerate(meters)
    ]
    started = time.perf_counter()
    result = env["utility.meter.reading"].load(["meter_id", "date", "value", "read_type"], rows)
    env.flush_all()
    elapsed = time.perf_counter() - started
    errors = [m for m in result["messages"] if m.get("type") == "error"]
    if errors:
        raise SystemExit(f"baseline import failed: {errors[:3]}")
    return elapsed, env["utility.meter.reading"].browse(result["ids"])


def run_wizard(env, data, read_date):
    started = time.perf_counter()
    wizard = env["utility.meter.reading.import"].create(
        {
            "file_data": base64.b64encode(data),
            "file_name": f"route-{read_date}.csv",
            "layout_id": env.ref("utility_billing.reading_file_layout_handheld_csv").id,
        }
    )
    wizard.action_check()
    wizard.action_import()
    env.flush_all()
    elapsed = time.perf_counter() - started
    readings = env["utility.meter.reading"].search(
        [("date", "=", read_date), ("source", "=", "import")]
    )
    return elapsed, readings


def summary(readings):
    return sorted((r.meter_id.name, r.value, r.consumption, r.state) for r in readings)


def main():
    parser = argument_parser(__doc__.splitlines()[0], n=5000)
    args = parser.parse_args()

    cr, env = superuser_env(args.config, args.db)
    try:
        start = dt.date(2026, 9, 1)
        read_date = dt.date(2026, 10, 1)
        print(
            f"set-up: {args.n} premises, accounts, meters, services and initial reads ...",
            flush=True,
        )
        t0 = time.perf_counter()
        meters, accounts = setup(env, args.n, start)
        print(f"  {time.perf_counter() - t0:.1f} s")
        data = build_file(meters, accounts, read_date)

        cr.execute("SAVEPOINT bench")
        base_time, base_readings = run_baseline(env, meters, read_date)
        base = summary(base_readings)
        cr.execute("ROLLBACK TO SAVEPOINT bench")
        env.invalidate_all()
        env.registry.clear_cache()

        wiz_time, wiz_readings = run_wizard(env, data, read_date)
        wiz = summary(wiz_readings)

        same = [(m, v, c) for m, v, c, _s in base] == [(m, v, c) for m, v, c, _s in wiz]
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        base_rate, wiz_rate = args.n / base_time, args.n / wiz_time
        print(
            f"baseline  Model.load (Odoo import): {base_rate:8.0f} readings/s ({base_time:.1f} s)"
        )
        print(f"wizard    check file + import:    {wiz_rate:8.0f} readings/s ({wiz_time:.1f} s)")
        print(f"ratio     {wiz_rate / base_rate:.1f}x    peak memory {peak_mb:.0f} MB")
        print(f"same readings and consumption on both paths: {'yes' if same else 'NO'}")
        held = sum(1 for *_x, state in wiz if state == "exception")
        print(f"readings held by the read edits: {held} (wizard path)")
        if not same:
            sys.exit(1)
    finally:
        cr.rollback()
        cr.close()


if __name__ == "__main__":
    main()
