# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Parse payment files: bank lockbox exports and online payment processor exports.

A payment file is delimited text (CSV) whose columns a layout maps, as for
reading files (:mod:`.reading_files` splits the records, decodes the bytes
and reads the numbers and dates: the same rules, the same messages). Each
row is one transaction: an amount, the transaction's reference at its source
(lockbox batch and item, processor transaction id) and what identifies the
customer account: an account number column, the scan line of the bill's
remittance stub (:mod:`.scan_line`), or both.

Two kinds of problems are kept apart:

* a **bad row** cannot be read as a transaction (no amount, no reference, a
  date that is not a date, the same reference twice): the file is wrong, and
  nothing of it is imported unless the clerk chooses to leave those rows out;
* an **unmatched row** is a real transaction whose account is unknown (an
  unreadable scan line, an account number that names no account): the bank
  has the money, so the row is imported into the suspense queue.

Every error names its line and its column. Nothing here touches the database.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal

from . import card_numbers, reading_files
from .reading_files import LayoutError, ParseResult
from .scan_line import ScanLine, account_key, parse_scan_line

# Fields a layout can map. ``reference`` may be made of several columns
# (a lockbox item is unique by deposit date, batch and item number).
TARGETS = (
    "reference",
    "amount",
    "account",
    "scan_line",
    "date",
    "check_number",
    "payer",
    "status",
    "note",
)
REQUIRED_TARGETS = ("reference", "amount")
TARGET_LABELS = {
    "reference": "transaction reference",
    "amount": "amount",
    "account": "account number",
    "scan_line": "scan line",
    "date": "date",
    "check_number": "check number",
    "payer": "payer",
    "status": "status",
    "note": "note",
}
REFERENCE_SEPARATOR = "-"
CENT = Decimal("0.01")
_CURRENCY_SIGNS = re.compile(r"[$€£\s\u00a0]")
_CENTS_RE = re.compile(r"^\d+$")
# Digits before the decimal point past which an amount is not quantized (the
# largest limit a company may set has 10).
MAX_DIGITS = 20


def split_columns(text):
    """``"Batch, Item"`` -> ``("Batch", "Item")``: the columns of a composed field."""
    return tuple(part.strip() for part in (text or "").split(",") if part.strip())


def split_statuses(text):
    """``"Settled; Approved"`` -> ``frozenset({"SETTLED", "APPROVED"})``."""
    return frozenset(s.strip().upper() for s in re.split(r"[,;\n]", text or "") if s.strip())


# ----------------------------------------------------------------------
# Configuration
# ----------------------------------------------------------------------
@dataclass(frozen=True)
class PaymentLayoutConfig:
    """How to read one kind of payment file.

    :param columns: target -> header name (str) or 1-based column number;
        ``reference`` takes a tuple of them, joined with ``-`` in that order
    :param amount_in_cents: amounts are whole cents without a decimal point
        (``0000012345`` is 123.45), as many lockbox formats write them
    :param accepted_statuses: when the ``status`` column is mapped, only rows
        with one of these statuses (upper case) are payments; the others
        (declined, voided, refunds) are skipped, not errors
    :param max_amount: the largest amount a row may carry (Decimal; the
        company's limit, set by the import), None for no limit
    """

    delimiter: str = ","
    quotechar: str = '"'
    has_header: bool = True
    date_formats: tuple = ("MM/DD/YYYY",)
    decimal_separator: str = "."
    amount_in_cents: bool = False
    columns: dict = field(default_factory=dict)
    accepted_statuses: frozenset = frozenset()
    max_amount: Decimal | None = None

    def validate(self):
        """Raise LayoutError listing every problem of the layout."""
        problems = []
        missing = [TARGET_LABELS[t] for t in REQUIRED_TARGETS if not self.columns.get(t)]
        if not (self.columns.get("account") or self.columns.get("scan_line")):
            missing.append("account number or scan line")
        if missing:
            problems.append("no column for: " + ", ".join(missing))
        problems += reading_files.csv_layout_problems(
            self, self._flat_columns(), lambda key: TARGET_LABELS[key.split("#")[0]]
        )
        unknown = sorted(set(self.columns) - set(TARGETS))
        if unknown:
            problems.append(f"unknown fields: {', '.join(unknown)}")
        if self.decimal_separator not in (".", ","):
            problems.append("the decimal separator must be '.' or ','")
        if self.columns.get("date") and not self.date_formats:
            problems.append("give at least one date format")
        if self.columns.get("status") and not self.accepted_statuses:
            problems.append("a status column needs the statuses that are payments")
        if problems:
            raise LayoutError("; ".join(problems))

    def _flat_columns(self):
        """target -> one column; the parts of the reference are ``reference#1``..."""
        flat = {}
        for target, column in self.columns.items():
            if not column:
                continue
            if isinstance(column, (tuple, list)):
                for index, part in enumerate(column, start=1):
                    flat[f"{target}#{index}"] = part
            else:
                flat[target] = column
        return flat

    def _record_config(self):
        """The shape :func:`reading_files._csv_records` splits records with."""
        return _RecordConfig(
            delimiter=self.delimiter,
            quotechar=self.quotechar,
            has_header=self.has_header,
            columns=self._flat_columns(),
        )


