# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from decimal import Decimal

from odoo import api, fields, models

from ..lib import arrangements


class UtilityPaymentArrangementLine(models.Model):
    """One payment of an arrangement's schedule (the down payment or an
    installment). What it got is read from the ledger through the arrangement:
    payments fill the installments in date order."""

    _name = "utility.payment.arrangement.line"
    _description = "Payment Arrangement Installment"
    _inherit = ["utility.locked.fields.mixin"]
    _order = "arrangement_id, date_due, sequence, id"
    _check_company_auto = True

    arrangement_id = fields.Many2one(
        "utility.payment.arrangement", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(
        related="arrangement_id.company_id", store=True, precompute=True, index=True
    )
    currency_id = fields.Many2one(related="arrangement_id.currency_id")
    sequence = fields.Integer(string="No.", readonly=True)
    is_down_payment = fields.Boolean(string="Down Payment", readonly=True)
    date_due = fields.Date(string="Due", required=True, readonly=True)
    amount = fields.Monetary(required=True, readonly=True)
    amount_paid = fields.Monetary(compute="_compute_paid", string="Paid")
    status = fields.Selection(
        [("paid", "Paid"), ("partial", "Partly Paid"), ("due", "To Pay")],
        compute="_compute_paid",
    )

    def _get_action_fields(self):
        # The schedule is laid out by the arrangement's actions only.
        return {"arrangement_id", "sequence", "is_down_payment", "date_due", "amount"}

    def _get_action_fields_message(self, names, creating=False):
        return self.env._(
            "An arrangement's schedule is computed from its terms: change the terms of a "
            "draft arrangement and compute it again."
        )

    @api.depends("amount", "arrangement_id.amount_covered")
    def _compute_paid(self):
        paid = self.arrangement_id._get_paid_amounts()
        for arrangement in self.arrangement_id:
            lines = arrangement.line_ids.sorted(lambda ln: (ln.date_due, ln.sequence))
            shares = arrangements.allocate(
                paid.get(arrangement.id, Decimal(0)),
                [Decimal(str(line.amount)) for line in lines],
            )
            for line, share in zip(lines, shares, strict=True):
                if line not in self:
                    continue
                line.amount_paid = float(share)
                if share >= Decimal(str(line.amount)):
                    line.status = "paid"
                else:
                    line.status = "partial" if share else "due"
        for line in self - self.arrangement_id.line_ids:
            line.amount_paid = 0.0
            line.status = "due"
