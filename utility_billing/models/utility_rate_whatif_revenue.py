# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class UtilityRateWhatifRevenue(models.Model):
    """A year's revenue of one service and customer class: billed, priced again
    at the billed rates, and at the proposed rates."""

    _name = "utility.rate.whatif.revenue"
    _description = "Rate What-If Revenue"
    _inherit = ["utility.rate.whatif.line.mixin"]
    _order = "whatif_id, service_type_id, customer_class, id"

    service_type_id = fields.Many2one("utility.service.type", string="Service", readonly=True)
    customer_class = fields.Many2one("utility.customer.class", string="Class", readonly=True)
    account_count = fields.Integer(string="Accounts", readonly=True, aggregator=None)
    bill_count = fields.Integer(string="Bills", readonly=True)
    usage = fields.Float(
        string="Volume Billed",
        digits=(16, 3),
        readonly=True,
        help="Volume the rates priced, in the schedule's unit.",
    )
    amount_billed = fields.Monetary(string="Billed", readonly=True)
    amount_rerated = fields.Monetary(string="Priced Again", readonly=True)
    is_reproduced = fields.Boolean(
        string="Reproduced",
        compute="_compute_is_reproduced",
        help="The billed rates priced again give what was billed.",
    )

    def _compute_is_reproduced(self):
        for line in self:
            line.is_reproduced = not line.currency_id.compare_amounts(
                line.amount_billed, line.amount_rerated
            )
