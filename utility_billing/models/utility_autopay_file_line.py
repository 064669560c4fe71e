# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from decimal import Decimal

from odoo import fields, models

from ..lib import nacha


class UtilityAutopayFileLine(models.Model):
    """One entry of an autopay file: a debit (with its payment) or a prenote."""

    _name = "utility.autopay.file.line"
    _description = "Autopay File Entry"
    _order = "file_id, id"
    _check_company_auto = True

    file_id = fields.Many2one("utility.autopay.file", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(
        related="file_id.company_id", store=True, precompute=True, index=True
    )
    currency_id = fields.Many2one(related="file_id.currency_id")
    enrollment_id = fields.Many2one(
        "utility.autopay.enrollment", required=True, index=True, check_company=True
    )
    account_id = fields.Many2one(
        "utility.account", string="Utility Account", required=True, index=True, check_company=True
    )
    partner_id = fields.Many2one(related="account_id.partner_id", string="Customer")
    bank_id = fields.Many2one("res.partner.bank", string="Bank Account", required=True)
    transaction_code = fields.Char(required=True, size=2)
    is_prenote = fields.Boolean(string="Prenote")
    amount = fields.Monetary()
    trace_number = fields.Char(required=True, index=True, size=15)
    payment_id = fields.Many2one("utility.payment", index="btree_not_null", check_company=True)
    payment_state = fields.Selection(related="payment_id.state", string="Payment Status")

    _sql_constraints = [
        ("trace_uniq", "unique(company_id, trace_number)", "A trace number is used once."),
    ]

    def _get_nacha_entry(self):
        self.ensure_one()
        bank = self.bank_id
        return nacha.Entry(
            transaction_code=self.transaction_code,
            routing=(bank.aba_routing or "").strip(),
            account_number=bank.acc_number,
            amount=Decimal(str(self.currency_id.round(self.amount))),
            individual_id=self.account_id.name,
            individual_name=bank.acc_holder_name or self.account_id.partner_id.name,
            trace_number=self.trace_number,
        )
