# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

import psycopg2

from odoo import api, fields, models
from odoo.exceptions import UserError

_logger = logging.getLogger(__name__)
NO_OVERLAP = "utility_service_period_billed_no_overlap"


class UtilityServicePeriod(models.Model):
    """The exactly-once ledger of billing: one row per service and billed period.

    A service is billed at most once for any day: a partial unique index on
    ``(service_id, date_from) WHERE state = 'billed'`` makes the database refuse
    a second bill for the same period, and an exclusion constraint (btree_gist)
    refuses a billed period overlapping another one of the same service (a
    final bill or back-bill starting on another day), whatever run, job or user
    tries it. A credited period (cancel-and-rebill) leaves both and can be
    billed again. Rows are written by the billing code only (users read them).
    """

    _name = "utility.service.period"
    _description = "Billed Service Period"
    _order = "service_id, date_from desc, id desc"
    _rec_name = "service_id"
    _check_company_auto = True

    service_id = fields.Many2one(
        "utility.account.service",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
    )
    account_id = fields.Many2one(
        related="service_id.account_id", store=True, precompute=True, index=True
    )
    service_type_id = fields.Many2one(related="service_id.service_type_id", store=True)
    date_from = fields.Date(required=True, help="First day billed (the previous read date).")
    date_to = fields.Date(
        required=True, help="End of the billed period, excluded (the current read date)."
    )
    move_id = fields.Many2one(
        "account.move", string="Bill", index="btree_not_null", ondelete="restrict", readonly=True
    )
    run_id = fields.Many2one(
        "utility.billing.run", string="Billing Run", index="btree_not_null", readonly=True
    )
    state = fields.Selection(
        [("billed", "Billed"), ("credited", "Credited")],
        default="billed",
        required=True,
        index=True,
    )
    company_id = fields.Many2one(
        related="service_id.company_id", store=True, precompute=True, index=True
    )

    _sql_constraints = [
        (
            "dates_check",
            "CHECK(date_to >= date_from)",
            "A billed period cannot end before it starts.",
        ),
    ]

    def init(self):
        # The guarantee itself: the check in Python gives a clear message, this
        # index makes two concurrent transactions unable to bill the same period.
        self.env.cr.execute(
            """
            CREATE UNIQUE INDEX IF NOT EXISTS utility_service_period_billed_uniq
                ON utility_service_period (service_id, date_from)
             WHERE state = 'billed'
            """
        )
        self._init_no_overlap_constraint()

    def _init_no_overlap_constraint(self):
        """Two billed periods of a service never share a day (periods are
        half-open: one ends on the read date the next starts from).

        btree_gist is a trusted extension: the owner of the database creates
        it. Where it cannot be created, the billing code's own check remains
        and a warning says so.
        """
        cr = self.env.cr
        cr.execute("SELECT 1 FROM pg_constraint WHERE conname = %s", [NO_OVERLAP])
        if cr.fetchone():
            return
        try:
            with cr.savepoint(flush=False):
                cr.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
                cr.execute(
                    """
                    ALTER TABLE utility_service_period
                    ADD CONSTRAINT utility_service_period_billed_no_overlap
                    EXCLUDE USING gist (service_id WITH =, daterange(date_from, date_to) WITH &&)
                    WHERE (state = 'billed')
                    """
                )
        except psycopg2.Error as error:
            _logger.warning(
                "Overlapping billed periods are refused by the billing code only: "
                "the database constraint could not be added (%s).",
                error,
            )

    @api.model
    def _get_billed(self, keys):
        """Billed periods among ``keys``, in one query.

        :param keys: iterable of (service_id, date_from)
        :return: dict (service_id, date_from) -> utility.service.period record
        """
        keys = list(set(keys))
        if not keys:
            return {}
        self.flush_model(["service_id", "date_from", "state"])
        self.env.cr.execute(
            """
            SELECT p.id FROM utility_service_period p
              JOIN unnest(%s::int[], %s::date[]) AS k(service_id, date_from)
                ON k.service_id = p.service_id AND k.date_from = p.date_from
             WHERE p.state = 'billed'
            """,
            [[key[0] for key in keys], [key[1] for key in keys]],
        )
        periods = self.browse([row[0] for row in self.env.cr.fetchall()])
        return {(p.service_id.id, p.date_from): p for p in periods}

    @api.ondelete(at_uninstall=False)
    def _unlink_except_billed(self):
        if any(period.state == "billed" for period in self):
            raise UserError(
                self.env._(
                    "A billed period is the proof a bill exists: credit it, never delete it."
                )
            )
