# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class UtilityWriteOffLine(models.Model):
    """One account of a write-off: the write-off register.

    Its amount is the account's open balance when the batch was submitted,
    written by the action only; what was recovered since comes from the
    posted recoveries. The register's total of a period equals the bad-debt
    expense account's debit movement of the period.
    """

    _name = "utility.write.off.line"
    _description = "Bad Debt Write-off Account"
    _inherit = ["utility.locked.fields.mixin"]
    _order = "write_off_id desc, id"
    _check_company_auto = True
    _rec_name = "account_id"

    write_off_id = fields.Many2one(
        "utility.write.off", string="Write-off", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(
        related="write_off_id.company_id", store=True, precompute=True, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    account_id = fields.Many2one("utility.account", required=True, index=True, check_company=True)
    partner_id = fields.Many2one(related="account_id.partner_id", string="Customer")
    date = fields.Date(related="write_off_id.date", store=True)
    state = fields.Selection(related="write_off_id.state", store=True)
    approval_reference = fields.Char(related="write_off_id.approval_reference")
    amount_balance = fields.Monetary(
        related="account_id.amount_balance", string="Balance Now", readonly=True
    )
    amount = fields.Monetary(string="Written Off", readonly=True)
    eligibility = fields.Char(readonly=True, help="Why the account could be written off.")
    move_line_ids = fields.Many2many(
        "account.move.line", string="Journal Items", readonly=True, check_company=True
    )
    recovery_ids = fields.One2many("utility.write.off.recovery", "line_id", string="Recoveries")
    amount_recovered = fields.Monetary(
        string="Recovered", compute="_compute_amount_recovered", store=True
    )
    amount_remaining = fields.Monetary(
        string="Still Written Off", compute="_compute_amount_recovered", store=True
    )

    _sql_constraints = [
        (
            "account_once_per_write_off",
            "UNIQUE(write_off_id, account_id)",
            "An account is written off once per batch.",
        )
    ]

    @api.depends("amount", "recovery_ids.amount", "recovery_ids.state")
    def _compute_amount_recovered(self):
        for line in self:
            recovered = sum(
                line.recovery_ids.filtered(lambda r: r.state == "posted").mapped("amount")
            )
            line.amount_recovered = recovered
            line.amount_remaining = line.currency_id.round(line.amount - recovered)

    def _get_action_fields(self):
        return {"amount", "eligibility", "move_line_ids"}

    def _get_locked_records(self):
        return self.filtered(lambda line: line.write_off_id.state != "draft")

    def _get_locked_writable_fields(self):
        # Stored computes follow the posted recoveries.
        return {"amount_recovered", "amount_remaining"}
