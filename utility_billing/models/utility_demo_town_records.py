# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The demo town's remaining screens, each with a few records made the way a clerk
makes them.

- Meters > Reading Files: this morning's handheld file of check reads taken by
  the meter reader on a few meters read earlier in the month.
- Meters > Bench Tests: a meter pulled for a high-bill complaint passed the
  bench; a spare from the shelf failed low flow.
- Cashiering > Void Requests: a payment of this afternoon's counted drawer,
  keyed on the wrong account, waits for a supervisor.
- Cashiering > Returned Payments: a check taken yesterday came back from the
  bank for insufficient funds, with the returned payment fee billed.
- Cashiering > ACH Returns / Notifications of Change: this morning's ACH returns
  file sends back a new enrollment's prenote (no account) and corrects the
  account number of an autopay customer's bank account.
"""

import base64
import io
from datetime import timedelta

from odoo import api, fields, models

from ..lib import csv_cells

CHECK_READS = 3
# First eight digits of the originating bank of the demo ACH settings.
DEMO_BANK_DFI = "07100001"


class UtilityDemoTown(models.AbstractModel):
    _inherit = "utility.demo.town"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _generate_records(self):
        """Fill the screens the other generators leave empty (after all of them)."""
        self._demo_check_read_file()
        self._demo_bench_tests()
        self._demo_void_request()
        self._demo_returned_check()
        self._demo_ach_returns_file()
        return True

    # ------------------------------------------------------------------
    # Meters
    # ------------------------------------------------------------------
    def _demo_check_read_file(self, count=CHECK_READS):
        """The reader's handheld file of this morning's check reads, imported through
        the readings import (a meter is read at most once a day: meters read earlier)."""
        today = fields.Date.context_today(self)
        meters = (
            self.env["utility.meter"]
            .search([("state", "=", "installed")], order="name")
            .filtered(lambda m: m.last_reading_date and m.last_reading_date < today)
        )
        meters = meters.filtered(lambda m: m.account_id and not m.account_id.open_exception_ids)[
            :count
        ]
        if not meters:
            return self.env["utility.reading.file"]
        out = io.StringIO()
        writer = csv_cells.writer(out)
        writer.writerow(["Meter", "Account", "Read Date", "Reading", "Read Type", "Reader", "Note"])
        for meter in meters:
            days = (today - meter.last_reading_date).days
            # A few days of a household's use since the last read (150 gallons a day).
            per_day = 150 if meter.unit == "gallon" else 1
            value = (round(meter.last_reading_value) + per_day * days) % (10**meter.dials)
            writer.writerow(
                [
                    meter.name,
                    meter.account_id.name,
                    f"{today:%m/%d/%Y}",
                    value,
                    "K",
                    "R07",
                    "Audit re-read",
                ]
            )
        wizard = self.env["utility.meter.reading.import"].create(
            {
                "file_data": base64.b64encode(out.getvalue().encode()),
                "file_name": f"check-reads-{today:%Y%m%d}.csv",
                "layout_id": self.env.ref("utility_billing.reading_file_layout_handheld_csv").id,
            }
        )
        action = wizard.action_import()
        return self.env["utility.reading.file"].browse(action["res_id"])

    def _demo_bench_tests(self):
        """A meter pulled after a high-bill complaint passed; a spare failed low flow."""
        Meter = self.env["utility.meter"]
        installed = Meter.search([("state", "=", "installed")], order="name", limit=1)
        spare = Meter.search([("state", "!=", "installed")], order="name", limit=1)
        if not installed or not spare:
            return self.env["utility.meter.test"]
        today = fields.Date.context_today(self)
        return self.env["utility.meter.test"].create(
            [
                {
                    "meter_id": installed.id,
                    "date": today - timedelta(days=2),
                    "accuracy_low": 99.10,
                    "accuracy_mid": 100.20,
                    "accuracy_high": 99.80,
                    "notes": "Pulled after a high-bill complaint: the meter registers "
                    "correctly, the customer was told of a possible leak.",
                },
                {
                    "meter_id": spare.id,
                    "date": today - timedelta(days=1),
                    "accuracy_low": 91.40,
                    "accuracy_mid": 98.90,
                    "accuracy_high": 99.30,
                    "notes": "Under-registers at low flow: returned to the vendor.",
                },
            ]
        )

    # ------------------------------------------------------------------
    # Cashiering
    # ------------------------------------------------------------------
    def _demo_void_request(self):
        """A payment of a counted drawer not yet deposited: its cashier asks the void,
        a supervisor must approve it."""
        payment = self.env["utility.payment"].search(
            [
                ("session_id.state", "=", "closed"),
                ("session_id.deposit_id", "=", False),
                ("state", "=", "posted"),
                ("is_void_requested", "=", False),
                ("tender", "=", "card"),
            ],
            order="id desc",
            limit=1,
        )
        if not payment:
            return payment
        payment.with_user(payment.session_id.user_id)._request_void(
            "Card payment keyed on the neighbor's account; customer will pay again."
        )
        return payment

    def _demo_returned_check(self):
        """Yesterday's counter check came back for insufficient funds: the payment is
        returned and the returned payment fee billed."""
        yesterday = fields.Date.context_today(self) - timedelta(days=1)
        payment = self.env["utility.payment"].search(
            [
                ("tender", "=", "check"),
                ("source", "=", "counter"),
                ("state", "=", "posted"),
                ("date", "=", yesterday),
                ("line_ids.account_id", "!=", False),
            ],
            order="id",
            limit=1,
        )
        if not payment:
            return payment
        billing = self.env["res.users"].search([("login", "=", "demo_billing")], limit=1)
        payment.with_user(billing or self.env.user)._return_payments(
            "nsf", note="Returned by First State Bank: NSF."
        )
        return payment

    def _demo_ach_returns_file(self):
        """This morning's NACHA returns file from the bank: the prenote of a new
        autopay enrollment came back (R03, no account: the enrollment is cancelled),
        a notification of change (C01) corrects the account number of an autopay
        customer's bank account, and another (C09, individual ID) waits for a
        clerk's review."""
        today = fields.Date.context_today(self)
        entries = self.env["utility.autopay.file.line"].search(
            [("trace_number", "!=", False), ("payment_id", "!=", False)], order="id", limit=2
        )
        entry, other = entries[:1], entries[1:] or entries[:1]
        prenote = self.env["utility.autopay.enrollment"].search(
            [("state", "=", "prenote"), ("prenote_trace", "!=", False)], order="id", limit=1
        )
        if not entries and not prenote:
            return self.env["utility.ach.return.file"]
        returns = [(prenote.prenote_trace, "R03", "", prenote.account_id) for _p in prenote[:1]]
        changes = [
            (entry.trace_number, "C01", f"41{entry.account_id.id:07d}", entry.account_id)
            for _e in entry
        ] + [
            # C09: the customer's ID at the bank is the account number, for a clerk to check.
            (other.trace_number, "C09", other.account_id.name, other.account_id)
            for _e in other
        ]
        records = _nacha_returns_file(today, returns, changes)
        returns_file = self.env["utility.ach.return.file"].create(
            {
                "file_data": base64.b64encode("\n".join(records).encode()),
                "file_name": f"ach-returns-{today:%Y%m%d}.ach",
            }
        )
        returns_file.action_import()
        return returns_file


