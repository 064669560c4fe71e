# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

LINE_STATES = [("none", "No Fee"), ("fee", "Fee to Post"), ("posted", "Posted")]


class UtilityDelinquencyRunLine(models.Model):
    """One account in a delinquency run's register: its aging on the fee date
    and its late fee (or why it gets none)."""

    _name = "utility.delinquency.run.line"
    _description = "Utility Delinquency Run Account"
    _order = "run_id, amount_past_due desc, id"
    _check_company_auto = True

    run_id = fields.Many2one(
        "utility.delinquency.run", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one("res.company", required=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    account_id = fields.Many2one("utility.account", required=True, index=True, check_company=True)
    partner_id = fields.Many2one("res.partner", string="Customer")
    customer_class = fields.Many2one(
        related="account_id.customer_class", store=True, precompute=True
    )
    rule_id = fields.Many2one("utility.late.fee.rule", string="Late Fee Rule")
    bill_move_id = fields.Many2one("account.move", string="Bill of the Period", index=True)
    base_move_ids = fields.Many2many(
        "account.move",
        "utility_delinquency_run_line_base_rel",
        "line_id",
        "move_id",
        string="Invoices Charged",
    )
    state = fields.Selection(LINE_STATES, required=True, default="none", index=True)
    message = fields.Char(string="Why No Fee")
    move_id = fields.Many2one("account.move", string="Fee Invoice", readonly=True, index=True)

    # Aging on the run's fee date, from the open receivable of the ledger.
    amount_current = fields.Monetary(string="Not Yet Due", aggregator="sum")
    amount_1_30 = fields.Monetary(string="1-30 Days", aggregator="sum")
    amount_31_60 = fields.Monetary(string="31-60 Days", aggregator="sum")
    amount_61_90 = fields.Monetary(string="61-90 Days", aggregator="sum")
    amount_90_plus = fields.Monetary(string="Over 90 Days", aggregator="sum")
    amount_past_due = fields.Monetary(
        compute="_compute_amount_past_due", store=True, precompute=True, aggregator="sum"
    )
    amount_due = fields.Monetary(
        string="Balance", compute="_compute_amount_past_due", store=True, precompute=True
    )
    amount_base = fields.Monetary(string="Fee Base")
    amount_fee = fields.Monetary(string="Late Fee", aggregator="sum")

    def init(self):
        # A bill is the subject of one posted late fee, whatever the run.
        self.env.cr.execute(
            """
            CREATE UNIQUE INDEX IF NOT EXISTS utility_delinquency_run_line_bill_posted_uniq
                ON utility_delinquency_run_line (bill_move_id)
             WHERE state = 'posted'
            """
        )

    @api.depends("amount_current", "amount_1_30", "amount_31_60", "amount_61_90", "amount_90_plus")
    def _compute_amount_past_due(self):
        for line in self:
            line.amount_past_due = (
                line.amount_1_30 + line.amount_31_60 + line.amount_61_90 + line.amount_90_plus
            )
            line.amount_due = line.amount_past_due + line.amount_current
