# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A cycle of billable accounts committed for the race tests of billing runs.

Built in a cursor of its own (the sides of a race see it), every name with a
random token, and removed at the end with plain SQL (posted bills, billed
periods and billed readings refuse an ORM unlink, on purpose).
"""

import uuid
from datetime import date

from odoo import Command

from .common_race import RaceMixin

PREVIOUS_READ = date(2025, 1, 3)
CURRENT_READ = date(2025, 2, 3)
ACCOUNTS = 4


class BillingRaceMixin(RaceMixin):
    def setUp(self):
        super().setUp()
        self.token = uuid.uuid4().hex[:6].upper()
        self.data = {}
        self.addCleanup(self._drop_data)
        with self.registry.cursor() as cr:
            self._create_data(self._env(cr))

    # ------------------------------------------------------------------
    # Committed data, and its removal
    # ------------------------------------------------------------------
    def _create_data(self, env):
        token = self.token
        journal = env["account.journal"].create(
            {"name": f"Race bills {token}", "code": f"R{token[:4]}", "type": "sale"}
        )
        types = {
            code: env.ref(f"utility_billing.service_type_{code}")
            for code in ("water", "sewer", "garbage")
        }
        lines = {
            "water": [
                {"name": "Base", "sequence": 10, "component": "fixed", "amount": 10.0},
                {"name": "Usage", "sequence": 20, "component": "unit", "price_unit": 2.0},
            ],
            "sewer": [{"name": "Usage", "sequence": 10, "component": "unit", "price_unit": 4.0}],
            "garbage": [{"name": "Cart", "sequence": 10, "component": "cart", "price_unit": 15.0}],
        }
        schedules = {
            code: env["utility.rate.schedule"].create(
                {
                    "name": f"Race {code} {token}",
                    "code": f"RC{token}-{code[0].upper()}",
                    "service_type_id": types[code].id,
                    "usage_unit": "kgal",
                    "volume_basis": "water" if code == "sewer" else "meter",
                    "version_ids": [
                        Command.create(
                            {
                                "date_start": "2024-01-01",
                                "line_ids": [Command.create(vals) for vals in lines[code]],
                            }
                        )
                    ],
                }
            )
            for code in types
        }
        cycle = env["utility.billing.cycle"].create(
            {"name": f"Race {token}", "code": f"RC{token}", "read_day_start": 1, "read_day_end": 10}
        )
        route = env["utility.route"].create(
            {"name": f"Race {token}", "code": f"RC{token}", "cycle_id": cycle.id}
        )
        accounts, meters = env["utility.demo.town"]._create_billable_accounts(
            ACCOUNTS, route, schedules, f"RC{token}", date(2024, 1, 1)
        )
        Reading = env["utility.meter.reading"]
        for day, value, read_type in (
            (PREVIOUS_READ, 100.0, "initial"),
            (CURRENT_READ, 107.0, "actual"),
        ):
            Reading.create(
                [
                    {"meter_id": meter.id, "date": day, "value": value, "read_type": read_type}
                    for meter in meters
                ]
            )
        self.data.update(
            journal=journal.id,
            schedules=[schedule.id for schedule in schedules.values()],
            cycle=cycle.id,
            route=route.id,
            accounts=accounts.ids,
            partners=accounts.partner_id.ids,
            locations=accounts.location_id.ids,
            meters=meters.ids,
            services=accounts.service_ids.ids,
        )

    def _drop_data(self):
        """Delete what the data and the races left, children first, in one transaction."""
        data = self.data
        if not data:
            return
        with self.registry.cursor() as cr:
            cr.execute("SELECT id FROM account_move WHERE journal_id = %s", [data["journal"]])
            moves = [row[0] for row in cr.fetchall()]
            cr.execute("SELECT id FROM utility_billing_run WHERE cycle_id = %s", [data["cycle"]])
            runs = [row[0] for row in cr.fetchall()]
            # The jobs a race test queued for real (a button outside no-delay).
            cr.execute(
                "DELETE FROM queue_job WHERE identity_key LIKE ANY(%s)",
                [[f"utility.billing.run,{run_id},%" for run_id in runs]],
            )
            cr.execute(
                "SELECT id FROM utility_meter_reading WHERE meter_id = ANY(%s)", [data["meters"]]
            )
            readings = [row[0] for row in cr.fetchall()]
            cr.execute(
                "SELECT id FROM utility_service_period WHERE service_id = ANY(%s)",
                [data["services"]],
            )
            periods = [row[0] for row in cr.fetchall()]
            cr.execute("SELECT id FROM account_move_line WHERE move_id = ANY(%s)", [moves])
            move_lines = [row[0] for row in cr.fetchall()]
            # The schedules' versions go with them (cascade), their chatter does not.
            cr.execute(
                "SELECT id FROM utility_rate_version WHERE schedule_id = ANY(%s)",
                [data["schedules"]],
            )
            versions = [row[0] for row in cr.fetchall()]
            self._delete_committed(
                cr,
                [
                    ("utility.service.period", periods),
                    ("account.move.line", move_lines),
                    ("account.move", moves),
                    ("utility.billing.run", runs),
                    ("utility.meter.reading", readings),
                    ("utility.account.service", data["services"]),
                    ("utility.meter", data["meters"]),
                    ("utility.account", data["accounts"]),
                    ("utility.service.location", data["locations"]),
                    ("res.partner", data["partners"]),
                    ("utility.rate.version", versions),
                    ("utility.rate.schedule", data["schedules"]),
                    ("utility.route", [data["route"]]),
                    ("utility.billing.cycle", [data["cycle"]]),
                    ("account.journal", [data["journal"]]),
                ],
            )
        self.data = {}

    def _new_run_vals(self):
        return {
            "cycle_id": self.data["cycle"],
            "journal_id": self.data["journal"],
            "date_from": date(2025, 2, 1),
            "date_to": date(2025, 2, 10),
            "date_invoice": date(2025, 2, 15),
            "date_due": date(2025, 3, 7),
            "date_penalty": date(2025, 3, 12),
        }