def _nacha_entry(seq, addenda_type, item):
    """A returned entry (addenda 99) or a COR entry (addenda 98) with its addenda,
    field by field as the NACHA layout places them.

    :param item: (original trace, code, corrected data, utility account)
    """
    trace, code, data, account = item
    own_trace = f"{DEMO_BANK_DFI}{seq:07d}"
    entry = (
        "626" + "02100002" + "1" + " " * 17 + "0" * 10 + account.name[:15].ljust(15)
        + account.partner_id.name.upper()[:22].ljust(22) + "  1" + own_trace
    )  # fmt: skip
    addenda = (
        "7" + addenda_type + code + trace + " " * 6 + trace[:8] + data.ljust(29)
        + " " * 15 + own_trace
    ) if addenda_type == "98" else (
        "7" + addenda_type + code + trace + " " * 6 + trace[:8] + " " * 44 + own_trace
    )  # fmt: skip
    return [entry, addenda]


def _nacha_returns_file(day, returns, changes):
    """A bank's NACHA returns file: a PPD batch of returned entries and a COR batch
    of notifications of change, each ``(original trace, code, corrected data, account)``."""
    yymmdd = f"{day:%y%m%d}"
    records = [
        "101 071000013 071000013" + yymmdd + "0800A094101"
        + "CITY OF PRAIRIE CITY".ljust(23) + "FIRST PRAIRIE BANK".ljust(23) + " " * 8,
    ]  # fmt: skip
    seq = 0
    for sec, addenda_type, items in (("PPD", "99", returns), ("COR", "98", changes)):
        if not items:
            continue
        records.append(
            "5225PRAIRIE CITY UTI" + " " * 20 + "1426000123" + sec + "UTILITY   " + " " * 6
            + yymmdd + "   1" + DEMO_BANK_DFI + "0000001"
        )  # fmt: skip
        for item in items:
            seq += 1
            records += _nacha_entry(seq, addenda_type, item)
        records.append("8225" + "0" * 90)
    records.append("9" + "0" * 93)
    assert all(len(record) == 94 for record in records)
    return records
