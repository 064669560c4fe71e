# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class AccountMove(models.Model):
    _inherit = "account.move"  # pylint: disable=consider-merging-classes-inherited

    utility_bill_kind = fields.Selection(
        selection_add=[("adjustment", "Adjustment")], ondelete={"adjustment": "set null"}
    )
    utility_adjustment_id = fields.Many2one(
        "utility.adjustment",
        string="Adjustment",
        index="btree_not_null",
        copy=False,
        readonly=True,
    )

    def action_open_adjustment(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Adjust Bill"),
            "res_model": "utility.adjustment",
            "view_mode": "form",
            "target": "current",
            "context": {"default_move_id": self.id},
        }
