# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class UtilityReadingException(models.Model):
    _inherit = "utility.reading.exception"  # pylint: disable=consider-merging-classes-inherited

    work_order_id = fields.Many2one(
        "utility.work.order",
        string="Check Read Order",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The check-read order this exception waits for.",
    )

    def action_view_work_order(self):
        self.ensure_one()
        return self.work_order_id._get_form_action()
