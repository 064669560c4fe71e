# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class UtilityMeterReading(models.Model):
    _inherit = "utility.meter.reading"  # pylint: disable=consider-merging-classes-inherited

    work_order_id = fields.Many2one(
        "utility.work.order",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The work order whose crew read the meter (source Work Order).",
    )
