# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Read the files a city brings from its legacy billing system (Tyler Incode,
Caselle, Black Mountain...): the accounts file of a conversion and the bills
file of a parallel cycle.

Both are CSV with a header row; columns are found by name (any order, any
case). Every row is validated on its own and every problem is reported with
the row number a spreadsheet shows (the header is row 1), so the clerk fixes
the whole file at once. Money and readings go from text to ``Decimal``: a
value that cannot be read exactly is refused, never rounded.

Nothing here touches the database: whether a rate code or a meter exists is
the caller's question. The control totals of the accounts file are computed
here, from the rows, so the same function describes the file and (given the
rows the database holds after the load) what was created.
"""

import csv
import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from . import reading_files
from .payment_files import parse_amount

DATE_FORMATS = ("%m/%d/%Y", "%Y-%m-%d")
ZERO = Decimal(0)

# The accounts file. ``balance_<service code>`` columns (one per service type,
# e.g. balance_water) carry the open balance of each service.
ACCOUNT_REQUIRED = ("account", "customer", "service_street", "class", "route", "services")
ACCOUNT_OPTIONAL = (
    "customer_number",
    "phone",
    "email",
    "mailing_street",
    "mailing_city",
    "mailing_state",
    "mailing_zip",
    "service_unit",
    "service_city",
    "service_zip",
    "meter",
    "meter_size",
    "meter_unit",
    "last_read",
    "last_read_date",
    "carts",
    "cart_size",
    "erus",
    "deposit",
    "deposit_date",
    "balance_due_date",
)
METER_UNITS = ("gallon", "kgal", "cubic_foot", "ccf", "kwh")
BALANCE_PREFIX = "balance_"

# The bills file of a parallel cycle: one row per account and service.
BILL_REQUIRED = ("account", "service", "amount")
BILL_OPTIONAL = ("period", "usage")


@dataclass
class LegacyAccount:
    row: int
    account: str
    customer: str
    customer_number: str = ""
    phone: str = ""
    email: str = ""
    mailing: dict = field(default_factory=dict)
    street: str = ""
    unit: str = ""
    city: str = ""
    zip: str = ""
    customer_class: str = ""
    route: str = ""
    # [(service type code, rate schedule code)], codes upper-cased
    services: list = field(default_factory=list)
    meter: str = ""
    meter_size: str = ""
    meter_unit: str = "gallon"
    carts: int = 0
    cart_size: str = ""
    erus: Decimal = ZERO
    last_read: Decimal | None = None
    last_read_date: dt.date | None = None
    deposit: Decimal = ZERO
    deposit_date: dt.date | None = None
    # service type code -> Decimal
    balances: dict = field(default_factory=dict)
    balance_due_date: dt.date | None = None

    @property
    def premise_key(self):
        """Two rows at the same service address are one premise."""
        return tuple(
            " ".join(part.split()).casefold() for part in (self.street, self.unit, self.zip)
        )

    @property
    def customer_key(self):
        """Rows with the same legacy customer number are one customer."""
        return self.customer_number or f"account:{self.account}"


@dataclass
class LegacyBill:
    row: int
    account: str
    service: str
    amount: Decimal
    usage: Decimal | None = None
    period: str = ""


@dataclass
class ParseResult:
    checksum: str = ""
    rows: list = field(default_factory=list)
    # "Row 4 (account 10023): ..." messages, in file order
    problems: list = field(default_factory=list)
    balance_codes: list = field(default_factory=list)


def _read_header(cells, required, optional, result, prefix):
    """:return: the header's column names, or None when it cannot be used
    (the problem is added to ``result``)"""
    header = [cell.strip().casefold() for cell in cells]
    problem = reading_files.control_character_problem("".join(header))
    if problem:
        result.problems.append(f"The header row {problem}.")
        return None
    missing = [name for name in required if name not in header]
    if missing:
        result.problems.append(
            "The header row has no column "
            + ", ".join(f"'{name}'" for name in missing)
            + ". Nothing was checked further."
        )
        return None
    known = set(required) | set(optional)
    unknown = [
        name
        for name in header
        if name and name not in known and not (prefix and name.startswith(prefix))
    ]
    if unknown:
        result.problems.append(
            "The header row has unknown columns: " + ", ".join(f"'{n}'" for n in unknown) + "."
        )
        return None
    if prefix:
        result.balance_codes = [
            name[len(prefix) :].upper()
            for name in header
            if name.startswith(prefix) and name not in known
        ]
    return header


def _row_problems(row, cells, header):
    """A damaged row: a control character, or not the header's number of columns."""
    problems = [
        f"Row {row}: column '{header[i] if i < len(header) else i + 1}' {problem}."
        for i, cell in enumerate(cells)
        if (problem := reading_files.control_character_problem(cell))
    ]
    if len(cells) != len(header):
        problems.append(f"Row {row}: {len(cells)} columns where the header has {len(header)}.")
    return problems