@dataclass(frozen=True)
class _RecordConfig:
    delimiter: str
    quotechar: str
    has_header: bool
    columns: dict


# ----------------------------------------------------------------------
# Result
# ----------------------------------------------------------------------
@dataclass(slots=True)
class PaymentRow:
    """One transaction of the file, read or not: ``errors`` says why not.

    ``errors`` holds (column, message) pairs; the column is the layout's name
    for it (its header or number), empty for a problem of the whole row.
    ``scan`` is the parsed scan line, ``scan_error`` why it could not be
    read (the row is still a transaction: it goes to suspense).
    """

    line_number: int
    reference: str = ""
    amount: Decimal | None = None
    account: str = ""
    scan_line: str = ""
    scan: ScanLine | None = None
    scan_error: str = ""
    date: object = None
    check_number: str = ""
    payer: str = ""
    status: str = ""
    note: str = ""
    errors: list = field(default_factory=list)

    @property
    def is_valid(self):
        return not self.errors

    def add_error(self, column, message):
        self.errors.append((column, message))

    def error_messages(self):
        return [
            f"line {self.line_number}, column '{column}': {message}"
            if column
            else f"line {self.line_number}: {message}"
            for column, message in self.errors
        ]

    @property
    def account_keys(self):
        """The scan-line account keys this row names: from the account column,
        from the scan line, or both (two keys when they disagree)."""
        keys = []
        if self.account:
            try:
                keys.append(account_key(self.account))
            except ValueError:
                keys.append(self.account.upper())
        if self.scan and self.scan.account_key not in keys:
            keys.append(self.scan.account_key)
        return keys


@dataclass
class PaymentParseResult(ParseResult):
    """Rows of the file, what went wrong, and the rows skipped by status."""

    skipped: list = field(default_factory=list)

    @property
    def amount_total(self):
        return sum((row.amount for row in self.valid_rows), Decimal(0))


# ----------------------------------------------------------------------
# Values
# ----------------------------------------------------------------------
def parse_amount(text, decimal_separator=".", in_cents=False):
    """Read a payment amount exactly, from its text to a Decimal, never a float.

    Currency signs and blanks are dropped; in cents mode the text must be
    digits only (``1999`` is 19.99). A fraction of a cent (``1234.565``) is
    refused, never rounded: the bank credited a whole number of cents, so such
    an amount is a misread. No exponent, NaN or infinity.

    :return: Decimal with 2 decimals, or None when unreadable
    """
    text = _CURRENCY_SIGNS.sub("", text or "")
    if in_cents:
        if not _CENTS_RE.match(text):
            return None
        amount = Decimal(text).scaleb(-2)
    else:
        amount = reading_files.parse_number(text, decimal_separator)
        if amount is None or reading_files.decimal_places(amount) > 2:
            return None
    if amount.adjusted() >= MAX_DIGITS:
        # Far above any limit; quantize would need more digits than Decimal's context.
        return amount
    return amount.quantize(CENT)


