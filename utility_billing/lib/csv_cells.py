# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Cells of the CSV files the product writes, safe to open in a spreadsheet.

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a
formula (and skips a leading tab or carriage return before looking), so a
customer named ``=HYPERLINK("http://evil.example","Pay here")`` would put a
live link, or worse, in the clerk's or the print vendor's spreadsheet (OWASP
"CSV injection"). Such a text cell is written with a leading apostrophe,
which spreadsheets show as text and do not display.

A number stays a number: ``-12.50`` (a credit) or ``+3`` is not a formula,
and the vendor's software must read it as the amount it is. Only text that
is not a plain number is changed.

Every CSV writer of the product goes through :func:`writer`.
"""

import csv
import re
from decimal import Decimal

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
NEUTRALIZER = "'"
# A plain decimal number, as the product writes money, quantities and rates.
_NUMBER_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


def safe_cell(value):
    """The cell as it is written: text starting like a formula gets an apostrophe.

    Numbers (int, Decimal, float) and text that is a plain number are kept;
    ``None`` is an empty cell.
    """
    if value is None:
        return ""
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return value
    text = str(value)
    if text.startswith(FORMULA_PREFIXES) and not _NUMBER_RE.match(text):
        return NEUTRALIZER + text
    return text


def safe_row(cells):
    return [safe_cell(cell) for cell in cells]


class SafeWriter:
    """A ``csv.writer`` whose rows are made safe cell by cell."""

    def __init__(self, out, **kwargs):
        self._writer = csv.writer(out, **kwargs)

    @property
    def dialect(self):
        return self._writer.dialect

    def writerow(self, row):
        return self._writer.writerow(safe_row(row))

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def writer(out, **kwargs):
    """``csv.writer(out, **kwargs)`` that neutralises formula cells."""
    return SafeWriter(out, **kwargs)
