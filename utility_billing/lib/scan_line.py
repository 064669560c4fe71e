# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The scan line printed on the remittance stub of a utility bill, built and parsed.

A bank lockbox reads this line (OCR, or the QR code that carries the same text)
to post a payment without keying it. The layout is fixed-width, 36 characters,
blank-separated; positions are 1-based::

    1 0000UA000123 20250315 0000012345 7
    |     |           |         |      |
    pos  len  field
      1    1  document type, "1" = utility bill remittance stub
      2    1  blank
      3   12  account key: the account number upper-cased, without separators
              (anything but A-Z and 0-9 is dropped), right-aligned, left-filled with "0"
     15    1  blank
     16    8  due date, YYYYMMDD
     24    1  blank
     25   10  amount due in cents, right-aligned, left-filled with "0"
              (0000012345 = $123.45; a credit balance prints 0000000000)
     35    1  blank
     36    1  check digit over positions 1-34 (see below)

A lockbox that drops the blanks reads the same fields at positions 1, 2-13,
14-21, 22-31 and 32 of a 32-character line; :func:`parse_scan_line` accepts both.

Check digit: Luhn, also called "mod 10, weights 2-1" (ISO/IEC 7812-1, annex B),
computed over the characters of positions 1-34 with the blanks removed. Letters
of the account key are first replaced by two digits, A=10, B=11 ... Z=35 (the
letter values of ISO 7064 and IBAN, ISO 13616); digits stay as they are. Then,
from the rightmost digit leftwards, every other digit starting with the
rightmost is doubled, 9 is subtracted from any product above 9, all digits are
added up, and the check digit is ``(10 - total % 10) % 10``. The check digit
catches any single wrong digit and nearly every swap of two neighbours.

