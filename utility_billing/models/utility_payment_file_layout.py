# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from ..lib import payment_files, reading_files
from .utility_payment import SOURCES, TENDERS

FILE_SOURCES = [source for source in SOURCES if source[0] in ("lockbox", "online")]


class UtilityPaymentFileLayout(models.Model):
    """Where each value sits in the payment file of one source.

    A city has one layout per bank lockbox and per online payment processor:
    CSV columns by header name or by number. The layout is turned into the
    parser configuration of :mod:`..lib.payment_files`; it also says what the
    payments of such a file are (source, tender) and which bank journal
    receives the money.
    """

    _name = "utility.payment.file.layout"
    _inherit = ["utility.file.layout.mixin"]
    _description = "Payment File Layout"
    _check_company_auto = True

    source = fields.Selection(
        FILE_SOURCES,
        required=True,
        default="lockbox",
        help="Where the payments come from: a transaction is imported once per source, "
        "whatever file brings it again.",
    )
    tender = fields.Selection(
        TENDERS,
        required=True,
        default="check",
        help="How the customers of this file paid (a lockbox receives checks).",
    )
    # No check_company: a layout shared by the companies may propose a journal;
    # the import only takes it for the journal's own company.
    journal_id = fields.Many2one(
        "account.journal",
        string="Bank Journal",
        domain="[('type', '=', 'bank')]",
        help="The bank account the money of these files is credited to (proposed at import).",
    )
    has_header = fields.Boolean(
        string="Header Row", default=True, help="The first line names the columns."
    )
    date_format = fields.Char(
        default="MM/DD/YYYY",
        help="YYYY, YY, MM, DD, HH, MI (minutes), SS and any separators; several formats "
        "separated by ';' are tried in order.",
    )
    is_amount_in_cents = fields.Boolean(
        string="Amounts in Cents",
        help="Amounts are whole cents without a decimal point (0000012345 is 123.45).",
    )
    accepted_statuses = fields.Char(
        help="With a status column: the statuses that are money received, separated by "
        "commas (e.g. Settled). Rows with another status (declined, voided, refunded) are "
        "skipped.",
    )

    # ------------------------------------------------------------------
    # Columns: a header name, or a column number (1 = first column)
    # ------------------------------------------------------------------
    reference_column = fields.Char(
        string="Reference Columns",
        required=True,
        help="The column of the transaction's identifier at its source. Several columns "
        "separated by commas are joined: a lockbox numbers its items per batch and per "
        "day, so give e.g. 'Deposit Date, Batch, Item'.",
    )
    amount_column = fields.Char(required=True)
    account_column = fields.Char(string="Account Number Column")
    scan_line_column = fields.Char(
        help="The scan line of the bill's remittance stub, as the lockbox read it."
    )
    date_column = fields.Char(
        help="The transaction date, kept on the file's rows: the payments are dated the "
        "day the bank credits the file.",
    )
    check_number_column = fields.Char()
    payer_column = fields.Char(string="Payer Name Column")
    status_column = fields.Char()
    note_column = fields.Char()

    def _get_parser_config_fields(self):
        return [
            *super()._get_parser_config_fields(),
            "accepted_statuses",
            *(f"{target}_column" for target in payment_files.TARGETS),
        ]

    def _get_parser_config(self):
        """The pure parser configuration of this layout.

        :raises reading_files.LayoutError: listing every problem of the layout
        """
        self.ensure_one()
        columns = {}
        for target in payment_files.TARGETS:
            column = (self[f"{target}_column"] or "").strip()
            if target == "reference":
                parts = payment_files.split_columns(column)
                if parts:
                    columns[target] = parts if len(parts) > 1 else parts[0]
            elif column:
                columns[target] = column
        config = payment_files.PaymentLayoutConfig(
            delimiter=self._get_delimiter(),
            quotechar=self.quotechar or "",
            has_header=self.has_header,
            date_formats=reading_files.split_date_formats(self.date_format),
            decimal_separator=self.decimal_separator,
            amount_in_cents=self.is_amount_in_cents,
            columns=columns,
            accepted_statuses=payment_files.split_statuses(self.accepted_statuses),
        )
        config.validate()
        return config
