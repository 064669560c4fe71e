# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Hostile and broken files, one table.

Each case is a file given to one of the three imports (payment file, readings
file, ACH returns) and what the clerk must get: the exact message and nothing
created, or (for the files that are fine: latin-1, a BOM, reordered columns or
rows, an unknown account that goes to suspense) what the import created.

Kinds: ``payment`` (the bank lockbox layout), ``reading`` (handheld CSV),
``fixed`` (the fixed-width route file), ``ach`` (CSV returns report or NACHA).
A file is written with placeholders filled from the test's records:
``{acct}`` / ``{acct2}`` utility accounts, ``{meter}`` / ``{meter2}`` their
meters, ``{day}`` / ``{dayf}`` yesterday (a valid read date) as MM/DD/YYYY /
YYYYMMDD, ``{trace}`` / ``{trace2}``
the trace numbers of two posted autopay debits.
"""

import base64
import contextlib
from datetime import date, timedelta
from decimal import Decimal
from typing import NamedTuple

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import format_date, format_datetime

from .common_autopay import AutopayCommon

DUE = date(2025, 2, 4)
MB = 1024 * 1024

PAY = "Deposit Date,Batch,Item,Account Number,Scan Line,Amount,Check Number,Remitter\n"
PAY_ROW = "03/14/2025,1,{item},{acct},,{amount},10{item},{payer}\n"
READ = "Meter,Account,Read Date,Reading,Read Type,Reader,Note\n"
READ_ROW = "{meter},{acct},{day},{value},A,R1,{note}\n"
ACH = "trace_number,reason_code,amount,date\n"
ACH_ROW = "{trace},R01,{amount},2025-02-10\n"
CONTROL = (
    "contains a control character ({}), which is not text: "
    "the file is damaged or is not a text file"
)
NUL = CONTROL.format("NUL")
LIMIT = (
    "is more than the largest amount a file row may carry "
    "(1,000,000.00, Settings > Utility Billing > Import Limits)"
)


def pay(item=1, acct="{acct}", amount="25.00", payer="Pat Doe"):
    return PAY_ROW.format(item=item, acct=acct, amount=amount, payer=payer)


def read(meter="{meter}", acct="{acct}", value="1234", note="", day="{day}"):
    return READ_ROW.format(meter=meter, acct=acct, day=day, value=value, note=note)


def fixed(note="", value="1234"):
    """A route file's reading record (D, account, meter, YYYYMMDD, reading, type, reader, note)."""
    return "D{acct:<10}{meter:<12}{dayf}" + f"{value:>10}AR1  {note:<20}\n"


# A NACHA returns file: its header record, then whatever follows.
NACHA = "101 071000013 1426000123250210" + " " * 64 + "\n"


def ach(trace="{trace}", amount="55.00"):
    return ACH_ROW.format(trace=trace, amount=amount)


class Case(NamedTuple):
    """``refused``: the exact problems (row lines, or the file's message);
    ``created``: what a good file creates, e.g. {"payments": 1}."""

    kind: str  # payment, reading, ach
    name: str
    content: object  # str with placeholders, or bytes (encodings)
    refused: tuple = ()
    file_error: str = ""
    created: dict | None = None
    twice: bool = False


