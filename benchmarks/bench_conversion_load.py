# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Conversion from a legacy system: N accounts loaded by a conversion batch,
against Odoo's own import (``Model.load``, what Settings > Import does) of the
same accounts, in the same run.

    .venv/bin/python benchmarks/bench_conversion_load.py --db <db> [-n 10000] [--config var/hx.conf]

Needs a database where utility_billing is installed with a chart of accounts.
Each path runs in the same transaction and is rolled back after it: the
database is left as it was.

The file: N accounts with water (an installed kgal meter and its last
reading), sewer and, on four in five, a garbage cart; one customer in ten has
two accounts; a deposit on one in three, a balance on one in four (one in
forty in credit).

* **conversion**: ``utility.conversion.batch`` Check (parse, every code and
  duplicate checked in a few queries, control totals) then Load (one create
  per model, the opening balances posted by the bulk invoice writer, one
  deposits entry) and Finish (control totals again from the database).
* **baseline**: ``load()`` of the same rows model by model, as an implementer
  does it with Odoo's import (customers, premises, meters, accounts with
  their services as one2many rows, opening readings; records linked by
  external ids). It posts nothing: Odoo's import has no way to bring the
  opening balances and deposits to the ledger, nor activates an account
  (its status changes through its buttons).

Printed: wall and CPU seconds of each, accounts per second, and the rows each
wrote per table.
"""

import base64
import csv
import io
import random
import sys
from datetime import date

from bench_common import argument_parser, quiet, superuser_env, timed

TABLES = (
    "res_partner",
    "utility_service_location",
    "utility_meter",
    "utility_account",
    "utility_account_service",
    "utility_meter_install",
    "utility_meter_reading",
    "utility_customer_deposit",
    "account_move",
    "account_move_line",
    "account_partial_reconcile",
    "ir_model_data",
)


def setup(env):
    types = {c: env.ref(f"utility_billing.service_type_{c}") for c in ("water", "sewer", "garbage")}
    for code, service_type in types.items():
        env["utility.rate.schedule"].create(
            {
                "name": f"Bench {code}",
                "code": f"BCV-{code[0].upper()}",
                "service_type_id": service_type.id,
            }
        )
    cycle = env["utility.billing.cycle"].create({"name": "Bench conversion", "code": "BCV"})
    route = env["utility.route"].create({"name": "BCV", "code": "BCV-1", "cycle_id": cycle.id})
    rates = env["utility.rate.schedule"].search([("code", "like", "BCV-")])
    return {
        "route": route.id,
        "size": env["utility.meter.size"]._get_by_code(["5/8"])["5/8"].id,
        "class": env["utility.customer.class"]._get_by_code(["residential"])["residential"].id,
        "types": {code.upper(): t.id for code, t in types.items()},
        "rates": {rate.code: rate.id for rate in rates},
    }


def rows(n):
    rng = random.Random(7)
    out = []
    for i in range(n):
        customer = i - 1 if i % 10 == 1 else i  # one customer in ten: two accounts
        garbage = i % 5 != 4
        balance = i % 4 == 0
        out.append(
            {
                "account": f"L{100000 + i}",
                "customer_number": f"C{100000 + customer}",
                "customer": f"Legacy Customer {customer}",
                "mailing_street": f"PO Box {customer}",
                "mailing_city": "Prairie City",
                "mailing_state": "IA",
                "mailing_zip": "50228",
                "service_street": f"{i} Conversion Ave",
                "service_zip": "50228",
                "class": "residential",
                "route": "BCV-1",
                "services": "WATER:BCV-W;SEWER:BCV-S" + (";GARBAGE:BCV-G" if garbage else ""),
                "meter": f"BCV{i:07d}",
                "meter_size": "5/8",
                "meter_unit": "kgal",
                "last_read": f"{rng.randint(0, 99999)}",
                "last_read_date": "11/03/2025",
                "carts": "1" if garbage else "",
                "cart_size": "96" if garbage else "",
                "deposit": "75.00" if i % 3 == 0 else "",
                "deposit_date": "03/15/2024" if i % 3 == 0 else "",
                "balance_water": (f"{rng.randint(1000, 9000) / 100:.2f}" if i % 40 else "-12.50")
                if balance
                else "",
                "balance_sewer": f"{rng.randint(500, 6000) / 100:.2f}"
                if balance and i % 40
                else "",
                "balance_garbage": "",
                "balance_due_date": "10/20/2025" if balance else "",
            }
        )
    return out


def to_csv(records):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(records[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(records)
    return out.getvalue().encode()


def counts(env):
    env.flush_all()
    result = {}
    for table in TABLES:
        env.cr.execute(f"SELECT count(*) FROM {table}")
        result[table] = env.cr.fetchone()[0]
    return result


def conversion(env, records, _ids):
    batch = env["utility.conversion.batch"].create(
        {
            "name": "bench.csv",
            "file_data": base64.b64encode(to_csv(records)),
            "date_conversion": date(2025, 11, 30),
        }
    )
    batch.action_check()
    if batch.state != "checked":
        sys.exit(f"the bench file does not pass the check:\n{batch.problems[:2000]}")
    batch.action_load()
    batch.action_finish()
    env.flush_all()
    return batch


def baseline(env, records, ids):
    """Odoo's import, model by model, linked by external ids (database ids for
    the city's lists)."""
    state_ia = env["res.country.state"].search(
        [("code", "=", "IA"), ("country_id.code", "=", "US")]
    )
    partners, seen = [], set()
    for r in records:
        if r["customer_number"] not in seen:
            seen.add(r["customer_number"])
            partners.append(
                [
                    f"bench_p_{r['customer_number']}",
                    r["customer"],
                    r["customer_number"],
                    r["mailing_street"],
                    r["mailing_city"],
                    str(state_ia.id),
                    r["mailing_zip"],
                ]
            )
    results = [
        env["res.partner"].load(
            ["id", "name", "ref", "street", "city", "state_id/.id", "zip"], partners
        ),
        env["utility.service.location"].load(
            ["id", "street", "zip", "customer_class/.id", "route_id/.id"],
            [
                [
                    f"bench_l_{r['account']}",
                    r["service_street"],
                    r["service_zip"],
                    str(ids["class"]),
                    str(ids["route"]),
                ]
                for r in records
            ],
        ),
        env["utility.meter"].load(
            ["id", "name", "unit", "size/.id", "state", "location_id/id"],
            [
                [
                    f"bench_m_{r['account']}",
                    r["meter"],
                    "kgal",
                    str(ids["size"]),
                    "installed",
                    f"bench_l_{r['account']}",
                ]
                for r in records
            ],
        ),
    ]
    account_rows = []
    for r in records:
        for index, part in enumerate(r["services"].split(";")):
            code, rate = part.split(":")
            head = ["", "", "", "", ""]
            if index == 0:
                head = [
                    f"bench_a_{r['account']}",
                    r["account"],
                    f"bench_p_{r['customer_number']}",
                    f"bench_l_{r['account']}",
                    "2025-11-03",
                ]
            account_rows.append(
                [
                    *head,
                    str(ids["types"][code]),
                    str(ids["rates"][rate]),
                    f"bench_m_{r['account']}" if code == "WATER" else "",
                    "2025-11-03",
                    "1" if code == "GARBAGE" else "0",
                ]
            )
    results.append(
        env["utility.account"].load(
            [
                "id",
                "name",
                "partner_id/id",
                "location_id/id",
                "date_start",
                "service_ids/service_type_id/.id",
                "service_ids/rate_schedule_id/.id",
                "service_ids/meter_id/id",
                "service_ids/date_start",
                "service_ids/cart_count",
            ],
            account_rows,
        )
    )
    results.append(
        env["utility.meter.reading"].load(
            ["meter_id/id", "date", "value", "read_type"],
            [[f"bench_m_{r['account']}", "2025-11-03", r["last_read"], "initial"] for r in records],
        )
    )
    for result in results:
        errors = [m for m in result["messages"] if m.get("type") == "error"]
        if errors:
            sys.exit(f"the baseline import failed: {errors[:3]}")
    env.flush_all()


def main():
    args = argument_parser(__doc__.split("\n")[0], 10000).parse_args()
    cr, env = superuser_env(args.config, args.db)
    env = quiet(env)
    records = rows(args.n)
    figures = {}
    try:
        for name, path in (("conversion", conversion), ("baseline", baseline)):
            ids = setup(env)
            before = counts(env)
            _result, wall, cpu = timed(path, env, records, ids)
            after = counts(env)
            figures[name] = (wall, cpu, {t: after[t] - before[t] for t in TABLES})
            print(
                f"{name}: {args.n} accounts in {wall:.1f} s wall, {cpu:.1f} s CPU: "
                f"{args.n / wall:.0f} accounts/s",
                flush=True,
            )
            cr.rollback()
            env.invalidate_all()
            env.registry.clear_cache()
    finally:
        cr.rollback()
        cr.close()
    print(f"{'table':28} {'conversion':>11} {'baseline':>11}")
    for table in TABLES:
        print(
            f"{table:28} {figures['conversion'][2][table]:>11} {figures['baseline'][2][table]:>11}"
        )
    speedup = figures["baseline"][0] / figures["conversion"][0]
    print(f"conversion / baseline wall: {speedup:.1f}x faster")


if __name__ == "__main__":
    main()
