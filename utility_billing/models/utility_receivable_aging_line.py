# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class UtilityReceivableAgingLine(models.Model):
    """One account's open receivable for one service on the aging date, by age.
    Written by the aging's Compute only (one INSERT), read by everyone who may
    read the aging."""

    _name = "utility.receivable.aging.line"
    _description = "Aged Receivables by Service: Line"
    _order = "aging_id, account_id, line_kind, service_type_id"
    _check_company_auto = True

    aging_id = fields.Many2one(
        "utility.receivable.aging", required=True, ondelete="cascade", index=True
    )
    date_aging = fields.Date(related="aging_id.date_aging", string="As Of")
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    account_id = fields.Many2one("utility.account", index=True, readonly=True, check_company=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    customer_class = fields.Many2one("utility.customer.class", readonly=True)
    cycle_id = fields.Many2one("utility.billing.cycle", string="Billing Cycle", readonly=True)
    service_type_id = fields.Many2one("utility.service.type", string="Service", readonly=True)
    line_kind = fields.Selection(
        [
            ("service", "Service Charges"),
            ("fee", "Fees and Other Charges"),
            ("credit", "Unapplied Credits"),
        ],
        string="Kind",
        required=True,
        readonly=True,
    )
    amount_current = fields.Monetary(string="Not Yet Due", readonly=True)
    amount_1_30 = fields.Monetary(string="1-30 Days", readonly=True)
    amount_31_60 = fields.Monetary(string="31-60 Days", readonly=True)
    amount_61_90 = fields.Monetary(string="61-90 Days", readonly=True)
    amount_90_plus = fields.Monetary(string="Over 90 Days", readonly=True)
    amount_total = fields.Monetary(string="Total", readonly=True)
