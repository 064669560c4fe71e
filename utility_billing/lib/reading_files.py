# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Parse meter reading files from handhelds, AMR drive-by and AMI head-ends.

Two shapes are read: delimited text (CSV, columns found by header name or by
1-based column number) and fixed-width text (fields found by 1-based start
position and length). Every data row is validated on its own and carries its
own error messages, so a clerk sees every problem of a file at once, with its
line number, and nothing is guessed: a value that cannot be read exactly is an
error, never a silent zero.

Nothing here touches the database; matching rows against meters and accounts
is the caller's job.
"""

import codecs
import csv
import datetime as dt
import hashlib
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from .consumption import register_capacity

READ_TYPES = ("actual", "estimated", "customer", "check", "final", "initial")

# Fields a layout can map. Required ones must be mapped and non-empty on every row.
TARGETS = ("meter", "account", "date", "value", "read_type", "reader", "note")
REQUIRED_TARGETS = ("meter", "date", "value")

TARGET_LABELS = {
    "meter": "meter number",
    "account": "account number",
    "date": "read date",
    "value": "reading",
    "read_type": "read type",
    "reader": "reader code",
    "note": "note",
    "record_type": "record type",
}

# Human date tokens, longest first so YYYY wins over YY. Case-insensitive, so
# "dd/mm/yyyy" works; minutes are MI (as in SQL) because MM is the month.
_DATE_TOKENS = {
    "YYYY": "%Y",
    "YY": "%y",
    "MM": "%m",
    "DD": "%d",
    "HH": "%H",
    "MI": "%M",
    "SS": "%S",
}
_DATE_TOKEN_RE = re.compile("|".join(_DATE_TOKENS), re.IGNORECASE)

# 1,234,567.89 (or 1.234.567,89 once the separators are swapped): thousands
# groups are accepted only when they are well formed, so "12,5" under a "."
# decimal layout is refused instead of being read as 125.
_GROUPED_NUMBER_RE = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_PLAIN_NUMBER_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_EXPONENT_NUMBER_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)[eE][+-]?\d+$")
# C0 control characters but tab, line feed and carriage return, and DEL: never
# in a real text file (a NUL is a damaged or binary file; the database refuses it).
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# The reading field holds 3 decimals; utility.meter's dials_check allows 12 dials.
READING_DECIMALS = 3
MAX_DIALS = 12
# Bytes decoded at a time to find whether a file is UTF-8.
_DECODE_CHUNK = 1 << 20


class LayoutError(ValueError):
    """The layout itself is wrong (not the file): raised before any row is read."""


# ----------------------------------------------------------------------
# Configuration
# ----------------------------------------------------------------------
@dataclass(frozen=True)
class LayoutConfig:
    """How to read one kind of file.

    :param file_format: ``"csv"`` or ``"fixed"``
    :param columns: csv only; target -> header name (str) or 1-based column
        number (int); a str made of digits counts as a number
    :param positions: fixed only; target -> (start, length), start 1-based
    :param date_formats: human formats (``"MM/DD/YYYY"``, ``"YYYYMMDD"``,
        ``"YYYY-MM-DD HH:MI:SS"``) or strptime formats (containing ``%``);
        tried in order, the time part of a timestamp is dropped
    :param read_type_codes: code in the file -> read type (``{"A": "actual"}``);
        the read type names themselves are always accepted too
    :param record_type: value the ``record_type`` field must have for a line
        to be a reading (header and trailer records of route files are skipped)
    """

    file_format: str = "csv"
    delimiter: str = ","
    quotechar: str = '"'
    has_header: bool = True
    date_formats: tuple = ("MM/DD/YYYY",)
    decimal_separator: str = "."
    columns: dict = field(default_factory=dict)
    positions: dict = field(default_factory=dict)
    read_type_codes: dict = field(default_factory=dict)
    record_type: str = ""

    def validate(self):
        """Raise LayoutError listing every problem of the layout."""
        problems = []
        if self.file_format not in ("csv", "fixed"):
            problems.append(f"unknown file format '{self.file_format}'")
        mapping = self.columns if self.file_format == "csv" else self.positions
        missing = [TARGET_LABELS[t] for t in REQUIRED_TARGETS if not mapping.get(t)]
        if missing:
            problems.append("no column for: " + ", ".join(missing))
        if self.file_format == "csv":
            problems += self._csv_problems()
        else:
            problems += self._fixed_problems()
        problems += self._value_problems()
        if problems:
            raise LayoutError("; ".join(problems))

    def _csv_problems(self):
        return csv_layout_problems(self, self.columns, TARGET_LABELS.__getitem__)

    def _fixed_problems(self):
        return [
            f"the {TARGET_LABELS[target]} field needs a start of 1 or more "
            "and a length of 1 or more"
            for target, position in self.positions.items()
            if position and (position[0] < 1 or position[1] < 1)
        ]

    def _value_problems(self):
        problems = []
        if self.decimal_separator not in (".", ","):
            problems.append("the decimal separator must be '.' or ','")
        if not self.date_formats:
            problems.append("give at least one date format")
        for date_format in self.date_formats:
            if not to_strptime(date_format).strip("%"):
                problems.append(f"date format '{date_format}' is empty")
        bad_types = sorted({t for t in self.read_type_codes.values() if t not in READ_TYPES})
        if bad_types:
            problems.append(
                f"unknown read types in the code mapping: {', '.join(bad_types)} "
                f"(use {', '.join(READ_TYPES)})"
            )
        return problems


def parse_read_type_codes(text):
    """Read a code mapping like ``"A=actual, E=estimated"`` into a dict.

    :raises LayoutError: on an entry without ``=`` or an unknown read type
    """
    codes = {}
    problems = []
    for item in re.split(r"[,;\n]", text or ""):
        entry = item.strip()
        if not entry:
            continue
        code, sep, read_type = entry.partition("=")
        code, read_type = code.strip(), read_type.strip().lower()
        if not sep or not code or not read_type:
            problems.append(f"'{entry}' is not CODE=type")
        elif read_type not in READ_TYPES:
            problems.append(f"'{read_type}' is not a read type ({', '.join(READ_TYPES)})")
        else:
            codes[code.upper()] = read_type
    if problems:
        raise LayoutError("; ".join(problems))
    return codes


def split_date_formats(text):
    """``"DD/MM/YYYY; YYYY-MM-DD"`` -> ``("DD/MM/YYYY", "YYYY-MM-DD")``."""
    return tuple(f.strip() for f in (text or "").split(";") if f.strip())


def to_strptime(date_format):
    """Translate a human date format to strptime; a format with ``%`` is kept as is."""
    if "%" in date_format:
        return date_format
    return _DATE_TOKEN_RE.sub(lambda m: _DATE_TOKENS[m.group(0).upper()], date_format)


def csv_layout_problems(config, columns, label_of):
    """The problems of a delimited layout's dialect and columns.

    :param config: has ``delimiter``, ``quotechar`` and ``has_header``
    :param columns: key -> header name or 1-based column number (empty: unmapped)
    :param label_of: key -> what the column holds, as the messages name it
    :return: list of problems, empty when the columns can be read
    """
    problems = []
    if len(config.delimiter or "") != 1:
        problems.append("the delimiter must be exactly one character")
    if config.quotechar and len(config.quotechar) != 1:
        problems.append("the quote character must be one character")
    for key, column in columns.items():
        if not column:
            continue
        number = _column_number(column)
        if number is None and not config.has_header:
            problems.append(
                f"the {label_of(key)} column '{column}' is a name, "
                "but the file has no header row: give its number"
            )
        elif number is not None and number < 1:
            problems.append(f"the {label_of(key)} column number must be 1 or more")
    return problems


def _column_number(column):
    if isinstance(column, int):
        return column
    column = str(column).strip()
    return int(column) if column.isdigit() else None


# ----------------------------------------------------------------------
# Result
# ----------------------------------------------------------------------
@dataclass(slots=True)
class ReadingRow:
    """One data line of the file, read or not: ``errors`` says why not."""

    line_number: int
    meter: str = ""
    account: str = ""
    date: dt.date | None = None
    value: Decimal | None = None
    read_type: str | None = None
    reader: str = ""
    note: str = ""
    errors: list = field(default_factory=list)

    @property
    def is_valid(self):
        return not self.errors

    @property
    def key(self):
        """What makes a reading unique: the meter and the day."""
        return (self.meter, self.date)

    def add_error(self, message):
        self.errors.append(message)

    def error_messages(self):
        return [f"line {self.line_number}: {message}" for message in self.errors]


@dataclass
class ParseResult:
    """Rows of the file and what went wrong.

    ``file_errors`` concern the file as a whole (empty, undecodable, a header
    without the mapped columns); when there are any, ``rows`` is empty.
    """

    checksum: str
    rows: list = field(default_factory=list)
    file_errors: list = field(default_factory=list)
    encoding: str = ""

    @property
    def valid_rows(self):
        return [row for row in self.rows if row.is_valid]

    @property
    def invalid_rows(self):
        return [row for row in self.rows if not row.is_valid]

    @property
    def errors(self):
        """Every problem, file-level first, then row by row in file order."""
        messages = list(self.file_errors)
        for row in self.rows:
            messages.extend(row.error_messages())
        return messages

    @property
    def is_valid(self):
        return not self.file_errors and all(row.is_valid for row in self.rows)


# ----------------------------------------------------------------------
# Decoding
# ----------------------------------------------------------------------
def checksum(content):
    return hashlib.sha256(content).hexdigest()


def base64_size(data):
    """Size in bytes of the file a base64 text holds, without decoding it."""
    data = data or ""
    tail = data[-2:]
    if isinstance(tail, bytes):
        tail = tail.decode("ascii", "replace")
    return len(data) * 3 // 4 - (len(tail) - len(tail.rstrip("=")))


def detect_encoding(content):
    """Honour a BOM, else UTF-8, else Latin-1 (which never fails).

    Handheld and older AMR software writes Windows code pages; Latin-1 keeps
    every byte, so column positions of fixed-width files stay right. UTF-8 is
    checked a megabyte at a time: no decoded copy of the whole file is made.

    :return: the encoding name
    """
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if content.startswith(bom):
            return encoding
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(content)
    try:
        for start in range(0, len(content), _DECODE_CHUNK):
            decoder.decode(view[start : start + _DECODE_CHUNK])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "latin-1"
    return "utf-8"


def decode(content):
    """Bytes to text (see :func:`detect_encoding`).

    :return: (text, encoding name)
    """
    encoding = detect_encoding(content)
    return content.decode(encoding), encoding


def iter_lines(content, encoding):
    """The lines of the file, decoded one at a time, line ends kept
    (``\\r\\n``, ``\\r`` and ``\\n`` all end a line)."""
    return io.TextIOWrapper(io.BytesIO(content), encoding=encoding, newline="")


def shown(text, width=30):
    """A cell as a message quotes it: cut to ``width`` characters (a hostile
    cell may hold thousands)."""
    return text if len(text) <= width else text[: width - 3] + "..."


def control_character_problem(text):
    """What is wrong with a text holding a control character, or None.

    A NUL (or another control character) is not text: the file is damaged, or
    binary, and PostgreSQL cannot store it. The row is refused with this reason.
    """
    match = _CONTROL_RE.search(text)
    if match is None:
        return None
    code = ord(match.group())
    name = "NUL" if code == 0 else f"character code {code}"
    return (
        f"contains a control character ({name}), which is not text: "
        "the file is damaged or is not a text file"
    )


# ----------------------------------------------------------------------
# Value parsing
# ----------------------------------------------------------------------
def parse_number(text, decimal_separator="."):
    """Read a number exactly: digits, one decimal separator, well-formed
    thousands groups; never an exponent, NaN or infinity.

    :return: Decimal, or None when ``text`` is not a number under this separator
    """
    text = text.strip().replace(" ", "").replace("\u00a0", "")
    if decimal_separator == ",":
        # Swap so the same well-formed-grouping rule serves both conventions.
        text = text.translate(str.maketrans({",": ".", ".": ","}))
    if _GROUPED_NUMBER_RE.match(text):
        text = text.replace(",", "")
    elif not _PLAIN_NUMBER_RE.match(text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def decimal_places(value):
    """Decimals a number really has: ``5.2500`` has 2 (no context rounding)."""
    _sign, digits, exponent = value.as_tuple()
    if not isinstance(exponent, int) or exponent >= 0:
        return 0
    places = -exponent
    for digit in reversed(digits):
        if digit or not places:
            break
        places -= 1
    return places


def reading_value_problem(value, dials=MAX_DIALS):
    """Why a register cannot show this reading, or None.

    A register of ``dials`` digits shows 0 up to 10 ** dials - 1; the reading
    field holds :data:`READING_DECIMALS` decimals. A reading outside either was
    misread or mistyped: storing it rounded or cut would bill the wrong usage.

    :param value: Decimal
    :return: the reason, to follow the reading in a sentence
    """
    if not value.is_finite():
        return "is not a number"
    if value < 0:
        return "is negative"
    places = decimal_places(value)
    if places > READING_DECIMALS:
        return f"has {places} decimals: a reading holds at most {READING_DECIMALS}"
    dials = int(dials or MAX_DIALS)
    if value >= register_capacity(dials):
        if dials == MAX_DIALS:
            return f"has more digits than any meter shows (at most {MAX_DIALS} dials)"
        return (
            f"has more digits than the meter's {dials} dials show "
            f"(at most {register_capacity(dials) - 1:,})"
        )
    return None


def parse_date(text, date_formats):
    """:return: the date, or None when no format matches (or the day does not exist)"""
    text = text.strip()
    for date_format in date_formats:
        try:
            return dt.datetime.strptime(text, to_strptime(date_format)).date()
        except ValueError:
            continue
    return None


# ----------------------------------------------------------------------
# Parsing
# ----------------------------------------------------------------------
def parse(content, config):
    """Parse a reading file.

    :param content: the file as bytes (or str, read as UTF-8)
    :param config: LayoutConfig
    :return: ParseResult; rows in file order, each validated
    :raises LayoutError: when the layout itself is unusable
    """
    result, lines = start_parse(content, config, ParseResult)
    if lines is None:
        return result
    if config.file_format == "csv":
        records = _csv_records(lines, config, result)
    else:
        records = _fixed_records(lines, config, result)
    collect_rows(
        result,
        records,
        ReadingRow,
        lambda row, values: _fill_row(row, values, config),
        has_header=config.has_header,
        noun="readings",
    )
    _flag_duplicates(result.rows)
    return result


def collect_rows(result, records, row_class, fill, *, has_header, noun):
    """The rows of ``records`` ((line number, values, errors) of a file) in
    ``result``, each filled by ``fill(row, values)`` when its record has no
    error; none when the file itself is unusable; a file error when it holds
    no row (``noun``: what a row is, "readings")."""
    for line_number, values, errors in records:
        row = row_class(line_number=line_number)
        row.errors.extend(errors)
        if not errors:
            fill(row, values)
        result.rows.append(row)
    if result.file_errors:
        result.rows = []
    elif not result.rows:
        result.file_errors.append(
            f"the file has a header but no {noun}" if has_header else f"the file has no {noun}"
        )


def start_parse(content, config, result_class):
    """Validate the layout, fingerprint the file and find its encoding.

    :param content: the file as bytes (or str, read as UTF-8)
    :param result_class: the parse result to make, built from its ``checksum``
    :return: (result, the file's lines decoded one at a time, or None when it
        is empty: the result then says so)
    :raises LayoutError: when the layout itself is unusable
    """
    config.validate()
    if isinstance(content, str):
        content = content.encode("utf-8")
    result = result_class(checksum=checksum(content or b""))
    if not content or content.isspace():
        result.file_errors.append("the file is empty")
        return result, None
    result.encoding = detect_encoding(content)
    return result, iter_lines(content, result.encoding)


def _csv_records(lines, config, result):
    """Yield (line number, {target: text}, structural errors) per data record.

    Reads the file a record at a time. A header without the mapped columns
    adds a file error and yields nothing.
    """
    reader = csv.reader(
        lines,
        delimiter=config.delimiter,
        quotechar=config.quotechar or '"',
        quoting=csv.QUOTE_MINIMAL if config.quotechar else csv.QUOTE_NONE,
        skipinitialspace=True,
        strict=False,
    )
    indexes = {}
    header = []
    reference = None  # column count every data row must have
    reference_line = None
    previous_end = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            yield reader.line_num, {}, [f"unreadable: {error}"]
            previous_end = reader.line_num
            continue
        line_number = previous_end + 1
        previous_end = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        width = len(_trim_trailing_empty(cells))
        if config.has_header and not indexes and reference is None:
            indexes = _read_header(cells[:width], config, result)
            if indexes is None:
                return
            header = [cell.strip() for cell in cells[:width]]
            reference, reference_line = width, line_number
            continue
        if not indexes:
            indexes = {
                target: _column_number(column) - 1
                for target, column in config.columns.items()
                if column
            }
        if reference is None:
            reference, reference_line = width, line_number
        # Any cell, mapped or not: a control character means a damaged file.
        problems = _control_problems(cells, header)
        if problems:
            yield line_number, {}, problems
            continue
        # Missing cells, or a filled cell past the last column (an unquoted
        # delimiter shifted the row): either way the columns cannot be trusted.
        if len(cells) < reference or width > reference:
            what = "the header has" if config.has_header else f"line {reference_line} has"
            count = width if width > reference else len(cells)
            yield line_number, {}, [f"{count} columns where {what} {reference}"]
            continue
        needed = max(indexes.values()) + 1
        if len(cells) < needed:
            yield line_number, {}, [f"{len(cells)} columns, the layout needs {needed}"]
            continue
        yield line_number, {target: cells[index].strip() for target, index in indexes.items()}, []
    if config.has_header and reference is None:
        # Only blank lines: the file is empty rather than header-only.
        result.file_errors.append("the file is empty")


def _read_header(cells, config, result):
    """:return: target -> column index, or None when the header cannot be read
    (the file error then says why)"""
    problem = control_character_problem("".join(cells))
    if problem:
        result.file_errors.append(f"the header row {problem}")
        return None
    indexes, missing = _header_indexes(cells, config.columns)
    if missing:
        result.file_errors.append(
            "the header row has no column "
            + ", ".join(f"'{name}'" for name in missing)
            + " (it has: "
            + ", ".join(cell.strip() for cell in cells)
            + ")"
        )
        return None
    return indexes


def _control_problems(cells, header):
    """One message per cell holding a control character, naming its column."""
    problems = []
    for index, cell in enumerate(cells):
        problem = control_character_problem(cell)
        if problem:
            name = header[index] if index < len(header) and header[index] else index + 1
            problems.append(f"column '{name}' {problem}")
    return problems


def _header_indexes(header, columns):
    normalized = [cell.strip().casefold() for cell in header]
    indexes, missing = {}, []
    for target, column in columns.items():
        if not column:
            continue
        number = _column_number(column)
        if number is not None:
            indexes[target] = number - 1
        elif column.strip().casefold() in normalized:
            indexes[target] = normalized.index(column.strip().casefold())
        else:
            missing.append(column)
    return indexes, missing


def _trim_trailing_empty(cells):
    # Spreadsheets pad rows with empty cells ("a,b,c,,"): not a shifted column.
    cells = list(cells)
    while len(cells) > 1 and not cells[-1].strip():
        cells = cells[:-1]
    return cells


def _fixed_records(lines, config, result):
    """Yield (line number, {target: text}, structural errors) per data line."""
    positions = {target: pos for target, pos in config.positions.items() if pos}
    record_type = positions.pop("record_type", None)
    # A line shorter than the end of a required field would give a cut value.
    needed = max(
        start + length - 1
        for target, (start, length) in positions.items()
        if target in REQUIRED_TARGETS
    )
    header_skipped = not config.has_header
    for line_number, text in enumerate(lines, start=1):
        line = text.rstrip("\r\n")
        if not line.strip():
            continue
        if not header_skipped:
            header_skipped = True
            continue
        if record_type:
            start, length = record_type
            if line[start - 1 : start - 1 + length].strip() != config.record_type.strip():
                continue
        problem = control_character_problem(line)
        if problem:
            yield line_number, {}, [f"the line {problem}"]
            continue
        if len(line.rstrip()) < needed:
            error = f"the line is {len(line.rstrip())} characters long, the layout needs {needed}"
            yield line_number, {}, [error]
            continue
        yield (
            line_number,
            {
                target: line[start - 1 : start - 1 + length].strip()
                for target, (start, length) in positions.items()
            },
            [],
        )
    if config.has_header and not header_skipped:
        result.file_errors.append("the file is empty")


def _fill_row(row, values, config):
    row.meter = values.get("meter", "")
    row.account = values.get("account", "")
    row.reader = values.get("reader", "")
    row.note = values.get("note", "")
    if not row.meter:
        row.add_error("missing meter number")

    date_text = values.get("date", "")
    if not date_text:
        row.add_error("missing read date")
    else:
        row.date = parse_date(date_text, config.date_formats)
        if row.date is None:
            row.add_error(f"date '{date_text}' does not match " + " or ".join(config.date_formats))

    _fill_value(row, values.get("value", ""), config)

    code = values.get("read_type", "")
    if code:
        read_type = config.read_type_codes.get(code.upper())
        if read_type is None and code.lower() in READ_TYPES:
            read_type = code.lower()
        if read_type is None:
            known = sorted(config.read_type_codes) or list(READ_TYPES)
            row.add_error(f"read type '{code}' is not one of {', '.join(known)}")
        row.read_type = read_type


def _fill_value(row, value_text, config):
    if not value_text:
        row.add_error("missing reading")
        return
    row.value = parse_number(value_text, config.decimal_separator)
    if row.value is None and _EXPONENT_NUMBER_RE.match(value_text):
        problem = "is in exponent notation: write every digit the meter shows"
    elif row.value is None:
        problem = "is not a number"
    else:
        problem = reading_value_problem(row.value)
    if problem:
        row.add_error(f"reading '{shown(value_text)}' {problem}")
        row.value = None


def _flag_duplicates(rows):
    """Refuse a second row for the same meter and day: which one is right is unknowable."""
    first_line = {}
    for row in rows:
        if not row.meter or row.date is None:
            continue
        seen = first_line.setdefault(row.key, row.line_number)
        if seen != row.line_number:
            row.add_error(f"the same meter and date already appear on line {seen}")
