# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What the benchmark scripts share: an Odoo environment on a database, the
memory of this process, throw-away copies of a database and the child
processes each path runs in.

The scripts run as ``.venv/bin/python benchmarks/<script>.py``: Python puts
this folder on ``sys.path``, so they import this module as a sibling. Odoo
is imported only inside the functions (the PDF benchmark needs no Odoo).
"""

import argparse
import contextlib
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
DEFAULT_CONFIG = os.path.join(ROOT, "var", "dev.conf")
PG_DEFAULTS = {"PGHOST": "localhost", "PGUSER": "odoo", "PGPASSWORD": "odoo"}
# The columns of the lockbox CSV (layout utility_billing.payment_file_layout_lockbox_csv).
LOCKBOX_HEADER = ["Deposit Date", "Batch", "Item", "Account Number", "Scan Line", "Amount",
                  "Check Number", "Remitter"]  # fmt: skip


# ----------------------------------------------------------------------
# Odoo environment
# ----------------------------------------------------------------------
def argument_parser(description, n, **kwargs):
    """The options of a benchmark on a database: ``--db``, ``--config`` and ``-n``
    (default ``n``); ``kwargs`` go to ``argparse.ArgumentParser``."""
    parser = argparse.ArgumentParser(description=description, **kwargs)
    parser.add_argument("--db", required=True)
    parser.add_argument("--config", default=DEFAULT_CONFIG)
    parser.add_argument("-n", type=int, default=n)
    return parser


def _cursor(config, db, addons_path=None):
    sys.path.insert(0, ODOO)
    import odoo

    options = ["-c", config, "-d", db, "--log-level=warn"]
    if addons_path:
        options.append(f"--addons-path={addons_path}")
    odoo.tools.config.parse_config(options)
    return odoo.modules.registry.Registry(db).cursor()


def admin_env(config, db, addons_path=None, context=None):
    """(cursor, environment of the admin user in English and UTC) on ``db``;
    ``context`` adds keys to that context."""
    import odoo
    from odoo import api

    cr = _cursor(config, db, addons_path)
    admin = api.Environment(cr, odoo.SUPERUSER_ID, {}).ref("base.user_admin")
    return cr, api.Environment(cr, admin.id, {"lang": "en_US", "tz": "UTC", **(context or {})})


def quiet(env):
    """``env`` without chatter (creation messages, followers, tracking), as a data
    migration loads a city: set-ups of 100,000 accounts take minutes, not an hour."""
    return env(
        context=dict(
            env.context,
            tracking_disable=True,
            mail_create_nolog=True,
            mail_create_nosubscribe=True,
            mail_notrack=True,
        )
    )


def superuser_env(config, db):
    """(cursor, environment of the superuser in UTC) on ``db``."""
    import odoo
    from odoo import api

    cr = _cursor(config, db)
    return cr, api.Environment(cr, odoo.SUPERUSER_ID, {"tz": "UTC"})


def create_accounts(env, route, partner_vals_list, street):
    """One customer, one service location on ``route`` (``street`` formatted
    with the index) and one utility account per item of ``partner_vals_list``."""
    partners = env["res.partner"].create(partner_vals_list)
    locations = env["utility.service.location"].create(
        [{"street": street.format(i), "route_id": route.id} for i in range(len(partners))]
    )
    return env["utility.account"].create(
        [
            {"partner_id": p.id, "location_id": loc.id}
            for p, loc in zip(partners, locations, strict=True)
        ]
    )


# ----------------------------------------------------------------------
# Process memory and time
# ----------------------------------------------------------------------
def create_posted_moves_standard(env, invoice_vals_list):
    """The baseline: the writer's invoice dicts posted the standard Odoo way,
    ``account.move.create`` + ``action_post`` (the values the writer's own
    fall-back gives the ORM)."""
    writer = env["utility.move.writer"]
    moves = env["account.move"].create(
        [writer._prepare_standard_move_vals(vals) for vals in invoice_vals_list]
    )
    moves.action_post()
    return moves


def billed_town(env, prefix, journal_code=None):
    """What bench bills are posted on: water, sewer and garbage with their income
    accounts and (empty) rate schedules, a cycle and a route coded ``prefix``,
    and the sale journal ``journal_code`` (created; default: the billing run's).

    :return: dict(types, income, schedules, cycle, route, journal)
    """
    types = {
        code: env.ref(f"utility_billing.service_type_{code}")
        for code in ("water", "sewer", "garbage")
    }
    income = {}
    for index, (code, service_type) in enumerate(types.items()):
        income[code] = env["account.account"].create(
            {"code": f"4991{index}", "name": f"Bench {code}", "account_type": "income"}
        )
        service_type.account_income_id = income[code]
    schedules = {
        code: env["utility.rate.schedule"].create(
            {"name": f"Bench {code}", "code": f"{prefix}-{code}", "service_type_id": st.id}
        )
        for code, st in types.items()
    }
    cycle = env["utility.billing.cycle"].create({"name": f"Bench {prefix}", "code": prefix})
    route = env["utility.route"].create(
        {"name": prefix, "code": f"{prefix}-1", "cycle_id": cycle.id}
    )
    journal = (
        env["account.journal"].create(
            {"name": f"Utility bills (bench {prefix})", "code": journal_code, "type": "sale"}
        )
        if journal_code
        else env["utility.billing.run"]._default_journal()
    )
    return {
        "types": types,
        "income": income,
        "schedules": schedules,
        "cycle": cycle,
        "route": route,
        "journal": journal,
    }


def bill_vals(town, account, seed, invoice_date, date_due):
    """A three-line cycle bill of ``account`` (water 20-90, sewer 15-70, garbage
    16.75), amounts drawn from ``seed``, for ``utility.bill.builder._create_posted_moves``."""
    rng = random.Random(seed)
    lines = [
        {
            "name": f"{service_type.name} charges",
            "product_id": service_type.product_id.id,
            "account_id": town["income"][code].id,
            "quantity": 1.0,
            "price_unit": round(rng.uniform(*bounds), 2),
            "utility_service_type_id": service_type.id,
        }
        for (code, service_type), bounds in zip(
            town["types"].items(), ((20, 90), (15, 70), (16.75, 16.75)), strict=True
        )
    ]
    return {
        "partner_id": account.partner_id.id,
        "journal_id": town["journal"].id,
        "invoice_date": invoice_date,
        "invoice_date_due": date_due,
        "utility_account_id": account.id,
        "utility_location_id": account.location_id.id,
        "utility_bill_kind": "cycle",
        "lines": lines,
    }


def memory_kb(key):
    """Resident memory of this process in kB (VmRSS now, VmHWM peak)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def reset_peak_rss():
    # Linux: writing 5 to clear_refs resets VmHWM, so the peak is the run's own.
    try:
        with open("/proc/self/clear_refs", "w") as clear_refs:
            clear_refs.write("5")
    except OSError:
        pass


def start_memory_watch(trace_python=False):
    """Resident memory now (kB), then the peak reset to it (and the Python
    allocations traced with ``trace_python``): call it right before the
    timed part."""
    rss = memory_kb("VmRSS")
    reset_peak_rss()
    if trace_python:
        tracemalloc.start()
    return rss


def python_peak_kb(trace_python):
    """Peak of the Python allocations since ``start_memory_watch`` in kB
    (None when they were not traced)."""
    peak = tracemalloc.get_traced_memory()[1] if trace_python else None
    tracemalloc.stop()
    return peak and peak // 1024


def timed(function, *args):
    """(result, wall seconds, CPU seconds of this process): the machine may be shared."""
    start, cpu = time.perf_counter(), time.process_time()
    result = function(*args)
    return result, time.perf_counter() - start, time.process_time() - cpu


# ----------------------------------------------------------------------
# Throw-away databases
# ----------------------------------------------------------------------
def pg_env():
    """The environment of the PostgreSQL client tools: the development server."""
    return dict(os.environ, **PG_DEFAULTS)


def database_exists(name, env_vars):
    return bool(
        subprocess.run(
            ["psql", "-At", "-d", "postgres", "-c",
             f"SELECT 1 FROM pg_database WHERE datname = '{name}'"],
            check=True, capture_output=True, text=True, env=env_vars,
        ).stdout.strip()
    )  # fmt: skip


def dropdb(name, env_vars, check=False, stderr=None):
    subprocess.run(["dropdb", "--if-exists", name], check=check, env=env_vars, stderr=stderr)


def createdb(name, template, env_vars):
    subprocess.run(["createdb", "-T", template, name], check=True, env=env_vars)


def prepare_copy(template, name, setup_command, env_vars, analyze="VACUUM ANALYZE"):
    """``name``, a copy of ``template`` filled by ``setup_command`` (a process
    that commits), then ``analyze``d: real planner statistics. Dropped again
    when the set-up fails."""
    createdb(name, template, env_vars)
    try:
        subprocess.run(setup_command, check=True)
        subprocess.run(["psql", "-q", "-d", name, "-c", analyze], check=True, env=env_vars,
                       stderr=subprocess.DEVNULL)  # fmt: skip
    except BaseException:
        dropdb(name, env_vars)
        raise


@contextlib.contextmanager
def throwaway_copy(template, name, env_vars):
    """``with throwaway_copy(template, name, env_vars):`` a fresh copy of
    ``template`` named ``name``, dropped on the way out."""
    dropdb(name, env_vars, check=True, stderr=subprocess.DEVNULL)
    createdb(name, template, env_vars)
    try:
        yield name
    finally:
        dropdb(name, env_vars)


# ----------------------------------------------------------------------
# Child processes: one path each, the result handed back in a JSON file
# ----------------------------------------------------------------------
def run_child(command, out):
    """Run ``command`` (a child writing its result to ``out``), return that result."""
    subprocess.run(command, check=True)
    with open(out) as file:
        result = json.load(file)
    os.unlink(out)
    return result


def rolled_back(cr, work, out):
    """Call ``work()`` in the transaction of ``cr``, roll it back, close the
    cursor, and write the result ``work`` returns to ``out`` for the parent."""
    try:
        result = work()
    finally:
        cr.rollback()
        cr.close()
    with open(out, "w") as file:
        json.dump(result, file, default=str)
