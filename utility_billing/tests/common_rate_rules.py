# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Published rate rules billed through a billing run to the posted invoice.

Each case is a real city's published rule (cited in the test's docstring): one
account with the services the rule needs is read, billed by a billing run,
posted, and its invoice's lines and total are compared with cents computed by
hand. :meth:`RateRulesCommon._calculate` rates the same account with the rate
calculator, so one test can prove both agree on every case.
"""

from datetime import date, timedelta
from decimal import Decimal

from odoo import Command

from .common_billing import BillingCommon


class RateRulesCommon(BillingCommon):
    def setUp(self):
        super().setUp()
        # Cycles are made by the test that needs them: its rollback drops them.
        self.cycles = {}

    # ------------------------------------------------------------------
    # Configuration
    # ------------------------------------------------------------------
    @classmethod
    def _schedule(cls, code, service_type, lines, versions=None, **vals):
        """A schedule whose one version (from 2024-01-01) holds ``lines``;
        ``versions`` adds vals to that version (partial-period rule...)."""
        return cls.env["utility.rate.schedule"].create(
            dict(
                {
                    "name": f"{service_type.name} {code}",
                    "code": code,
                    "service_type_id": service_type.id,
                    "usage_unit": "kgal",
                    "version_ids": [
                        Command.create(
                            dict(
                                {
                                    "date_start": "2024-01-01",
                                    "line_ids": [
                                        Command.create(dict({"sequence": 10 * (i + 1)}, **line))
                                        for i, line in enumerate(lines)
                                    ],
                                },
                                **(versions or {}),
                            )
                        )
                    ],
                },
                **vals,
            )
        )

    def _cycle(self, months):
        if months not in self.cycles:
            cycle = self.env["utility.billing.cycle"].create(
                {
                    "name": f"Rules {months}",
                    "code": f"RR{months}",
                    "frequency_months": months,
                    "read_day_start": 1,
                    "read_day_end": 10,
                    "bill_day": 15,
                    "due_days": 20,
                    "penalty_days": 5,
                }
            )
            self.env["utility.route"].create(
                {"name": f"Rules {months}", "code": f"RR{months}-1", "cycle_id": cycle.id}
            )
            self.cycles[months] = cycle
        return self.cycles[months]

    def _account(self, services, months=1, meter_unit="kgal", meter_size="5/8", **account_vals):
        """An active account on a ``months``-month cycle with ``services``: a list
        of (schedule, service vals); the metered ones share one meter."""
        cycle = self._cycle(months)
        location = self.env["utility.service.location"].create(
            {
                "street": "1 Rules Street",
                "city": "Prairie City",
                "route_id": cycle.route_ids[:1].id,
                **(
                    {"customer_class": self._customer_class(account_vals.pop("customer_class")).id}
                    if "customer_class" in account_vals
                    else {}
                ),
            }
        )
        account = self.env["utility.account"].create(
            dict(
                {
                    "partner_id": self.env["res.partner"].create({"name": "Rules Customer"}).id,
                    "location_id": location.id,
                },
                **account_vals,
            )
        )
        meter = self.env["utility.meter"].create(
            {
                "name": f"RR-M{account.id}",
                "size": self._meter_size(meter_size).id,
                "unit": meter_unit,
                "dials": 7,
                "state": "installed",
                "location_id": location.id,
            }
        )
        self.env["utility.account.service"].create(
            [
                dict(
                    {
                        "account_id": account.id,
                        "date_start": date(2024, 1, 1),
                        "service_type_id": schedule.service_type_id.id,
                        "rate_schedule_id": schedule.id,
                        "meter_id": meter.id if schedule.service_type_id.is_metered else False,
                    },
                    **vals,
                )
                for schedule, vals in services
            ]
        )
        account.action_activate()
        return account

    def _read(self, account, usage, read_from, read_to):
        meter = account.service_ids.meter_id[:1]
        self._read_meters(meter, read_from, [0.0], read_type="initial")
        self._read_meters(meter, read_to, [float(usage)])

    def _bill(self, account, read_to, calculator=None):
        """Bill ``account`` by a billing run over the read window of ``read_to``
        and post it: the posted invoice. The rate calculator, filled from the
        account for the same period and usage (``calculator``: what a clerk
        types besides, e.g. the days of service), must give the same lines and
        total: every case proves both agree."""
        run = self._new_run(
            cycle=account.cycle_id,
            date_from=read_to - timedelta(days=2),
            date_to=read_to + timedelta(days=2),
            date_invoice=read_to + timedelta(days=5),
            date_due=read_to + timedelta(days=25),
            date_penalty=read_to + timedelta(days=30),
        )
        self._rate_run(run)
        line = run.line_ids.filtered(lambda line: line.account_id == account)
        self.assertEqual(line.state, "ok", line.message)
        run.action_post()
        move = run.move_ids.filtered(lambda move: move.utility_account_id == account)
        self.assertEqual(move.state, "posted")
        self._assert_calculator_agrees(account, line, move, dict(calculator or {}))
        return move

    def _assert_calculator_agrees(self, account, run_line, move, vals):
        reading = run_line.reading_ids.sorted("date")[-1:]
        energy = run_line.reading_ids.filtered(lambda r: r.meter_id.unit == "kwh")
        water = run_line.reading_ids - energy
        total, calc = self._calculate(
            account,
            vals.pop("date_from", run_line.date_from),
            vals.pop("date_to", run_line.date_to),
            sum((water or energy).mapped("consumption")),
            energy_usage=sum(energy.mapped("consumption")),
            **vals,
        )
        self.assertTrue(reading)
        self.assertEqual(total, Decimal(str(move.amount_total)).quantize(Decimal("0.01")))
        self.assertEqual(
            sorted(
                Decimal(str(a)).quantize(Decimal("0.01")) for a in calc.line_ids.mapped("amount")
            ),
            sorted(amount for _name, amount in self._lines(move)),
        )

    def _rate_run(self, run):
        run.action_compute()
        return run

    def _lines(self, move):
        """(label, amount) of each invoice line, in order."""
        return [
            (line.name, Decimal(str(line.price_subtotal)).quantize(Decimal("0.01")))
            for line in move.invoice_line_ids.sorted("sequence")
        ]

    def _assert_bill(self, move, total, amounts):
        """The posted invoice totals ``total`` and its lines are ``amounts``."""
        self.assertEqual(Decimal(str(move.amount_total)).quantize(Decimal("0.01")), Decimal(total))
        self.assertEqual(
            sorted(amount for _name, amount in self._lines(move)),
            sorted(Decimal(a) for a in amounts),
        )
        self.assertEqual(
            sum(Decimal(str(line.balance)) for line in move.line_ids).quantize(Decimal("0.01")),
            Decimal("0.00"),
        )

    def _calculate(self, account, read_from, read_to, usage, **vals):
        """The rate calculator's total for the account's schedules on the same period."""
        calc = self.env["utility.rate.calculator"].create(
            dict(
                {
                    "account_id": account.id,
                    "date_from": read_from,
                    "date_to": read_to,
                    "usage": float(usage),
                    "period_factor": account.cycle_id.frequency_months,
                },
                **vals,
            )
        )
        meters = account.service_ids.meter_id
        calc.usage_unit = (meters.filtered(lambda m: m.unit != "kwh") or meters)[:1].unit or (
            calc.usage_unit
        )
        calc.action_compute()
        return Decimal(str(calc.amount_total)).quantize(Decimal("0.01")), calc
