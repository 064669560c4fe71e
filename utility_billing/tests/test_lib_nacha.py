# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Plain unit tests of the NACHA autopay file and the returns parsers (no database).

Positions are sliced here from the NACHA record layout itself (Appendix Three of
the Operating Rules), 1-based as the layout prints them, never through the
module's own layout tables, so a shifted field fails.
"""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ..lib.nacha import (
    CHECKING_DEBIT,
    CHECKING_DEBIT_PRENOTE,
    SAVINGS_DEBIT,
    Entry,
    NachaError,
    NotificationOfChange,
    Originator,
    aba_check_digit,
    add_business_days,
    build_file,
    clean_text,
    decode_corrected_data,
    federal_reserve_holidays,
    is_business_day,
    is_valid_routing,
    looks_like_nacha,
    next_business_day,
    parse_record,
    parse_returns,
    parse_returns_csv,
    parse_returns_nacha,
    routing_problem,
    to_cents,
)
from .nacha_records import change_records

D = Decimal
ODFI = "071000013"  # the city's bank
EFFECTIVE = dt.date(2025, 3, 17)
CREATED = dt.datetime(2025, 3, 14, 16, 5)
ORIGINATOR = Originator(
    immediate_destination=ODFI,
    immediate_destination_name="First Prairie Bank",
    immediate_origin="1426000123",
    immediate_origin_name="City of Prairie City",
    company_name="Prairie City Util",
    company_id="1426000123",
    odfi_routing=ODFI,
    entry_description="Utility",
)


def pos(record, first, last):
    """Field at 1-based inclusive positions, as the NACHA layout prints them."""
    return record[first - 1 : last]


def entry(trace_seq, routing="021000021", amount="123.45", code=CHECKING_DEBIT, **vals):
    return Entry(
        transaction_code=code,
        routing=routing,
        account_number=vals.pop("account_number", "000123456789"),
        amount=D(amount),
        individual_id=vals.pop("individual_id", f"UA{trace_seq:06d}"),
        individual_name=vals.pop("individual_name", "Terry Tester"),
        trace_number=vals.pop("trace_number", f"07100001{trace_seq:07d}"),
        **vals,
    )


def build(entries, **kwargs):
    return build_file(ORIGINATOR, entries, EFFECTIVE, CREATED, **kwargs)


class TestRoutingNumbers:
    @pytest.mark.parametrize(
        "routing", ["021000021", "011000015", "071000013", "091000019", "123456780"]
    )
    def test_published_routing_numbers_are_valid(self, routing):
        assert is_valid_routing(routing)
        assert aba_check_digit(routing[:8]) == routing[8]

    @pytest.mark.parametrize(
        ("routing", "message"),
        [
            ("021000022", "fails its check digit"),
            ("123456789", "fails its check digit"),
            ("02100002", "must be 9 digits"),
            ("0210000211", "must be 9 digits"),
            ("02100002A", "must be 9 digits"),
            ("", "must be 9 digits"),
            (None, "must be 9 digits"),
        ],
    )
    def test_bad_routing_numbers_say_why(self, routing, message):
        assert not is_valid_routing(routing)
        assert message in routing_problem(routing)

    def test_check_digit_needs_eight_digits(self):
        with pytest.raises(ValueError, match="first 8 digits"):
            aba_check_digit("1234567")

    @given(st.from_regex(r"\d{8}", fullmatch=True), st.integers(0, 8), st.integers(1, 9))
    def test_any_single_wrong_digit_is_caught(self, first8, position, delta):
        routing = first8 + aba_check_digit(first8)
        assert is_valid_routing(routing)
        wrong = str((int(routing[position]) + delta) % 10)
        assert not is_valid_routing(routing[:position] + wrong + routing[position + 1 :])


class TestHelpers:
    def test_clean_text_keeps_apostrophes_and_drops_accents(self):
        assert clean_text("Pat O'Brien") == "PAT O'BRIEN"
        assert clean_text("José  Núñez-Peña\t") == "JOSE NUNEZ-PENA"
        assert clean_text("Ærø ☃ & Co.") == "R & CO."

    def test_to_cents_is_exact(self):
        assert to_cents(D("123.45")) == 12345
        assert to_cents("0.10") == 10
        assert to_cents(7) == 700
        with pytest.raises(ValueError, match="fractions of a cent"):
            to_cents(D("1.005"))
        with pytest.raises(ValueError, match="not a number"):
            to_cents("abc")

    def test_business_days_skip_weekends(self):
        friday = dt.date(2025, 3, 14)
        assert next_business_day(friday) == friday
        assert next_business_day(dt.date(2025, 3, 15)) == dt.date(2025, 3, 17)
        assert next_business_day(dt.date(2025, 3, 16)) == dt.date(2025, 3, 17)
        assert add_business_days(friday, 3) == dt.date(2025, 3, 19)
        assert add_business_days(friday, 0) == friday

    def test_business_days_skip_federal_reserve_holidays(self):
        # Thanksgiving 2026 is a Thursday: a debit due that day settles Friday.
        thanksgiving = dt.date(2026, 11, 26)
        assert not is_business_day(thanksgiving)
        assert next_business_day(thanksgiving) == dt.date(2026, 11, 27)
        assert add_business_days(dt.date(2026, 11, 25), 1) == dt.date(2026, 11, 27)
        # Independence Day 2027 is a Sunday: the Fed closes Monday July 5.
        assert next_business_day(dt.date(2027, 7, 3)) == dt.date(2027, 7, 6)
        # Christmas 2027 is a Saturday: the Fed stays open Friday December 24.
        assert is_business_day(dt.date(2027, 12, 24))
        assert next_business_day(dt.date(2027, 12, 25)) == dt.date(2027, 12, 27)
        # New Year's Day crosses the year: December 31, 2027 + 1 banking day.
        assert add_business_days(dt.date(2027, 12, 31), 1) == dt.date(2028, 1, 3)
        assert federal_reserve_holidays(2026) >= {thanksgiving, dt.date(2026, 6, 19)}
        assert len(federal_reserve_holidays(2026)) == 11


def two_entry_file():
    return build(
        [
            entry(41, routing="021000021", amount="123.45", individual_name="Pat O'Brien"),
            entry(
                42,
                routing="091000019",
                amount="0.07",
                code=SAVINGS_DEBIT,
                account_number="98-7654 321",
                individual_id="UA000042",
                individual_name="José Núñez de la Peña Villalobos",
            ),
        ]
    )


class TestDebitFileFields:
    """Every field of every record of a two-entry file."""

    def setup_method(self):
        text = two_entry_file()
        assert text.endswith("\n")
        self.lines = text.split("\n")[:-1]
        assert len(self.lines) == 10
        assert all(len(line) == 94 for line in self.lines)
        (
            self.header,
            self.batch,
            self.first,
            self.second,
            self.control,
            self.file_control,
            *self.fill,
        ) = self.lines
        self.entry_hash = 2100002 + 9100001

    def test_file_header(self):
        header = self.header
        # File Header Record
        assert pos(header, 1, 1) == "1"
        assert pos(header, 2, 3) == "01"
        assert pos(header, 4, 13) == " 071000013"
        assert pos(header, 14, 23) == "1426000123"
        assert pos(header, 24, 29) == "250314"
        assert pos(header, 30, 33) == "1605"
        assert pos(header, 34, 34) == "A"
        assert pos(header, 35, 37) == "094"
        assert pos(header, 38, 39) == "10"
        assert pos(header, 40, 40) == "1"
        assert pos(header, 41, 63) == "FIRST PRAIRIE BANK".ljust(23)
        assert pos(header, 64, 86) == "CITY OF PRAIRIE CITY".ljust(23)
        assert pos(header, 87, 94) == " " * 8

    def test_batch_header_is_ppd_debits(self):
        batch = self.batch
        assert pos(batch, 1, 1) == "5"
        assert pos(batch, 2, 4) == "225"
        assert pos(batch, 5, 20) == "PRAIRIE CITY UTI"
        assert pos(batch, 21, 40) == " " * 20
        assert pos(batch, 41, 50) == "1426000123"
        assert pos(batch, 51, 53) == "PPD"
        assert pos(batch, 54, 63) == "UTILITY   "
        assert pos(batch, 64, 69) == "MAR 17"
        assert pos(batch, 70, 75) == "250317"
        assert pos(batch, 76, 78) == "   "
        assert pos(batch, 79, 79) == "1"
        assert pos(batch, 80, 87) == "07100001"
        assert pos(batch, 88, 94) == "0000001"

    def test_entry_details(self):
        first, second = self.first, self.second
        assert pos(first, 1, 1) == "6"
        assert pos(first, 2, 3) == "27"
        assert pos(first, 4, 11) == "02100002"
        assert pos(first, 12, 12) == "1"
        assert pos(first, 13, 29) == "000123456789     "
        assert pos(first, 30, 39) == "0000012345"
        assert pos(first, 40, 54) == "UA000041       "
        assert pos(first, 55, 76) == "PAT O'BRIEN".ljust(22)
        assert pos(first, 77, 78) == "  "
        assert pos(first, 79, 79) == "0"
        assert pos(first, 80, 94) == "071000010000041"
        assert pos(second, 2, 3) == "37"
        assert pos(second, 4, 12) == "091000019"
        assert pos(second, 13, 29) == "98-7654321".ljust(17)
        assert pos(second, 30, 39) == "0000000007"
        assert pos(second, 55, 76) == "JOSE NUNEZ DE LA PENA "
        assert pos(second, 80, 94) == "071000010000042"

    def test_batch_control(self):
        control, entry_hash = self.control, self.entry_hash
        assert pos(control, 1, 1) == "8"
        assert pos(control, 2, 4) == "225"
        assert pos(control, 5, 10) == "000002"
        assert pos(control, 11, 20) == f"{entry_hash:010d}"
        assert pos(control, 21, 32) == "000000012352"
        assert pos(control, 33, 44) == "000000000000"
        assert pos(control, 45, 54) == "1426000123"
        assert pos(control, 55, 73) == " " * 19
        assert pos(control, 74, 79) == " " * 6
        assert pos(control, 80, 87) == "07100001"
        assert pos(control, 88, 94) == "0000001"

    def test_file_control_and_fill(self):
        file_control, entry_hash = self.file_control, self.entry_hash
        assert pos(file_control, 1, 1) == "9"
        assert pos(file_control, 2, 7) == "000001"
        assert pos(file_control, 8, 13) == "000001"
        assert pos(file_control, 14, 21) == "00000002"
        assert pos(file_control, 22, 31) == f"{entry_hash:010d}"
        assert pos(file_control, 32, 43) == "000000012352"
        assert pos(file_control, 44, 55) == "000000000000"
        assert pos(file_control, 56, 94) == " " * 39

        # Blocking factor 10: the last block is filled with 9s.
        assert self.fill == ["9" * 94] * 4


class TestDebitFile:
    @pytest.mark.parametrize(
        ("count", "lines", "blocks"), [(1, 10, 1), (5, 10, 1), (6, 10, 1), (7, 20, 2), (16, 20, 2)]
    )
    def test_blocking_factor(self, count, lines, blocks):
        text = build([entry(n) for n in range(1, count + 1)])
        records = text.splitlines()
        assert len(records) == lines
        file_control = next(r for r in records if r.startswith("9") and r != "9" * 94)
        assert pos(file_control, 8, 13) == f"{blocks:06d}"
        assert pos(file_control, 14, 21) == f"{count:08d}"
        assert records.count("9" * 94) == lines - (count + 4)

    def test_entry_hash_keeps_the_last_ten_digits(self):
        # 101 x 99999999 = 10,099,999,899: eleven digits, the first is dropped.
        assert is_valid_routing("999999992")
        entries = [entry(n, routing="999999992", amount="1.00") for n in range(1, 102)]
        records = build(entries).splitlines()
        batch_control = next(r for r in records if r.startswith("8"))
        file_control = next(r for r in records if r.startswith("9") and r != "9" * 94)
        assert pos(batch_control, 11, 20) == "0099999899"
        assert pos(file_control, 22, 31) == "0099999899"
        assert pos(batch_control, 5, 10) == "000101"
        assert pos(batch_control, 21, 32) == "000000010100"
        assert pos(file_control, 8, 13) == "000011"  # 105 records -> 11 blocks
        assert len(records) == 110

    def test_totals_add_cents_exactly(self):
        amounts = ["0.10", "0.20", "1234567.89", "99999999.99"]
        text = build([entry(n, amount=a) for n, a in enumerate(amounts, start=1)])
        file_control = next(r for r in text.splitlines() if r[0] == "9" and r != "9" * 94)
        assert pos(file_control, 32, 43) == f"{sum(to_cents(a) for a in amounts):012d}"

    def test_prenote_entries_carry_no_amount(self):
        text = build([entry(1, amount="0", code=CHECKING_DEBIT_PRENOTE), entry(2)])
        prenote = text.splitlines()[2]
        assert pos(prenote, 2, 3) == "28"
        assert pos(prenote, 30, 39) == "0000000000"
        assert pos(text.splitlines()[1], 2, 4) == "225"

    def test_service_class_of_credits_and_mixed_batches(self):
        credit = entry(2, code="22")
        assert pos(build([credit]).splitlines()[1], 2, 4) == "220"
        mixed = build([entry(1), credit]).splitlines()
        assert pos(mixed[1], 2, 4) == "200"
        assert pos(mixed[4], 21, 32) == "000000012345"
        assert pos(mixed[4], 33, 44) == "000000012345"

    def test_options_line_ending_modifier_and_descriptive_date(self):
        text = build(
            [entry(1)],
            file_id_modifier="B",
            descriptive_date=dt.date(2025, 12, 1),
            line_ending="\r\n",
        )
        records = text.split("\r\n")
        assert records[-1] == ""
        assert all(len(r) == 94 for r in records[:-1])
        assert pos(records[0], 34, 34) == "B"
        assert pos(records[1], 64, 69) == "DEC 01"

    def test_nine_digit_immediate_origin_is_right_justified(self):
        originator = Originator(**dict(ORIGINATOR.__dict__, immediate_origin="071000013"))
        text = build_file(originator, [entry(1)], EFFECTIVE, CREATED)
        assert pos(text, 14, 23) == " 071000013"

    def test_every_problem_is_reported_at_once(self):
        bad_originator = Originator(
            immediate_destination="12345",
            immediate_destination_name="",
            immediate_origin="",
            immediate_origin_name="",
            company_name=" ",
            company_id="12-3456789",
            odfi_routing="071000014",
            entry_description="",
        )
        entries = [
            entry(1, routing="021000022"),
            entry(2, account_number="ACCOUNT NUMBER TOO LONG 123"),
            entry(3, amount="10.005"),
            entry(4, amount="0"),
            entry(5, amount="-1.00"),
            entry(6, amount="5.00", code=CHECKING_DEBIT_PRENOTE),
            entry(7, trace_number="021000020000007"),
            entry(8, trace_number="12345"),
            entry(9, individual_name=" "),
            entry(10, individual_id="UA0000000000000010"),
            entry(11, code="99"),
            entry(12, trace_number="071000010000001"),
        ]
        with pytest.raises(NachaError) as error:
            build_file(bad_originator, entries, EFFECTIVE, CREATED, file_id_modifier="a")
        problems = error.value.problems
        expected = [
            "Originator immediate destination: routing number '12345' must be 9 digits.",
            "Originator originating DFI: routing number 071000014 fails its check digit.",
            "Originator immediate origin must be 1 to 10 letters or digits.",
            "Originator company name is missing.",
            "Originator company identification must be 1 to 10 letters or digits.",
            "Originator company entry description is missing.",
            "File ID modifier 'a' must be one of A-Z or 0-9.",
            "Entry UA000001: routing number 021000022 fails its check digit.",
            "Entry UA000002: bank account number 'ACCOUNT NUMBER TOO LONG 123' must be 1 to 17 "
            "letters, digits or hyphens.",
            "Entry UA000003: amount 10.005 has fractions of a cent.",
            "Entry UA000004: amount 0 must be above zero and fit 10 digits.",
            "Entry UA000005: amount -1.00 must be above zero and fit 10 digits.",
            "Entry UA000006: a prenote carries no amount.",
            "Entry UA000007: trace number 021000020000007 must start with the originating DFI "
            "07100001.",
            "Entry UA000008: trace number '12345' must be 15 digits.",
            "Entry UA000009: the account holder's name is missing.",
            "Entry UA0000000000000010: individual identification must be 1 to 15 characters.",
            "Entry UA000011: unknown transaction code '99'.",
            "Entry UA000012: trace number 071000010000001 is also the trace number of entry "
            "UA000001.",
        ]
        for message in expected:
            assert message in problems
        assert len(problems) == len(expected)
        assert str(error.value) == "\n".join(problems)

    def test_an_empty_file_is_refused(self):
        with pytest.raises(NachaError, match="at least one entry"):
            build([])

    def test_records_read_back(self):
        records = build([entry(7)]).splitlines()
        header = parse_record(records[0])
        assert header["immediate_destination"] == "071000013"
        assert header["file_creation_date"] == "250314"
        detail = parse_record(records[2])
        assert detail["trace_number"] == "071000010000007"
        assert detail["amount"] == "0000012345"
        assert detail["individual_identification_number"] == "UA000007"
        assert parse_record(records[-1]) == {"record_type": "9", **parse_record(records[-1])}
        assert looks_like_nacha("\n".join(records))


def return_file(items, notice=False, changes=()):
    """A bank's returns file, written record by record from the layout.

    :param changes: (code, corrected data, original trace) of notifications of change
    """
    header = (
        "101"
        + " 071000013"
        + " 071000013"
        + "250320"
        + "0800"
        + "A"
        + "094101"
        + "CITY OF PRAIRIE CITY".ljust(23)
        + "FIRST PRAIRIE BANK".ljust(23)
        + " " * 8
    )
    batch = (
        "5225"
        + "PRAIRIE CITY UTI"
        + " " * 20
        + "1426000123"
        + "PPD"
        + "UTILITY   "
        + "      "
        + "250319"
        + "079"
        + "1"
        + "07100001"
        + "0000001"
    )
    records = [header, batch]
    for n, (trace, code, cents) in enumerate(items, start=1):
        records.append(
            "626"
            + "07100001"
            + "3"
            + "000123456789".ljust(17)
            + f"{cents:010d}"
            + f"UA{n:06d}".ljust(15)
            + "TERRY TESTER".ljust(22)
            + "  "
            + "1"
            + f"07100001{n:07d}"
        )
        records.append("799" + code + trace + "      " + "02100002" + " " * 44 + f"07100001{n:07d}")
    if notice:
        changes = [("C01", "98765432101", "071000010000099"), *changes]
    for n, (code, corrected, trace) in enumerate(changes, start=len(items) + 1):
        records += change_records(n, code, corrected, trace=trace)
    records.append("8225" + "0" * 90)
    records.append("9" + "0" * 93)
    assert all(len(r) == 94 for r in records)
    return "\n".join(records) + "\n"


class TestReturns:
    def test_nacha_return_entries(self):
        text = return_file(
            [("071000010000041", "R01", 12345), ("071000010000042", "R02", 7)], notice=True
        )
        assert looks_like_nacha(text)
        items, changes, problems = parse_returns(text)
        assert problems == []
        assert [(c.change_code, c.original_trace, c.account_number) for c in changes] == [
            ("C01", "071000010000099", "98765432101")
        ]
        assert [(i.trace_number, i.reason_code, i.amount, i.date) for i in items] == [
            ("071000010000041", "R01", D("123.45"), dt.date(2025, 3, 19)),
            ("071000010000042", "R02", D("0.07"), dt.date(2025, 3, 19)),
        ]
        assert items[0].row == 3
        assert items[0].extra["individual_id"] == "UA000001"
        assert items[0].extra["transaction_code"] == "26"

    def test_nacha_returns_tolerate_cut_trailing_blanks_and_crlf(self):
        text = return_file([("071000010000041", "R01", 12345)])
        text = "\r\n".join(line.rstrip() for line in text.splitlines())
        items, changes, problems = parse_returns_nacha(text)
        assert problems == []
        assert changes == []
        assert items[0].reason_code == "R01"

    def test_nacha_return_problems(self):
        text = return_file([("071000010000041", "X01", 100), ("071000010000042", "R01", 100)])
        lines = text.splitlines()
        lines.insert(2, "6" * 95)
        lines.pop(-3)  # the second entry loses its addenda
        items, changes, problems = parse_returns_nacha("\n".join(lines))
        assert items == changes == []
        assert problems == [
            "Line 3: 95 characters, a record has 94.",
            "Line 5: return reason code 'X01' is not R01...R99.",
            "Line 6: return entry without its addenda record.",
        ]
        with pytest.raises(NachaError, match="not a NACHA file"):
            parse_returns_nacha("5225\n")

    def test_csv_returns(self):
        text = (
            "\ufeffTrace Number,Reason Code,Amount,Date,Name\n"
            "071000010000041,R01,123.45,2025-03-19,Terry\n"
            "\n"
            '071000010000042,r08,"$1,000.00",03/20/2025\n'
        )
        assert not looks_like_nacha(text)
        items, changes, problems = parse_returns(text)
        assert problems == changes == []
        assert [(i.row, i.trace_number, i.reason_code, i.amount, i.date) for i in items] == [
            (2, "071000010000041", "R01", D("123.45"), dt.date(2025, 3, 19)),
            (4, "071000010000042", "R08", D("1000.00"), dt.date(2025, 3, 20)),
        ]

    def test_csv_rows_report_every_problem(self):
        text = (
            "trace_number,reason_code,amount,date\n"
            "71000010000041,NSF,12.345,19/03/2025\n"
            "071000010000042,R01,-5,2025-03-19\n"
            "071000010000043,R01,abc,2025-03-19\n"
            "071000010000044\n"
            "071000010000045,R09,5.00,2025-03-19\n"
        )
        items, problems = parse_returns_csv(text)
        assert [i.trace_number for i in items] == ["071000010000045"]
        assert problems == [
            "Row 2: trace number '71000010000041' must be 15 digits; reason code 'NSF' is not "
            "R01...R99; amount '12.345' is not an amount in dollars; date '19/03/2025' is not "
            "YYYY-MM-DD or MM/DD/YYYY.",
            "Row 3: amount -5 must be above zero.",
            "Row 4: amount 'abc' is not an amount in dollars.",
            "Row 5: reason code '' is not R01...R99; amount '' is not an amount in dollars; "
            "date '' is not YYYY-MM-DD or MM/DD/YYYY.",
        ]

    def test_csv_without_the_columns_is_refused(self):
        with pytest.raises(NachaError, match="misses the column"):
            parse_returns_csv("trace,code\n1,2\n")
        with pytest.raises(NachaError, match="empty"):
            parse_returns_csv("")


class TestNotificationsOfChange:
    def parse(self, *changes):
        items, found, problems = parse_returns_nacha(return_file([], changes=changes))
        assert items == []
        return found, problems

    def test_fields_of_the_addenda_type_98(self):
        records = change_records(1, "C02", "071000013")
        fields = parse_record(records[1])
        assert fields["addenda_type_code"] == "98"
        assert fields["change_code"] == "C02"
        assert fields["original_entry_trace_number"] == "071000010000099"
        assert fields["original_receiving_dfi_identification"] == "02100002"
        assert fields["corrected_data"] == "071000013"
        assert fields["trace_number"] == "021000020000001"

    def test_every_bank_change_code_is_decoded(self):
        changes, problems = self.parse(
            ("C01", "98765432101", "071000010000011"),
            ("C02", "071000013", "071000010000012"),
            ("C03", "071000013   " + "98765432101".ljust(17), "071000010000013"),
            ("C05", "37", "071000010000015"),
            ("C06", "98765432101".ljust(17) + "   27", "071000010000016"),
            ("C07", "071000013" + "98765432101".ljust(17) + "37", "071000010000017"),
        )
        assert problems == []
        got = [
            (c.row, c.change_code, c.routing, c.account_number, c.transaction_code, c.account_type)
            for c in changes
        ]
        assert got == [
            (3, "C01", "", "98765432101", "", ""),
            (5, "C02", "071000013", "", "", ""),
            (7, "C03", "071000013", "98765432101", "", ""),
            (9, "C05", "", "", "37", "savings"),
            (11, "C06", "", "98765432101", "27", "checking"),
            (13, "C07", "071000013", "98765432101", "37", "savings"),
        ]
        assert all(c.is_bank_change for c in changes)
        assert changes[0].date == dt.date(2025, 3, 19)
        assert changes[0].original_routing8 == "02100002"
        assert changes[0].description == "Incorrect bank account number"
        assert changes[0].extra == {
            "individual_id": "UA000001",
            "name": "TERRY TESTER",
            "transaction_code": "26",
        }

    def test_other_codes_are_kept_as_text_for_a_clerk(self):
        changes, problems = self.parse(
            ("C04", "TERRY Q TESTER", "071000010000014"),
            ("C09", "UA000777", "071000010000019"),
            ("C13", "", "071000010000023"),
        )
        assert problems == []
        assert [(c.change_code, c.corrected_data, c.is_bank_change) for c in changes] == [
            ("C04", "TERRY Q TESTER", False),
            ("C09", "UA000777", False),
            ("C13", "", False),
        ]
        assert changes[0] == NotificationOfChange(
            row=3,
            change_code="C04",
            original_trace="071000010000014",
            original_routing8="02100002",
            corrected_data="TERRY Q TESTER",
            date=dt.date(2025, 3, 19),
            extra=changes[0].extra,
        )
        assert changes[0].routing == changes[0].account_number == changes[0].account_type == ""

    def test_bad_corrected_data_is_reported_per_line(self):
        changes, problems = self.parse(
            ("C03", "071000014   98765432101", "071000010000001"),
            ("C02", "7100001", "071000010000002"),
            ("C01", "", "071000010000003"),
            ("C05", "47", "071000010000004"),
            ("C06", "9876 5432".ljust(17) + "   22", "071000010000005"),
            ("X01", "", "071000010000006"),
        )
        assert changes == []
        assert problems == [
            "Line 4: C03 corrected routing number 071000014 fails its check digit.",
            "Line 6: C02 corrected routing number '7100001' must be 9 digits.",
            "Line 8: C01 corrected bank account number '' must be 1 to 17 letters or digits.",
            "Line 10: C05 corrected transaction code '47' is neither a checking (2x) nor a "
            "savings (3x) one.",
            "Line 12: C06 corrected bank account number '9876 5432' must be 1 to 17 letters "
            "or digits.",
            "Line 14: change code 'X01' is not C01...C99.",
        ]

    def test_a_change_with_an_amount_is_refused(self):
        text = return_file([]).splitlines()
        text[2:2] = change_records(1, "C01", "98765432101", cents=100)
        items, changes, problems = parse_returns_nacha("\n".join(text))
        assert items == changes == []
        assert problems == [
            "Line 3: a notification of change carries no amount, this one has '0000000100'."
        ]

    def test_a_return_and_a_change_in_one_file(self):
        text = return_file(
            [("071000010000041", "R01", 12345)],
            changes=[("C05", "32", "071000010000042")],
        )
        items, changes, problems = parse_returns(text)
        assert problems == []
        assert [i.trace_number for i in items] == ["071000010000041"]
        assert [(c.original_trace, c.account_type) for c in changes] == [
            ("071000010000042", "savings")
        ]

    @pytest.mark.parametrize(
        ("code", "data", "expected"),
        [
            ("C01", "  12-34A  ", {"account_number": "12-34A"}),
            ("C03", "071000013" + "12345".rjust(20), {"routing": "071000013",
                                                      "account_number": "12345"}),
            ("C06", "12345" + "27".rjust(24), {"account_number": "12345",
                                               "transaction_code": "27",
                                               "account_type": "checking"}),
            ("C04", "ANY NAME", {}),
        ],
    )  # fmt: skip
    def test_decode_tolerates_other_padding(self, code, data, expected):
        assert decode_corrected_data(code, data) == (expected, [])
