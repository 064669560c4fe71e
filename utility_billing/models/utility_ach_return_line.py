# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class UtilityAchReturnLine(models.Model):
    """One returned debit (or prenote) of an ACH returns file."""

    _name = "utility.ach.return.line"
    _description = "ACH Return"
    _order = "file_id, row, id"
    _check_company_auto = True

    file_id = fields.Many2one(
        "utility.ach.return.file", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(
        related="file_id.company_id", store=True, precompute=True, index=True
    )
    currency_id = fields.Many2one(related="file_id.currency_id")
    row = fields.Integer(help="Row (CSV) or line (NACHA) of the file.")
    trace_number = fields.Char(required=True, index=True)
    reason_code = fields.Char(string="Return Code", required=True)
    amount = fields.Monetary()
    date = fields.Date(string="Returned On")
    payment_id = fields.Many2one("utility.payment", index="btree_not_null", check_company=True)
    account_ids = fields.Many2many(
        "utility.account", string="Utility Accounts", compute="_compute_account_ids"
    )
    enrollment_id = fields.Many2one(
        "utility.autopay.enrollment", string="Prenoted Enrollment", check_company=True
    )
    state = fields.Selection(
        [("returned", "Payment Returned"), ("prenote", "Prenote Returned")], required=True
    )

    def _compute_account_ids(self):
        for line in self:
            line.account_ids = line.payment_id.line_ids.account_id | line.enrollment_id.account_id
