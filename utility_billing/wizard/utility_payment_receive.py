# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_amount

from ..lib import card_numbers, cashiering
from ..models.utility_cashier_session import COUNTER_TENDERS
from ..models.utility_payment_cashier import CARD_BRANDS


class UtilityPaymentReceive(models.TransientModel):
    """The counter: take one customer's payment for one or more accounts and
    miscellaneous receipts, by one tender, in the cashier's open session.

    The account is found by number, customer name or service address and shows
    its balance due; the amount defaults to it. Cash shows the change to give.
    Posting allocates to the open charges (oldest first or by service priority),
    keeps an overpayment as credit, and prints the receipt.
    """

    _name = "utility.payment.receive"
    _description = "Take a Payment"

    session_id = fields.Many2one(
        "utility.cashier.session",
        required=True,
        readonly=True,
        default=lambda self: self.env["utility.cashier.session"]._get_open_session(),
    )
    company_id = fields.Many2one(related="session_id.company_id")
    currency_id = fields.Many2one(related="session_id.currency_id")
    tender = fields.Selection(COUNTER_TENDERS, required=True, default="cash")
    partner_id = fields.Many2one(
        "res.partner",
        string="Paid By",
        compute="_compute_partner_id",
        store=True,
        readonly=False,
        precompute=True,
    )
    line_ids = fields.One2many(
        "utility.payment.receive.line",
        "wizard_id",
        string="Pay",
        default=lambda self: self._default_line_ids(),
    )
    amount_total = fields.Monetary(string="Total", compute="_compute_amount_total")
    amount_tendered = fields.Monetary(
        string="Tendered",
        compute="_compute_amount_tendered",
        store=True,
        readonly=False,
        precompute=True,
        help="Cash handed over by the customer.",
    )
    amount_change = fields.Monetary(string="Change Due", compute="_compute_amount_change")
    check_number = fields.Char(string="Check / Money Order No.")
    check_bank = fields.Char(string="Bank")
    card_brand = fields.Selection(CARD_BRANDS)
    card_last4 = fields.Char(string="Card Last Four")
    card_reference = fields.Char(string="Processor Reference")
    has_cash_only = fields.Boolean(compute="_compute_has_cash_only")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if "session_id" in fields_list and not values.get("session_id"):
            raise UserError(self.env._("Open your session first (Cashiering > My Session)."))
        return values

    @api.model
    def _default_line_ids(self):
        """One line per account when opened from accounts (their balance due)."""
        if self.env.context.get("active_model") != "utility.account":
            return []
        ids = self.env.context.get("active_ids") or []
        return [Command.create({"account_id": account_id}) for account_id in ids]

    @api.depends("line_ids.account_id")
    def _compute_partner_id(self):
        for wizard in self:
            if not wizard.partner_id:
                wizard.partner_id = wizard.line_ids.account_id.partner_id[:1]

    @api.depends("line_ids.amount")
    def _compute_amount_total(self):
        for wizard in self:
            wizard.amount_total = sum(wizard.line_ids.mapped("amount"))

    @api.depends("amount_total", "tender")
    def _compute_amount_tendered(self):
        for wizard in self:
            wizard.amount_tendered = wizard.amount_total

    @api.depends("amount_total", "amount_tendered", "tender")
    def _compute_amount_change(self):
        for wizard in self:
            currency = wizard.currency_id or self.env.company.currency_id
            wizard.amount_change = float(
                cashiering.change_due(
                    str(currency.round(wizard.amount_total)),
                    str(currency.round(wizard.amount_tendered or 0.0)),
                    wizard.tender,
                )
            )

    @api.depends("line_ids.account_id.is_cash_only")
    def _compute_has_cash_only(self):
        for wizard in self:
            wizard.has_cash_only = any(wizard.line_ids.account_id.mapped("is_cash_only"))

    @api.constrains("check_number", "check_bank", "card_last4", "card_reference")
    def _check_no_card_number(self):
        """Refused before anything is stored: a wizard is a table row too."""
        problems = []
        names = ("check_number", "check_bank", "card_last4", "card_reference")
        for wizard in self:
            problems += self.env["utility.card.number.guard"]._problems(
                [(self._fields[name].string, wizard[name]) for name in names]
            )
            if wizard.card_last4 and not card_numbers.is_last_four(wizard.card_last4):
                problems.append(self.env._("The card's last four must be exactly 4 digits."))
        if problems:
            raise ValidationError("\n".join(problems))

    # ------------------------------------------------------------------
    # Posting
    # ------------------------------------------------------------------
    def _prepare_payment_vals(self):
        self.ensure_one()
        card = self.tender == "card"
        check = self.tender in ("check", "money_order")
        return {
            "company_id": self.session_id.company_id.id,
            "session_id": self.session_id.id,
            "source": "counter",
            "date": fields.Date.context_today(self),
            "partner_id": self.partner_id.id,
            "tender": self.tender,
            "amount_tendered": self.amount_tendered if self.tender == "cash" else 0.0,
            "check_number": self.check_number if check else False,
            "check_bank": self.check_bank if self.tender == "check" else False,
            "card_brand": self.card_brand if card else False,
            "card_last4": self.card_last4 if card else False,
            "card_reference": self.card_reference if card else False,
            "line_ids": [
                Command.create(
                    {
                        "sequence": index,
                        "account_id": line.account_id.id,
                        "misc_type_id": line.misc_type_id.id,
                        "name": line.name,
                        "amount": line.amount,
                    }
                )
                for index, line in enumerate(self.line_ids)
            ],
        }

    def _post_payment(self):
        """Create the payment and post it: every problem of the input at once."""
        self.ensure_one()
        problems = []
        if not self.session_id:
            problems.append(self.env._("Open your session first (Cashiering > My Session)."))
        if not self.line_ids:
            problems.append(self.env._("Add the accounts or receipts the payment is for."))
        for line in self.line_ids:
            if not line.account_id and not line.misc_type_id:
                problems.append(self.env._("Each line pays an account or a receipt type."))
            elif line.currency_id.compare_amounts(line.amount, 0) <= 0:
                problems.append(
                    self.env._(
                        "%(target)s: the amount must be positive.",
                        target=(line.account_id or line.misc_type_id).display_name,
                    )
                )
        if problems:
            raise UserError("\n".join(problems))
        self.session_id._check_open()
        payment = self.env["utility.payment"].create(self._prepare_payment_vals())
        payment._post_payments()
        return payment

    def action_post_print(self):
        """Post & Print Receipt: the receipt downloads and the dialog closes."""
        payment = self._post_payment()
        action = self.env.ref(
            "utility_billing.action_report_utility_payment_receipt"
        ).report_action(payment)
        action["close_on_report_download"] = True
        return action

    def action_post_new(self):
        """Post & New: the next customer's payment opens at once."""
        payment = self._post_payment()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "utility_billing.utility_payment_receive_action"
        )
        action["context"] = {"default_session_id": self.session_id.id}
        message = self.env._("Receipt %(receipt)s posted.", receipt=payment.name)
        if payment.amount_change:
            message += " " + self.env._(
                "Change due: %(change)s.",
                change=format_amount(self.env, payment.amount_change, payment.currency_id),
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"type": "success", "message": message, "next": action},
        }