CASES = [
    # ------------------------------------------------------------------ payment files
    Case("payment", "empty", "\r\n", file_error="the file is empty"),
    Case("payment", "header only", PAY, file_error="the file has a header but no payments"),
    Case(
        "payment",
        "NUL in a cell",
        PAY + pay(payer="Pat\x00Doe"),
        ("line 2: column 'Remitter' " + NUL,),
    ),
    Case(
        "payment",
        "NUL in the amount",
        PAY + pay(amount="25.\x0000"),
        ("line 2: column 'Amount' " + NUL,),
    ),
    Case(
        "payment",
        "escape character in the account",
        PAY + pay(acct="\x1b[2J{acct}"),
        ("line 2: column 'Account Number' " + CONTROL.format("character code 27"),),
    ),
    Case(
        "payment",
        "NUL in the header",
        PAY.replace("Batch", "Ba\x00tch") + pay(),
        file_error="the header row " + NUL,
    ),
    Case(
        "payment",
        "amount above the per-row maximum",
        PAY + pay(amount="99999999999999.99"),
        ("line 2, column 'Amount': '99999999999999.99' " + LIMIT,),
    ),
    Case(
        "payment",
        "one cent above the maximum",
        PAY + pay(amount="1000000.01"),
        ("line 2, column 'Amount': '1000000.01' " + LIMIT,),
    ),
    Case(
        "payment",
        "5,000 digits",
        PAY + pay(amount="9" * 5000),
        ("line 2, column 'Amount': '" + "9" * 27 + "...' " + LIMIT,),
    ),
    Case(
        "payment",
        "5,000 digits and a fraction of a cent",
        PAY + pay(amount="9" * 5000 + ".001"),
        (
            "line 2, column 'Amount': '"
            + "9" * 27
            + "...' is not an amount with at most 2 decimals",
        ),
    ),
    Case("payment", "the maximum itself", PAY + pay(amount="1000000.00"), created={"payments": 1}),
    Case(
        "payment",
        "fraction of a cent",
        PAY + pay(amount="1234.565"),
        ("line 2, column 'Amount': '1234.565' is not an amount with at most 2 decimals",),
    ),
    Case(
        "payment",
        "exponent",
        PAY + pay(amount="1e5"),
        ("line 2, column 'Amount': '1e5' is not an amount with at most 2 decimals",),
    ),
    Case(
        "payment",
        "NaN",
        PAY + pay(amount="NaN"),
        ("line 2, column 'Amount': 'NaN' is not an amount with at most 2 decimals",),
    ),
    Case(
        "payment",
        "infinity",
        PAY + pay(amount="inf"),
        ("line 2, column 'Amount': 'inf' is not an amount with at most 2 decimals",),
    ),
    Case(
        "payment",
        "negative amount",
        PAY + pay(amount="-25.00"),
        ("line 2, column 'Amount': '-25.00' is not a payment: the amount must be more than zero",),
    ),
    Case(
        "payment",
        "latin-1",
        (PAY + pay(payer="José Peña")).encode("latin-1"),
        created={"payments": 1, "payer": "José Peña"},
    ),
    Case("payment", "UTF-8 BOM", b"\xef\xbb\xbf" + (PAY + pay()).encode(), created={"payments": 1}),
    Case(
        "payment",
        "unknown account goes to suspense",
        PAY + pay(acct="UA999999"),
        created={"payments": 0, "suspense": 1},
    ),
    Case(
        "payment",
        "duplicate rows",
        PAY + pay() + pay(),
        (
            "line 3, column 'Deposit Date + Batch + Item': "
            "reference 03/14/2025-1-1 already appears on line 2",
        ),
    ),
    Case("payment", "same file twice", PAY + pay(), twice=True),
    Case(
        "payment",
        "reordered columns",
        "Remitter,Amount,Item,Batch,Check Number,Scan Line,Account Number,Deposit Date\n"
        "Pat Doe,25.00,1,1,101,,{acct},03/14/2025\n",
        created={"payments": 1},
    ),
    Case(
        "payment",
        "reordered rows",
        PAY + pay(2, "{acct2}", "20.00") + pay(1),
        created={"payments": 2},
    ),
    # ------------------------------------------------------------------ readings files
    Case("reading", "empty", "\r\n", file_error="the file is empty"),
    Case("reading", "header only", READ, file_error="the file has a header but no readings"),
    Case(
        "reading", "NUL in a cell", READ + read(note="leak\x00"), ("line 2: column 'Note' " + NUL,)
    ),
    Case(
        "reading",
        "NUL in the reading",
        READ + read(value="12\x0034"),
        ("line 2: column 'Reading' " + NUL,),
    ),
    Case(
        "reading",
        "form feed in the meter",
        READ + read(meter="\x0c{meter}"),
        ("line 2: column 'Meter' " + CONTROL.format("character code 12"),),
    ),
    Case(
        "reading",
        "1e20",
        READ + read(value="1e20"),
        ("line 2: reading '1e20' is in exponent notation: write every digit the meter shows",),
    ),
    Case(
        "reading",
        "1e20 written out",
        READ + read(value="100000000000000000000"),
        (
            "line 2: reading '100000000000000000000' "
            "has more digits than any meter shows (at most 12 dials)",
        ),
    ),
    Case(
        "reading",
        "more digits than the dials",
        READ + read(value="1234567"),
        (
            "line 2: reading 1234567 has more digits than the meter's 6 dials show "
            "(at most 999,999) (meter {meter})",
        ),
    ),
    Case(
        "reading",
        "5,000 digits",
        READ + read(value="9" * 5000),
        (
            "line 2: reading '"
            + "9" * 27
            + "...' has more digits than any meter shows (at most 12 dials)",
        ),
    ),
    Case(
        "reading",
        "the last value of the dials",
        READ + read(value="999999"),
        created={"readings": 1},
    ),
    Case(
        "reading",
        "four decimals",
        READ + read(value="1234.5678"),
        ("line 2: reading '1234.5678' has 4 decimals: a reading holds at most 3",),
    ),
    Case(
        "reading",
        "trailing zeros are not decimals",
        READ + read(value="1234.5000"),
        created={"readings": 1},
    ),
    Case("reading", "negative", READ + read(value="-5"), ("line 2: reading '-5' is negative",)),
    Case("reading", "NaN", READ + read(value="NaN"), ("line 2: reading 'NaN' is not a number",)),
    Case(
        "reading", "infinity", READ + read(value="inf"), ("line 2: reading 'inf' is not a number",)
    ),
    Case(
        "reading",
        "latin-1",
        (READ + read(note="compteur cassé")).encode("latin-1"),
        created={"readings": 1},
    ),
    Case(
        "reading", "UTF-8 BOM", b"\xef\xbb\xbf" + (READ + read()).encode(), created={"readings": 1}
    ),
    Case(
        "reading",
        "unknown meter",
        READ + read(meter="NOPE-1", acct=""),
        ("line 2: unknown meter 'NOPE-1'",),
    ),
    Case(
        "reading",
        "duplicate rows",
        READ + read() + read(),
        ("line 3: the same meter and date already appear on line 2",),
    ),
    Case("reading", "same file twice", READ + read(), twice=True),
    Case(
        "reading",
        "reordered columns",
        "Reading,Note,Read Date,Reader,Meter,Read Type,Account\n1234,,{day},R1,{meter},A,{acct}\n",
        created={"readings": 1},
    ),
    Case(
        "reading",
        "reordered rows",
        READ + read("{meter2}", "{acct2}") + read(),
        created={"readings": 2},
    ),
    Case("fixed", "NUL in a record", fixed(note="leak\x00"), ("line 1: the line " + NUL,)),
    Case("fixed", "a good record", fixed(), created={"readings": 1}),
    # ------------------------------------------------------------------ ACH returns
    Case("ach", "empty", "\r\n", file_error="The returns file is empty."),
    Case("ach", "header only", ACH, file_error="The file holds no return to import.\n"),
    Case(
        "ach",
        "NUL in a cell",
        ACH + ach(amount="55.\x0000"),
        ("Row 2: column amount " + NUL + ".",),
    ),
    Case(
        "ach",
        "amount above the per-row maximum",
        ACH + ach(amount="99999999999999.99"),
        ("Row 2: amount 99999999999999.99 " + LIMIT + ".",),
    ),
    Case(
        "ach",
        "fraction of a cent",
        ACH + ach(amount="55.005"),
        ("Row 2: amount '55.005' is not an amount in dollars.",),
    ),
    Case(
        "ach",
        "5,000 digits",
        ACH + ach(amount="9" * 5000),
        ("Row 2: amount " + "9" * 27 + "... " + LIMIT + ".",),
    ),
    Case(
        "ach",
        "exponent",
        ACH + ach(amount="5.5e1"),
        ("Row 2: amount '5.5e1' is not an amount in dollars.",),
    ),
    Case(
        "ach", "NaN", ACH + ach(amount="NaN"), ("Row 2: amount 'NaN' is not an amount in dollars.",)
    ),
    Case(
        "ach",
        "unknown trace",
        ACH + ach(trace="071000019999999"),
        ("Row 2 (trace 071000019999999): no autopay debit has this trace number.",),
    ),
    Case(
        "ach",
        "duplicate rows",
        ACH + ach() + ach(),
        ("Row 3 (trace {trace}): the same debit is already returned by row 2.",),
    ),
    Case("ach", "same file twice", ACH + ach(), twice=True),
    Case(
        "ach",
        "NUL in a NACHA record",
        NACHA + "6" + "\x00" * 93 + "\n",
        ("Line 2: the record " + NUL + ".",),
    ),
    Case(
        "ach",
        "latin-1",
        ("Trace Number,Reason Code,Amount,Date,Nom\n{trace},R01,55.00,2025-02-10,Peña\n").encode(
            "latin-1"
        ),
        created={"returns": 1},
    ),
    Case("ach", "UTF-8 BOM", b"\xef\xbb\xbf" + (ACH + ach()).encode(), created={"returns": 1}),
    Case(
        "ach",
        "reordered columns",
        "date,amount,reason_code,trace_number\n2025-02-10,55.00,R01,{trace}\n",
        created={"returns": 1},
    ),
    Case("ach", "reordered rows", ACH + ach("{trace2}", "20.00") + ach(), created={"returns": 2}),
]


