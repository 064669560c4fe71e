# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Monthly usage of accounts from their readings: the bill's 13-month chart and
the customer portal's chart per metered service read the same months."""

from collections import defaultdict

from odoo import api, models
from odoo.tools import SQL

# Readings that count in the usage history: held or cancelled reads were not billed.
USAGE_READING_STATES = ("valid", "billed")


class UtilityMeterReading(models.Model):
    _inherit = "utility.meter.reading"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _get_monthly_usage(self, account_ids, first, last, by_service=False):
        """Consumption per month of ``account_ids`` from ``first`` to ``last``
        (first days of months, ``last`` excluded), in one grouped query.

        A reading's consumption counts in the month of the middle of its read
        period: reads taken every 30 days drift across month ends, and by read
        date one month would get two reads and the next none. Only billed or
        billable readings count.

        :return: {account id: {month: consumption}}, or with ``by_service``
            {(account id, service id): {month: consumption}}
        """
        self.flush_model(["account_id", "service_id", "date", "days", "consumption", "state"])
        key = SQL("account_id, service_id") if by_service else SQL("account_id")
        self.env.cr.execute(
            SQL(
                """
                SELECT %(key)s, month, SUM(consumption)
                  FROM (
                      SELECT account_id, service_id, consumption,
                             date_trunc('month', date - COALESCE(days, 0) / 2)::date AS month
                        FROM utility_meter_reading
                       WHERE account_id = ANY(%(accounts)s)
                         AND state IN %(states)s
                         AND date >= %(first)s
                         AND date < %(last)s + interval '1 month'
                  ) r
                 WHERE month >= %(first)s AND month < %(last)s
                 GROUP BY %(key)s, month
                """,
                key=key,
                accounts=list(account_ids),
                states=USAGE_READING_STATES,
                first=first,
                last=last,
            )
        )
        result = defaultdict(dict)
        for *ids, month, consumption in self.env.cr.fetchall():
            result[tuple(ids) if by_service else ids[0]][month] = consumption or 0.0
        return result
