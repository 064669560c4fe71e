# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""NACHA (ACH) files of autopay: the debit file the city sends its bank, and the
returns the bank sends back. No Odoo import.

Why not a library: ``carta-ach`` (used by OCA ``account_banking_ach_base``, last
release 2019) numbers trace numbers 1, 2, 3... again in every file, stamps the
file header with the machine's clock and silently cuts a name at its first
character outside its pattern ("PAT O'BRIEN" becomes "PAT O"); ``ach`` (2014) and
``nacha`` (2014) are unmaintained; ``achkit`` (2026) also renumbers trace numbers
per file. Autopay needs trace numbers unique across files (a return names its
payment by the original trace number), so the format is written here.

Record layout: NACHA Operating Rules, Appendix Three, "ACH Record Format
Specifications" (summarised at https://achdevguide.nacha.org/ach-file-details).
Every record is 94 characters; positions are 1-based and inclusive; ``N`` fields
are numeric, right-justified and zero-filled; ``A`` fields are upper-case
alphanumeric, left-justified and blank-filled; ``b`` is one blank.

File Header Record (type 1)::

     1- 1  record type code "1"           35-37  record size "094"
     2- 3  priority code "01"             38-39  blocking factor "10"
     4-13  immediate destination b+9 N    40-40  format code "1"
    14-23  immediate origin (10)          41-63  immediate destination name A
    24-29  file creation date YYMMDD      64-86  immediate origin name A
    30-33  file creation time HHMM        87-94  reference code A
    34-34  file ID modifier A-Z, 0-9

Company/Batch Header Record (type 5)::

     1- 1  "5"                            64-69  company descriptive date A
     2- 4  service class code: 200 mixed, 70-75  effective entry date YYMMDD
           220 credits only, 225 debits   76-78  settlement date (blank: the ACH
     5-20  company name A                        operator fills it)
    21-40  company discretionary data A   79-79  originator status code "1"
    41-50  company identification A       80-87  originating DFI identification N
    51-53  standard entry class code PPD  88-94  batch number N
    54-63  company entry description A

Entry Detail Record (type 6), PPD::

     1- 1  "6"                            40-54  individual identification number A
     2- 3  transaction code: 27 checking        (the utility account number)
           debit, 37 savings debit, 28 / 38 55-76  individual name A
           their zero-dollar prenotes     77-78  discretionary data A
     4-11  receiving DFI identification N 79-79  addenda record indicator 0 / 1
    12-12  check digit N                  80-94  trace number N: the ODFI's 8
    13-29  DFI account number A                 digits + entry sequence number
    30-39  amount N, in cents

Addenda Record (type 7), addenda type 99, of a return::

     1- 1  "7"                            22-27  date of death YYMMDD
     2- 3  addenda type code "99"         28-35  original receiving DFI id N
     4- 6  return reason code (R01...)    36-79  addenda information A
     7-21  original entry trace number N  80-94  trace number N

Company/Batch Control Record (type 8)::

     1- 1  "8"                            33-44  total credit entry dollar amount N
     2- 4  service class code             45-54  company identification A
     5-10  entry/addenda count N          55-73  message authentication code (blank)
    11-20  entry hash N                   74-79  reserved (blank)
    21-32  total debit entry dollar       80-87  originating DFI identification N
           amount N                       88-94  batch number N

File Control Record (type 9)::

     1- 1  "9"                            22-31  entry hash N
     2- 7  batch count N                  32-43  total debit entry dollar amount N
     8-13  block count N                  44-55  total credit entry dollar amount N
    14-21  entry/addenda count N          56-94  reserved (blank)

Entry hash: the sum of the 8-digit receiving DFI identifications of the entries,
keeping its rightmost 10 digits. Blocking: the file is a whole number of blocks
of 10 records; the last block is filled with records of 94 "9".

Addenda Record (type 7), addenda type 98, of a notification of change (NOC)::

     1- 1  "7"                            22-27  reserved (blank)
     2- 3  addenda type code "98"         28-35  original receiving DFI id N
     4- 6  change code (C01...)           36-64  corrected data A
     7-21  original entry trace number N  65-79  reserved (blank)
                                          80-94  trace number N

The corrected data of the codes autopay applies (Appendix Five)::

    C01  account number in 1-17           C05  transaction code in 1-2
    C02  routing number in 1-9            C06  account number in 1-17,
    C03  routing number in 1-9, account        transaction code in 21-22
         number in 13-29                  C07  routing number in 1-9, account
                                               number in 10-26, transaction
                                               code in 27-28

