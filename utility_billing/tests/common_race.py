# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Two real transactions racing: each side in its own thread and cursor.

The tests that need a race (billing runs, work orders against payments) commit
their data in a cursor of their own, run each side with :meth:`_side` and force
the interleaving with :meth:`_wait_until_blocked` (PostgreSQL shows the second
side waiting for a lock the first holds).
"""

import threading
import time

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL

# Seconds a side waits for the other before the test gives up (never hangs).
TIMEOUT = 20


class RaceMixin:
    # Context of every side's environment.
    race_context = {}

    def _env(self, cr):
        return api.Environment(cr, SUPERUSER_ID, dict(self.race_context))

    def _delete_committed(self, cr, records):
        """Delete what a race test committed, with its chatter: ``records`` is
        [(model name, ids)] in an order the rows can go (children first)."""
        for model, ids in records:
            cr.execute(
                "DELETE FROM mail_message WHERE model = %s AND res_id = ANY(%s)", [model, ids]
            )
            cr.execute(
                "DELETE FROM mail_followers WHERE res_model = %s AND res_id = ANY(%s)", [model, ids]
            )
        for model, ids in records:
            table = SQL.identifier(self.env[model]._table)
            cr.execute(SQL("DELETE FROM %s WHERE id = ANY(%s)", table, list(ids)))

    def _field_service_ids(self, cr, account_ids, premise_ids):
        """What a release of shut-offs or door hangers made for the accounts and
        premises: {"orders", "fsm_orders", "locations", "partners"} (ids; the
        premises' field service locations and their partners), for
        :meth:`_delete_committed`."""
        cr.execute(
            "SELECT id, fsm_order_id FROM utility_work_order WHERE account_id = ANY(%s)",
            [list(account_ids)],
        )
        orders = cr.fetchall()
        cr.execute(
            "SELECT f.id, f.partner_id FROM utility_service_location p "
            "JOIN fsm_location f ON f.id = p.fsm_location_id WHERE p.id = ANY(%s)",
            [list(premise_ids)],
        )
        locations = cr.fetchall()
        return {
            "orders": [row[0] for row in orders],
            "fsm_orders": [row[1] for row in orders if row[1]],
            "locations": [row[0] for row in locations],
            "partners": [row[1] for row in locations],
        }

    def _side(self, name, work, outcome):
        """Run ``work(env, outcome)`` in a thread, in a transaction of its own
        (committed when ``work`` returns, rolled back when it raises)."""

        def target():
            try:
                with self.registry.cursor() as cr:
                    # Transaction-scoped: the pooled connection keeps no setting.
                    cr.execute("SET LOCAL lock_timeout = %s", [f"{TIMEOUT}s"])
                    cr.execute("SELECT pg_backend_pid()")
                    outcome["pid"] = cr.fetchone()[0]
                    work(self._env(cr), outcome)
            except Exception as error:  # reported to the test's thread
                outcome["error"] = error

        return threading.Thread(target=target, name=name, daemon=True)

    def _wait_until_blocked(self, outcome):
        """Wait until the backend of ``outcome`` waits for a lock; True if it does
        (False once it failed or finished without waiting)."""
        deadline = time.monotonic() + TIMEOUT
        with self.registry.cursor() as cr:
            while time.monotonic() < deadline:
                if "error" in outcome or outcome.get("done"):
                    return False
                pid = outcome.get("pid")
                if pid:
                    cr.execute(
                        "SELECT 1 FROM pg_locks WHERE pid = %s AND NOT granted LIMIT 1", [pid]
                    )
                    if cr.fetchone():
                        return True
                time.sleep(0.02)
        return False
