# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models
from odoo.tools import SQL

from ..lib.units import UNITS


class UtilityConsumptionReport(models.Model):
    """Consumption by class (SPEC 2.9): one row per billed service period of a
    posted bill (``utility.service.period``), with the customer class the bill
    was priced with ("as billed", kept on the period; today's class for periods
    billed before it was kept), the usage of its billed readings and what the
    bill charged for the service before tax. A corrected bill replaces the one
    it cancels (the cancelled period is *credited*, not counted), so a period
    counts once. Group by service, class and bill month in the pivot or graph.
    """

    _name = "utility.consumption.report"
    _description = "Consumption by Class"
    _auto = False
    _order = "date desc, id desc"

    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    account_id = fields.Many2one("utility.account", readonly=True)
    service_type_id = fields.Many2one("utility.service.type", string="Service", readonly=True)
    customer_class_id = fields.Many2one(
        "utility.customer.class", string="Class Billed", readonly=True
    )
    cycle_id = fields.Many2one("utility.billing.cycle", string="Billing Cycle", readonly=True)
    move_id = fields.Many2one("account.move", string="Bill", readonly=True)
    date = fields.Date(string="Bill Date", readonly=True)
    date_from = fields.Date(string="Period From", readonly=True)
    date_to = fields.Date(string="Period To", readonly=True)
    usage = fields.Float(digits=(16, 3), readonly=True, aggregator="sum")
    usage_unit = fields.Selection(UNITS, string="Unit", readonly=True)
    amount_billed = fields.Monetary(string="Billed", readonly=True, aggregator="sum")

    @property
    def _table_query(self):
        return SQL(
            """
            SELECT p.id, p.company_id, p.account_id, p.service_type_id,
                   COALESCE(p.customer_class_id, loc.customer_class) AS customer_class_id,
                   a.cycle_id, p.move_id, mv.invoice_date AS date,
                   p.date_from, p.date_to,
                   COALESCE(u.usage, 0) AS usage, m.unit AS usage_unit,
                   COALESCE(b.amount, 0) AS amount_billed
              FROM utility_service_period p
              JOIN account_move mv ON mv.id = p.move_id AND mv.state = 'posted'
              JOIN utility_account_service s ON s.id = p.service_id
              JOIN utility_account a ON a.id = p.account_id
              LEFT JOIN utility_service_location loc ON loc.id = a.location_id
              LEFT JOIN utility_meter m ON m.id = s.meter_id
              -- The readings the period billed (as the bill builder reads them).
              LEFT JOIN LATERAL (
                  SELECT SUM(r.consumption) AS usage
                    FROM utility_meter_reading r
                   WHERE r.service_id = p.service_id AND r.state = 'billed'
                     AND r.date > p.date_from AND r.date <= p.date_to
              ) u ON TRUE
              LEFT JOIN LATERAL (
                  SELECT SUM(l.price_subtotal) AS amount
                    FROM account_move_line l
                   WHERE l.move_id = p.move_id AND l.utility_service_id = p.service_id
                     AND l.display_type = 'product'
              ) b ON TRUE
             WHERE p.state = 'billed'
            """
        )