Returns come as a NACHA file (return entries, transaction code 26 / 36 / 21 /
31..., each with its addenda type 99; notifications of change are zero-dollar
entries of the same codes with an addenda type 98) or as a CSV of the bank's returns report
with a header row and the columns ``trace_number,reason_code,amount,date``
(``date`` YYYY-MM-DD or MM/DD/YYYY, ``amount`` in dollars like 123.45).
"""

import csv
import datetime as dt
import functools
import io
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import holidays

from .reading_files import control_character_problem, decimal_places, parse_number, shown

RECORD_LENGTH = 94
BLOCKING_FACTOR = 10
FILL_RECORD = "9" * RECORD_LENGTH
CENT = Decimal("0.01")
MAX_ENTRY_CENTS = 10**10 - 1

MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
SEC_PPD = "PPD"
SERVICE_CLASS_MIXED = "200"
SERVICE_CLASS_CREDITS = "220"
SERVICE_CLASS_DEBITS = "225"

# Transaction codes of the entries (NACHA Appendix Three, "Transaction Codes").
CHECKING_DEBIT = "27"
CHECKING_DEBIT_PRENOTE = "28"
SAVINGS_DEBIT = "37"
SAVINGS_DEBIT_PRENOTE = "38"
DEBIT_CODES = frozenset({"27", "28", "29", "37", "38", "39"})
CREDIT_CODES = frozenset({"22", "23", "24", "32", "33", "34"})
PRENOTE_CODES = frozenset({"23", "28", "33", "38"})
DEBIT_TRANSACTION_CODES = {
    ("checking", False): CHECKING_DEBIT,
    ("checking", True): CHECKING_DEBIT_PRENOTE,
    ("savings", False): SAVINGS_DEBIT,
    ("savings", True): SAVINGS_DEBIT_PRENOTE,
}

# The return reason codes a utility meets (NACHA Appendix Four).
RETURN_REASONS = {
    "R01": "Insufficient funds",
    "R02": "Account closed",
    "R03": "No account / unable to locate account",
    "R04": "Invalid account number",
    "R05": "Unauthorized debit to consumer account",
    "R06": "Returned per ODFI's request",
    "R07": "Authorization revoked by customer",
    "R08": "Payment stopped",
    "R09": "Uncollected funds",
    "R10": "Customer advises not authorized",
    "R11": "Customer advises entry not in accordance with the authorization",
    "R12": "Account sold to another DFI",
    "R13": "Invalid ACH routing number",
    "R14": "Representative payee deceased",
    "R15": "Beneficiary or account holder deceased",
    "R16": "Account frozen",
    "R17": "File record edit criteria",
    "R20": "Non-transaction account",
    "R23": "Credit entry refused by receiver",
    "R24": "Duplicate entry",
    "R29": "Corporate customer advises not authorized",
    "R31": "Permissible return entry",
    "R33": "Return of XCK entry",
}
_REASON_CODE = re.compile(r"^R\d\d$")

# Notification of change codes (NACHA Appendix Five).
CHANGE_CODES = {
    "C01": "Incorrect bank account number",
    "C02": "Incorrect routing number",
    "C03": "Incorrect routing number and incorrect bank account number",
    "C04": "Incorrect individual name",
    "C05": "Incorrect transaction code (checking or savings)",
    "C06": "Incorrect bank account number and incorrect transaction code",
    "C07": "Incorrect routing number, bank account number and transaction code",
    "C08": "Incorrect receiving DFI identification (international entries)",
    "C09": "Incorrect individual identification number",
    "C10": "Incorrect company name",
    "C11": "Incorrect company identification",
    "C12": "Incorrect company name and company identification",
    "C13": "Addenda format error",
    "C14": "Incorrect SEC code for outbound international payment",
}
# The codes whose corrected data is the bank account autopay drafts; the others
# (a name, an identification, the city's own fields) need a clerk.
BANK_CHANGE_CODES = frozenset({"C01", "C02", "C03", "C05", "C06", "C07"})
_CHANGE_CODE = re.compile(r"^C\d\d$")

# Field layouts: (name, first position, last position, kind). ``N`` numeric,
# ``A`` alphanumeric, ``C`` constant (the name is the value).
FILE_HEADER = (
    ("1", 1, 1, "C"),
    ("01", 2, 3, "C"),
    ("immediate_destination", 4, 13, "D"),
    ("immediate_origin", 14, 23, "R"),
    ("file_creation_date", 24, 29, "N"),
    ("file_creation_time", 30, 33, "N"),
    ("file_id_modifier", 34, 34, "A"),
    ("094", 35, 37, "C"),
    ("10", 38, 39, "C"),
    ("1", 40, 40, "C"),
    ("immediate_destination_name", 41, 63, "A"),
    ("immediate_origin_name", 64, 86, "A"),
    ("reference_code", 87, 94, "A"),
)
BATCH_HEADER = (
    ("5", 1, 1, "C"),
    ("service_class_code", 2, 4, "N"),
    ("company_name", 5, 20, "A"),
    ("company_discretionary_data", 21, 40, "A"),
    ("company_identification", 41, 50, "A"),
    ("standard_entry_class_code", 51, 53, "A"),
    ("company_entry_description", 54, 63, "A"),
    ("company_descriptive_date", 64, 69, "A"),
    ("effective_entry_date", 70, 75, "N"),
    ("settlement_date", 76, 78, "A"),
    ("originator_status_code", 79, 79, "A"),
    ("originating_dfi_identification", 80, 87, "N"),
    ("batch_number", 88, 94, "N"),
)
ENTRY_DETAIL = (
    ("6", 1, 1, "C"),
    ("transaction_code", 2, 3, "N"),
    ("receiving_dfi_identification", 4, 11, "N"),
    ("check_digit", 12, 12, "N"),
    ("dfi_account_number", 13, 29, "A"),
    ("amount", 30, 39, "N"),
    ("individual_identification_number", 40, 54, "A"),
    ("individual_name", 55, 76, "A"),
    ("discretionary_data", 77, 78, "A"),
    ("addenda_record_indicator", 79, 79, "N"),
    ("trace_number", 80, 94, "N"),
)
RETURN_ADDENDA = (
    ("7", 1, 1, "C"),
    ("addenda_type_code", 2, 3, "N"),
    ("return_reason_code", 4, 6, "A"),
    ("original_entry_trace_number", 7, 21, "N"),
    ("date_of_death", 22, 27, "A"),
    ("original_receiving_dfi_identification", 28, 35, "N"),
    ("addenda_information", 36, 79, "A"),
    ("trace_number", 80, 94, "N"),
)
CHANGE_ADDENDA = (
    ("7", 1, 1, "C"),
    ("addenda_type_code", 2, 3, "N"),
    ("change_code", 4, 6, "A"),
    ("original_entry_trace_number", 7, 21, "N"),
    ("reserved", 22, 27, "A"),
    ("original_receiving_dfi_identification", 28, 35, "N"),
    ("corrected_data", 36, 64, "A"),
    ("reserved2", 65, 79, "A"),
    ("trace_number", 80, 94, "N"),
)
BATCH_CONTROL = (
    ("8", 1, 1, "C"),
    ("service_class_code", 2, 4, "N"),
    ("entry_addenda_count", 5, 10, "N"),
    ("entry_hash", 11, 20, "N"),
    ("total_debit_amount", 21, 32, "N"),
    ("total_credit_amount", 33, 44, "N"),
    ("company_identification", 45, 54, "A"),
    ("message_authentication_code", 55, 73, "A"),
    ("reserved", 74, 79, "A"),
    ("originating_dfi_identification", 80, 87, "N"),
    ("batch_number", 88, 94, "N"),
)
FILE_CONTROL = (
    ("9", 1, 1, "C"),
    ("batch_count", 2, 7, "N"),
    ("block_count", 8, 13, "N"),
    ("entry_addenda_count", 14, 21, "N"),
    ("entry_hash", 22, 31, "N"),
    ("total_debit_amount", 32, 43, "N"),
    ("total_credit_amount", 44, 55, "N"),
    ("reserved", 56, 94, "A"),
)
LAYOUTS = {
    "1": FILE_HEADER,
    "5": BATCH_HEADER,
    "6": ENTRY_DETAIL,
    "8": BATCH_CONTROL,
    "9": FILE_CONTROL,
}


class NachaError(ValueError):
    """Input that cannot become (or is not) a NACHA file; ``problems`` lists every reason."""

    def __init__(self, problems):
        self.problems = list(problems) if isinstance(problems, list | tuple) else [problems]
        super().__init__("\n".join(self.problems))


# ----------------------------------------------------------------------
# Routing numbers, text and amounts
# ----------------------------------------------------------------------
def aba_check_digit(first8):
    """Check digit of an ABA routing number from its first 8 digits.

    Weights 3, 7, 1 repeated; the check digit brings the weighted sum of all
    nine digits to a multiple of 10.
    """
    if not re.fullmatch(r"\d{8}", first8 or ""):
        raise ValueError(f"Need the first 8 digits of a routing number, got {first8!r}.")
    total = sum(int(d) * w for d, w in zip(first8, (3, 7, 1, 3, 7, 1, 3, 7), strict=True))
    return str((10 - total % 10) % 10)


def routing_problem(routing):
    """Why ``routing`` is not a valid ABA routing number, or None when it is."""
    routing = (routing or "").strip()
    if not re.fullmatch(r"\d{9}", routing):
        return f"routing number {routing!r} must be 9 digits"
    if aba_check_digit(routing[:8]) != routing[8]:
        return f"routing number {routing} fails its check digit"
    return None


def is_valid_routing(routing):
    return routing_problem(routing) is None


def clean_text(value):
    """``value`` as NACHA text: upper-case printable ASCII, accents dropped (É -> E)."""
    text = unicodedata.normalize("NFKD", str(value or ""))
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = "".join(c if " " <= c <= "~" else " " for c in text)
    return " ".join(text.upper().split())


def clean_account_number(value):
    """A DFI account number as the file carries it: letters, digits and hyphens."""
    return re.sub(r"[\s.]", "", str(value or "")).upper()


def mask_last_four(value):
    """A bank account or routing number as a clerk below Billing Specialist sees it:
    its last four characters ("****6789"); empty stays empty."""
    value = (value or "").strip()
    if not value:
        return value
    return f"****{value[-4:]}"


def to_cents(amount):
    """Dollars (Decimal, int or str) to whole cents; refuses fractions of a cent."""
    try:
        value = Decimal(str(amount))
    except InvalidOperation as exc:
        raise ValueError(f"amount {amount!r} is not a number") from exc
    if value != value.quantize(CENT):
        raise ValueError(f"amount {amount} has fractions of a cent")
    return int(value * 100)


@functools.cache
def federal_reserve_holidays(year):
    """Days of ``year`` the Federal Reserve settles no ACH entry.

    The eleven federal holidays (``holidays.US``: the dates in law, Juneteenth
    from 2021); one falling on a Sunday is observed the Monday after, one on a
    Saturday is not moved (the Fed is open on the Friday before, unlike the
    federal government).
    """
    days = set()
    for day in holidays.US(years=year, observed=False):
        days.add(day + dt.timedelta(days=1) if day.weekday() == 6 else day)
    return frozenset(days)


def is_business_day(date):
    """A banking day: a weekday the Federal Reserve is open."""
    return date.weekday() < 5 and date not in federal_reserve_holidays(date.year)


def add_business_days(date, days):
    """``date`` moved ``days`` banking days forward."""
    while days > 0:
        date += dt.timedelta(days=1)
        if is_business_day(date):
            days -= 1
    return date


def next_business_day(date):
    """``date`` itself on a banking day, else the next banking day."""
    while not is_business_day(date):
        date += dt.timedelta(days=1)
    return date


def _format(layout, values):
    parts = []
    for name, start, end, kind in layout:
        width = end - start + 1
        if kind == "C":
            text = name
        elif kind == "N":
            text = str(values.get(name) or 0)
            if not text.isdigit() or len(text) > width:
                raise NachaError(f"{name} {text!r} does not fit {width} digits")
            text = text.rjust(width, "0")
        elif kind == "D":  # blank + 9-digit routing number
            text = " " + str(values[name]).strip().rjust(9, "0")
        elif kind == "R":  # right-justified, blank-filled (10-char identifiers)
            text = str(values.get(name) or "").strip().rjust(width)
        else:
            text = clean_text(values.get(name))[:width].ljust(width)
        if len(text) != width:
            raise NachaError(f"{name} {text!r} does not fit {width} characters")
        parts.append(text)
    return "".join(parts)


def _month_day(date):
    """The date on the customer's statement, as "MAR 15" whatever the server's locale."""
    return f"{MONTHS[date.month - 1]} {date.day:02d}"


def _entry_hash(routings8):
    return sum(int(r) for r in routings8) % 10**10


# ----------------------------------------------------------------------
# The debit file
# ----------------------------------------------------------------------
@dataclass(frozen=True)
class Originator:
    """Who sends the file, from the company's settings.

    :param immediate_destination: routing number of the bank (or ACH operator)
        receiving the file, 9 digits
    :param immediate_origin: the sender as the bank knows it, 10 characters at
        most (often "1" + the tax id, or a routing number)
    :param company_id: company identification of the batches, 10 characters
        (often "1" + the 9-digit tax id)
    :param odfi_routing: the city's bank (originating DFI) routing number; its
        first 8 digits start every trace number
    """

    immediate_destination: str
    immediate_destination_name: str
    immediate_origin: str
    immediate_origin_name: str
    company_name: str
    company_id: str
    odfi_routing: str
    entry_description: str = "UTILITY"
    company_discretionary_data: str = ""
    reference_code: str = ""

    def problems(self):
        problems = []
        for label, value in (
            ("immediate destination", self.immediate_destination),
            ("originating DFI", self.odfi_routing),
        ):
            problem = routing_problem(value)
            if problem:
                problems.append(f"Originator {label}: {problem}.")
        if not re.fullmatch(r"[0-9A-Za-z ]{1,10}", (self.immediate_origin or "").strip()):
            problems.append("Originator immediate origin must be 1 to 10 letters or digits.")
        if not clean_text(self.company_name):
            problems.append("Originator company name is missing.")
        if not re.fullmatch(r"[0-9A-Za-z]{1,10}", (self.company_id or "").strip()):
            problems.append("Originator company identification must be 1 to 10 letters or digits.")
        if not clean_text(self.entry_description):
            problems.append("Originator company entry description is missing.")
        return problems


@dataclass(frozen=True)
class Entry:
    """One debit (or prenote) of a customer's bank account.

    :param amount: dollars (Decimal), 0 for a prenote
    :param individual_id: the utility account number (15 characters)
    :param trace_number: 15 digits, the ODFI's first 8 digits + a sequence
        number unique in the city's files
    """

    transaction_code: str
    routing: str
    account_number: str
    amount: Decimal
    individual_id: str
    individual_name: str
    trace_number: str
    discretionary_data: str = ""

    @property
    def cents(self):
        return to_cents(self.amount)

    def problems(self, odfi_routing):
        label = f"Entry {self.individual_id or '?'}"
        problems = []
        code = self.transaction_code
        if code not in DEBIT_CODES | CREDIT_CODES:
            problems.append(f"{label}: unknown transaction code {code!r}.")
        problem = routing_problem(self.routing)
        if problem:
            problems.append(f"{label}: {problem}.")
        account = clean_account_number(self.account_number)
        if not re.fullmatch(r"[0-9A-Z-]{1,17}", account):
            problems.append(
                f"{label}: bank account number {self.account_number!r} must be 1 to 17 "
                "letters, digits or hyphens."
            )
        try:
            cents = self.cents
        except ValueError as exc:
            problems.append(f"{label}: {exc}.")
        else:
            if code in PRENOTE_CODES and cents:
                problems.append(f"{label}: a prenote carries no amount.")
            elif code not in PRENOTE_CODES and not 0 < cents <= MAX_ENTRY_CENTS:
                problems.append(
                    f"{label}: amount {self.amount} must be above zero and fit 10 digits."
                )
        if not clean_text(self.individual_id) or len(clean_text(self.individual_id)) > 15:
            problems.append(f"{label}: individual identification must be 1 to 15 characters.")
        if not clean_text(self.individual_name):
            problems.append(f"{label}: the account holder's name is missing.")
        trace = self.trace_number or ""
        if not re.fullmatch(r"\d{15}", trace):
            problems.append(f"{label}: trace number {trace!r} must be 15 digits.")
        elif odfi_routing and trace[:8] != str(odfi_routing)[:8]:
            problems.append(
                f"{label}: trace number {trace} must start with the originating DFI "
                f"{str(odfi_routing)[:8]}."
            )
        return problems


def build_file(
    originator,
    entries,
    effective_date,
    created,
    *,
    file_id_modifier="A",
    descriptive_date=None,
    line_ending="\n",
):
    """The NACHA file of one PPD batch of ``entries``.

    :param originator: :class:`Originator`
    :param entries: :class:`Entry` list (debits for autopay; credits are
        accepted so a refund file could reuse this)
    :param effective_date: the date the customers' accounts are debited
    :param created: datetime written in the file header (the city's local time)
    :param file_id_modifier: A-Z or 0-9, distinguishes files created the same day
    :param descriptive_date: date shown on the customers' statements, default
        the effective date
    :return: the file's text, records separated (and ended) by ``line_ending``
    :raises NachaError: listing every problem of the originator and the entries
    """
    problems = originator.problems()
    if not entries:
        problems.append("A NACHA file needs at least one entry.")
    if not re.fullmatch(r"[A-Z0-9]", file_id_modifier or ""):
        problems.append(f"File ID modifier {file_id_modifier!r} must be one of A-Z or 0-9.")
    seen = {}
    for entry in entries:
        problems += entry.problems(originator.odfi_routing)
        if entry.trace_number in seen:
            problems.append(
                f"Entry {entry.individual_id}: trace number {entry.trace_number} is also the "
                f"trace number of entry {seen[entry.trace_number]}."
            )
        seen.setdefault(entry.trace_number, entry.individual_id)
    if problems:
        raise NachaError(problems)

    odfi8 = originator.odfi_routing[:8]
    has_debits = any(e.transaction_code in DEBIT_CODES for e in entries)
    has_credits = any(e.transaction_code in CREDIT_CODES for e in entries)
    service_class = (
        SERVICE_CLASS_MIXED
        if has_debits and has_credits
        else SERVICE_CLASS_DEBITS
        if has_debits
        else SERVICE_CLASS_CREDITS
    )
    records = [
        _format(
            FILE_HEADER,
            {
                "immediate_destination": originator.immediate_destination,
                "immediate_origin": originator.immediate_origin,
                "file_creation_date": created.strftime("%y%m%d"),
                "file_creation_time": created.strftime("%H%M"),
                "file_id_modifier": file_id_modifier,
                "immediate_destination_name": originator.immediate_destination_name,
                "immediate_origin_name": originator.immediate_origin_name,
                "reference_code": originator.reference_code,
            },
        )
    ]
    batch = {
        "service_class_code": service_class,
        "company_identification": originator.company_id,
        "originating_dfi_identification": odfi8,
        "batch_number": 1,
    }
    records.append(
        _format(
            BATCH_HEADER,
            dict(
                batch,
                company_name=originator.company_name,
                company_discretionary_data=originator.company_discretionary_data,
                standard_entry_class_code=SEC_PPD,
                company_entry_description=originator.entry_description,
                company_descriptive_date=_month_day(descriptive_date or effective_date),
                effective_entry_date=effective_date.strftime("%y%m%d"),
                settlement_date="",
                originator_status_code="1",
            ),
        )
    )
    debit = credit = 0
    for entry in entries:
        cents = entry.cents
        if entry.transaction_code in DEBIT_CODES:
            debit += cents
        else:
            credit += cents
        records.append(
            _format(
                ENTRY_DETAIL,
                {
                    "transaction_code": entry.transaction_code,
                    "receiving_dfi_identification": entry.routing[:8],
                    "check_digit": entry.routing[8],
                    "dfi_account_number": clean_account_number(entry.account_number),
                    "amount": cents,
                    "individual_identification_number": entry.individual_id,
                    "individual_name": entry.individual_name,
                    "discretionary_data": entry.discretionary_data,
                    "addenda_record_indicator": 0,
                    "trace_number": entry.trace_number,
                },
            )
        )
    entry_hash = _entry_hash(e.routing[:8] for e in entries)
    totals = {
        "entry_addenda_count": len(entries),
        "entry_hash": entry_hash,
        "total_debit_amount": debit,
        "total_credit_amount": credit,
    }
    records.append(_format(BATCH_CONTROL, dict(batch, **totals)))
    block_count = -(-(len(records) + 1) // BLOCKING_FACTOR)
    records.append(_format(FILE_CONTROL, dict(totals, batch_count=1, block_count=block_count)))
    records += [FILL_RECORD] * (block_count * BLOCKING_FACTOR - len(records))
    return line_ending.join(records) + line_ending


# ----------------------------------------------------------------------
# Reading files back: any NACHA file, and the returns
# ----------------------------------------------------------------------
def parse_record(record):
    """The fields of one record as a dict (stripped strings), by its type code."""
    layout = LAYOUTS.get(record[:1])
    if record[:1] == "7" and record[1:3] == "99":
        layout = RETURN_ADDENDA
    elif record[:1] == "7" and record[1:3] == "98":
        layout = CHANGE_ADDENDA
    if layout is None:
        return {"record_type": record[:1]}
    values = {"record_type": record[:1]}
    for name, start, end, kind in layout:
        if kind != "C":
            values[name] = record[start - 1 : end].strip()
    return values


def split_records(text):
    """The records of a NACHA file, and the problems of its lines.

    Trailing blanks cut by a bank's system are put back; blank lines and the
    "9" fill records are skipped.
    """
    records, problems = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line == FILL_RECORD:
            continue
        problem = control_character_problem(line)
        if problem:
            problems.append(f"Line {number}: the record {problem}.")
            continue
        if len(line) > RECORD_LENGTH:
            problems.append(f"Line {number}: {len(line)} characters, a record has 94.")
            continue
        records.append((number, line.ljust(RECORD_LENGTH)))
    return records, problems


def looks_like_nacha(text):
    """True when ``text`` starts with a NACHA file header record."""
    first = text.lstrip("\ufeff").split("\n", 1)[0].rstrip("\r")
    return first.startswith("101") and 40 <= len(first) <= RECORD_LENGTH


def _yymmdd(value):
    try:
        return dt.datetime.strptime(value, "%y%m%d").date()
    except ValueError:
        return None


@dataclass
class ReturnItem:
    """One returned entry: the payment it undoes is the one of ``trace_number``.

    :param row: line of the file (CSV row or NACHA record) for messages
    :param trace_number: trace number of the original entry
    :param reason_code: return reason code, R01...
    :param amount: returned amount in dollars (Decimal)
    :param date: date of the return
    """

    row: int
    trace_number: str
    reason_code: str
    amount: Decimal
    date: dt.date
    extra: dict = field(default_factory=dict)


@dataclass
class NotificationOfChange:
    """A notification of change (NOC): the receiver's bank took the entry but
    asks the originator to use corrected data on the next ones (within six
    banking days or before the next entry, whichever comes later).

    :param row: line of the entry record in the file
    :param change_code: C01...
    :param original_trace: trace number of the entry it corrects
    :param original_routing8: receiving DFI identification of that entry
    :param corrected_data: the corrected data field as the bank wrote it
    :param date: effective entry date of the COR batch (the file's date without it)
    :param routing: corrected routing number (C02, C03, C07), else ""
    :param account_number: corrected bank account number (C01, C03, C06, C07), else ""
    :param account_type: corrected "checking" or "savings" (C05, C06, C07), else ""
    :param transaction_code: corrected transaction code as sent (C05, C06, C07), else ""
    """

    row: int
    change_code: str
    original_trace: str
    original_routing8: str
    corrected_data: str
    date: dt.date
    routing: str = ""
    account_number: str = ""
    account_type: str = ""
    transaction_code: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def description(self):
        return CHANGE_CODES.get(self.change_code, "Unknown change code")

    @property
    def is_bank_change(self):
        """True when the corrected data is the bank account autopay drafts."""
        return self.change_code in BANK_CHANGE_CODES


def _account_type_of(transaction_code):
    # The first digit of a transaction code says the account: 2 checking, 3 savings.
    if re.fullmatch(r"\d\d", transaction_code):
        return {"2": "checking", "3": "savings"}.get(transaction_code[0], "")
    return ""


def decode_corrected_data(change_code, corrected_data):
    """The bank details carried by the corrected data of a change code.

    Fields are cut at their NACHA positions, then stripped: a bank that pads
    with blanks elsewhere in the field (routing, blanks, account) is read too.

    :return: (dict with the keys ``routing``, ``account_number``,
        ``transaction_code``, ``account_type`` the code carries, list of
        problems); codes other than C01, C02, C03, C05, C06, C07 carry none
    """
    data = (corrected_data or "").upper().ljust(29)
    cuts = {
        "C01": {"account_number": (0, 17)},
        "C02": {"routing": (0, 9)},
        "C03": {"routing": (0, 9), "account_number": (9, 29)},
        "C05": {"transaction_code": (0, 2)},
        "C06": {"account_number": (0, 17), "transaction_code": (17, 29)},
        "C07": {"routing": (0, 9), "account_number": (9, 26), "transaction_code": (26, 29)},
    }.get(change_code, {})
    values = {name: data[first:last].strip() for name, (first, last) in cuts.items()}
    problems = []
    if "routing" in values:
        problem = routing_problem(values["routing"])
        if problem:
            problems.append(f"corrected {problem}")
    if "account_number" in values and not re.fullmatch(
        r"[A-Z0-9-]{1,17}", values["account_number"]
    ):
        problems.append(
            f"corrected bank account number {values['account_number']!r} must be 1 to 17 "
            "letters or digits"
        )
    if "transaction_code" in values:
        values["account_type"] = _account_type_of(values["transaction_code"])
        if not values["account_type"]:
            problems.append(
                f"corrected transaction code {values['transaction_code']!r} is neither a "
                "checking (2x) nor a savings (3x) one"
            )
    return values, problems


def _return_of(entry_line, number, entry, addenda, date):
    """(:class:`ReturnItem`, problem or None) of an entry and its type 99 addenda."""
    code = addenda["return_reason_code"].upper()
    if not _REASON_CODE.match(code):
        return None, f"Line {number}: return reason code {code!r} is not R01...R99."
    if not entry["amount"].isdigit():
        return None, f"Line {entry_line}: amount {entry['amount']!r} is not a number."
    item = ReturnItem(
        row=entry_line,
        trace_number=addenda["original_entry_trace_number"],
        reason_code=code,
        amount=Decimal(int(entry["amount"])) / 100,
        date=date,
        extra={
            "individual_id": entry["individual_identification_number"],
            "name": entry["individual_name"],
            "transaction_code": entry["transaction_code"],
        },
    )
    return item, None


def _change_of(entry_line, number, entry, addenda, date):
    """(:class:`NotificationOfChange`, problem or None) of an entry and its type 98 addenda."""
    code = addenda["change_code"].upper()
    if not _CHANGE_CODE.match(code):
        return None, f"Line {number}: change code {code!r} is not C01...C99."
    if entry["amount"].strip("0"):
        return None, (
            f"Line {entry_line}: a notification of change carries no amount, this one has "
            f"{entry['amount']!r}."
        )
    values, problems = decode_corrected_data(code, addenda["corrected_data"])
    if problems:
        return None, f"Line {number}: {code} {'; '.join(problems)}."
    change = NotificationOfChange(
        row=entry_line,
        change_code=code,
        original_trace=addenda["original_entry_trace_number"],
        original_routing8=addenda["original_receiving_dfi_identification"],
        corrected_data=addenda["corrected_data"],
        date=date,
        extra={
            "individual_id": entry["individual_identification_number"],
            "name": entry["individual_name"],
            "transaction_code": entry["transaction_code"],
        },
        **values,
    )
    return change, None


def parse_returns_nacha(text):
    """Returned entries and notifications of change of a NACHA returns file.

    :return: (list of :class:`ReturnItem`, list of :class:`NotificationOfChange`,
        list of problems per line)
    """
    records, problems = split_records(text)
    if not records or records[0][1][:1] != "1":
        raise NachaError("This is not a NACHA file: it does not start with a file header.")
    header = parse_record(records[0][1])
    file_date = _yymmdd(header["file_creation_date"])
    items, changes = [], []
    batch_date = file_date
    pending = None  # the entry waiting for its addenda
    for number, record in records[1:]:
        kind = record[:1]
        if kind == "5":
            batch = parse_record(record)
            batch_date = _yymmdd(batch["effective_entry_date"]) or file_date
        elif kind == "6":
            if pending and pending[1]["addenda_record_indicator"] == "1":
                problems.append(f"Line {pending[0]}: return entry without its addenda record.")
            pending = (number, parse_record(record))
        elif kind == "7":
            if pending is None:
                problems.append(f"Line {number}: addenda record without an entry.")
                continue
            entry_line, entry = pending
            pending = None
            addenda = parse_record(record)
            read, found = {"98": (_change_of, changes), "99": (_return_of, items)}.get(
                addenda.get("addenda_type_code"), (None, None)
            )
            if read is None:
                continue
            item, problem = read(entry_line, number, entry, addenda, batch_date)
            if problem:
                problems.append(problem)
            else:
                found.append(item)
        elif kind not in "89":
            problems.append(f"Line {number}: unknown record type {kind!r}.")
    if pending and pending[1]["addenda_record_indicator"] == "1":
        problems.append(f"Line {pending[0]}: return entry without its addenda record.")
    return items, changes, problems


CSV_COLUMNS = ("trace_number", "reason_code", "amount", "date")


def _csv_date(value):
    for fmt in ("%Y-%m-%d", "%m/%d/%Y"):
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    return None


def _csv_amount(text, max_amount):
    """(Decimal amount, None) or (None, problem) of an amount cell in dollars."""
    amount = parse_number(text.replace("$", ""))
    text = shown(text)
    if amount is None or decimal_places(amount) > 2:
        return None, f"amount {text!r} is not an amount in dollars"
    if amount <= 0:
        return None, f"amount {text} must be above zero"
    if max_amount is not None and amount > max_amount:
        return None, (
            f"amount {text} is more than the largest amount a file row may carry "
            f"({max_amount:,.2f}, Settings > Utility Billing > Import Limits)"
        )
    return (amount.quantize(CENT) if amount.adjusted() < 20 else amount), None


def parse_returns_csv(text, max_amount=None):
    """Returned entries of a CSV returns report (``trace_number,reason_code,amount,date``).

    Amounts are read from their text to a Decimal (digits, a point, at most
    two decimals: no exponent, NaN or fraction of a cent), up to ``max_amount``.

    :return: (list of :class:`ReturnItem`, list of problems per row); rows are
        numbered as a spreadsheet shows them (the header is row 1)
    :raises NachaError: no header or a missing column
    """
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = next(reader, None)
    if not header:
        raise NachaError("The returns file is empty.")
    names = [h.strip().lower().replace(" ", "_") for h in header]
    missing = [c for c in CSV_COLUMNS if c not in names]
    if missing:
        raise NachaError(
            f"The returns file misses the column(s) {', '.join(missing)}: its header must "
            f"name {', '.join(CSV_COLUMNS)}."
        )
    index = {c: names.index(c) for c in CSV_COLUMNS}
    items, problems = [], []
    for row_number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        row_problems = [
            f"column {(header[i].strip() if i < len(header) else '') or i + 1} {problem}"
            for i, cell in enumerate(row)
            if (problem := control_character_problem(cell))
        ]
        if row_problems:
            problems.append(f"Row {row_number}: {'; '.join(row_problems)}.")
            continue
        cells = {c: (row[i].strip() if i < len(row) else "") for c, i in index.items()}
        trace = cells["trace_number"]
        if not re.fullmatch(r"\d{15}", trace):
            row_problems.append(f"trace number {trace!r} must be 15 digits")
        code = cells["reason_code"].upper()
        if not _REASON_CODE.match(code):
            row_problems.append(f"reason code {cells['reason_code']!r} is not R01...R99")
        amount, problem = _csv_amount(cells["amount"], max_amount)
        if problem:
            row_problems.append(problem)
        date = _csv_date(cells["date"])
        if date is None:
            row_problems.append(f"date {cells['date']!r} is not YYYY-MM-DD or MM/DD/YYYY")
        if row_problems:
            problems.append(f"Row {row_number}: {'; '.join(row_problems)}.")
            continue
        items.append(ReturnItem(row_number, trace, code, amount, date))
    return items, problems


def parse_returns(text, max_amount=None):
    """Returned entries and notifications of change of a NACHA returns file, or
    the returned entries of a CSV returns report (which carries no change).

    :return: (items, changes, problems), see :func:`parse_returns_nacha` and
        :func:`parse_returns_csv`
    """
    if looks_like_nacha(text):
        return parse_returns_nacha(text)
    items, problems = parse_returns_csv(text, max_amount)
    return items, [], problems