def _cells(content, required, optional, result, prefix=None):
    """Yield (row number, {column: text}) of each data row; header problems and
    damaged rows go to ``result.problems``."""
    if isinstance(content, str):
        content = content.encode("utf-8")
    result.checksum = reading_files.checksum(content or b"")
    if not content or content.isspace():
        result.problems.append("The file is empty.")
        return
    encoding = reading_files.detect_encoding(content)
    reader = csv.reader(reading_files.iter_lines(content, encoding), strict=False)
    header = None
    previous_end = 0
    for cells in reader:
        row = previous_end + 1
        previous_end = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        if header is None:
            header = _read_header(cells, required, optional, result, prefix)
            if header is None:
                return
            continue
        problems = _row_problems(row, cells, header)
        if problems:
            result.problems += problems
            continue
        yield row, {name: cell.strip() for name, cell in zip(header, cells, strict=True)}
    if header is None:
        result.problems.append("The file is empty.")
    elif not result.rows and not result.problems:
        result.problems.append("The file has a header row but no data rows.")


def _date(text, label, problems):
    if not text:
        return None
    day = reading_files.parse_date(text, DATE_FORMATS)
    if day is None:
        problems.append(f"{label} '{reading_files.shown(text)}' is not a date (MM/DD/YYYY)")
    return day


def _amount(text, label, problems, max_amount, signed=False):
    if not text:
        return ZERO
    amount = parse_amount(text)
    if amount is None:
        problems.append(
            f"{label} '{reading_files.shown(text)}' is not an amount in dollars and cents"
        )
        return ZERO
    if amount < 0 and not signed:
        problems.append(f"{label} {amount} cannot be negative")
        return ZERO
    if abs(amount) > max_amount:
        problems.append(
            f"{label} {amount:,} is above the largest amount in a file ({max_amount:,})"
        )
        return ZERO
    return amount


def _read_services(account, text, problems):
    for part in filter(None, (p.strip() for p in text.split(";"))):
        service, _sep, rate = part.partition(":")
        if not service.strip() or not rate.strip():
            problems.append(
                f"the service '{reading_files.shown(part)}' is not SERVICE:RATE (e.g. WATER:RES-W)"
            )
            continue
        account.services.append((service.strip().upper(), rate.strip().upper()))
    codes = [code for code, _rate in account.services]
    for code in sorted({c for c in codes if codes.count(c) > 1}):
        problems.append(f"the service {code} is listed twice")


def _read_meter(account, cells, problems):
    if account.meter_unit not in METER_UNITS:
        problems.append(
            f"the meter unit '{reading_files.shown(account.meter_unit)}' is not one of "
            + ", ".join(METER_UNITS)
        )
    if cells.get("last_read"):
        value = reading_files.parse_number(cells["last_read"])
        reason = "is not a number" if value is None else reading_files.reading_value_problem(value)
        if reason:
            problems.append(
                f"the last reading '{reading_files.shown(cells['last_read'])}' {reason}"
            )
        else:
            account.last_read = value
    account.last_read_date = _date(cells.get("last_read_date"), "the last read date", problems)
    incomplete = account.last_read is None or account.last_read_date is None
    if account.meter and incomplete and not any("last read" in p for p in problems):
        problems.append("a meter needs its last reading and its date")
    if not account.meter and (cells.get("last_read") or cells.get("meter_size")):
        problems.append("a last reading or meter size is given without a meter number")


def _read_quantities(account, cells, problems):
    if cells.get("carts"):
        if cells["carts"].isdigit():
            account.carts = int(cells["carts"])
        else:
            problems.append(f"the carts '{reading_files.shown(cells['carts'])}' is not a count")
    if cells.get("erus"):
        erus = reading_files.parse_number(cells["erus"])
        if erus is None or erus < 0 or reading_files.decimal_places(erus) > 2:
            problems.append(f"the ERUs '{reading_files.shown(cells['erus'])}' is not a number")
        else:
            account.erus = erus


def _read_money(account, cells, balance_codes, problems, max_amount):
    account.deposit = _amount(cells.get("deposit"), "the deposit", problems, max_amount)
    account.deposit_date = _date(cells.get("deposit_date"), "the deposit date", problems)
    account.balance_due_date = _date(
        cells.get("balance_due_date"), "the balance due date", problems
    )
    codes = {code for code, _rate in account.services}
    for code in balance_codes:
        text = cells[f"{BALANCE_PREFIX}{code.lower()}"]
        amount = _amount(text, f"the {code} balance", problems, max_amount, signed=True)
        if amount:
            if code not in codes:
                problems.append(f"a {code} balance is given but the account has no {code}")
            account.balances[code] = amount


