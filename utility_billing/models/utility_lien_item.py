# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class UtilityLienItem(models.Model):
    """One receivable item a lien certified: a bill's unpaid charge old enough
    (or a credit that lowered the amount certified), or the certification fee.

    Kept at certification, so the lien is paid when these items are paid,
    whatever the account was billed since (Newton Falls, OH, Codified Ord.
    929.085 certifies the charges unpaid 31 days after due, not the balance).
    Written only by Certify."""

    _name = "utility.lien.item"
    _description = "Utility Lien Certified Item"
    _inherit = ["utility.locked.fields.mixin"]
    _order = "lien_id, date_maturity, id"
    _check_company_auto = True

    lien_id = fields.Many2one(
        "utility.lien", required=True, index=True, ondelete="cascade", readonly=True
    )
    company_id = fields.Many2one(
        related="lien_id.company_id", store=True, precompute=True, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    move_line_id = fields.Many2one(
        "account.move.line",
        string="Receivable Item",
        required=True,
        readonly=True,
        index=True,
        ondelete="restrict",
        check_company=True,
    )
    move_id = fields.Many2one(related="move_line_id.move_id", string="Bill")
    date_maturity = fields.Date(related="move_line_id.date_maturity", string="Due Date", store=True)
    is_fee = fields.Boolean(string="Certification Fee", readonly=True)
    amount_certified = fields.Monetary(
        readonly=True, help="What was unpaid on this item when the lien was certified."
    )
    amount_open = fields.Monetary(
        string="Still Unpaid",
        compute="_compute_amount_open",
        help="What is unpaid on this item today (a credit: what is left of it).",
    )

    @api.depends("move_line_id.amount_residual")
    def _compute_amount_open(self):
        for item in self:
            item.amount_open = item.move_line_id.amount_residual

    def _get_action_fields(self):
        return {"lien_id", "move_line_id", "is_fee", "amount_certified"}
