# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The print vendor's data file of a bill run, and the split of a run for printing.

A city that sends its bills to a print / mail house sends this CSV instead of
(or beside) the PDF: one row per bill with everything printed on it, so the
vendor's composition software lays out the same bill.

Format: UTF-8, comma-separated, every field quoted, CRLF line ends, a header
row. Dates are ISO ``YYYY-MM-DD``; money has a dot and exactly two decimals,
no thousands separator, ``-`` in front of credits (payments are printed as a
credit, so ``PAYMENTS`` is negative); quantities and rates are plain decimals.
Empty optional values are empty strings. Text that a spreadsheet would run as
a formula (starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return)
is written with a leading apostrophe (:mod:`.csv_cells`); numbers stay numbers.

Repeated parts are flattened as numbered column groups, which every
composition tool can map (a JSON column would need a script on the vendor's
side). The number of groups is the largest any bill of the file needs, with a
floor so a vendor's mapping keeps working from one run to the next; the header
of each file says how many there are:

* ``UTILITY_ADDRESS_1..`` (at least 3), ``REMIT_TO_1..`` (at least 4),
  ``MAIL_LINE_1..`` (customer name not included; at least 5),
  ``MESSAGE_1..`` (at least 3);
* ``USAGE_01_LABEL``, ``USAGE_01_QTY`` ... ``USAGE_13_*``: always 13, oldest
  first, the current period last; a shorter history leaves the oldest empty;
* ``SVC<i>_NAME, _METER, _PREV_DATE, _PREV_READ, _CURR_DATE, _CURR_READ,
  _READ_TYPE, _CONSUMPTION, _UNIT, _TOTAL`` per service (at least 4), each
  followed by ``SVC<i>_LINE<j>_DESC, _QTY, _RATE, _AMOUNT`` (at least 4 lines).

The columns, in order, are listed by :func:`vendor_columns`.
"""

import csv
from decimal import ROUND_HALF_UP
from typing import NamedTuple

from . import csv_cells
from .bill_pdf import CENT, USAGE_MONTHS

MIN_UTILITY_ADDRESS = 3
MIN_REMIT_TO = 4
MIN_MAIL_LINES = 5
MIN_MESSAGES = 3
MIN_SERVICES = 4
MIN_LINES = 4

HEAD_COLUMNS = (
    "SEQUENCE",
    "ACCOUNT_NUMBER",
    "BILL_NUMBER",
    "CUSTOMER_NAME",
    "SERVICE_ADDRESS",
    "BILL_DATE",
    "DUE_DATE",
    "PENALTY_DATE",
    "AMOUNT_AFTER_PENALTY",
    "PERIOD_START",
    "PERIOD_END",
    "PERIOD_DAYS",
    "PREVIOUS_BALANCE",
    "PAYMENTS",
    "ADJUSTMENTS",
    "DEFERRED",
    "BALANCE_FORWARD",
    "PAST_DUE",
    "CURRENT_CHARGES",
    "AMOUNT_DUE",
    "AMOUNT_TO_PAY",
    "SCAN_LINE",
    "SPECIAL_HANDLING",
    "SPECIAL_HANDLING_REASON",
    "PAPERLESS",
    "UTILITY_NAME",
    "UTILITY_PHONE",
    "UTILITY_WEBSITE",
    "CURRENCY_SYMBOL",
    "USAGE_UNIT",
)
SERVICE_FIELDS = (
    "NAME",
    "METER",
    "PREV_DATE",
    "PREV_READ",
    "CURR_DATE",
    "CURR_READ",
    "READ_TYPE",
    "CONSUMPTION",
    "UNIT",
    "TOTAL",
)
LINE_FIELDS = ("DESC", "QTY", "RATE", "AMOUNT")


class BatchSplit(NamedTuple):
    """A bill run split for printing, each part in the run's order."""

    regular: list  # printed and mailed in the main batch
    special_handling: list  # pulled out: printed in their own file for a person to handle
    paperless: list  # not printed: e-mailed


def split_batch(bills):
    """Split bills into regular, special-handling and paperless batches.

    Special handling wins over paperless: a bill that needs a person's eyes
    (returned mail, bankruptcy, estate...) is pulled out even when it would
    have been e-mailed.
    """
    regular, special, paperless = [], [], []
    for bill in bills:
        if bill.is_special_handling:
            special.append(bill)
        elif bill.is_paperless:
            paperless.append(bill)
        else:
            regular.append(bill)
    return BatchSplit(regular, special, paperless)


def _text(value):
    if value is None:
        return ""
    return str(value)


def _date(value):
    return value.isoformat() if value else ""


def _money(value):
    if value is None:
        return ""
    return f"{value.quantize(CENT, ROUND_HALF_UP):f}"


def _plain(value):
    """A quantity or rate: plain decimal, no exponent, no trailing zeros."""
    if value is None:
        return ""
    normalized = value.normalize()
    if normalized == normalized.to_integral_value():
        return f"{normalized.quantize(1):f}"
    return f"{normalized:f}"


