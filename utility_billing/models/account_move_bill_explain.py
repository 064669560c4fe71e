# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import models

from ..lib import bill_explain
from ..lib.rating import to_decimal
from .account_move_bill import UNIT_SHORT
from .utility_meter_reading_usage import USAGE_READING_STATES

# How far from "one year earlier" a reading still counts as the same period.
LAST_YEAR_TOLERANCE_DAYS = 20


class AccountMove(models.Model):
    _inherit = "account.move"  # pylint: disable=consider-merging-classes-inherited

    def _get_bill_explanations(self, date_format="%m/%d/%Y"):
        """The "why this bill differs" sentence of each bill, from its main meter.

        The main meter is the one of the bill's latest reading. Its usage and
        days over the bill's period are compared with the reading before the
        period (the last period) and with the reading closest to one year
        earlier; a rate version of the bill's schedules starting since the last
        period began is named. A fixed number of queries for the whole batch.

        :return: dict move id -> str (only bills with something to explain)
        """
        # Everything read per bill below, fetched for the whole batch first.
        lines = self.invoice_line_ids
        lines.fetch(["utility_reading_id", "utility_service_id"])
        lines.utility_service_id.fetch(["rate_schedule_id"])
        all_readings = lines.utility_reading_id
        all_readings.fetch(["date", "service_id", "meter_id", "consumption", "previous_reading_id"])
        all_readings.meter_id.fetch(["unit"])
        all_readings.previous_reading_id.fetch(
            ["date", "state", "read_type", "days", "consumption"]
        )
        readings_by_move = {}
        for move in self:
            readings = move.invoice_line_ids.utility_reading_id
            if readings and move.utility_period_start and move.utility_period_end:
                last = readings.sorted(lambda r: (r.date, r.id))[-1]
                readings_by_move[move] = readings.filtered(
                    lambda r, service=last.service_id: r.service_id == service
                ).sorted(lambda r: (r.date, r.id))
        if not readings_by_move:
            return {}
        last_year = self._get_bill_last_year_readings(readings_by_move)
        versions = self._get_bill_rate_versions(readings_by_move)
        explanations = {}
        for move, readings in readings_by_move.items():
            main = readings[-1]
            previous = readings[0].previous_reading_id
            has_previous = (
                previous
                and previous.state in USAGE_READING_STATES
                and previous.read_type != "initial"
                and previous.days > 0
            )
            since = (
                previous.date - timedelta(days=previous.days)
                if has_previous
                else move.utility_period_start
            )
            schedules = move.invoice_line_ids.utility_service_id.rate_schedule_id
            changes = [
                version.date_start
                for version in versions
                if version.schedule_id in schedules
                and since < version.date_start <= move.utility_period_end
            ]
            year_ago = last_year.get(main.id)
            text = bill_explain.explain_usage(
                bill_explain.PeriodUsage(
                    sum((to_decimal(r.consumption) for r in readings), to_decimal(0)),
                    (move.utility_period_end - move.utility_period_start).days,
                ),
                previous=bill_explain.PeriodUsage(to_decimal(previous.consumption), previous.days)
                if has_previous
                else None,
                last_year=bill_explain.PeriodUsage(to_decimal(year_ago.consumption), year_ago.days)
                if year_ago
                else None,
                unit=UNIT_SHORT.get(main.meter_id.unit, main.meter_id.unit or ""),
                rate_change=max(changes) if changes else None,
                date_format=date_format,
            )
            if text:
                explanations[move.id] = text
        return explanations

    def _get_bill_last_year_readings(self, readings_by_move):
        """Reading id -> the reading of its service closest to one year earlier."""
        mains = self.env["utility.meter.reading"].concat(
            *(readings[-1] for readings in readings_by_move.values())
        )
        targets = {main.id: bill_explain.year_before(main.date) for main in mains}
        tolerance = timedelta(days=LAST_YEAR_TOLERANCE_DAYS)
        candidates = self.env["utility.meter.reading"].search_fetch(
            [
                ("service_id", "in", mains.service_id.ids),
                ("date", ">=", min(targets.values()) - tolerance),
                ("date", "<=", max(targets.values()) + tolerance),
                ("state", "in", USAGE_READING_STATES),
                ("read_type", "!=", "initial"),
                ("days", ">", 0),
            ],
            ["service_id", "date", "consumption", "days"],
        )
        by_service = {}
        for reading in candidates:
            by_service.setdefault(reading.service_id.id, []).append((reading.date, reading))
        return {
            main.id: bill_explain.closest_period(
                by_service.get(main.service_id.id, ()),
                targets[main.id],
                LAST_YEAR_TOLERANCE_DAYS,
            )
            for main in mains
        }

    def _get_bill_rate_versions(self, readings_by_move):
        """Rate versions of the bills' schedules that start inside the time the
        explanations look at (from a year before the earliest bill)."""
        moves = self.browse([move.id for move in readings_by_move])
        schedules = moves.invoice_line_ids.utility_service_id.rate_schedule_id
        if not schedules:
            return self.env["utility.rate.version"]
        return self.env["utility.rate.version"].search_fetch(
            [
                ("schedule_id", "in", schedules.ids),
                ("is_proposed", "=", False),
                (
                    "date_start",
                    ">",
                    min(moves.mapped("utility_period_start")) - timedelta(days=400),
                ),
                ("date_start", "<=", max(moves.mapped("utility_period_end"))),
            ],
            ["schedule_id", "date_start"],
        )
