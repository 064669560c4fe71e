# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class UtilityCashierSession(models.Model):
    """A cashier's drawer from opening float to blind count (stub: see issue 5)."""

    _name = "utility.cashier.session"
    _description = "Cashier Session"
    _inherit = ["mail.thread"]
    _order = "date_open desc, id desc"
    _check_company_auto = True

    name = fields.Char(readonly=True, default="/", copy=False)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    user_id = fields.Many2one(
        "res.users", string="Cashier", required=True, default=lambda self: self.env.user
    )
    date_open = fields.Datetime(default=fields.Datetime.now, readonly=True)
    state = fields.Selection(
        [("open", "Open"), ("closed", "Closed")], default="open", required=True, tracking=True
    )
    payment_ids = fields.One2many("utility.payment", "session_id", string="Payments")
