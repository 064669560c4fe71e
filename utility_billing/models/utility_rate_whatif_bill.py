# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from ..lib.units import UNITS


class UtilityRateWhatifBill(models.Model):
    """A month's bill of one proposed schedule and class at one usage: a typical
    customer's (10th, 50th, 90th percentile of last year's bills) or a usage of
    the table, at the rates in force and at the proposed rates."""

    _name = "utility.rate.whatif.bill"
    _description = "Rate What-If Bill"
    _inherit = ["utility.rate.whatif.line.mixin"]
    _order = "whatif_id, kind desc, schedule_id, customer_class, percentile, usage, id"

    kind = fields.Selection(
        [("percentile", "Typical Customer"), ("usage", "Chosen Usage")],
        required=True,
        readonly=True,
    )
    schedule_id = fields.Many2one("utility.rate.schedule", string="Rate Schedule", readonly=True)
    service_type_id = fields.Many2one("utility.service.type", string="Service", readonly=True)
    customer_class = fields.Many2one("utility.customer.class", string="Class", readonly=True)
    percentile = fields.Integer(
        readonly=True, aggregator=None, help="10: a tenth of the bills used less."
    )
    usage = fields.Float(digits=(16, 3), readonly=True, aggregator=None)
    usage_unit = fields.Selection(UNITS, string="Unit", readonly=True)
    meter_size = fields.Char(
        readonly=True, help="Meter size of the most common bill of the class at this usage."
    )
    amount_current = fields.Monetary(string="Rates in Force", readonly=True)
