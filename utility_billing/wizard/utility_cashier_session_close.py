# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from decimal import Decimal

from odoo import Command, api, fields, models
from odoo.exceptions import ValidationError

from ..lib import card_numbers, cashiering


class UtilityCashierSessionClose(models.TransientModel):
    """Blind count of a drawer: the cashier enters what is in it, by denomination
    for cash and as totals for checks, card slips and money orders, without
    seeing what the system expects. The session shows the difference once the
    count is in."""

    _name = "utility.cashier.session.close"
    _description = "Close a Cashier Session"

    session_id = fields.Many2one("utility.cashier.session", required=True, readonly=True)
    currency_id = fields.Many2one(related="session_id.currency_id")
    line_ids = fields.One2many(
        "utility.cashier.session.close.line",
        "wizard_id",
        string="Cash",
        default=lambda self: [
            Command.create({"sequence": index, "denomination": float(value), "kind": kind})
            for index, (value, kind) in enumerate(cashiering.DENOMINATIONS)
        ],
    )
    amount_cash = fields.Monetary(string="Cash Counted", compute="_compute_amount_cash")
    check_count = fields.Integer(string="Number of Checks")
    amount_check = fields.Monetary(string="Checks Total")
    card_count = fields.Integer(string="Number of Card Slips")
    amount_card = fields.Monetary(
        string="Card Total", help="The card terminal's batch total for the session."
    )
    money_order_count = fields.Integer(string="Number of Money Orders")
    amount_money_order = fields.Monetary(string="Money Orders Total")
    amount_total = fields.Monetary(string="Total Counted", compute="_compute_amount_total")
    note = fields.Text(string="Comment")

    _sql_constraints = [
        (
            "amounts_positive",
            "CHECK(amount_check >= 0 AND amount_card >= 0 AND amount_money_order >= 0 "
            "AND check_count >= 0 AND card_count >= 0 AND money_order_count >= 0)",
            "A count cannot be negative.",
        ),
    ]

    @api.depends("line_ids.amount")
    def _compute_amount_cash(self):
        for wizard in self:
            wizard.amount_cash = sum(wizard.line_ids.mapped("amount"))

    @api.depends("amount_cash", "amount_check", "amount_card", "amount_money_order")
    def _compute_amount_total(self):
        for wizard in self:
            wizard.amount_total = (
                wizard.amount_cash
                + wizard.amount_check
                + wizard.amount_card
                + wizard.amount_money_order
            )

    @api.constrains("note")
    def _check_no_card_number(self):
        for wizard in self:
            if card_numbers.find_card_numbers(wizard.note):
                raise ValidationError(
                    self.env._(
                        "The comment holds what looks like a card number (%(masked)s): never "
                        "record a card number.",
                        masked=card_numbers.mask(wizard.note),
                    )
                )

    def _prepare_count_vals(self):
        self.ensure_one()
        vals_list = [
            {
                "sequence": line.sequence,
                "tender": "cash",
                "kind": line.kind,
                "denomination": line.denomination,
                "quantity": line.quantity,
                "amount": line.amount,
            }
            for line in self.line_ids
            if line.quantity
        ]
        for sequence, (tender, count, amount) in enumerate(
            [
                ("check", self.check_count, self.amount_check),
                ("card", self.card_count, self.amount_card),
                ("money_order", self.money_order_count, self.amount_money_order),
            ],
            start=100,
        ):
            if count or amount:
                vals_list.append(
                    {"sequence": sequence, "tender": tender, "quantity": count, "amount": amount}
                )
        return vals_list

    def action_confirm(self):
        self.ensure_one()
        session = self.session_id
        session._count(self._prepare_count_vals(), note=self.note)
        return {
            "type": "ir.actions.act_window",
            "res_model": "utility.cashier.session",
            "res_id": session.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "main",
        }


class UtilityCashierSessionCloseLine(models.TransientModel):
    _name = "utility.cashier.session.close.line"
    _description = "Close a Cashier Session: Denomination"
    _order = "sequence, id"

    wizard_id = fields.Many2one("utility.cashier.session.close", required=True, ondelete="cascade")
    currency_id = fields.Many2one(related="wizard_id.currency_id")
    sequence = fields.Integer()
    kind = fields.Selection([("bill", "Bill"), ("coin", "Coin")], readonly=True)
    denomination = fields.Monetary(readonly=True)
    quantity = fields.Integer()
    amount = fields.Monetary(compute="_compute_amount")

    _sql_constraints = [
        ("quantity_positive", "CHECK(quantity >= 0)", "A count cannot be negative."),
    ]

    @api.depends("denomination", "quantity")
    def _compute_amount(self):
        for line in self:
            line.amount = float(
                cashiering.cash_total([(Decimal(str(line.denomination)), line.quantity or 0)])
            )
