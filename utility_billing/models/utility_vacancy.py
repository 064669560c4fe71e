# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class UtilityVacancy(models.Model):
    """Premises with no open account whose meter still registers use.

    One row per installed meter of a vacant premise (no pending or active
    account) with usage read after the last account ended: water running in an
    empty house (a leak, a squatter, a tenant who never signed up). A clerk
    compiles the list for the owner or a check read; the usage is what the
    meter registered, opening readings (which start a register run) excluded.
    """

    _name = "utility.vacancy"
    _description = "Vacant Premise Registering Use"
    _auto = False
    _order = "consumption desc, location_id"

    location_id = fields.Many2one("utility.service.location", string="Premise", readonly=True)
    owner_id = fields.Many2one("res.partner", readonly=True)
    meter_id = fields.Many2one("utility.meter", readonly=True)
    last_account_id = fields.Many2one("utility.account", readonly=True)
    date_vacant = fields.Date(string="Vacant Since", readonly=True)
    date_last_read = fields.Date(string="Last Read On", readonly=True)
    consumption = fields.Float(string="Usage Since Vacant", digits=(16, 3), readonly=True)
    reading_count = fields.Integer(string="Readings", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)

    @property
    def _table_query(self):
        return """
            SELECT m.id AS id,
                   m.id AS meter_id,
                   l.id AS location_id,
                   l.owner_id AS owner_id,
                   l.company_id AS company_id,
                   last.id AS last_account_id,
                   last.date_end AS date_vacant,
                   MAX(r.date) AS date_last_read,
                   SUM(r.consumption) AS consumption,
                   COUNT(r.id) AS reading_count
              FROM utility_meter m
              JOIN utility_service_location l ON l.id = m.location_id
              LEFT JOIN LATERAL (
                    SELECT a.id, a.date_end
                      FROM utility_account a
                     WHERE a.location_id = l.id
                     ORDER BY a.date_end DESC NULLS LAST, a.id DESC
                     LIMIT 1
                   ) last ON TRUE
              JOIN utility_meter_reading r
                ON r.meter_id = m.id
               AND r.state != 'cancelled'
               AND r.read_type != 'initial'
               AND (last.date_end IS NULL OR r.date > last.date_end)
             WHERE m.state = 'installed'
               AND NOT EXISTS (
                    SELECT 1 FROM utility_account a
                     WHERE a.location_id = l.id AND a.state IN ('pending', 'active')
                   )
             GROUP BY m.id, l.id, last.id, last.date_end
            HAVING SUM(r.consumption) > 0
        """

    def action_open_move_in(self):
        return self.location_id[:1].action_open_move_in()
