# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Bill printing from posted invoices: reportlab batch against Odoo's QWeb PDF.

    .venv/bin/python benchmarks/bench_bill_printing.py --db <db> [-n 300] [--qweb-n N]
        [--config var/dev.conf] [--out /tmp/bills.pdf]

Needs a database where utility_billing is installed, and wkhtmltopdf for the
QWeb comparison. Everything happens in one transaction that is rolled back at
the end: the database is left as it was.

The set-up creates N accounts, each with a metered water service (14 monthly
readings, so a full 13-month chart), sewer and garbage, and one posted invoice
per account through the ORM (four lines, the water usage line carrying its
reading). Then, from a cold cache each time:

* **reportlab**: ``account.move._render_utility_bills_pdf()`` on the N invoices:
  ledger amounts, usage history and everything printed gathered in a fixed
  number of queries, then the whole batch drawn into one PDF;
* **QWeb**: Odoo's standard report path for the same report with the
  reportlab override switched off (``utility_bill_qweb`` context): the QWeb
  template of the same bill rendered to HTML and printed by wkhtmltopdf.

It prints bills per second (wall and per CPU second of this process; wkhtmltopdf
runs in a child process, so its CPU is not in the second figure) and the ratio.
"""

import logging
import os
import resource
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import date, timedelta
from pathlib import Path

from bench_common import argument_parser, create_accounts, superuser_env, timed

READ_START = date(2025, 2, 5)


def setup(env, n):
    from odoo import Command

    company = env.company
    company.write(
        {"street": "100 Civic Plaza", "city": "Prairie City", "zip": "66000", "phone": "555-0142"}
    )
    types = [
        env.ref(f"utility_billing.service_type_{code}") for code in ("water", "sewer", "garbage")
    ]
    schedules = env["utility.rate.schedule"].create(
        [
            {"name": f"Bench {t.name}", "code": f"BENCH-P-{t.code}", "service_type_id": t.id}
            for t in types
        ]
    )
    cycle = env["utility.billing.cycle"].create({"name": "Bench print", "code": "BENCH-P"})
    route = env["utility.route"].create(
        {"name": "Bench print", "code": "BENCH-P-1", "cycle_id": cycle.id}
    )
    accounts = create_accounts(
        env,
        route,
        [
            {
                "name": f"Bench Customer {i}",
                "street": f"{i} Mailing Rd",
                "city": "Prairie City",
                "zip": "66002",
            }
            for i in range(n)
        ],
        "{} Bench Print St",
    )
    services = env["utility.account.service"].create(
        [
            {
                "account_id": account.id,
                "service_type_id": t.id,
                "rate_schedule_id": s.id,
                "date_start": READ_START,
            }
            for account in accounts
            for t, s in zip(types, schedules, strict=True)
        ]
    )
    meters = env["utility.meter"].create(
        [{"name": f"BENCH-P-{i:05d}", "unit": "kgal", "dials": 6} for i in range(n)]
    )
    water_services = services.filtered(lambda s: s.service_type_id == types[0])
    for meter, service in zip(meters, water_services, strict=True):
        meter._install_on_service(service, READ_START, 0.0)
        service.meter_id = meter
    accounts.action_activate()
    reading_vals = []
    for index, meter in enumerate(meters):
        total = 0.0
        for step in range(14):
            if step:
                total += 5 + (index + step) % 7
            reading_vals.append(
                {
                    "meter_id": meter.id,
                    "date": READ_START + timedelta(days=30 * step),
                    "value": total,
                    "read_type": "initial" if step == 0 else "actual",
                }
            )
    readings = env["utility.meter.reading"].create(reading_vals)
    last_readings = readings.filtered(lambda r: r.date == READ_START + timedelta(days=390))
    last_by_meter = {r.meter_id.id: r for r in last_readings}
    by_account = {}
    for service in services:
        by_account.setdefault(service.account_id.id, {})[service.service_type_id] = service
    move_vals = []
    for account, meter in zip(accounts, meters, strict=True):
        reading = last_by_meter[meter.id]
        svc = by_account[account.id]

        def line(service_type, name, quantity, price, svc=svc, **vals):
            return Command.create(
                {
                    "name": name,
                    "quantity": quantity,
                    "price_unit": price,
                    "tax_ids": False,
                    "utility_service_id": svc[service_type].id,
                    "utility_service_type_id": service_type.id,
                    **vals,
                }
            )

        move_vals.append(
            {
                "move_type": "out_invoice",
                "partner_id": account.partner_id.id,
                "invoice_date": reading.date + timedelta(days=5),
                "invoice_date_due": reading.date + timedelta(days=26),
                "utility_account_id": account.id,
                "utility_location_id": account.location_id.id,
                "utility_period_start": reading.date - timedelta(days=29),
                "utility_period_end": reading.date,
                "utility_date_penalty": reading.date + timedelta(days=31),
                "utility_bill_kind": "cycle",
                "invoice_line_ids": [
                    line(types[0], "Base charge 5/8 in meter", 1, 18.50),
                    line(
                        types[0],
                        "Usage",
                        reading.consumption,
                        3.25,
                        utility_reading_id=reading.id,
                        utility_consumption=reading.consumption,
                    ),
                    line(types[1], "Sewer base charge", 1, 22.00),
                    line(types[2], "Refuse cart 96 gal", 1, 16.75),
                ],
            }
        )
    moves = env["account.move"].create(move_vals)
    # The planner still believes the tables are empty: Odoo's payment-state query
    # of the posting then takes minutes. Give it this transaction's statistics.
    env.flush_all()
    env.cr.execute("ANALYZE account_move, account_move_line, account_partial_reconcile")
    moves.action_post()
    env.flush_all()
    return moves


def start_asset_server(args):
    """An Odoo HTTP server for wkhtmltopdf to fetch the report's CSS from, as in production.

    :return: (process, base URL)
    """
    import odoo

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [
            sys.executable,
            shutil.which("odoo-bin")
            or str(Path(odoo.__file__).resolve().parent.parent / "odoo-bin"),
            "-c",
            args.config,
            "-d",
            args.db,
            "--db-filter",
            f"^{args.db}$",
            "--http-interface=127.0.0.1",
            f"--http-port={port}",
            "--workers=0",
            "--max-cron-threads=0",
            "--log-level=warn",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=dict(os.environ),
    )
    url = f"http://127.0.0.1:{port}"
    for _attempt in range(120):
        try:
            urllib.request.urlopen(f"{url}/web/health", timeout=2).read()
            return process, url
        except OSError:
            time.sleep(0.5)
    process.terminate()
    raise RuntimeError("the Odoo server for the report assets did not start")


def main():
    parser = argument_parser(__doc__.splitlines()[0], n=300)
    parser.add_argument(
        "--qweb-n", type=int, default=20, help="bills for QWeb bill by bill (default 20)"
    )
    parser.add_argument("--out", help="write the reportlab PDF here")
    parser.add_argument(
        "--report-url", help="a running Odoo server of this database (default: start one)"
    )
    args = parser.parse_args()
    cr, env = superuser_env(args.config, args.db)
    # Debian's wkhtmltopdf warns on every call that it ignores the header switches.
    logging.getLogger("odoo.addons.base.models.ir_actions_report").setLevel(logging.ERROR)
    server = None
    try:
        start = time.perf_counter()
        moves = setup(env, args.n)
        print(f"set-up: {len(moves)} posted invoices in {time.perf_counter() - start:.1f} s")
        env.invalidate_all()
        pdf, wall, cpu = timed(moves._render_utility_bills_pdf)
        print(
            f"reportlab: {len(moves)} bills in {wall:.2f} s: {len(moves) / wall:.0f} bills/s wall,"
            f" {len(moves) / cpu:.0f} per CPU second, {len(pdf) / len(moves) / 1024:.1f} kB/bill"
        )
        if args.out:
            Path(args.out).write_bytes(pdf)
        if not shutil.which("wkhtmltopdf"):
            print("QWeb: skipped, wkhtmltopdf is not installed")
            return
        server, url = (None, args.report_url) if args.report_url else start_asset_server(args)
        # Rolled back with the rest: the database keeps its own report.url.
        env["ir.config_parameter"].set_param("report.url", url)
        qweb_moves = moves[: args.qweb_n or len(moves)]
        reports = env["ir.actions.report"].with_context(utility_bill_qweb=True)
        name = "utility_billing.report_utility_bill"
        # Warm the asset bundle once (the server builds it on the first request).
        reports._render_qweb_pdf(name, moves[:1].ids)
        env.invalidate_all()

        def one_by_one():
            # Odoo's standard path. Debian's wkhtmltopdf (unpatched Qt) cannot
            # print several documents in one call: Odoo then works bill by bill,
            # as it does for the PDF of an e-mailed bill.
            return [reports._render_qweb_pdf(name, [move_id])[0] for move_id in qweb_moves.ids]

        pdfs, qwall, qcpu = timed(one_by_one)
        assert all(b"ReportLab" not in pdf[:200] for pdf in pdfs), "not QWeb"
        rate, qrate = len(moves) / wall, len(qweb_moves) / qwall
        print(
            f"QWeb + wkhtmltopdf, Odoo's report path bill by bill: {len(qweb_moves)} bills in"
            f" {qwall:.2f} s: {qrate:.2f} bills/s wall (Odoo process CPU {qcpu:.1f} s);"
            f" reportlab is {rate / qrate:.0f}x faster"
        )
        env.invalidate_all()

        def one_call():
            # QWeb's best case: the HTML of all N bills printed by one wkhtmltopdf call.
            html = reports._render_qweb_html(name, moves.ids)[0]
            return reports._run_wkhtmltopdf([html.decode()], report_ref=name)

        pdf, bwall, bcpu = timed(one_call)
        brate = len(moves) / bwall
        print(
            f"QWeb HTML of the {len(moves)} bills + one wkhtmltopdf call: {bwall:.2f} s:"
            f" {brate:.1f} bills/s wall, {len(pdf) / len(moves) / 1024:.1f} kB/bill"
            f" (Odoo process CPU {bcpu:.1f} s); reportlab is {rate / brate:.0f}x faster"
        )
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak memory {peak:.0f} MB")
    finally:
        if server:
            server.terminate()
            server.wait(timeout=30)
        cr.rollback()
        cr.close()


if __name__ == "__main__":
    sys.exit(main())
