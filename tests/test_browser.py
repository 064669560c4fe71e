# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""End-to-end browser test: the demo town as a clerk sees it.

Installs utility_billing WITH its demo data in a throwaway database, serves it
on a free local port and drives Debian's chromium through
tests/browser/account_and_queue.mjs (playwright-core). Screenshots land in
<repo>/test-output/.

It manages its own database and Odoo server: it does not use the pytest-odoo
database of the run. Settings (environment, all optional):

- PGHOST, PGPORT, PGUSER, PGPASSWORD: database connection
  (default localhost, 5432, odoo, odoo).
- UB_BROWSER_DB: use this already installed database instead of creating one
  (it is neither updated nor dropped); its filestore is looked up in
  UB_BROWSER_DATA_DIR, else in the data_dir of the Odoo configuration loaded
  by the pytest run.
- UB_CHROMIUM: the chromium binary (default /usr/bin/chromium).
"""

import os
import re
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import psycopg2
import pytest
from psycopg2 import sql

import odoo

REPO_ROOT = Path(__file__).resolve().parent.parent
SCRIPT = REPO_ROOT / "tests" / "browser" / "account_and_queue.mjs"
OUTPUT_DIR = REPO_ROOT / "test-output"
SCREENSHOTS = (
    "account_form.png",
    "account_letters.png",
    "exception_queue.png",
    "work_orders_phone.png",
    "work_order_phone_form.png",
    "statement.png",
    "billing_run_posted.png",
    "deposit.png",
)

# The review queue must list at least this many read exceptions: the demo town's
# current month trips every read edit.
MIN_EXCEPTIONS = 1

INSTALL_TIMEOUT = 1800  # seconds; the demo town is most of the run
SERVER_START_TIMEOUT = 120
BROWSER_TIMEOUT = 300  # the first page also builds the asset bundles
LOG_ERROR = re.compile(r"^\S+ \S+ \d+ (ERROR|CRITICAL) ", re.MULTILINE)


def _pg_settings():
    return {
        "host": os.environ.get("PGHOST") or "localhost",
        "port": os.environ.get("PGPORT") or "5432",
        "user": os.environ.get("PGUSER") or "odoo",
        "password": os.environ.get("PGPASSWORD") or "odoo",
    }


def _odoo_root():
    """The directory holding odoo-bin, wherever `import odoo` resolves."""
    for package_dir in odoo.__path__:
        root = Path(package_dir).resolve().parent
        if (root / "odoo-bin").is_file():
            return root
    pytest.fail(f"no odoo-bin beside the odoo package ({list(odoo.__path__)})")


def _free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _tail(path, lines=60):
    try:
        return "\n".join(Path(path).read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


# With --workers, Odoo serves websockets on its gevent port behind a reverse
# proxy (README); without one, the web client's bus asks the HTTP workers and
# each attempt logs this. It is the deployment's, not the addon's, error.
# A prefork worker also logs the connections a browser opens ahead (speculative
# preconnect) and never sends a request on, when it drops them: "Request timed
# out" with no database.
KNOWN_ERRORS = ("Couldn't bind the websocket", "Request timed out: TimeoutError")


def _errors(path):
    """ERROR / CRITICAL records of an Odoo log, each with its traceback (but
    the known ones of a server without its reverse proxy)."""
    text = Path(path).read_text(errors="replace") if Path(path).exists() else ""
    starts = [match.start() for match in LOG_ERROR.finditer(text)]
    records = []
    for start in starts:
        record = text[start:].splitlines()
        # The record runs until the next log line (a line starting with a date).
        kept = [record[0]]
        for line in record[1:]:
            if re.match(r"^\d{4}-\d\d-\d\d ", line):
                break
            kept.append(line)
        text_of_record = "\n".join(kept)
        if any(known in text_of_record for known in KNOWN_ERRORS):
            continue
        records.append("\n".join(kept[-25:]))
    return records


def _drop_database(name):
    conn = psycopg2.connect(dbname="postgres", **_pg_settings())
    try:
        conn.autocommit = True
        with conn.cursor() as cr:
            cr.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
    finally:
        conn.close()


def _unlimited_address_space():
    """Lift the address-space limit the Odoo test process runs under (Odoo's
    limit_memory_hard, 2.5 GB): node reserves more than that for WebAssembly
    and chromium for its renderers, so they would die with "Out of memory"."""
    resource.setrlimit(resource.RLIMIT_AS, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))


def _check_browser_tools():
    """Fail early, before the long install, when the browser cannot run."""
    problems = []
    node = shutil.which("node")
    if not node:
        problems.append("`node` is not on PATH (install nodejs; `./ub setup` does)")
    if not (REPO_ROOT / "node_modules" / "playwright-core" / "package.json").is_file():
        problems.append(f"playwright-core is missing: run `npm ci` in {REPO_ROOT}")
    chromium = os.environ.get("UB_CHROMIUM") or "/usr/bin/chromium"
    if not os.access(chromium, os.X_OK):
        problems.append(f"no chromium at {chromium} (install Debian's chromium or set UB_CHROMIUM)")
    if problems:
        pytest.fail("the browser test cannot run:\n  - " + "\n  - ".join(problems))
    return node, chromium


def _write_config(path, db_name, data_dir, odoo_root):
    pg = _pg_settings()
    addons = [str(odoo_root / "addons"), str(REPO_ROOT)]
    path.write_text(
        "[options]\n"
        f"addons_path = {','.join(addons)}\n"
        f"data_dir = {data_dir}\n"
        f"db_host = {pg['host']}\n"
        f"db_port = {pg['port']}\n"
        f"db_user = {pg['user']}\n"
        f"db_password = {pg['password']}\n"
        f"dbfilter = ^{re.escape(db_name)}$\n"
        "list_db = False\n"
        "without_demo = False\n"
        # The job runner of queue_job (server-wide module): one job at a time,
        # as `./ub serve` runs it.
        "\n[queue_job]\n"
        "channels = root:1\n"
    )


def _wait_for_server(proc, base_url, log_path):
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"the Odoo server exited with {proc.returncode}:\n{_tail(log_path)}")
        try:
            with urllib.request.urlopen(f"{base_url}/web/login", timeout=10) as response:
                if response.status == 200:
                    break
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.5)
    else:
        pytest.fail(
            f"{base_url}/web/login did not answer in {SERVER_START_TIMEOUT}s:\n{_tail(log_path)}"
        )
    # The first static-file request maps every addon's static folder, parsing
    # the manifests; the browser's parallel first requests would do it in
    # several threads at once, which Python 3.11.7's parser does not survive
    # ("AST constructor recursion depth mismatch"). Do it once, alone.
    with urllib.request.urlopen(f"{base_url}/web/static/img/favicon.ico", timeout=30):
        pass


@pytest.fixture(scope="module")
def odoo_server():
    """Yield the base URL of an Odoo serving the demo town, then tear it all down."""
    tools = _check_browser_tools()
    odoo_root = _odoo_root()
    odoo_bin = str(odoo_root / "odoo-bin")
    reused_db = os.environ.get("UB_BROWSER_DB")
    db_name = reused_db or f"ub_browser_{os.getpid()}"
    workdir = Path(tempfile.mkdtemp(prefix="ub_browser_"))
    if reused_db:
        data_dir = os.environ.get("UB_BROWSER_DATA_DIR") or odoo.tools.config["data_dir"]
        data_dir = str(Path(data_dir).resolve())
    else:
        data_dir = str(workdir / "data")
    conf = workdir / "odoo.conf"
    _write_config(conf, db_name, data_dir, odoo_root)
    odoo_cmd = [sys.executable, odoo_bin, "-c", str(conf), "-d", db_name]
    env = dict(os.environ, **{f"PG{key.upper()}": value for key, value in _pg_settings().items()})
    server = None
    try:
        if not reused_db:
            _drop_database(db_name)
            install_log = workdir / "install.log"
            with install_log.open("w") as log:
                install = subprocess.run(
                    [*odoo_cmd, "-i", "utility_billing", "--stop-after-init", "--log-level=warn"],
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    env=env,
                    timeout=INSTALL_TIMEOUT,
                    check=False,
                )
            # Odoo logs a failed demo file and carries on: that is a failure here.
            errors = _errors(install_log)
            if install.returncode or errors:
                pytest.fail(
                    f"installing utility_billing with demo data in {db_name} failed "
                    f"(exit {install.returncode}):\n"
                    + ("\n".join(errors) if errors else _tail(install_log))
                )
        port = _free_port()
        base_url = f"http://127.0.0.1:{port}"
        server_log = workdir / "server.log"
        with server_log.open("w") as log:
            server = subprocess.Popen(
                [
                    *odoo_cmd,
                    "--http-interface=127.0.0.1",
                    f"--http-port={port}",
                    # As a city serves it: workers and the job runner, so a
                    # billing run posts through its jobs, not in-process.
                    "--workers=2",
                    f"--gevent-port={_free_port()}",
                    "--max-cron-threads=0",
                    "--load=web,queue_job",
                    "--limit-time-real=600",
                    "--log-level=warn",
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
            )
        _wait_for_server(server, base_url, server_log)
        yield {"url": base_url, "server_log": server_log, "tools": tools}
    finally:
        if server is not None and server.poll() is None:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        if not reused_db:
            _drop_database(db_name)
        shutil.rmtree(workdir, ignore_errors=True)


def test_account_form_and_exception_queue(odoo_server):
    """A clerk opens an account (customer, premise, services, balance) and the
    read-exception queue; the screenshots show what they would see."""
    node, chromium = odoo_server["tools"]
    OUTPUT_DIR.mkdir(exist_ok=True)
    for name in (*SCREENSHOTS, "failure.png", "statement.pdf", "account_status_letters.pdf"):
        (OUTPUT_DIR / name).unlink(missing_ok=True)
    command = [
        node,
        str(SCRIPT),
        *("--url", odoo_server["url"], "--out", str(OUTPUT_DIR), "--chromium", chromium),
        *("--min-exceptions", str(MIN_EXCEPTIONS)),
    ]
    try:
        run = subprocess.run(
            command,
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=BROWSER_TIMEOUT,
            check=False,
            preexec_fn=_unlimited_address_space,
        )
    except subprocess.TimeoutExpired as err:
        pytest.fail(f"the browser script ran over {BROWSER_TIMEOUT}s:\n{err.stdout or ''}")
    print(run.stdout)
    server_errors = _errors(odoo_server["server_log"])
    report = f"{run.stdout}\n{run.stderr}".strip()
    if server_errors:
        report += "\n\nthe Odoo server logged errors:\n" + "\n".join(server_errors)
    assert run.returncode == 0, f"the browser test failed:\n{report}"
    assert not server_errors, f"the browser session left errors in the server log:\n{report}"
    for name in SCREENSHOTS:
        shot = OUTPUT_DIR / name
        assert shot.is_file() and shot.stat().st_size > 10_000, f"{shot} is missing or blank"
    for name in ("statement.pdf", "account_status_letters.pdf"):
        pdf = OUTPUT_DIR / name
        assert pdf.is_file() and pdf.read_bytes().startswith(b"%PDF"), f"{pdf} is not a PDF"


PORTAL_SCRIPT = REPO_ROOT / "tests" / "browser" / "portal.mjs"
PORTAL_SCREENSHOTS = (
    "portal_home.png",
    "portal_accounts.png",
    "portal_account.png",
    "portal_autopay_refused.png",
)


def test_customer_portal(odoo_server):
    """The demo town's customer (demo_portal) on the portal: /my, the accounts
    list, an account's page with bills, payments and the usage chart, a bill's
    PDF, and a wrong routing number refused; the screenshots show each page."""
    node, chromium = odoo_server["tools"]
    OUTPUT_DIR.mkdir(exist_ok=True)
    for name in (*PORTAL_SCREENSHOTS, "portal_failure.png"):
        (OUTPUT_DIR / name).unlink(missing_ok=True)
    command = [
        node,
        str(PORTAL_SCRIPT),
        *("--url", odoo_server["url"], "--out", str(OUTPUT_DIR), "--chromium", chromium),
    ]
    try:
        run = subprocess.run(
            command,
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=BROWSER_TIMEOUT,
            check=False,
            preexec_fn=_unlimited_address_space,
        )
    except subprocess.TimeoutExpired as err:
        pytest.fail(f"the portal script ran over {BROWSER_TIMEOUT}s:\n{err.stdout or ''}")
    print(run.stdout)
    report = f"{run.stdout}\n{run.stderr}".strip()
    assert run.returncode == 0, f"the portal browser test failed:\n{report}"
    server_errors = _errors(odoo_server["server_log"])
    assert not server_errors, "the portal session left errors in the server log:\n" + "\n".join(
        server_errors
    )
    for name in PORTAL_SCREENSHOTS:
        shot = OUTPUT_DIR / name
        assert shot.is_file() and shot.stat().st_size > 10_000, f"{shot} is missing or blank"
