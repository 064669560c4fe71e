# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_amount, format_date

from ..lib.bill_explain import adjustment_label, deposit_label
from ..lib.statement import Entry, build_statement
from ..lib.statement_pdf import StatementData, StatementRow, render_statements

# The fields of an entry that a statement's row prints (``_describe``).
MOVE_FIELDS = [
    "name",
    "date",
    "invoice_date",
    "move_type",
    "ref",
    "utility_bill_kind",
    "utility_period_start",
    "utility_period_end",
    "utility_adjustment_id",
    "reversed_entry_id",
]


def _address_lines(partner):
    """The postal address of ``partner`` as printed, line by line (no name)."""
    return tuple(line for line in (partner.contact_address or "").splitlines() if line.strip())


class UtilityAccountStatement(models.TransientModel):
    """Statement of account: every charge, payment, credit and adjustment of
    an account over a date range, with the balance after each.

    It is what a landlord, a title company or the customer asks the counter
    for. It reads the account's receivable items in the general ledger (posted
    entries only), one grouped query, so its closing balance is the ledger's
    balance to the cent. Every utility role may print it for an account it can
    read: the ledger is read as superuser once that is checked.
    """

    _name = "utility.account.statement"
    _description = "Statement of Account"
    _check_company_auto = True

    account_id = fields.Many2one("utility.account", required=True, check_company=True)
    company_id = fields.Many2one(related="account_id.company_id")
    currency_id = fields.Many2one(related="account_id.currency_id")
    partner_id = fields.Many2one(related="account_id.partner_id")
    date_from = fields.Date(
        string="From",
        required=True,
        default=lambda self: fields.Date.context_today(self) - relativedelta(months=12, day=1),
    )
    date_to = fields.Date(string="To", required=True, default=fields.Date.context_today)
    amount_opening = fields.Monetary(
        string="Opening Balance", compute="_compute_statement", store=True
    )
    amount_charges = fields.Monetary(string="Charges", compute="_compute_statement", store=True)
    amount_credits = fields.Monetary(
        string="Payments and Credits", compute="_compute_statement", store=True
    )
    amount_closing = fields.Monetary(
        string="Closing Balance", compute="_compute_statement", store=True
    )
    # Stored (computed when the dialog opens or its dates change): the dialog read
    # again after Print reads them instead of computing the statement again.
    statement_html = fields.Html(compute="_compute_statement", sanitize=False, store=True)

    @api.depends("account_id", "date_from", "date_to")
    def _compute_statement(self):
        for wizard in self:
            bad_range = wizard.date_from and wizard.date_to and wizard.date_from > wizard.date_to
            if not wizard.account_id or not wizard.date_from or not wizard.date_to or bad_range:
                wizard.update(
                    {
                        "amount_opening": 0.0,
                        "amount_charges": 0.0,
                        "amount_credits": 0.0,
                        "amount_closing": 0.0,
                        # Print refuses it with the same words.
                        "statement_html": Markup("<p>%s</p>")
                        % self.env._("The statement's first day is after its last day.")
                        if bad_range
                        else False,
                    }
                )
                continue
            statement = wizard._get_statement()
            wizard.amount_opening = float(statement.opening)
            wizard.amount_charges = float(statement.charges)
            wizard.amount_credits = float(statement.credits)
            wizard.amount_closing = float(statement.closing)
            wizard.statement_html = self.env["ir.qweb"]._render(
                "utility_billing.utility_account_statement_table",
                wizard._get_report_values(statement),
            )

    # ------------------------------------------------------------------
    # The ledger
    # ------------------------------------------------------------------
    def _get_ledger_domain(self):
        self.ensure_one()
        return [
            ("utility_account_id", "=", self.account_id.id),
            ("account_id.account_type", "=", "asset_receivable"),
            ("parent_state", "=", "posted"),
            ("company_id", "=", self.account_id.company_id.id),
        ]

    def _get_statement(self):
        """The statement (``lib.statement.Statement``) of the range: one grouped
        query for the opening balance, one for the movements (per entry and
        payment), then the entries' labels read in batch."""
        self.ensure_one()
        self._check_range()
        self.account_id.check_access("read")
        Line = self.env["account.move.line"].sudo()
        domain = self._get_ledger_domain()
        opening = Line._read_group([*domain, ("date", "<", self.date_from)], [], ["balance:sum"])[
            0
        ][0]
        groups = Line._read_group(
            [*domain, ("date", ">=", self.date_from), ("date", "<=", self.date_to)],
            ["move_id", "utility_payment_id", "date:day"],
            ["balance:sum"],
        )
        # What the rows print, in two reads (not every column of every entry).
        moves = Line.move_id.browse({move.id for move, _p, _d, _b in groups})
        moves.fetch(MOVE_FIELDS)
        (moves.reversed_entry_id | moves.utility_adjustment_id.move_id).fetch(MOVE_FIELDS)
        Line.utility_payment_id.browse({p.id for _m, p, _d, _b in groups if p}).fetch(
            ["name", "tender", "reference"]
        )
        currency = self.currency_id
        entries = [
            Entry(
                date=date,
                amount=self._to_decimal(balance, currency),
                sort_key=(move.id, payment.id),
                data={"move": move, "payment": payment},
            )
            for move, payment, date, balance in groups
            if not currency.is_zero(balance)
        ]
        return build_statement(self._to_decimal(opening, currency), entries)

    def _check_range(self):
        for wizard in self:
            if wizard.date_from > wizard.date_to:
                raise UserError(self.env._("The statement's first day is after its last day."))

    @staticmethod
    def _to_decimal(amount, currency):
        # The ledger's float is a rounded amount: its cents are exact once rounded.
        return Decimal(f"{currency.round(amount or 0.0):.{currency.decimal_places}f}")

    def _describe(self, entry):
        """(kind, reference, description) of one movement as a clerk says it."""
        move, payment = entry.data["move"], entry.data["payment"]
        if payment:
            tenders = dict(payment._fields["tender"]._description_selection(self.env))
            kind = self.env._("Payment") if entry.amount < 0 else self.env._("Payment Returned")
            description = tenders.get(payment.tender, "")
            if payment.reference:
                description = f"{description} {payment.reference}".strip()
            return kind, payment.name, description
        if move.move_type == "out_invoice":
            if move.utility_bill_kind == "fee":
                kind = self.env._("Fee")
            else:
                kinds = dict(move._fields["utility_bill_kind"]._description_selection(self.env))
                kind = kinds.get(move.utility_bill_kind) or self.env._("Bill")
            description = move.ref or ""
            if move.utility_bill_kind == "deposit":
                description = deposit_label(
                    move.invoice_date or move.date,
                    self.env["res.lang"]._get_data(code=self.env.lang or "en_US").date_format
                    or "%m/%d/%Y",
                )
            elif move.utility_period_start and move.utility_period_end:
                description = self.env._(
                    "Service %(start)s to %(end)s",
                    start=format_date(self.env, move.utility_period_start),
                    end=format_date(self.env, move.utility_period_end),
                )
            return kind, move.name, description
        if move.move_type == "out_refund" and move.utility_adjustment_id:
            adjustment = move.utility_adjustment_id
            adjusted = move.reversed_entry_id or adjustment.move_id
            return (
                self.env._("Adjustment"),
                move.name,
                adjustment_label(
                    adjustment.kind_id.name,
                    adjusted.invoice_date or adjusted.date,
                    date_printed=entry.date,
                ),
            )
        if move.move_type == "out_refund":
            return self.env._("Credit Note"), move.name, move.ref or ""
        if move.reversed_entry_id:
            kind = (
                self.env._("Payment Reversed")
                if move.reversed_entry_id.line_ids.utility_payment_id
                else self.env._("Reversal")
            )
            return kind, move.name, move.ref or move.reversed_entry_id.name
        return self.env._("Adjustment"), move.name, move.ref or ""

    def _get_report_values(self, statement=None):
        """What the screen and the printed statement show, amounts formatted."""
        self.ensure_one()
        statement = statement or self._get_statement()
        currency = self.currency_id

        def money(amount):
            return format_amount(self.env, float(amount), currency)

        rows = []
        for entry in statement.entries:
            kind, reference, description = self._describe(entry)
            rows.append(
                {
                    "date": format_date(self.env, entry.date),
                    "kind": kind,
                    "reference": reference,
                    "description": description,
                    "charge": money(entry.charge) if entry.charge else "",
                    "credit": money(entry.credit) if entry.credit else "",
                    "balance": money(entry.balance),
                }
            )
        account = self.account_id.sudo()
        return {
            "account": account,
            "company": account.company_id,
            "date_from": format_date(self.env, self.date_from),
            "date_to": format_date(self.env, self.date_to),
            "date_printed": format_date(self.env, fields.Date.context_today(self)),
            "opening": money(statement.opening),
            "charges": money(statement.charges),
            "credits": money(statement.credits),
            "closing": money(statement.closing),
            "rows": rows,
        }

    def _render_statement_pdf(self):
        """The PDF of the statements (one or more pages each), drawn by reportlab
        from the same values as the screen and the QWeb template."""
        statements = []
        for wizard in self:
            values = wizard._get_report_values()
            company, account = values["company"], values["account"]
            statements.append(
                StatementData(
                    company_name=company.name or "",
                    company_address=_address_lines(company.partner_id),
                    company_phone=company.phone or "",
                    account_number=account.name,
                    date_from=values["date_from"],
                    date_to=values["date_to"],
                    date_printed=values["date_printed"],
                    customer_name=account.partner_id.name or "",
                    customer_address=_address_lines(account.partner_id),
                    service_address=account.location_id.display_name or "",
                    opening=values["opening"],
                    charges=values["charges"],
                    credits=values["credits"],
                    closing=values["closing"],
                    remit_to=company._get_utility_remit_to(),
                    rows=tuple(
                        StatementRow(**{k: row[k] or "" for k in StatementRow.__dataclass_fields__})
                        for row in values["rows"]
                    ),
                )
            )
        return render_statements(statements)

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_print(self):
        self.ensure_one()
        self._check_range()  # a bad range is refused before the PDF
        report = self.env.ref("utility_billing.action_report_utility_account_statement")
        # The statement has its own letterhead (basic layout): no layout designer.
        return report.report_action(self, config=False)
