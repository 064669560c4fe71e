# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The printed utility bill, drawn straight onto a reportlab canvas.

A bill is described by frozen dataclasses (:class:`BillData` and its parts)
that the caller fills from the ledger; this module only draws. One Letter page
per bill: letterhead, key facts (account, bill date, due date, amount due), the
mailing address where a #10 window envelope shows it, service address and
period, charges by service with meter reads and consumption, the account
summary (previous balance, payments, adjustments, past due, total due), a
13-month usage chart, messages and, below a dashed tear line, the remittance
stub with the OCR scan line and a QR code carrying the same scan line. Charges
or messages that do not fit continue on extra pages (no stub on those).

Speed is the point (a whole billing cycle is printed as one PDF): the parts of
a page that are the same on every bill of a city (letterhead, boxes, labels,
remit-to address) are drawn once per document as a PDF form XObject and
stamped on each page; each page's variable text goes into a single text
object; the QR code is one filled path. Only the 14 standard PDF fonts are
used, plus an OCR TrueType font for the scan line when one is installed
(embedded as a subset): see :func:`scan_line_font`.

Money comes in as Decimal and is printed rounded half-up to cents with
thousands separators.
"""

import datetime as dt
import io
import math
import os
from dataclasses import dataclass, field, fields
from decimal import ROUND_HALF_UP, Decimal
from functools import cache, lru_cache
from typing import NamedTuple

from reportlab.lib.pagesizes import letter
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfbase.pdfmetrics import registerFont, stringWidth
from reportlab.pdfgen.canvas import Canvas

from .scan_line import build_scan_line

ZERO = Decimal(0)
CENT = Decimal("0.01")
USAGE_MONTHS = 13

# --- fonts -----------------------------------------------------------------

FONT = "Helvetica"
FONT_BOLD = "Helvetica-Bold"
FONT_ITALIC = "Helvetica-Oblique"
SCAN_FONT_FALLBACK = ("Courier", 12.0)  # 12 pt Courier is 10 characters an inch, like OCR

_ADDON_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# OCR-B first (ISO 1073-2, what the brief and most banks ask for), then OCR-A
# (ISO 1073-1, the older US lockbox font). reportlab embeds TrueType outlines
# only: Debian's fonts-ocr-b ships OpenType/CFF files, which it cannot read, so
# on Debian the usable one is fonts-ocr-a's OCRA.ttf. Both are public domain.
SCAN_FONT_CANDIDATES = (
    ("UB-OCRB", os.path.join(_ADDON_DIR, "static", "fonts", "OCRB.ttf")),
    ("UB-OCRB", "/usr/share/fonts/truetype/ocr-b/OCRB.ttf"),
    ("UB-OCRA", os.path.join(_ADDON_DIR, "static", "fonts", "OCRA.ttf")),
    ("UB-OCRA", "/usr/share/fonts/truetype/ocr-a/OCRA.ttf"),
)
SCAN_FONT_SIZE = 10.0  # OCR-A / OCR-B at 10 pt print 10 characters an inch


def _register_scan_font(candidates):
    """Register the first candidate TrueType font reportlab can load; else Courier 12."""
    from reportlab.pdfbase.ttfonts import TTFError, TTFont

    for name, path in candidates:
        if not os.path.isfile(path):
            continue
        try:
            registerFont(TTFont(name, path))
        except (TTFError, OSError):
            continue
        return name, SCAN_FONT_SIZE
    return SCAN_FONT_FALLBACK


@lru_cache(maxsize=1)
def scan_line_font():
    """(font name, size) used for the scan line: OCR-B, else OCR-A, else Courier 12.

    Tell the bank which one it is when the lockbox is configured.
    """
    return _register_scan_font(SCAN_FONT_CANDIDATES)


# The 14 standard fonts only know the WinAnsi (cp1252) characters: a name like
# "Łukasz Żółć" would print as boxes. Such texts switch to a TrueType font with
# the same metrics as Helvetica (Liberation Sans, else DejaVu Sans), embedded
# as a subset, so only bills that need it pay for it.
UNICODE_FONT_CANDIDATES = {
    FONT: (
        "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    ),
    FONT_BOLD: (
        "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    ),
    FONT_ITALIC: (
        "/usr/share/fonts/truetype/liberation/LiberationSans-Italic.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Oblique.ttf",
    ),
}


@cache
def _unicode_font(font):
    """The TrueType stand-in of a standard font, or the font itself when none is installed."""
    name = f"UB-{font}-Unicode"
    found = _register_scan_font(
        tuple((name, path) for path in UNICODE_FONT_CANDIDATES.get(font, ()))
    )
    return name if found[0] == name else font


def text_font(text, font):
    """The font to print text with: the standard one unless text is outside WinAnsi."""
    if text.isascii():
        return font
    try:
        text.encode("cp1252")
    except UnicodeEncodeError:
        return _unicode_font(font)
    return font


# --- data ------------------------------------------------------------------


def _as_tuple(value):
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(value)


def _check_decimal(problems, label, value, optional=False):
    if value is None and optional:
        return
    if isinstance(value, bool) or not isinstance(value, Decimal):
        problems.append(f"{label} must be a Decimal, got {type(value).__name__} {value!r}")
    elif not value.is_finite():
        problems.append(f"{label} is not a number")


def _check_date(problems, label, value, optional=False):
    if value is None and optional:
        return
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        problems.append(f"{label} must be a date, got {type(value).__name__} {value!r}")


def _raise(what, problems):
    if problems:
        raise ValueError(f"{what} is invalid: " + "; ".join(problems))


@dataclass(frozen=True)
class ChargeLine:
    """One line of charges: "Usage 0-5,000 gal", 5,000, 3.25, 16.25."""

    description: str
    amount: Decimal
    quantity: Decimal | None = None
    rate: Decimal | None = None

    def __post_init__(self):
        problems = []
        if not isinstance(self.description, str):
            problems.append("description must be text")
        _check_decimal(problems, "amount", self.amount)
        _check_decimal(problems, "quantity", self.quantity, optional=True)
        _check_decimal(problems, "rate", self.rate, optional=True)
        _raise(f"Charge line {self.description!r}", problems)


@dataclass(frozen=True)
class ServiceCharges:
    """The charges of one service on the bill, with its meter reads when metered."""

    name: str
    lines: tuple[ChargeLine, ...]
    meter_number: str = ""
    date_previous_read: dt.date | None = None
    date_current_read: dt.date | None = None
    previous_read: Decimal | None = None
    current_read: Decimal | None = None
    consumption: Decimal | None = None
    unit: str = ""
    read_type: str = ""  # printed after the current read when not "actual": "Estimated"

    def __post_init__(self):
        object.__setattr__(self, "lines", _as_tuple(self.lines))
        problems = [
            f"line {index} is not a ChargeLine"
            for index, line in enumerate(self.lines, 1)
            if not isinstance(line, ChargeLine)
        ]
        _check_date(problems, "previous read date", self.date_previous_read, optional=True)
        _check_date(problems, "current read date", self.date_current_read, optional=True)
        _check_decimal(problems, "previous read", self.previous_read, optional=True)
        _check_decimal(problems, "current read", self.current_read, optional=True)
        _check_decimal(problems, "consumption", self.consumption, optional=True)
        _raise(f"Service {self.name!r}", problems)

    @property
    def amount_total(self):
        return sum((line.amount for line in self.lines), ZERO)

    @property
    def has_reads(self):
        return bool(self.meter_number or self.date_current_read or self.consumption is not None)


@dataclass(frozen=True)
class UsagePoint:
    """One bar of the usage chart: a period label ("Mar 25") and its consumption."""

    label: str
    consumption: Decimal


_MONEY_FIELDS = (
    "amount_previous_balance",
    "amount_payments",
    "amount_adjustments",
    "amount_deferred",
    "amount_past_due",
    "amount_current",
    "amount_due",
)


@dataclass(frozen=True)
class BillData:
    """Everything printed on one bill. Lists given for tuple fields are made tuples.

    Sign conventions: ``amount_payments`` is what was received since the last
    bill, positive, and printed as a credit; ``amount_adjustments`` and
    ``amount_deferred`` (level-pay deferral) are signed. They must add up::

        amount_due = previous balance - payments + adjustments + deferred + current
        amount_current = sum of the services' charge lines

    ``amount_past_due`` is the part of the balance forward already past its
    due date (informational, it is included in ``amount_due``). A negative
    ``amount_due`` is a credit balance: the stub says so and the scan line
    carries a zero amount. ``special_handling`` holds the reason a bill must
    be pulled from the print batch (empty: none). ``usage_history`` is oldest
    first, the current period last, at most 13 points; (label, consumption)
    pairs are accepted.
    """

    utility_name: str
    utility_address: tuple[str, ...]
    remit_to: tuple[str, ...]
    account_number: str
    customer_name: str
    mailing_address: tuple[str, ...]
    service_address: str
    date_bill: dt.date
    date_due: dt.date
    date_period_start: dt.date
    date_period_end: dt.date
    services: tuple[ServiceCharges, ...]
    amount_previous_balance: Decimal
    amount_payments: Decimal
    amount_adjustments: Decimal
    amount_past_due: Decimal
    amount_current: Decimal
    amount_due: Decimal
    amount_deferred: Decimal = ZERO
    date_penalty: dt.date | None = None
    amount_after_penalty: Decimal | None = None
    bill_number: str = ""
    utility_phone: str = ""
    utility_website: str = ""
    messages: tuple[str, ...] = ()
    usage_history: tuple[UsagePoint, ...] = ()
    usage_unit: str = ""
    special_handling: str = ""
    is_paperless: bool = False
    currency_symbol: str = "$"
    date_format: str = "%m/%d/%Y"
    logo: bytes | None = field(default=None, repr=False)

    def __post_init__(self):
        for name in ("utility_address", "remit_to", "mailing_address", "services", "messages"):
            object.__setattr__(self, name, _as_tuple(getattr(self, name)))
        object.__setattr__(
            self,
            "usage_history",
            tuple(
                point if isinstance(point, UsagePoint) else UsagePoint(*point)
                for point in _as_tuple(self.usage_history)
            ),
        )
        what = f"Bill of account {self.account_number!r}"
        # Types first: the sums below need them right.
        _raise(what, self._type_problems())
        _raise(what, self._sum_problems())

    def _type_problems(self):
        problems = []
        for name in _MONEY_FIELDS:
            _check_decimal(problems, name, getattr(self, name))
        _check_decimal(problems, "amount_after_penalty", self.amount_after_penalty, True)
        for name in ("date_bill", "date_due", "date_period_start", "date_period_end"):
            _check_date(problems, name, getattr(self, name))
        _check_date(problems, "date_penalty", self.date_penalty, optional=True)
        problems += [
            f"service {index} is not a ServiceCharges"
            for index, service in enumerate(self.services, 1)
            if not isinstance(service, ServiceCharges)
        ]
        for point in self.usage_history:
            _check_decimal(problems, f"usage {point.label!r}", point.consumption)
        if len(self.usage_history) > USAGE_MONTHS:
            problems.append(
                f"usage history has {len(self.usage_history)} points, at most {USAGE_MONTHS}"
            )
        if not self.account_number:
            problems.append("account number is empty")
        return problems

    def _sum_problems(self):
        problems = []
        if self.date_period_start > self.date_period_end:
            problems.append("service period starts after it ends")
        current = sum((service.amount_total for service in self.services), ZERO)
        if current != self.amount_current:
            problems.append(
                f"current charges {self.amount_current} differ from the sum of the"
                f" service lines {current}"
            )
        expected_due = self.balance_forward + self.amount_deferred + self.amount_current
        if expected_due != self.amount_due:
            problems.append(
                f"amount due {self.amount_due} differs from previous balance - payments"
                f" + adjustments + deferred + current charges = {expected_due}"
            )
        if self.amount_past_due < 0:
            problems.append("past due amount is negative")
        elif self.amount_past_due > max(self.amount_due, ZERO):
            problems.append(
                f"past due amount {self.amount_past_due} exceeds amount due {self.amount_due}"
            )
        if (self.date_penalty is None) != (self.amount_after_penalty is None):
            problems.append("penalty date and amount after penalty go together")
        try:
            build_scan_line(self.account_number, self.amount_to_pay, self.date_due)
        except (TypeError, ValueError) as error:
            problems.append(str(error))
        return problems

    @property
    def balance_forward(self):
        return self.amount_previous_balance - self.amount_payments + self.amount_adjustments

    @property
    def is_special_handling(self):
        return bool(self.special_handling)

    @property
    def amount_to_pay(self):
        """What the stub asks for: the amount due, zero on a credit balance."""
        return max(self.amount_due, ZERO).quantize(CENT, ROUND_HALF_UP)

    @property
    def period_days(self):
        """Days of service: from one read date to the next, the end excluded
        (as the billing run counts them: October 3 to November 3 is 31 days)."""
        return (self.date_period_end - self.date_period_start).days

    @property
    def scan_line(self):
        return build_scan_line(self.account_number, self.amount_to_pay, self.date_due)


def bill_field_names():
    """Names of the BillData fields, in declaration order (for data files)."""
    return [f.name for f in fields(BillData)]


# --- formatting ------------------------------------------------------------


def format_money(amount, symbol=""):
    """Decimal to "1,234.56" (rounded half-up to cents), "-" in front of credits."""
    value = amount.quantize(CENT, ROUND_HALF_UP)
    sign = "-" if value < 0 else ""
    return f"{sign}{symbol}{abs(value):,.2f}"


def format_quantity(value):
    """Decimal to "12,345" or "12,345.5": thousands separators, no trailing zeros."""
    if value is None:
        return ""
    normalized = value.normalize()
    if normalized == normalized.to_integral_value():
        return f"{normalized.quantize(Decimal(1)):,}"
    return f"{normalized:,f}"


def format_rate(value):
    """A rate: at least 2 decimals ("3.50"), more only when it has them ("0.0045")."""
    if value is None:
        return ""
    normalized = value.normalize()
    if normalized.as_tuple().exponent >= -2:
        return f"{value.quantize(CENT, ROUND_HALF_UP):,.2f}"
    return f"{normalized:,f}"


def _compact_number(value, thousands=False):
    if thousands:
        return f"{value / 1000:g}k"
    return f"{value:,.0f}" if value == int(value) else f"{value:,g}"


# Amounts, dates and labels repeat across a run: measuring each once saves a
# third of the text time.
_width = lru_cache(maxsize=65536)(stringWidth)


def _fit(text, font, size, width, min_size=6.0):
    """Shrink the font down to min_size, then cut the text, so it fits the width."""
    text_width = _width(text, font, size)
    if text_width <= width:
        return text, size
    scaled = size * width / text_width
    if scaled >= min_size:
        return text, scaled
    while text and _width(text + "\u2026", font, min_size) > width:
        text = text[:-1]
    return text.rstrip() + "\u2026", min_size


# --- layout ----------------------------------------------------------------
# Points from the bottom-left corner of a Letter page (612 x 792).

PAGE_WIDTH, PAGE_HEIGHT = letter
LEFT = 36.0
RIGHT = PAGE_WIDTH - 36.0
TOP = PAGE_HEIGHT - 36.0

BLACK = (0, 0, 0)
WHITE = (1, 1, 1)
ACCENT = (0.12, 0.23, 0.37)  # dark blue
SHADE = (0.92, 0.94, 0.96)  # light blue-grey fill
RULE = (0.55, 0.60, 0.66)
GRID = (0.85, 0.87, 0.90)
GREY_TEXT = (0.33, 0.36, 0.40)
BAR_PAST = (0.60, 0.69, 0.80)
ALERT = (0.70, 0.07, 0.07)

# Letterhead: the logo box and the utility's name and address beside it.
LOGO_X, LOGO_Y, LOGO_WIDTH, LOGO_HEIGHT = LEFT, 700.0, 60.0, 56.0
LETTERHEAD_X = 106.0
# Key facts band under the letterhead.
BAND_TOP, BAND_BOTTOM = 694.0, 658.0
# Mailing address: where a #10 double-window envelope shows it (about 2 in from the top).
MAIL_X, MAIL_TOP, MAIL_LEADING, MAIL_LINES = 63.0, 630.0, 12.0, 6
# Service information box, right of the mailing address.
INFO_LEFT, INFO_TOP, INFO_BOTTOM, INFO_ROW = 324.0, 646.0, 580.0, 14.5
# Two columns: charges and messages on the left, summary and usage chart on the right.
COLUMN_TOP = 566.0
CHARGES_RIGHT = 366.0
CHARGES_BOTTOM = 326.0
MESSAGES_TOP, MESSAGES_BOTTOM = 318.0, 250.0
SIDE_LEFT = 378.0
SUMMARY_BOTTOM = 418.0
CHART_TOP, CHART_BOTTOM = 408.0, 250.0
HEADING_HEIGHT = 14.0
# Remittance stub, below the tear line.
TEAR_Y = 238.0
STUB_BOX_LEFT, STUB_BOX_TOP, STUB_BOX_BOTTOM, STUB_LABEL_WIDTH = 330.0, 212.0, 150.0, 110.0
REMIT_X, REMIT_TOP = 352.0, 114.0
QR_X, QR_Y, QR_SIZE = 36.0, 22.0, 66.0
SCAN_Y = 28.0  # OCR lines want a clear quarter inch all around
# Continuation pages.
CONT_TOP = 700.0
CONT_BOTTOM = 54.0

ROW_SERVICE = 13.0
ROW_READ = 10.0
ROW_LINE = 11.0
ROW_LINE_STEP = 8.5  # each further line of a charge description too long for one
LINE_MAX_LINES = 3  # past this, the last line is shrunk (then cut) to fit
ROW_GAP = 4.0
ROW_MESSAGE = 10.0
ROW_TOTAL = 16.0
ROW_SUMMARY = 12.5


class Style(NamedTuple):
    font: str
    size: float
    color: tuple = BLACK


BODY = Style(FONT, 8.0)
BODY_BOLD = Style(FONT_BOLD, 8.0)
LINE = Style(FONT, 7.5)
SMALL = Style(FONT, 6.5, GREY_TEXT)
SMALL_BOLD = Style(FONT_BOLD, 6.5, GREY_TEXT)
NOTE = Style(FONT_ITALIC, 7.5, GREY_TEXT)
ALERT_BOLD = Style(FONT_BOLD, 8.0, ALERT)
TITLE = Style(FONT_BOLD, 8.5, ACCENT)
BIG_BOLD = Style(FONT_BOLD, 10.0)


class _Page:
    """One page being drawn: graphics go straight to the canvas, and all the
    variable text into a single text object drawn last (on top of the fills),
    which is much cheaper than one text object per string."""

    def __init__(self, canvas, bill):
        self.canvas = canvas
        self.text = canvas.beginText()
        self.symbol = bill.currency_symbol
        self.date_format = bill.date_format
        self._font = None
        self._color = None

    def date(self, value):
        return value.strftime(self.date_format) if value else ""

    def money(self, amount):
        return format_money(amount, self.symbol)

    def left(self, x, y, text, style=BODY):
        if not text:
            return
        style = style._replace(font=text_font(text, style.font))
        if self._font != style[:2]:
            self._font = style[:2]
            self.text.setFont(style.font, style.size)
        if self._color != style.color:
            self._color = style.color
            self.text.setFillColorRGB(*style.color)
        self.text.setTextOrigin(x, y)
        # textLine, unlike textOut, does not measure the text to move the cursor.
        self.text.textLine(text)

    def right(self, x, y, text, style=BODY):
        if text:
            width = _width(text, text_font(text, style.font), style.size)
            self.left(x - width, y, text, style)

    def center(self, x, y, text, style=BODY):
        if text:
            width = _width(text, text_font(text, style.font), style.size)
            self.left(x - width / 2, y, text, style)

    def fitted(self, x, y, text, width, style=BODY, *, align="left"):
        """Text shrunk (then cut) to the width, aligned left, right or center of x."""
        text, size = _fit(text, text_font(text, style.font), style.size, width)
        getattr(self, align)(x, y, text, style._replace(size=size))

    def finish(self):
        self.canvas.drawText(self.text)


def _form_text(canvas, x, y, text, style, *, width=None):
    """A caller-given text drawn into a form (left-aligned), with the right font and fitted."""
    font = text_font(text, style.font)
    size = style.size
    if width is not None:
        text, size = _fit(text, font, size, width)
    canvas.setFillColorRGB(*style.color)
    canvas.setFont(font, size)
    canvas.drawString(x, y, text)


def _fill(canvas, color, box):
    """Fill box = (x, y, width, height) with an RGB colour."""
    canvas.setFillColorRGB(*color)
    canvas.rect(*box, stroke=0, fill=1)


def _frame(canvas, x0, y0, x1, y1):
    canvas.setStrokeColorRGB(*RULE)
    canvas.setLineWidth(0.6)
    canvas.rect(x0, y0, x1 - x0, y1 - y0, stroke=1, fill=0)


def _heading(canvas, x0, x1, top, title):
    """Accent bar with a white title (drawn into a form: same on every bill)."""
    _fill(canvas, ACCENT, (x0, top - HEADING_HEIGHT, x1 - x0, HEADING_HEIGHT))
    canvas.setFillColorRGB(*WHITE)
    canvas.setFont(FONT_BOLD, 8.5)
    canvas.drawString(x0 + 5, top - HEADING_HEIGHT + 4, title)


def _charge_columns(x0, x1):
    """x of description (left), quantity, rate and amount (right-aligned)."""
    return x0 + 5, x1 - 118, x1 - 62, x1 - 5


# --- the static part of a page, drawn once per document --------------------


def _letterhead_key(bill):
    return (
        bill.utility_name,
        bill.utility_address,
        bill.utility_phone,
        bill.utility_website,
        bill.remit_to,
        bill.currency_symbol,
        bill.logo,
    )


def _draw_logo(canvas, bill):
    image = None
    if bill.logo:
        try:
            image = ImageReader(io.BytesIO(bill.logo))
        except (OSError, ValueError):
            image = None  # an unreadable logo must not stop a billing run: placeholder
    if image is not None:
        canvas.drawImage(
            image,
            LOGO_X,
            LOGO_Y,
            LOGO_WIDTH,
            LOGO_HEIGHT,
            preserveAspectRatio=True,
            anchor="c",
            mask="auto",
        )
        return
    # Placeholder: the utility's name in a rounded box where its seal goes.
    canvas.setStrokeColorRGB(*ACCENT)
    canvas.setFillColorRGB(*SHADE)
    canvas.setLineWidth(1.2)
    canvas.roundRect(LOGO_X, LOGO_Y, LOGO_WIDTH, LOGO_HEIGHT, 6, stroke=1, fill=1)
    canvas.setFillColorRGB(*ACCENT)
    name = bill.utility_name.upper()
    font = text_font(name, FONT_BOLD)
    canvas.setFont(font, 7)
    lines = simpleSplit(name, font, 7, LOGO_WIDTH - 8)[:4]
    line_y = LOGO_Y + LOGO_HEIGHT / 2 + (len(lines) - 1) * 4.5 - 2.5
    for line in lines:
        canvas.drawCentredString(LOGO_X + LOGO_WIDTH / 2, line_y, line)
        line_y -= 9


def _draw_letterhead(canvas, bill):
    _draw_logo(canvas, bill)
    name_style = Style(FONT_BOLD, 14, ACCENT)
    _form_text(canvas, LETTERHEAD_X, 743, bill.utility_name, name_style, width=250)
    contact = "  \u00b7  ".join(p for p in (bill.utility_phone, bill.utility_website) if p)
    y = 731
    for line in [*bill.utility_address[:3], contact]:
        if line:
            _form_text(canvas, LETTERHEAD_X, y, line, Style(FONT, 8, GREY_TEXT), width=250)
            y -= 10
    canvas.setFillColorRGB(*ACCENT)
    canvas.setFont(FONT_BOLD, 16)
    canvas.drawRightString(RIGHT, 741, "UTILITY BILL")


def _draw_top_boxes(canvas):
    # Key facts band: four cells, the last one (amount due) in the accent colour.
    cell = (RIGHT - LEFT) / 4
    _fill(canvas, SHADE, (LEFT, BAND_BOTTOM, cell * 3, BAND_TOP - BAND_BOTTOM))
    _fill(canvas, ACCENT, (LEFT + cell * 3, BAND_BOTTOM, cell, BAND_TOP - BAND_BOTTOM))
    canvas.setStrokeColorRGB(*WHITE)
    canvas.setLineWidth(1.5)
    for index in (1, 2):
        canvas.line(LEFT + cell * index, BAND_BOTTOM, LEFT + cell * index, BAND_TOP)
    canvas.setFont(FONT_BOLD, 6.5)
    for index, label in enumerate(("ACCOUNT NUMBER", "BILL DATE", "DUE DATE", "AMOUNT DUE")):
        canvas.setFillColorRGB(*(WHITE if index == 3 else GREY_TEXT))
        canvas.drawCentredString(LEFT + cell * (index + 0.5), BAND_TOP - 11, label)
    # Service information box.
    _frame(canvas, INFO_LEFT, INFO_BOTTOM, RIGHT, INFO_TOP)
    canvas.setFillColorRGB(*GREY_TEXT)
    canvas.setFont(FONT_BOLD, 7)
    for index, label in enumerate(("Customer", "Service Address", "Service Period", "Bill No.")):
        canvas.drawString(INFO_LEFT + 8, INFO_TOP - 15 - index * INFO_ROW, label)


def _draw_columns(canvas):
    _heading(canvas, LEFT, CHARGES_RIGHT, COLUMN_TOP, "CURRENT CHARGES")
    desc_x, qty_x, rate_x, amount_x = _charge_columns(LEFT, CHARGES_RIGHT)
    canvas.setFillColorRGB(*GREY_TEXT)
    canvas.setFont(FONT_BOLD, 6.5)
    header_y = COLUMN_TOP - HEADING_HEIGHT - 9
    canvas.drawString(desc_x, header_y, "SERVICE / DESCRIPTION")
    canvas.drawRightString(qty_x, header_y, "QUANTITY")
    canvas.drawRightString(rate_x, header_y, "RATE")
    canvas.drawRightString(amount_x, header_y, "AMOUNT")
    _heading(canvas, SIDE_LEFT, RIGHT, COLUMN_TOP, "ACCOUNT SUMMARY")
    _frame(canvas, SIDE_LEFT, SUMMARY_BOTTOM, RIGHT, COLUMN_TOP - HEADING_HEIGHT)
    _heading(canvas, SIDE_LEFT, RIGHT, CHART_TOP, "USAGE HISTORY")
    _frame(canvas, SIDE_LEFT, CHART_BOTTOM, RIGHT, CHART_TOP - HEADING_HEIGHT)
    _heading(canvas, LEFT, CHARGES_RIGHT, MESSAGES_TOP, "MESSAGES")
    _frame(canvas, LEFT, MESSAGES_BOTTOM, CHARGES_RIGHT, MESSAGES_TOP - HEADING_HEIGHT)


def _draw_stub_static(canvas, bill):
    # Tear line.
    canvas.setStrokeColorRGB(0.35, 0.35, 0.35)
    canvas.setLineWidth(0.8)
    canvas.setDash(4, 3)
    canvas.line(18, TEAR_Y, PAGE_WIDTH - 18, TEAR_Y)
    canvas.setDash()
    canvas.setFillColorRGB(*GREY_TEXT)
    canvas.setFont(FONT_ITALIC, 7.5)
    canvas.drawCentredString(
        PAGE_WIDTH / 2, TEAR_Y - 11, "Please return this portion with your payment"
    )
    canvas.setFont(FONT, 6.5)
    canvas.drawString(LEFT, TEAR_Y - 11, "Detach here")
    # Left: who pays for what.
    _form_text(canvas, LEFT, 202, bill.utility_name, Style(FONT_BOLD, 11, ACCENT), width=280)
    canvas.setFillColorRGB(*GREY_TEXT)
    canvas.setFont(FONT_BOLD, 6.5)
    canvas.drawString(LEFT, 184, "ACCOUNT NUMBER")
    canvas.drawString(LEFT, 158, "CUSTOMER")
    canvas.drawString(LEFT, 132, "SERVICE ADDRESS")
    canvas.setStrokeColorRGB(*BLACK)
    canvas.setLineWidth(0.6)
    canvas.rect(LEFT, 102, 7, 7, stroke=1, fill=0)
    canvas.setFont(FONT, 6.5)
    canvas.drawString(
        LEFT + 11, 103.5, "Check here if your mailing address changed; write it on the back."
    )
    # Right: due date, amount due, amount enclosed.
    row = (STUB_BOX_TOP - STUB_BOX_BOTTOM) / 3
    label_right = STUB_BOX_LEFT + STUB_LABEL_WIDTH
    box = (STUB_BOX_LEFT, STUB_BOX_BOTTOM, STUB_LABEL_WIDTH, STUB_BOX_TOP - STUB_BOX_BOTTOM)
    _fill(canvas, SHADE, box)
    _frame(canvas, STUB_BOX_LEFT, STUB_BOX_BOTTOM, RIGHT, STUB_BOX_TOP)
    for index in (1, 2):
        y = STUB_BOX_BOTTOM + row * index
        canvas.line(STUB_BOX_LEFT, y, RIGHT, y)
    canvas.line(label_right, STUB_BOX_BOTTOM, label_right, STUB_BOX_TOP)
    canvas.setFillColorRGB(*GREY_TEXT)
    canvas.setFont(FONT_BOLD, 7)
    for index, label in enumerate(("DUE DATE", "AMOUNT DUE", "AMOUNT ENCLOSED")):
        canvas.drawString(STUB_BOX_LEFT + 6, STUB_BOX_TOP - row * (index + 0.5) - 2.5, label)
    _form_text(
        canvas, label_right + 8, STUB_BOX_BOTTOM + row / 2 - 3.5, bill.currency_symbol, BIG_BOLD
    )
    canvas.setStrokeColorRGB(*BLACK)
    canvas.rect(label_right + 20, STUB_BOX_BOTTOM + 4, RIGHT - label_right - 26, row - 8)
    # Remit-to address, where a #9 return envelope's window shows it.
    canvas.setFillColorRGB(*GREY_TEXT)
    canvas.setFont(FONT_BOLD, 6.5)
    canvas.drawString(REMIT_X, REMIT_TOP + 13, "MAKE CHECKS PAYABLE TO / REMIT TO:")
    y = REMIT_TOP
    for line in bill.remit_to[:4]:
        _form_text(canvas, REMIT_X, y, line, Style(FONT, 9.5), width=RIGHT - REMIT_X)
        y -= 11.5


def _draw_static(canvas, bill):
    """Everything that is the same on each bill of this utility."""
    _draw_letterhead(canvas, bill)
    _draw_top_boxes(canvas)
    _draw_columns(canvas)
    _draw_stub_static(canvas, bill)


def _draw_summary_labels(canvas, has_deferral):
    canvas.setFillColorRGB(*BLACK)
    x0 = SIDE_LEFT + 6
    y = COLUMN_TOP - HEADING_HEIGHT - 12
    for label in _summary_labels(has_deferral):
        canvas.setFont(FONT_BOLD if label == "Balance Forward" else FONT, 8)
        canvas.drawString(x0, y, label)
        y -= ROW_SUMMARY


def _summary_labels(has_deferral):
    labels = ["Previous Balance", "Payments Received - Thank You", "Adjustments"]
    if has_deferral:
        labels.append("Level Pay Deferral")
    return [*labels, "Balance Forward", "Current Charges"]


# --- the variable part -----------------------------------------------------


def _description_width(x0, x1):
    """Width of the charge description column between x0 and x1."""
    desc_x, qty_x, _rate_x, _amount_x = _charge_columns(x0, x1)
    return qty_x - desc_x - 52


def _description_lines(text):
    """A charge description as printed: one line when it fits the narrowest
    charges column (the first page's), else wrapped at spaces on up to
    LINE_MAX_LINES lines, so a long prorated label on a final bill reads in
    full ("Water - Usage 5-15 kgal, prorated 12 of 30 days: ..." on two lines)."""
    width = _description_width(LEFT, CHARGES_RIGHT)
    font = text_font(text, LINE.font)
    if _width(text, font, LINE.size) <= width:
        return (text,)
    lines = simpleSplit(text, font, LINE.size, width) or [text]
    if len(lines) > LINE_MAX_LINES:
        lines = [*lines[: LINE_MAX_LINES - 1], " ".join(lines[LINE_MAX_LINES - 1 :])]
    return tuple(lines)


def _line_row(line):
    texts = _description_lines(line.description)
    return ("line", ROW_LINE + (len(texts) - 1) * ROW_LINE_STEP, (line, texts))


def _service_rows(bill):
    """Rows of the charges table: (kind, height, payload)."""
    rows = []
    for service in bill.services:
        rows.append(("service", ROW_SERVICE, service))
        if service.has_reads:
            rows.append(("read", ROW_READ, service))
        rows.extend(_line_row(line) for line in service.lines)
        rows.append(("gap", ROW_GAP, None))
    rows.append(("total", ROW_TOTAL, bill.amount_current))
    return rows


def _read_text(page, service):
    parts = []
    previous = " ".join(
        p
        for p in (page.date(service.date_previous_read), format_quantity(service.previous_read))
        if p
    )
    if previous:
        parts.append(f"Previous {previous}")
    current = " ".join(
        p
        for p in (page.date(service.date_current_read), format_quantity(service.current_read))
        if p
    )
    if service.read_type and service.read_type.lower() != "actual":
        current = f"{current} ({service.read_type})".strip()
    if current:
        parts.append(f"Current {current}")
    return "   ".join(parts)


def _draw_charge_rows(page, rows, x0, x1, top):
    """Draw rows from top down; returns the y under the last one."""
    canvas = page.canvas
    desc_x, qty_x, rate_x, amount_x = _charge_columns(x0, x1)
    y = top
    for kind, height, payload in rows:
        base = y - height + 3
        if kind == "service":
            _fill(canvas, SHADE, (x0 + 1, y - height + 1, x1 - x0 - 2, height - 1))
            page.fitted(desc_x, base + 1, payload.name.upper(), 120, TITLE._replace(size=8))
            if payload.meter_number:
                page.fitted(desc_x + 125, base + 1, f"Meter {payload.meter_number}", 110, SMALL)
            page.right(amount_x, base + 1, format_money(payload.amount_total), BODY_BOLD)
        elif kind == "read":
            page.fitted(
                desc_x + 6, base - 0.5, _read_text(page, payload), rate_x - desc_x - 60, SMALL
            )
            if payload.consumption is not None:
                usage = f"Usage {format_quantity(payload.consumption)} {payload.unit}".rstrip()
                page.right(amount_x, base - 0.5, usage, SMALL_BOLD)
        elif kind == "line":
            # A wrapped description runs down from the row's top; the figures
            # stand on its last line.
            line, texts = payload
            first = y - ROW_LINE + 3
            for index, text in enumerate(texts):
                page.fitted(
                    desc_x + 6, first - index * ROW_LINE_STEP, text, qty_x - desc_x - 52, LINE
                )
            page.right(qty_x, base, format_quantity(line.quantity), LINE)
            page.right(rate_x, base, format_rate(line.rate), LINE)
            page.right(amount_x, base, format_money(line.amount), LINE)
        elif kind == "message":
            page.left(desc_x, base - 0.5, payload[0], ALERT_BOLD if payload[1] else BODY)
        elif kind == "label":
            page.left(desc_x, base + 1, payload, TITLE)
        elif kind == "total":
            canvas.setStrokeColorRGB(*ACCENT)
            canvas.setLineWidth(0.8)
            canvas.line(x0 + 3, y - 1, x1 - 3, y - 1)
            page.left(desc_x, base + 1, "TOTAL CURRENT CHARGES", TITLE)
            page.right(amount_x, base + 1, page.money(payload), TITLE)
        y -= height
    return y


def _message_lines(bill, width):
    """Wrapped message lines: (text, is_alert)."""
    notices = []
    if bill.amount_past_due > 0:
        notices.append(
            f"PAST DUE: {format_money(bill.amount_past_due, bill.currency_symbol)} of your"
            " balance is past due. Please pay it now to avoid late fees and interruption"
            " of service."
        )
    if bill.amount_due < 0:
        notices.append("Your account has a credit balance. No payment is due.")
    lines = [
        (line, True) for notice in notices for line in simpleSplit(notice, FONT_BOLD, 8, width)
    ]
    for message in bill.messages:
        for paragraph in message.splitlines() or [""]:
            lines.extend((line, False) for line in simpleSplit(paragraph, FONT, 8, width) or [""])
    return lines


def _nice_step(top):
    """A 1-2-2.5-5 step that divides 0..top into at most 4 gridlines."""
    if top <= 0:
        return 1.0
    raw = top / 4
    magnitude = 10 ** math.floor(math.log10(raw))
    return next(f * magnitude for f in (1, 2, 2.5, 5, 10) if f * magnitude >= raw * 0.999999)


def _chart_geometry():
    plot_left, plot_right = SIDE_LEFT + 28, RIGHT - 8
    plot_bottom, plot_top = CHART_BOTTOM + 36, CHART_TOP - HEADING_HEIGHT - 10
    return plot_left, plot_right, plot_bottom, plot_top


def _chart_scale(values):
    """(step, ticks) of the value axis: `ticks` gridlines `step` apart above zero."""
    highest = max(*values, 0.0)
    step = _nice_step(highest)
    ticks = 1
    while step * ticks < highest:
        ticks += 1
    return step, ticks


def _draw_chart_axis(canvas, step, ticks):
    """Gridlines, value labels and base line (a form: the same on most bills)."""
    plot_left, plot_right, plot_bottom, plot_top = _chart_geometry()
    scale = (plot_top - plot_bottom) / (step * ticks)
    canvas.setStrokeColorRGB(*GRID)
    canvas.setLineWidth(0.4)
    canvas.setFillColorRGB(*GREY_TEXT)
    canvas.setFont(FONT, 5.5)
    canvas.drawRightString(plot_left - 3, plot_bottom - 2, "0")
    for tick in range(1, ticks + 1):
        y = plot_bottom + tick * step * scale
        canvas.line(plot_left, y, plot_right, y)
        canvas.drawRightString(
            plot_left - 3, y - 2, _compact_number(step * tick, step * ticks >= 10000)
        )
    canvas.setStrokeColorRGB(*RULE)
    canvas.setLineWidth(0.6)
    canvas.line(plot_left, plot_bottom, plot_right, plot_bottom)


def _draw_chart_labels(canvas, labels):
    """Period labels under the bars, in two lines split at the first blank."""
    plot_left, plot_right, plot_bottom, _plot_top = _chart_geometry()
    slot = (plot_right - plot_left) / USAGE_MONTHS
    offset = USAGE_MONTHS - len(labels)  # a short history keeps the current bar at the right
    canvas.setFillColorRGB(*GREY_TEXT)
    for index, label in enumerate(labels):
        center = plot_left + (offset + index + 0.5) * slot
        first, _, second = label.partition(" ")
        for part, y in ((first, plot_bottom - 8), (second, plot_bottom - 14.5)):
            if part:
                font = text_font(part, FONT)
                shown, size = _fit(part, font, 5.5, slot)
                canvas.setFont(font, size)
                canvas.drawCentredString(center, y, shown)


def _draw_chart(page, bill, form):
    """13-month usage bars; axis and labels are stamped from cached forms."""
    canvas = page.canvas
    points = bill.usage_history
    heading_y = CHART_TOP - HEADING_HEIGHT + 4
    page.right(RIGHT - 5, heading_y, bill.usage_unit.upper(), Style(FONT_BOLD, 7, WHITE))
    plot_left, plot_right, plot_bottom, plot_top = _chart_geometry()
    if not points:
        middle = (plot_bottom + plot_top) / 2
        page.center((SIDE_LEFT + RIGHT) / 2, middle, "No usage history yet", NOTE)
        return
    values = [float(point.consumption) for point in points]
    step, ticks = _chart_scale(values)
    form(("axis", step, ticks), _draw_chart_axis, step, ticks)
    labels = tuple(point.label for point in points)
    form(("labels", labels), _draw_chart_labels, labels)
    scale = (plot_top - plot_bottom) / (step * ticks)
    slot = (plot_right - plot_left) / USAGE_MONTHS
    bar = slot * 0.62
    offset = USAGE_MONTHS - len(points)
    past = []
    for index, value in enumerate(values):
        height = max(value, 0.0) * scale
        if not height:
            continue
        x = plot_left + (offset + index) * slot + (slot - bar) / 2
        if index == len(values) - 1:
            _fill(canvas, ACCENT, (x, plot_bottom, bar, height))
        else:
            past.append(f"{x:.2f} {plot_bottom:.2f} {bar:.2f} {height:.2f} re")
    if past:
        # One path for the past bars instead of a rect call each.
        red, green, blue = BAR_PAST
        canvas.addLiteral(f"q {red} {green} {blue} rg {' '.join(past)} f Q")
    # The comparison a customer looks for first.
    unit = bill.usage_unit
    current = f"This period: {format_quantity(points[-1].consumption)} {unit}".rstrip()
    page.left(SIDE_LEFT + 6, CHART_BOTTOM + 7, current, Style(FONT_BOLD, 6.5))
    if len(points) == USAGE_MONTHS:
        last_year = f"Same period last year: {format_quantity(points[0].consumption)} {unit}"
        page.right(RIGHT - 6, CHART_BOTTOM + 7, last_year.rstrip(), Style(FONT, 6.5))


# --- QR code ---------------------------------------------------------------
# A small QR encoder (ISO/IEC 18004) for what a stub needs: alphanumeric mode,
# error correction level M, versions 1-3 (one Reed-Solomon block), mask 0.
# Everything that does not depend on the data (function patterns, format
# information, the order of the data modules and their mask) is computed once
# per version, so a code costs a few hundred list operations instead of the
# ~1 ms (5 ms with the mask trial) of the qrcode / reportlab encoders. Every
# mask gives a valid code; the trial only picks the one with the fewest
# scanner-unfriendly patterns. The tests check the modules against the qrcode
# package's for the same data and mask.

QR_ALPHANUMERIC = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
_QR_VALUE = {char: index for index, char in enumerate(QR_ALPHANUMERIC)}
# Version: (data codewords, error correction codewords) at level M.
_QR_BLOCKS = {1: (16, 10), 2: (28, 16), 3: (44, 26)}
_QR_ALIGNMENT = {1: (), 2: (6, 18), 3: (6, 22)}
_QR_LEVEL_M = 0  # the two level bits of the format information
_QR_MASK = 0


def _gf_tables():
    """Exponent and log tables of GF(256) with the QR polynomial x^8+x^4+x^3+x^2+1."""
    exp, log = [0] * 512, [0] * 256
    value = 1
    for index in range(255):
        exp[index] = value
        log[value] = index
        value <<= 1
        if value & 0x100:
            value ^= 0x11D
    exp[255:] = exp[:257]
    return exp, log


_GF_EXP, _GF_LOG = _gf_tables()


@cache
def _qr_generator(degree):
    """Logs of the coefficients (leading 1 dropped) of the product of (x - a^i), i < degree."""
    poly = [1]
    for i in range(degree):
        product = [*poly, 0]
        for j, coefficient in enumerate(poly):
            if coefficient:
                product[j + 1] ^= _GF_EXP[_GF_LOG[coefficient] + i]
        poly = product
    return tuple(_GF_LOG[c] for c in poly[1:])


def _qr_format_bits():
    """The 15 format bits: level and mask, BCH(15,5) protected, XOR-masked."""
    data = (_QR_LEVEL_M << 3) | _QR_MASK
    remainder = data << 10
    for bit in range(14, 9, -1):
        if remainder & (1 << bit):
            remainder ^= 0b10100110111 << (bit - 10)
    return ((data << 10) | remainder) ^ 0b101010000010010


def _qr_patterns(version):
    """Matrix with the function patterns set and None on the data modules."""
    size = 17 + 4 * version
    grid = [[None] * size for _ in range(size)]
    for row, col in ((0, 0), (size - 7, 0), (0, size - 7)):  # finders and separators
        for r in range(max(-1, -row), min(8, size - row)):
            for c in range(max(-1, -col), min(8, size - col)):
                grid[row + r][col + c] = (
                    (0 <= r <= 6 and c in (0, 6))
                    or (0 <= c <= 6 and r in (0, 6))
                    or (2 <= r <= 4 and 2 <= c <= 4)
                )
    centers = _QR_ALIGNMENT[version]
    for row, col in ((row, col) for row in centers for col in centers):
        if grid[row][col] is None:  # alignment patterns never overlap a finder
            for r in range(-2, 3):
                for c in range(-2, 3):
                    grid[row + r][col + c] = r in (-2, 2) or c in (-2, 2) or r == c == 0
    for index in range(8, size - 8):  # timing patterns
        grid[index][6] = grid[6][index] = index % 2 == 0
    bits = _qr_format_bits()
    for i in range(15):
        dark = bool((bits >> i) & 1)
        grid[i if i < 6 else i + 1 if i < 8 else size - 15 + i][8] = dark
        grid[8][size - i - 1 if i < 8 else 15 - i if i < 9 else 14 - i] = dark
    grid[size - 8][8] = True  # the dark module
    return grid


@cache
def _qr_template(version):
    """(function patterns, data module positions in placement order with their mask)."""
    grid = _qr_patterns(version)
    size = len(grid)
    positions = []
    upward = True
    col = size - 1
    while col > 0:
        if col == 6:  # the vertical timing pattern is skipped as a whole column
            col -= 1
        rows = range(size - 1, -1, -1) if upward else range(size)
        positions += [
            (row, c, (row + c) % 2 == 0)
            for row in rows
            for c in (col, col - 1)
            if grid[row][c] is None
        ]
        upward = not upward
        col -= 2
    return grid, positions


def _qr_codewords(data, data_words):
    """Data codewords: mode, count, character pairs, terminator and padding."""
    value, length = 0b0010, 4  # alphanumeric mode
    value, length = (value << 9) | len(data), length + 9
    for index in range(0, len(data) - 1, 2):
        value = (value << 11) | (_QR_VALUE[data[index]] * 45 + _QR_VALUE[data[index + 1]])
        length += 11
    if len(data) % 2:
        value, length = (value << 6) | _QR_VALUE[data[-1]], length + 6
    terminator = min(4, data_words * 8 - length)
    value, length = value << terminator, length + terminator
    value, length = value << (-length % 8), length + (-length % 8)
    codewords = list(value.to_bytes(length // 8, "big"))
    codewords += [0xEC, 0x11] * ((data_words - len(codewords)) // 2 + 1)
    return codewords[:data_words]


def _qr_ecc(codewords, ecc_words):
    """Reed-Solomon error correction codewords (remainder of the division)."""
    generator = _qr_generator(ecc_words)
    remainder = [0] * ecc_words
    for word in codewords:
        factor = word ^ remainder[0]
        remainder = [*remainder[1:], 0]
        if factor:
            log = _GF_LOG[factor]
            for index, g_log in enumerate(generator):
                remainder[index] ^= _GF_EXP[g_log + log]
    return remainder


def qr_matrix(data):
    """Modules (rows of bools, top row first) of the QR code of an alphanumeric text."""
    if any(char not in _QR_VALUE for char in data):
        raise ValueError(f"QR data {data!r} is not QR alphanumeric ({QR_ALPHANUMERIC})")
    bit_count = 4 + 9 + 11 * (len(data) // 2) + 6 * (len(data) % 2)
    version = next((v for v, (words, _) in _QR_BLOCKS.items() if bit_count <= words * 8), None)
    if version is None:
        raise ValueError(f"QR data {data!r} is too long for a version 1-3 code")
    data_words, ecc_words = _QR_BLOCKS[version]
    codewords = _qr_codewords(data, data_words)
    codewords += _qr_ecc(codewords, ecc_words)
    total_bits = len(codewords) * 8
    bits = f"{int.from_bytes(bytes(codewords), 'big'):0{total_bits}b}"
    grid, positions = _qr_template(version)
    bits += "0" * (len(positions) - total_bits)  # remainder bits
    matrix = [row[:] for row in grid]
    for (row, col, masked), bit in zip(positions, bits, strict=True):
        matrix[row][col] = (bit == "1") != masked
    return matrix


def _draw_qr(canvas, data, x, y, size):
    """The QR code as one filled path of horizontal runs, in module units."""
    matrix = qr_matrix(data)
    count = len(matrix)
    module = size / count
    runs = []
    for row_index, row in enumerate(matrix):
        row_y = count - 1 - row_index
        start = None
        for col_index, dark in enumerate([*row, False]):
            if dark and start is None:
                start = col_index
            elif not dark and start is not None:
                runs.append(f"{start} {row_y} {col_index - start} 1 re")
                start = None
    canvas.addLiteral(
        f"q 0 g {module:.4f} 0 0 {module:.4f} {x:.2f} {y:.2f} cm {' '.join(runs)} f Q"
    )


# --- one bill --------------------------------------------------------------


class _Plan(NamedTuple):
    """What goes on which page of one bill."""

    rows: list  # charge rows on the first page
    more_rows: bool
    messages: list  # message lines on the first page
    more_messages: bool
    pages: list  # rows of each continuation page
    page_count: int


def _take(rows, room, reserve):
    """Rows that fit in room (keeping `reserve` for a "continued" note if some do not)."""
    if sum(height for _, height, _ in rows) <= room:
        return rows, []
    used = 0.0
    for index, (_kind, height, _payload) in enumerate(rows):
        if used + height > room - reserve:
            # Do not leave a service heading alone at the bottom.
            cut = index - 1 if index and rows[index - 1][0] == "service" else index
            return rows[:cut], rows[cut:]
        used += height
    return rows, []


def _paginate(rows, room):
    pages = []
    while rows:
        page_rows, rows = _take(rows, room, reserve=0.0)
        if not page_rows:  # cannot happen with rows shorter than a page; never loop
            page_rows, rows = rows[:1], rows[1:]
        pages.append(page_rows)
    return pages


def _plan(bill):
    rows, rest = _take(
        _service_rows(bill), COLUMN_TOP - HEADING_HEIGHT - 14 - CHARGES_BOTTOM, reserve=ROW_LINE
    )
    messages = _message_lines(bill, CHARGES_RIGHT - LEFT - 12)
    room = int((MESSAGES_TOP - HEADING_HEIGHT - 4 - MESSAGES_BOTTOM) // ROW_MESSAGE)
    overflow = []
    if len(messages) > room:
        messages, overflow = messages[: room - 1], messages[room - 1 :]
    continuation = list(rest)
    if overflow:
        continuation.append(("label", ROW_TOTAL, "MESSAGES (CONTINUED)"))
        continuation.extend(("message", ROW_MESSAGE, line) for line in overflow)
    pages = _paginate(continuation, CONT_TOP - HEADING_HEIGHT - 14 - CONT_BOTTOM)
    return _Plan(rows, bool(rest), messages, bool(overflow), pages, 1 + len(pages))


class _BillWriter:
    """Draws bills one after the other on one canvas, with cached forms."""

    MAX_FORMS = 1000  # past this, parts are drawn on the page: a bounded document size

    def __init__(self, canvas):
        self.canvas = canvas
        self.forms = {}
        self.scan_font = scan_line_font()

    def form(self, key, draw, *args):
        """Stamp the form drawn by draw(canvas, *args), drawing it once per document."""
        name = self.forms.get(key)
        if name is None:
            if len(self.forms) >= self.MAX_FORMS:
                draw(self.canvas, *args)
                return
            name = f"ub{len(self.forms)}"
            self.canvas.beginForm(name)
            draw(self.canvas, *args)
            self.canvas.endForm()
            self.forms[key] = name
        self.canvas.doForm(name)

    def draw_bill(self, bill):
        """Draw one bill; returns its number of pages."""
        plan = _plan(bill)
        page = _Page(self.canvas, bill)
        self.form(("static", *_letterhead_key(bill)), _draw_static, bill)
        self._draw_first_page(page, bill, plan)
        page.finish()
        self.canvas.showPage()
        for number, rows in enumerate(plan.pages, 2):
            page = _Page(self.canvas, bill)
            self._draw_continuation(page, bill, rows, number, plan.page_count)
            page.finish()
            self.canvas.showPage()
        return plan.page_count

    def _draw_first_page(self, page, bill, plan):
        due_text = _due_text(bill)
        if bill.bill_number:
            page.right(RIGHT, 729, f"Bill No. {bill.bill_number}", Style(FONT, 8, GREY_TEXT))
        if plan.page_count > 1:
            page.right(RIGHT, 719, f"Page 1 of {plan.page_count}", Style(FONT, 7, GREY_TEXT))
        # Key facts band.
        cell = (RIGHT - LEFT) / 4
        value_y = BAND_BOTTOM + 8
        for index, value in enumerate(
            (bill.account_number, page.date(bill.date_bill), page.date(bill.date_due))
        ):
            page.fitted(
                LEFT + cell * (index + 0.5),
                value_y,
                value,
                cell - 10,
                Style(FONT_BOLD, 12, ACCENT),
                align="center",
            )
        page.fitted(
            LEFT + cell * 3.5,
            value_y,
            due_text,
            cell - 10,
            Style(FONT_BOLD, 13, WHITE),
            align="center",
        )
        # Mailing address for the envelope window.
        y = MAIL_TOP
        for line in (bill.customer_name, *bill.mailing_address)[:MAIL_LINES]:
            page.fitted(MAIL_X, y, line, INFO_LEFT - MAIL_X - 12, Style(FONT, 10))
            y -= MAIL_LEADING
        # Service information.
        period = (
            f"{page.date(bill.date_period_start)} - {page.date(bill.date_period_end)}"
            f" ({bill.period_days} days)"
        )
        value_x = INFO_LEFT + 78
        for index, value in enumerate(
            (bill.customer_name, bill.service_address, period, bill.bill_number)
        ):
            page.fitted(value_x, INFO_TOP - 15 - index * INFO_ROW, value, RIGHT - value_x - 6)
        # Charges, summary, chart, messages.
        y = _draw_charge_rows(
            page, plan.rows, LEFT, CHARGES_RIGHT, COLUMN_TOP - HEADING_HEIGHT - 14
        )
        if plan.more_rows:
            page.left(LEFT + 5, y - 9, "Continued on the next page", NOTE)
        self._draw_summary(page, bill, due_text)
        _draw_chart(page, bill, self.form)
        y = MESSAGES_TOP - HEADING_HEIGHT - 2
        for text, is_alert in plan.messages:
            y -= ROW_MESSAGE
            page.left(LEFT + 6, y + 2.5, text, ALERT_BOLD if is_alert else BODY)
        if plan.more_messages:
            page.left(LEFT + 6, y - ROW_MESSAGE + 2.5, "More messages on the next page", NOTE)
        self._draw_stub(page, bill, due_text)

    def _draw_summary(self, page, bill, due_text):
        x0, x1 = SIDE_LEFT + 6, RIGHT - 6
        has_deferral = bool(bill.amount_deferred)
        self.form(("summary", has_deferral), _draw_summary_labels, has_deferral)
        amounts = [bill.amount_previous_balance, -bill.amount_payments, bill.amount_adjustments]
        if has_deferral:
            amounts.append(bill.amount_deferred)
        amounts += [bill.balance_forward, bill.amount_current]
        y = COLUMN_TOP - HEADING_HEIGHT - 12
        for index, amount in enumerate(amounts):
            balance_forward = index == len(amounts) - 2
            page.right(x1, y, page.money(amount), BODY_BOLD if balance_forward else BODY)
            y -= ROW_SUMMARY
        y -= 5  # room under the last row's descenders for the rule
        canvas = page.canvas
        _fill(canvas, SHADE, (SIDE_LEFT + 1, y - 6, RIGHT - SIDE_LEFT - 2, 17))
        canvas.setStrokeColorRGB(*ACCENT)
        canvas.setLineWidth(0.8)
        canvas.line(SIDE_LEFT + 1, y + 11, RIGHT - 1, y + 11)
        page.left(x0, y, "TOTAL AMOUNT DUE", Style(FONT_BOLD, 9.5, ACCENT))
        page.right(x1, y, due_text, Style(FONT_BOLD, 10, ACCENT))
        y -= 17
        if bill.amount_past_due > 0:
            page.left(x0, y, "Past Due - Pay Now", ALERT_BOLD)
            page.right(x1, y, page.money(bill.amount_past_due), ALERT_BOLD)
            y -= ROW_SUMMARY
        if bill.date_penalty is not None:
            page.left(x0, y, f"Amount Due After {page.date(bill.date_penalty)}")
            page.right(x1, y, page.money(bill.amount_after_penalty))

    def _draw_stub(self, page, bill, due_text):
        page.fitted(LEFT, 172, bill.account_number, 260, Style(FONT_BOLD, 11))
        page.fitted(LEFT, 146, bill.customer_name, 260, Style(FONT, 9))
        page.fitted(LEFT, 120, bill.service_address, 260, Style(FONT, 9))
        row = (STUB_BOX_TOP - STUB_BOX_BOTTOM) / 3
        value_x = RIGHT - 8
        page.right(
            value_x, STUB_BOX_TOP - row * 0.5 - 3.5, page.date(bill.date_due), Style(FONT_BOLD, 10)
        )
        page.right(value_x, STUB_BOX_TOP - row * 1.5 - 4, due_text, Style(FONT_BOLD, 12))
        if bill.amount_due < 0:
            page.right(
                RIGHT,
                STUB_BOX_BOTTOM - 10,
                "Credit balance: no payment is due",
                Style(FONT_BOLD, 7.5, ALERT),
            )
        elif bill.date_penalty is not None:
            after = (
                f"If paid after {page.date(bill.date_penalty)}, pay "
                f"{page.money(bill.amount_after_penalty)}"
            )
            page.right(RIGHT, STUB_BOX_BOTTOM - 10, after, NOTE._replace(font=FONT))
        scan_line = bill.scan_line
        font, size = self.scan_font
        page.right(RIGHT, SCAN_Y, scan_line, Style(font, size))
        _draw_qr(page.canvas, scan_line, QR_X, QR_Y, QR_SIZE)

    def _draw_continuation(self, page, bill, rows, number, page_count):
        page.fitted(LEFT, 742, bill.utility_name, 300, Style(FONT_BOLD, 13, ACCENT))
        page.right(RIGHT, 742, "UTILITY BILL", Style(FONT_BOLD, 13, ACCENT))
        page.left(LEFT, 727, f"Account {bill.account_number}", Style(FONT_BOLD, 9))
        page.left(LEFT + 150, 727, f"Bill date {page.date(bill.date_bill)}", Style(FONT, 9))
        page.right(RIGHT, 727, f"Page {number} of {page_count}", Style(FONT, 9))
        self.form(("continued",), _heading, LEFT, RIGHT, CONT_TOP + 1, "BILL DETAIL (CONTINUED)")
        _draw_charge_rows(page, rows, LEFT, RIGHT, CONT_TOP - HEADING_HEIGHT - 6)


def _due_text(bill):
    """The amount due as printed: a credit balance shows as "$12.34 CR"."""
    if bill.amount_due < 0:
        return f"{format_money(-bill.amount_due, bill.currency_symbol)} CR"
    return format_money(bill.amount_due, bill.currency_symbol)


# --- entry points ----------------------------------------------------------


def new_canvas(out, compress=True, title="Utility bills"):
    """A Letter canvas on a binary file object, set up for bills."""
    canvas = Canvas(out, pagesize=letter, pageCompression=1 if compress else 0)
    canvas.setTitle(title)
    canvas.setCreator("utility_billing")
    return canvas


def render_batch(bills, out, compress=True):
    """Write the bills into one multi-page PDF on the binary file object ``out``.

    ``bills`` may be any iterable (a generator keeps memory flat on big runs).
    Returns the number of bills written (a bill whose charges or messages
    overflow takes more than one page). Special-handling and paperless bills
    are not filtered here: see
    :func:`utility_billing.lib.bill_vendor_file.split_batch`. An empty batch
    gives a one-page PDF that says so (a PDF cannot have no page).
    """
    canvas = new_canvas(out, compress=compress)
    writer = _BillWriter(canvas)
    count = 0
    for bill in bills:
        writer.draw_bill(bill)
        count += 1
    if not count:
        canvas.setFont(FONT, 10)
        canvas.drawString(LEFT, TOP, "No bills in this batch.")
        canvas.showPage()
    canvas.save()
    return count


def render_bill(bill, compress=True):
    """One bill as PDF bytes."""
    buffer = io.BytesIO()
    canvas = new_canvas(buffer, compress=compress, title=f"Bill {bill.account_number}")
    canvas.setAuthor(bill.utility_name)
    _BillWriter(canvas).draw_bill(bill)
    canvas.save()
    return buffer.getvalue()