class UtilityPaymentReceiveLine(models.TransientModel):
    _name = "utility.payment.receive.line"
    _description = "Take a Payment: Line"

    wizard_id = fields.Many2one("utility.payment.receive", required=True, ondelete="cascade")
    currency_id = fields.Many2one(related="wizard_id.currency_id")
    account_id = fields.Many2one(
        "utility.account",
        help="Search by account number, customer name or service address.",
    )
    misc_type_id = fields.Many2one("utility.misc.receipt.type", string="Receipt Type")
    name = fields.Char(string="Description")
    location_id = fields.Many2one(related="account_id.location_id")
    is_cash_only = fields.Boolean(related="account_id.is_cash_only")
    amount_due = fields.Monetary(string="Balance Due", compute="_compute_amount_due")
    amount = fields.Monetary(compute="_compute_amount", store=True, readonly=False, precompute=True)

    @api.depends("account_id")
    def _compute_amount_due(self):
        # The balance is read from the ledger, which a cashier does not browse.
        balances = {account.id: account.amount_balance for account in self.account_id.sudo()}
        for line in self:
            line.amount_due = balances.get(line.account_id.id, 0.0)

    @api.depends("account_id")
    def _compute_amount(self):
        for line in self:
            if line.account_id:
                line.amount = max(line.amount_due, 0.0)

    @api.constrains("name")
    def _check_no_card_number(self):
        self.env["utility.card.number.guard"]._check(
            [(line._fields["name"].string, line.name) for line in self]
        )
