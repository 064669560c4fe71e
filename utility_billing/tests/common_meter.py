# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Fixtures of the meter and reading tests, reusable by the readings import tests.

``MeterCommon`` adds to the shared ``UtilityCommon`` (cycle, route, premise,
customer, account, rate schedules, one user per role): an active metered water
service on the account with a meter installed (6 dials, thousand gallons), a
spare meter in stock, and the read-edit thresholds set explicitly on the company.
"""

from datetime import date, timedelta

from .common import UtilityCommon

START = date(2024, 1, 1)


class MeterCommon(UtilityCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company.write(
            {
                "utility_high_usage_percent": 200.0,
                "utility_low_usage_percent": 25.0,
                "utility_usage_history_periods": 12,
                "utility_usage_min_average": 1.0,
                "utility_same_reading_periods": 3,
                "utility_max_consecutive_estimates": 2,
            }
        )
        cls.Reading = cls.env["utility.meter.reading"]
        cls.Exception = cls.env["utility.reading.exception"]
        cls.meter = cls._create_meter("MTR-0001", unit="kgal", dials=6)
        cls.spare = cls._create_meter("MTR-SPARE", unit="kgal", dials=6)
        cls.service = cls._add_metered_service(cls.account, cls.meter)
        cls.account.action_activate()

    @classmethod
    def _add_metered_service(cls, account, meter, date_start=START):
        """A water service on ``account`` with ``meter`` installed on ``date_start``."""
        service = cls._add_service(account, cls.water, date_start=date_start)
        meter._install_on_service(service, date_start, 0.0)
        service.meter_id = meter
        return service

    @classmethod
    def _read(cls, value, day, meter=None, **vals):
        """One reading of ``meter`` (the account's meter by default)."""
        return cls.Reading.create(
            dict({"meter_id": (meter or cls.meter).id, "date": day, "value": value}, **vals)
        )

    @classmethod
    def _read_history(cls, values, start=START, step=30, meter=None):
        """An initial read, then actual reads every ``step`` days, created in one batch.

        :return: the readings, oldest first
        """
        meter = meter or cls.meter
        vals_list = [
            {
                "meter_id": meter.id,
                "date": start + timedelta(days=step * index),
                "value": value,
                "read_type": "initial" if index == 0 else "actual",
            }
            for index, value in enumerate(values)
        ]
        return cls.Reading.create(vals_list).sorted("date")

    @staticmethod
    def _codes(reading):
        return sorted(reading.exception_ids.filtered(lambda e: e.state == "open").mapped("code"))