# ----------------------------------------------------------------------
# Parsing
# ----------------------------------------------------------------------
def parse(content, config):
    """Parse a payment file.

    :param content: the file as bytes (or str, read as UTF-8)
    :param config: PaymentLayoutConfig
    :return: PaymentParseResult; rows in file order, each validated
    :raises LayoutError: when the layout itself is unusable
    """
    result, lines = reading_files.start_parse(content, config, PaymentParseResult)
    if lines is None:
        return result
    # The record splitter of the reading files: same CSV dialect handling,
    # same column-count checks and messages, one record at a time.
    records = reading_files._csv_records(lines, config._record_config(), result)
    names = config._flat_columns()
    for line_number, values, errors in records:
        row = PaymentRow(line_number=line_number)
        row.errors.extend(("", error) for error in errors)
        if not errors:
            _fill_row(row, values, names, config)
            # Declined, voided or refunded transactions are in the export but
            # are not money received.
            if row.status and row.status.upper() not in config.accepted_statuses:
                result.skipped.append(row)
                continue
        result.rows.append(row)
    if result.file_errors:
        result.rows, result.skipped = [], []
        return result
    if not result.rows and not result.skipped:
        result.file_errors.append(
            "the file has a header but no payments"
            if config.has_header
            else "the file has no payments"
        )
    _flag_duplicates(result.rows, names)
    return result


def _column_name(names, target):
    column = names.get(target) or names.get(f"{target}#1", "")
    return str(column)


def _fill_row(row, values, names, config):
    parts = [values.get(key, "").strip() for key in _reference_keys(names)]
    row.reference = REFERENCE_SEPARATOR.join(parts) if all(parts) else ""
    row.account = values.get("account", "")
    row.scan_line = values.get("scan_line", "")
    # Free text a bank or processor fills as it likes (a check number, the
    # remitter, the payment method): a card number in it is masked before
    # anything is stored (lib/card_numbers.py, the one guard).
    row.check_number = card_numbers.mask(values.get("check_number", ""))
    row.payer = card_numbers.mask(values.get("payer", ""))
    row.status = values.get("status", "")
    row.note = card_numbers.mask(values.get("note", ""))
    if not all(parts):
        row.add_error(_reference_columns(names), "missing transaction reference")
    if "status" in names and not row.status:
        row.add_error(_column_name(names, "status"), "missing status")

    _fill_amount(row, values, names, config)

    if "date" in names:
        date_text = values.get("date", "")
        if not date_text:
            row.add_error(_column_name(names, "date"), "missing date")
        else:
            row.date = reading_files.parse_date(date_text, config.date_formats)
            if row.date is None:
                row.add_error(
                    _column_name(names, "date"),
                    f"'{date_text}' does not match " + " or ".join(config.date_formats),
                )

    # An unreadable scan line does not make the row unreadable: the bank has
    # the money, the clerk finds the account in the suspense queue.
    if row.scan_line:
        try:
            row.scan = parse_scan_line(row.scan_line)
        except ValueError as error:
            row.scan_error = str(error)


def _fill_amount(row, values, names, config):
    amount_column = _column_name(names, "amount")
    amount_text = values.get("amount", "")
    if not amount_text:
        row.add_error(amount_column, "missing amount")
        return
    row.amount = parse_amount(amount_text, config.decimal_separator, config.amount_in_cents)
    if row.amount is None:
        what = (
            "whole cents (digits only)"
            if config.amount_in_cents
            else "an amount with at most 2 decimals"
        )
        row.add_error(amount_column, f"'{reading_files.shown(amount_text)}' is not {what}")
    elif row.amount <= 0:
        row.add_error(
            amount_column,
            f"'{amount_text}' is not a payment: the amount must be more than zero",
        )
        row.amount = None
    elif config.max_amount is not None and row.amount > config.max_amount:
        row.add_error(amount_column, amount_limit_message(amount_text, config.max_amount))
        row.amount = None


def amount_limit_message(amount_text, max_amount):
    """The refusal of an amount above the company's per-row limit."""
    return (
        f"'{reading_files.shown(amount_text)}' is more than the largest amount a file row "
        f"may carry ({max_amount:,.2f}, Settings > Utility Billing > Import Limits)"
    )


def _reference_keys(names):
    if "reference" in names:
        return ["reference"]
    count = sum(1 for key in names if key.startswith("reference#"))
    return [f"reference#{index}" for index in range(1, count + 1)]


def reference_label(config):
    """How errors name the reference: its column, or its columns joined with ``+``."""
    return _reference_columns(config._flat_columns())


def _reference_columns(names):
    return " + ".join(str(names[key]) for key in _reference_keys(names))


def _flag_duplicates(rows, names):
    """A reference twice in one file: which one the bank paid is unknowable."""
    first_line = {}
    for row in rows:
        if not row.reference:
            continue
        seen = first_line.setdefault(row.reference, row.line_number)
        if seen != row.line_number:
            row.add_error(
                _reference_columns(names),
                f"reference {row.reference} already appears on line {seen}",
            )
