# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class UtilityServicePeriod(models.Model):
    """What a billed period was priced with: the customer class, the meter
    size and the rate schedule of the service when its bill was posted. The
    rate what-if prices last year's bills again with them, so a customer who
    changed class or meter since is priced per bill as billed. Empty on
    periods billed before they were kept: the what-if then reads today's."""

    _inherit = "utility.service.period"  # pylint: disable=consider-merging-classes-inherited

    customer_class_id = fields.Many2one(
        "utility.customer.class", string="Customer Class Billed", readonly=True
    )
    meter_size_id = fields.Many2one("utility.meter.size", string="Meter Size Billed", readonly=True)
    rate_schedule_id = fields.Many2one(
        "utility.rate.schedule", string="Rate Schedule Billed", readonly=True
    )
