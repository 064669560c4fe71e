# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Link the rows to the meter sizes, cart sizes and customer classes of their
old keys (saved by pre-migrate); see ``utility.coded.mixin``."""

import logging

from odoo import SUPERUSER_ID, api

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    linked = env["utility.coded.mixin"]._migrate_selection_columns()
    for (table, column), count in linked.items():
        _logger.info("%s.%s: %s rows linked to their configuration entry", table, column, count)
