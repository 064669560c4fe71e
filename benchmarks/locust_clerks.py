# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""20 clerks at once on the city of ``bench_clerk_screens.py`` (locust).

    .venv/bin/locust -f benchmarks/locust_clerks.py --headless -u 20 -r 2 -t 5m \\
        --host http://127.0.0.1:8111 --only-summary --csv /tmp/clerks

Each simulated clerk logs in as the demo CSR (its own session) and works the
counter: a screen, a pause of 2 to 8 seconds (talking with the customer,
typing), another screen; the screens in the proportions of a counter's day
(``MIX``), each for an account drawn at random from the city (half of them
long-standing ones), with the requests the web client sends
(``clerk_screens_replay``). Locust reports every request as
``<screen> | <model.method>`` and every screen as a whole (type ``SCREEN``:
the time of its requests one after the other). A JSON-RPC error counts as a
failure. Localhost only: the host must be 127.0.0.1 or localhost.

Environment: ``UB_BENCH_DB`` (default ub_bench_screens), ``UB_BENCH_REQUESTS``
(the capture), ``UB_BENCH_LOGIN`` (demo_csr), ``UB_BENCH_HISTORY`` (the other
half drawn among the accounts with at least that many bills: a city whose
ledger stage is not finished; default 0, any account), PGHOST / PGUSER /
PGPASSWORD.
"""

import os
import random
import time
from urllib.parse import urlparse

import clerk_screens_replay
import psycopg2
from locust import HttpUser, between, events, task

DB = os.environ.get("UB_BENCH_DB", "ub_bench_screens")
REQUESTS = os.environ.get(
    "UB_BENCH_REQUESTS", os.path.join(os.path.dirname(__file__), "clerk_screens_requests.json")
)
LOGIN = os.environ.get("UB_BENCH_LOGIN", "demo_csr")
HISTORY = int(os.environ.get("UB_BENCH_HISTORY", "0"))
# Screens of a counter's day, by weight.
MIX = {
    "account search by number": 12,
    "account search by name": 6,
    "account search by address": 6,
    "account form (balance, counts, tabs)": 12,
    "account open bills": 4,
    "account bills": 2,
    "account payments": 3,
    "statement of account (screen)": 3,
    "statement of account (PDF)": 1,
    "take payment: dialog with the balance": 6,
    "take payment: account lookup": 6,
    "read-exception queue": 2,
}
CAPTURE = clerk_screens_replay.Capture(REQUESTS)
ACCOUNTS = []


@events.init.add_listener
def _load_accounts(environment, **_kwargs):
    host = urlparse(environment.host or "").hostname
    if host not in ("127.0.0.1", "localhost"):
        raise SystemExit(f"locust_clerks.py runs against localhost only, not {host!r}")
    connection = psycopg2.connect(
        dbname=DB,
        host=os.environ.get("PGHOST", "localhost"),
        user=os.environ.get("PGUSER", "odoo"),
        password=os.environ.get("PGPASSWORD", "odoo"),
    )
    with connection, connection.cursor() as cr:
        captured = clerk_screens_replay.account_facts(
            cr, "a.name = %s", [CAPTURE.captured["name"]], limit=1
        )
        CAPTURE.captured.update(captured[0])
        cr.execute("SELECT setseed(0.7)")
        ACCOUNTS.extend(
            clerk_screens_replay.account_facts(
                cr,
                "a.id IN (SELECT utility_account_id FROM account_move "
                "WHERE move_type = 'out_invoice' GROUP BY 1 HAVING count(*) > 12)",
                limit=250,
                order="random()",
            )
        )
        where, params = "TRUE", []
        if HISTORY:
            where = (
                "a.id IN (SELECT utility_account_id FROM account_move "
                "WHERE move_type = 'out_invoice' GROUP BY 1 HAVING count(*) >= %s)"
            )
            params = [HISTORY]
        ACCOUNTS.extend(
            clerk_screens_replay.account_facts(cr, where, params, limit=250, order="random()")
        )
    connection.close()


class Clerk(HttpUser):
    wait_time = between(2, 8)

    def on_start(self):
        answer = self.client.post(
            "/web/session/authenticate",
            json={"jsonrpc": "2.0", "params": {"db": DB, "login": LOGIN, "password": LOGIN}},
            name="log in",
        ).json()
        if not answer.get("result", {}).get("uid"):
            raise RuntimeError(f"{LOGIN} cannot log in: {answer.get('error')}")
        page = self.client.get("/odoo", name="log in").text
        marker = 'csrf_token: "'
        start = page.index(marker) + len(marker)
        self.csrf = page[start : page.index('"', start)]

    def _send(self, screen):
        def send(request):
            name = f"{screen} | {request['name']}"
            body = request["body"]
            started = time.perf_counter()
            if isinstance(body, dict):  # the report download, a form post
                data = {
                    k: (self.csrf if v == clerk_screens_replay.CSRF else v) for k, v in body.items()
                }
                with self.client.post(request["path"], data=data, name=name,
                                      catch_response=True) as response:  # fmt: skip
                    if response.headers.get("Content-Type", "").startswith("application/pdf"):
                        response.success()
                    else:
                        response.failure("no PDF")
                return response.status_code, None, time.perf_counter() - started
            with self.client.request(
                request["method"],
                request["path"],
                data=body,
                headers={"Content-Type": request["content_type"] or "application/json"},
                name=name,
                catch_response=True,
            ) as response:
                try:
                    data = response.json()
                except ValueError:
                    data = None
                if isinstance(data, dict) and data.get("error"):
                    response.failure(str(data["error"].get("data", {}).get("message"))[:200])
            return response.status_code, data, time.perf_counter() - started

        return send

    @task
    def work_a_screen(self):
        screen = random.choices(list(MIX), weights=list(MIX.values()))[0]
        account = random.choice(ACCOUNTS)
        started = time.perf_counter()
        timings = clerk_screens_replay.run_screen(CAPTURE, screen, account, self._send(screen))
        errors = [error for _name, _seconds, error in timings if error]
        self.environment.events.request.fire(
            request_type="SCREEN",
            name=screen,
            response_time=sum(seconds for _n, seconds, _e in timings) * 1000,
            response_length=0,
            exception=RuntimeError(errors[0]) if errors else None,
            context={},
            start_time=started,
            url=None,
            response=None,
        )