def _new_account(row, cells):
    return LegacyAccount(
        row=row,
        account=cells["account"],
        customer=cells["customer"],
        customer_number=cells.get("customer_number", ""),
        phone=cells.get("phone", ""),
        email=cells.get("email", ""),
        mailing={
            key: cells.get(f"mailing_{key}", "") for key in ("street", "city", "state", "zip")
        },
        street=cells["service_street"],
        unit=cells.get("service_unit", ""),
        city=cells.get("service_city", ""),
        zip=cells.get("service_zip", ""),
        customer_class=cells["class"].upper(),
        route=cells["route"].upper(),
        meter=cells.get("meter", ""),
        meter_size=cells.get("meter_size", "").upper(),
        meter_unit=cells.get("meter_unit", "").lower() or "gallon",
        cart_size=cells.get("cart_size", "").upper(),
    )


def _repeated(seen, key, row, what):
    """A problem when ``key`` was already on another row, else None (and remembered)."""
    if key in seen:
        return f"{what} is also on row {seen[key]}"
    seen[key] = row
    return None


def parse_accounts(content, max_amount=Decimal("1000000.00")):
    """Parse a legacy accounts file.

    ``services`` lists the account's services as ``SERVICE:RATE`` pairs
    separated by ``;`` (``WATER:RES-W; SEWER:RES-S``); a credit balance is a
    negative ``balance_<service>``.

    :param content: the file's bytes
    :return: :class:`ParseResult` of :class:`LegacyAccount`
    """
    result = ParseResult()
    seen_accounts = {}
    seen_meters = {}
    for row, cells in _cells(
        content, ACCOUNT_REQUIRED, ACCOUNT_OPTIONAL, result, prefix=BALANCE_PREFIX
    ):
        problems = [f"the column '{name}' is empty" for name in ACCOUNT_REQUIRED if not cells[name]]
        account = _new_account(row, cells)
        _read_services(account, cells["services"], problems)
        _read_meter(account, cells, problems)
        _read_quantities(account, cells, problems)
        _read_money(account, cells, result.balance_codes, problems, max_amount)
        problems.append(
            _repeated(seen_accounts, account.account, row, f"the account {account.account}")
        )
        if account.meter:
            problems.append(
                _repeated(seen_meters, account.meter, row, f"the meter {account.meter}")
            )
        label = f"Row {row} (account {reading_files.shown(account.account)})"
        result.problems += [f"{label}: {problem}." for problem in problems if problem]
        result.rows.append(account)
    return result


def parse_bills(content, max_amount=Decimal("1000000.00")):
    """Parse the legacy system's bills of a parallel cycle: one row per account
    and service (``account, service, amount``; ``usage`` and ``period`` kept
    for the comparison). Amounts may be negative (a credit)."""
    result = ParseResult()
    seen = {}
    for row, cells in _cells(content, BILL_REQUIRED, BILL_OPTIONAL, result):
        problems = [f"the column '{name}' is empty" for name in BILL_REQUIRED if not cells[name]]
        amount = _amount(cells["amount"], "the amount", problems, max_amount, signed=True)
        usage = None
        if cells.get("usage"):
            usage = reading_files.parse_number(cells["usage"])
            if usage is None or usage < 0:
                shown = reading_files.shown(cells["usage"])
                problems.append(f"the usage '{shown}' is not a number")
        bill = LegacyBill(
            row=row,
            account=cells["account"],
            service=cells["service"].upper(),
            amount=amount,
            usage=usage,
            period=cells.get("period", ""),
        )
        key = (bill.account, bill.service)
        if bill.account and bill.service and key in seen:
            problems.append(
                f"the {bill.service} bill of account {bill.account} is also on row {seen[key]}"
            )
        seen.setdefault(key, row)
        if problems:
            label = f"Row {row} (account {reading_files.shown(bill.account)})"
            result.problems += [f"{label}: {problem}." for problem in problems]
        result.rows.append(bill)
    return result


def control_totals(accounts):
    """The control totals of legacy accounts (:class:`LegacyAccount` or any
    object with the same attributes).

    :return: dict key -> int or Decimal: ``accounts``, ``customers``,
        ``premises``, ``meters``, ``services:<CODE>``, ``deposits``,
        ``balance:<CODE>`` and ``balance`` (all services)
    """
    totals = Counter()
    totals["accounts"] = len(accounts)
    totals["customers"] = len({a.customer_key for a in accounts})
    totals["premises"] = len({a.premise_key for a in accounts})
    totals["meters"] = len({a.meter for a in accounts if a.meter})
    totals["deposits"] = sum((a.deposit for a in accounts), ZERO)
    totals["balance"] = ZERO
    for account in accounts:
        for code, _rate in account.services:
            totals[f"services:{code}"] += 1
        for code, amount in account.balances.items():
            totals[f"balance:{code}"] += amount
            totals["balance"] += amount
    return dict(totals)