def _counts(bills):
    return {
        "utility_address": max([MIN_UTILITY_ADDRESS, *(len(b.utility_address) for b in bills)]),
        "remit_to": max([MIN_REMIT_TO, *(len(b.remit_to) for b in bills)]),
        "mail": max([MIN_MAIL_LINES, *(len(b.mailing_address) for b in bills)]),
        "messages": max([MIN_MESSAGES, *(len(b.messages) for b in bills)]),
        "services": max([MIN_SERVICES, *(len(b.services) for b in bills)]),
        "lines": max(
            [MIN_LINES, *(len(s.lines) for b in bills for s in b.services)],
        ),
    }


def vendor_columns(bills=()):
    """The header of the vendor file for these bills (group counts from the bills)."""
    counts = _counts(list(bills))
    return _columns(counts)


def _columns(counts):
    columns = list(HEAD_COLUMNS)
    columns += [f"UTILITY_ADDRESS_{i}" for i in range(1, counts["utility_address"] + 1)]
    columns += [f"REMIT_TO_{i}" for i in range(1, counts["remit_to"] + 1)]
    columns += [f"MAIL_LINE_{i}" for i in range(1, counts["mail"] + 1)]
    columns += [f"MESSAGE_{i}" for i in range(1, counts["messages"] + 1)]
    for month in range(1, USAGE_MONTHS + 1):
        columns += [f"USAGE_{month:02d}_LABEL", f"USAGE_{month:02d}_QTY"]
    for service in range(1, counts["services"] + 1):
        columns += [f"SVC{service}_{name}" for name in SERVICE_FIELDS]
        for line in range(1, counts["lines"] + 1):
            columns += [f"SVC{service}_LINE{line}_{name}" for name in LINE_FIELDS]
    return columns


def _pad(values, count):
    return [*values, *([""] * (count - len(values)))]


def vendor_row(bill, sequence, counts):
    """The values of one bill's row, in the order of :func:`vendor_columns`."""
    row = [
        str(sequence),
        bill.account_number,
        bill.bill_number,
        bill.customer_name,
        bill.service_address,
        _date(bill.date_bill),
        _date(bill.date_due),
        _date(bill.date_penalty),
        _money(bill.amount_after_penalty),
        _date(bill.date_period_start),
        _date(bill.date_period_end),
        str(bill.period_days),
        _money(bill.amount_previous_balance),
        _money(-bill.amount_payments),
        _money(bill.amount_adjustments),
        _money(bill.amount_deferred),
        _money(bill.balance_forward),
        _money(bill.amount_past_due),
        _money(bill.amount_current),
        _money(bill.amount_due),
        _money(bill.amount_to_pay),
        bill.scan_line,
        "Y" if bill.is_special_handling else "N",
        bill.special_handling,
        "Y" if bill.is_paperless else "N",
        bill.utility_name,
        bill.utility_phone,
        bill.utility_website,
        bill.currency_symbol,
        bill.usage_unit,
    ]
    row += _pad(list(bill.utility_address), counts["utility_address"])
    row += _pad(list(bill.remit_to), counts["remit_to"])
    row += _pad(list(bill.mailing_address), counts["mail"])
    row += _pad(list(bill.messages), counts["messages"])
    history = [("", "")] * (USAGE_MONTHS - len(bill.usage_history)) + [
        (point.label, _plain(point.consumption)) for point in bill.usage_history
    ]
    for label, quantity in history:
        row += [label, quantity]
    empty_service = [""] * (len(SERVICE_FIELDS) + len(LINE_FIELDS) * counts["lines"])
    for index in range(counts["services"]):
        if index >= len(bill.services):
            row += empty_service
            continue
        service = bill.services[index]
        row += [
            service.name,
            service.meter_number,
            _date(service.date_previous_read),
            _plain(service.previous_read),
            _date(service.date_current_read),
            _plain(service.current_read),
            service.read_type,
            _plain(service.consumption),
            service.unit,
            _money(service.amount_total),
        ]
        for line_index in range(counts["lines"]):
            if line_index < len(service.lines):
                line = service.lines[line_index]
                row += [
                    line.description,
                    _plain(line.quantity),
                    _plain(line.rate),
                    _money(line.amount),
                ]
            else:
                row += [""] * len(LINE_FIELDS)
    return row


def write_vendor_csv(bills, out):
    """Write the vendor file of these bills on the text file object ``out``.

    Open the file with ``newline=""`` (the csv module writes CRLF itself) and
    ``encoding="utf-8"``. Returns the number of bills written.
    """
    bills = list(bills)
    counts = _counts(bills)
    writer = csv_cells.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(_columns(counts))
    for sequence, bill in enumerate(bills, 1):
        writer.writerow(vendor_row(bill, sequence, counts))
    return len(bills)
