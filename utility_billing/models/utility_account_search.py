# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

import psycopg2

from odoo import fields, models
from odoo.modules.db import has_trigram

_logger = logging.getLogger(__name__)


class UtilityAccount(models.Model):
    """How the counter finds an account: by its number, its customer's name or
    its service address, typed in one search box (and in the account lookup of
    the take-payment dialog).

    The customer's name and the premise's name and street are stored on the
    account with trigram indexes (PostgreSQL's pg_trgm), like the account
    number: a search for "1520 Elm" is one scan of three or four indexes of
    the accounts table, not a scan of every customer and every premise of the
    city (about 0.6 s at 65,000 accounts before, see README "Speed").
    """

    _inherit = "utility.account"  # pylint: disable=consider-merging-classes-inherited
    _rec_names_search = ["name", "partner_name", "location_name", "location_street"]

    partner_name = fields.Char(
        string="Customer Name", related="partner_id.name", store=True, index="trigram"
    )
    location_name = fields.Char(
        string="Premise Name", related="location_id.name", store=True, index="trigram"
    )
    location_street = fields.Char(
        string="Service Street", related="location_id.street", store=True, index="trigram"
    )

    def init(self):
        """pg_trgm, before Odoo makes the trigram indexes (right after the models'
        ``init``): Odoo creates it with a database it creates, not in a database
        a city's administrator created. It is a trusted extension: the database's
        owner may create it. Where it cannot be, the search works without the
        indexes, and a warning says so."""
        result = super().init()
        cr = self.env.cr
        if not has_trigram(cr):
            try:
                with cr.savepoint(flush=False):
                    cr.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            except psycopg2.Error as error:
                _logger.warning(
                    "Account searches scan the whole table: pg_trgm could not be created (%s).",
                    error,
                )
        self.env.registry.has_trigram = has_trigram(cr)
        return result