The account key is how a payment is matched back to its account: compare
:func:`account_key` of the stored account number with :attr:`ScanLine.account_key`
(leading zeros of an all-numeric account number cannot be told apart from the
fill, so never compare the raw account numbers).
"""

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

DOC_TYPE_BILL = "1"
DOC_TYPES = {DOC_TYPE_BILL: "utility bill"}

ACCOUNT_WIDTH = 12
AMOUNT_WIDTH = 10
LINE_LENGTH = 36  # with the four blanks
COMPACT_LENGTH = 32  # without them
MAX_CENTS = 10**AMOUNT_WIDTH - 1
CENT = Decimal("0.01")

_NOT_ACCOUNT_CHARS = re.compile(r"[^0-9A-Z]")
_ACCOUNT_FIELD = re.compile(rf"^[0-9A-Z]{{{ACCOUNT_WIDTH}}}$")
_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class ScanLine:
    """The fields of a scan line read back by :func:`parse_scan_line`."""

    doc_type: str
    account_key: str
    date_due: dt.date
    amount_cents: int
    check_digit: str

    @property
    def amount_due(self):
        """The amount in currency units, exact: 12345 cents is Decimal('123.45')."""
        return (Decimal(self.amount_cents) / 100).quantize(CENT)

    @property
    def line(self):
        """The canonical printed form (with blanks) of these fields."""
        return _join(self.doc_type, self.account_key, self.date_due, self.amount_cents)


def luhn_check_digit(digits):
    """Luhn (mod 10, weights 2-1) check digit of a string of digits, as a str."""
    if not digits or not digits.isdigit() or not digits.isascii():
        raise ValueError(f"Luhn check digit needs a string of digits, got {digits!r}")
    total = 0
    # The rightmost payload digit is doubled: the check digit will sit right of it.
    for index, char in enumerate(reversed(digits)):
        value = ord(char) - 48
        if index % 2 == 0:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return str((10 - total % 10) % 10)


def account_key(account_number):
    """The 12-character account field of the scan line for an account number.

    Upper-cased, separators and anything else outside A-Z / 0-9 dropped,
    left-filled with zeros: ``"ua-000123"`` gives ``"0000UA000123"``.
    """
    if not isinstance(account_number, str):
        raise TypeError(f"Account number must be a str, got {type(account_number).__name__}")
    key = _NOT_ACCOUNT_CHARS.sub("", account_number.upper())
    if not key:
        raise ValueError(f"Account number {account_number!r} has no letter or digit")
    if len(key) > ACCOUNT_WIDTH:
        raise ValueError(
            f"Account number {account_number!r} is longer than the {ACCOUNT_WIDTH} characters"
            " of the scan line's account field"
        )
    return key.rjust(ACCOUNT_WIDTH, "0")


def amount_to_cents(amount_due):
    """Whole cents of a non-negative Decimal amount that has at most 2 decimals."""
    if isinstance(amount_due, bool) or not isinstance(amount_due, (Decimal, int)):
        raise TypeError(
            f"Amount due must be a Decimal (exact money), got {type(amount_due).__name__}"
        )
    amount = Decimal(amount_due)
    if not amount.is_finite():
        raise ValueError(f"Amount due {amount_due} is not a number")
    if amount != amount.quantize(CENT):
        raise ValueError(f"Amount due {amount_due} has fractions of a cent")
    if amount < 0:
        raise ValueError(
            f"Amount due {amount_due} is negative: print a zero amount for a credit balance"
        )
    cents = int(amount * 100)
    if cents > MAX_CENTS:
        raise ValueError(f"Amount due {amount_due} does not fit the {AMOUNT_WIDTH}-digit field")
    return cents


def _expand_letters(text):
    """Letters to their ISO 7064 values (A=10 ... Z=35), digits unchanged."""
    return "".join(char if char.isdigit() else str(ord(char) - 55) for char in text)


def _payload(doc_type, key, date_due, cents):
    return f"{doc_type}{key}{date_due:%Y%m%d}{cents:0{AMOUNT_WIDTH}d}"


def _join(doc_type, key, date_due, cents):
    payload = _payload(doc_type, key, date_due, cents)
    check = luhn_check_digit(_expand_letters(payload))
    return f"{doc_type} {key} {date_due:%Y%m%d} {cents:0{AMOUNT_WIDTH}d} {check}"


def build_scan_line(account_number, amount_due, date_due, doc_type=DOC_TYPE_BILL):
    """The 36-character scan line of a remittance stub (layout in the module docstring).

    ``amount_due`` is a Decimal with at most 2 decimals, not negative (print
    zero for a credit balance); ``date_due`` a :class:`datetime.date`.
    """
    if doc_type not in DOC_TYPES:
        raise ValueError(f"Unknown scan line document type {doc_type!r}")
    if not isinstance(date_due, dt.date) or isinstance(date_due, dt.datetime):
        raise TypeError(f"Due date must be a date, got {type(date_due).__name__}")
    if not 1000 <= date_due.year <= 9999:
        raise ValueError(f"Due date {date_due} does not fit the YYYYMMDD field")
    return _join(doc_type, account_key(account_number), date_due, amount_to_cents(amount_due))


def _is_digits(text):
    return text.isascii() and text.isdigit()


def _field_problems(doc_type, key, date_text, amount_text, check):
    """Problems of the fields read from a compact line, and the due date if valid."""
    problems = []
    if doc_type not in DOC_TYPES:
        problems.append(f"unknown document type {doc_type!r}")
    if not _ACCOUNT_FIELD.match(key):
        problems.append(f"account field {key!r} must hold only letters and digits")
    date_due = None
    if not _is_digits(date_text):
        problems.append(f"due date {date_text!r} is not YYYYMMDD digits")
    else:
        try:
            date_due = dt.date(int(date_text[:4]), int(date_text[4:6]), int(date_text[6:]))
        except ValueError:
            problems.append(f"due date {date_text} is not a calendar date")
    if not _is_digits(amount_text):
        problems.append(f"amount {amount_text!r} is not {AMOUNT_WIDTH} digits")
    if not _is_digits(check):
        problems.append(f"check digit {check!r} is not a digit")
    return problems, date_due


def parse_scan_line(line):
    """Read a scan line back into a :class:`ScanLine`, checking every field.

    Blanks are optional (a 36-character printed line or a 32-character compact
    one). Raises ValueError naming every problem found, including a check digit
    that does not match: such a line was misread and must not be posted.
    """
    if not isinstance(line, str):
        raise ValueError(f"Scan line must be text, got {type(line).__name__}")
    compact = _WHITESPACE.sub("", line).upper()
    if not compact:
        raise ValueError("Scan line is empty")
    if len(compact) != COMPACT_LENGTH:
        raise ValueError(
            f"Scan line {line.strip()!r} has {len(compact)} characters without blanks,"
            f" expected {COMPACT_LENGTH} (document type 1, account 12, due date 8,"
            f" amount 10, check digit 1)"
        )
    doc_type, key, date_text, amount_text, check = (
        compact[0],
        compact[1:13],
        compact[13:21],
        compact[21:31],
        compact[31],
    )
    problems, date_due = _field_problems(doc_type, key, date_text, amount_text, check)
    if not problems:
        expected = luhn_check_digit(_expand_letters(compact[:31]))
        if check != expected:
            problems.append(
                f"check digit is {check}, expected {expected}: the line was misread or mistyped"
            )
    if problems:
        raise ValueError(f"Invalid scan line {line.strip()!r}: " + "; ".join(problems))
    return ScanLine(
        doc_type=doc_type,
        account_key=key,
        date_due=date_due,
        amount_cents=int(amount_text),
        check_digit=check,
    )