@tagged("post_install", "-at_install")
class TestHostileFiles(AutopayCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bill = cls._post_bill(
            cls.account, date(2025, 1, 15), {cls.water: 40.0, cls.garbage: 15.0}
        )
        cls.bill2 = cls._post_bill(cls.account2, date(2025, 1, 15), {cls.sewer: 20.0})
        cls._enroll(cls.account)
        cls._enroll(cls.account2)
        autopay_file = cls.env["utility.autopay.file"].create({"date_due": DUE})
        autopay_file.action_generate()
        autopay_file.action_post()
        debits = {p.line_ids.account_id: p for p in autopay_file.payment_ids}
        cls.meter = cls.account.service_ids.meter_id[:1]
        cls.meter2 = cls.account2.service_ids.meter_id[:1]
        cls.values = {
            "acct": cls.account.name,
            "acct2": cls.account2.name,
            "meter": cls.meter.name,
            "meter2": cls.meter2.name,
            "day": (fields.Date.context_today(cls.env.user) - timedelta(days=1)).strftime(
                "%m/%d/%Y"
            ),
            "dayf": (fields.Date.context_today(cls.env.user) - timedelta(days=1)).strftime(
                "%Y%m%d"
            ),
            "trace": debits[cls.account].reference,
            "trace2": debits[cls.account2].reference,
        }
        cls.bank = cls.company_data["default_journal_bank"]
        cls.lockbox = cls.env.ref("utility_billing.payment_file_layout_lockbox_csv")
        cls.lockbox.journal_id = cls.bank
        cls.handheld = cls.env.ref("utility_billing.reading_file_layout_handheld_csv")
        cls.route_fixed = cls.env.ref("utility_billing.reading_file_layout_route_fixed")

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _content(self, case):
        if isinstance(case.content, bytes):
            return case.content.decode("latin-1").format(**self.values).encode("latin-1")
        return case.content.format(**self.values).encode()

    def _counts(self):
        """What an import can create, counted."""
        counts = {
            model: self.env[model].sudo().search_count([])
            for model in (
                "utility.payment",
                "utility.payment.file",
                "utility.payment.file.line",
                "account.move",
                "utility.meter.reading",
                "utility.reading.file",
                "utility.ach.return.line",
            )
        }
        counts["returned"] = self.env["utility.payment"].search_count([("state", "=", "returned")])
        return counts

    def _import(self, kind, content, name="hostile.csv"):
        """Import ``content`` as the clerk does; :return: the imported file."""
        data = base64.b64encode(content)
        if kind == "ach":
            returns = self.env["utility.ach.return.file"].create(
                {"file_data": data, "file_name": name}
            )
            returns.action_import()
            return returns
        model, layout = {
            "payment": ("utility.payment.file.import", self.lockbox),
            "reading": ("utility.meter.reading.import", self.handheld),
            "fixed": ("utility.meter.reading.import", self.route_fixed),
        }[kind]
        vals = {"file_data": data, "file_name": name, "layout_id": layout.id}
        if kind == "payment":
            vals["date"] = date(2025, 3, 14)
        wizard = self.env[model].create(vals)
        action = wizard.action_import()
        return self.env[action["res_model"]].browse(action["res_id"])

    def _expected_message(self, case):
        layout = {"payment": self.lockbox, "reading": self.handheld, "fixed": self.route_fixed}.get(
            case.kind
        )
        if case.file_error:
            if case.kind == "ach":
                return case.file_error
            return (
                f"The file hostile.csv cannot be imported with the layout "
                f"{layout.display_name}: {case.file_error}"
            )
        problems = [problem.format(**self.values) for problem in case.refused]
        if case.kind == "ach":
            return (
                "Nothing was imported: fix these rows, or tick Import the Good Rows.\n"
                + "\n".join(problems)
            )
        text = self._content(case).decode("latin-1")
        header = 0 if case.kind == "fixed" else 1
        rows = len([line for line in text.split("\n") if line.strip()]) - header
        return (
            f"Nothing was imported: {len(problems)} of {rows} rows have errors.\n\n"
            + "\n".join(problems)
            + "\n\nFix the file and import it again, or choose 'Import the good rows only' "
            "to leave these rows out."
        )

    def _already_imported_message(self, kind, first):
        if kind == "ach":
            return (
                f"This returns file was already imported as {first.display_name} on "
                f"{format_date(self.env, first.date_import)} by "
                f"{first.user_id.name}: nothing was changed."
            )
        what = "transactions" if kind == "payment" else "readings"
        return (
            f"This file was already imported on {format_datetime(self.env, first.date_import)} by "
            f"{first.user_id.name} (hostile.csv, {first.row_count - first.rejected_count} {what})."
        )

    def _created(self, kind, before, file):
        after = self._counts()
        diff = {model: after[model] - before[model] for model in after}
        if kind == "payment":
            return {
                "payments": diff["utility.payment"],
                "suspense": len(file.line_ids.filtered(lambda line: line.state == "suspense")),
                "payer": file.line_ids[:1].payer_name,
            }
        if kind in ("reading", "fixed"):
            return {"readings": diff["utility.meter.reading"]}
        return {"returns": diff["returned"]}

    # ------------------------------------------------------------------
    # The table
    # ------------------------------------------------------------------
    def test_every_case(self):
        self.assertEqual(len({(case.kind, case.name) for case in CASES}), len(CASES))
        for case in CASES:
            with (
                self.subTest(kind=case.kind, case=case.name),
                contextlib.closing(self.cr.savepoint()),
            ):
                self._run_case(case)
            self.env.invalidate_all()

    def _run_case(self, case):
        content = self._content(case)
        if case.twice:
            first = self._import(case.kind, content)
            before = self._counts()
            with self.assertRaises(UserError) as error:
                self._import(case.kind, content)
            self.assertEqual(str(error.exception), self._already_imported_message(case.kind, first))
            self.assertEqual(self._counts(), before, "the second import created nothing")
            return
        before = self._counts()
        if case.created is not None:
            file = self._import(case.kind, content)
            created = self._created(case.kind, before, file)
            self.assertEqual({key: created[key] for key in case.created}, case.created)
            return
        with self.assertRaises(UserError) as error:
            self._import(case.kind, content)
        self.assertEqual(str(error.exception), self._expected_message(case))
        self.assertEqual(self._counts(), before, "a refused file creates nothing")

    def test_every_case_is_for_every_import(self):
        """The cases the issue lists are in the table for each import they apply to."""
        names = {(case.kind, case.name) for case in CASES}
        for kind in ("payment", "reading", "ach"):
            for name in (
                "empty",
                "header only",
                "NUL in a cell",
                "latin-1",
                "UTF-8 BOM",
                "duplicate rows",
                "same file twice",
                "reordered columns",
                "reordered rows",
            ):
                self.assertIn((kind, name), names)

    # ------------------------------------------------------------------
    # Size: refused before decoding, from the upload's base64 length
    # ------------------------------------------------------------------
    def _big(self, header, row, size):
        """A file of good rows of exactly ``size`` bytes (the last row padded)."""
        header = header.encode()
        row = row.format(**self.values).encode()
        count, rest = divmod(size - len(header), len(row))
        return header + row * count + b" " * rest

    def test_file_just_over_the_default_limit_is_refused(self):
        """20 MB is the default: one byte more and the payment file is refused
        before it is decoded, naming its size and the setting."""
        self.assertEqual(self.company.utility_import_max_size_mb, 20)
        content = self._big(PAY, pay(), 20 * MB + 1)
        self.assertEqual(len(content), 20 * MB + 1)
        before = self._counts()
        with self.assertRaises(UserError) as error:
            self._import("payment", content, name="big.csv")
        self.assertEqual(
            str(error.exception),
            "The file big.csv is 20.1 MB: files above 20 MB are refused (Settings > Utility "
            "Billing > Largest Import File). Nothing was imported.",
        )
        self.assertEqual(self._counts(), before)

    def test_size_limit_is_a_company_setting_for_every_import(self):
        self.env["res.config.settings"].create({"utility_import_max_size_mb": 1}).execute()
        self.assertEqual(self.company.utility_import_max_size_mb, 1)
        for kind, header, row in (
            ("payment", PAY, pay()),
            ("reading", READ, read()),
            ("ach", ACH, ach()),
        ):
            with self.subTest(kind=kind), contextlib.closing(self.cr.savepoint()):
                before = self._counts()
                with self.assertRaises(UserError) as error:
                    self._import(kind, self._big(header, row, MB + 1), name="big.csv")
                self.assertEqual(
                    str(error.exception),
                    "The file big.csv is 1.1 MB: files above 1 MB are refused (Settings > "
                    "Utility Billing > Largest Import File). Nothing was imported.",
                )
                self.assertEqual(self._counts(), before)
        # At the limit the file is read: its rows are checked (here: the same
        # reference on every line), not its size.
        with self.assertRaisesRegex(UserError, "already appears on line 2"):
            self._import("payment", self._big(PAY, pay(), MB), name="at-limit.csv")

    # ------------------------------------------------------------------
    # Manual entry: the same register rules as the files
    # ------------------------------------------------------------------
    def test_manual_reading_the_register_cannot_show_is_refused(self):
        Reading = self.env["utility.meter.reading"]
        day = fields.Date.context_today(Reading) - timedelta(days=1)
        name = self.meter.name
        for value, message in (
            (1e20, f"Reading 1e+20 of meter {name} has more digits than the meter's 6 dials "
                   "show (at most 999,999)."),
            (1234567, f"Reading 1234567 of meter {name} has more digits than the meter's 6 "
                      "dials show (at most 999,999)."),
            (1234.5678, f"Reading 1234.5678 of meter {name} has 4 decimals: a reading holds "
                        "at most 3."),
            (-5.0, f"Reading -5.0 of meter {name} is negative."),
            (float("nan"), f"Reading nan of meter {name} is not a number."),
            (float("inf"), f"Reading inf of meter {name} is not a number."),
            ("12abc", f"Reading 12abc of meter {name} is not a number."),
        ):  # fmt: skip
            with self.subTest(value=value):
                before = Reading.search_count([])
                with self.assertRaises(UserError) as error, self.cr.savepoint():
                    Reading.create({"meter_id": self.meter.id, "date": day, "value": value})
                self.assertEqual(str(error.exception), message)
                self.assertEqual(Reading.search_count([]), before)
        reading = Reading.create({"meter_id": self.meter.id, "date": day, "value": 999999.125})
        self.assertEqual(reading.value, 999999.125)
        with self.assertRaises(UserError) as error, self.cr.savepoint():
            reading.write({"value": 12.3456})
        self.assertEqual(
            str(error.exception), f"Reading 12.3456 of meter {name} has 4 decimals: a reading "
            "holds at most 3."
        )  # fmt: skip
        self.assertEqual(reading.value, 999999.125)

    # ------------------------------------------------------------------
    # Money: the same cents from the file to the payment, its line and the entry
    # ------------------------------------------------------------------
    def _cents(self, value):
        return Decimal(repr(value)).quantize(Decimal("0.01"))

    def _assert_lands(self, file, expected):
        """Each payment, its line and its credits in the file's entry carry the
        file's cents; the entry's debit is their exact sum (read as numeric)."""
        payments = file.line_ids.payment_id
        by_amount = {}
        for payment in payments:
            self.assertEqual(self._cents(payment.amount), self._cents(payment.line_ids.amount))
            credits = payment.move_id.line_ids.filtered(
                lambda line, p=payment: line.utility_payment_id == p and line.credit
            )
            self.assertEqual(
                sum((self._cents(line.credit) for line in credits), Decimal(0)),
                self._cents(payment.amount),
            )
            by_amount[payment.line_ids.account_id.name] = self._cents(payment.amount)
        self.assertEqual(by_amount, expected)
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT sum(debit)::text, sum(credit)::text FROM account_move_line WHERE move_id = %s",
            [file.move_id.id],
        )
        debit, credit = map(Decimal, self.env.cr.fetchone())
        self.assertEqual(debit, sum(expected.values(), Decimal(0)))
        self.assertEqual(credit, debit)

    def test_awkward_amounts_land_to_the_cent(self):
        """0.29 (0.29 * 100 is 28.999999999999996 in float), the per-row maximum
        999,999.99 + 0.01 = 1,000,000.00 and 1234.56 in one file: the payments,
        their lines and the journal entry carry the same cents. 1234.565 is
        refused, never rounded (see the table)."""
        content = (
            (
                PAY
                + pay(1, "{acct}", "0.29")
                + pay(2, "{acct2}", "1000000.00")
                + pay(3, "{acct3}", "1,234.56".replace(",", ""))
            )
            .format(**self.values, acct3=self.account3.name)
            .encode()
        )
        file = self._import("payment", content)
        self._assert_lands(
            file,
            {
                self.account.name: Decimal("0.29"),
                self.account2.name: Decimal("1000000.00"),
                self.account3.name: Decimal("1234.56"),
            },
        )
        self.assertEqual(self._cents(file.amount_total), Decimal("1001234.85"))

    def test_cents_columns_land_to_the_cent(self):
        """A layout with amounts in whole cents: 1999 is 19.99 and 29 is 0.29;
        '19.99' in a cents column is refused (digits only)."""
        layout = self.lockbox.copy({"name": "Lockbox in cents", "is_amount_in_cents": True})
        self.lockbox = layout
        file = self._import(
            "payment",
            (PAY + pay(1, "{acct}", "1999") + pay(2, "{acct2}", "29"))
            .format(**self.values)
            .encode(),
        )
        self._assert_lands(
            file, {self.account.name: Decimal("19.99"), self.account2.name: Decimal("0.29")}
        )
        with self.assertRaises(UserError) as error:
            self._import(
                "payment",
                (PAY + pay(1, "{acct}", "19.99")).format(**self.values).encode(),
                name="cents.csv",
            )
        self.assertIn(
            "line 2, column 'Amount': '19.99' is not whole cents (digits only)",
            str(error.exception),
        )

    def test_maximum_is_a_company_setting(self):
        self.env["res.config.settings"].create({"utility_import_max_amount": 500.0}).execute()
        with self.assertRaises(UserError) as error:
            self._import("payment", (PAY + pay(amount="500.01")).format(**self.values).encode())
        self.assertIn(
            "line 2, column 'Amount': '500.01' is more than the largest amount a file row may "
            "carry (500.00, Settings > Utility Billing > Import Limits)",
            str(error.exception),
        )
        with (
            self.assertRaisesRegex(Exception, "between 0.01 and 9,999,999,999.99"),
            self.cr.savepoint(),
        ):
            self.company.utility_import_max_amount = 1e15
