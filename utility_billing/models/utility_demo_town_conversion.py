# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Conversion in the demo town: Cedar Heights, an annexed subdivision whose
20 accounts came from the water district's old billing system (its export
loaded, checked and finished, with balances and deposits), and the parallel
cycle billed by both systems on the same reads: the old system's bills agree
but for two accounts, one five cents apart and one it did not bill."""

import base64
import io
from datetime import timedelta
from decimal import Decimal

from odoo import api, fields, models

from ..lib import csv_cells

DEMO_ACCOUNTS = 20
NAMES = (
    "Avery Lind", "Blake Osei", "Carmen Diaz", "Dana Whitfield", "Eli Novak",
    "Farah Haddad", "Gus Petersen", "Hana Sato", "Ivan Kowalski", "Jade Moreno",
    "Kofi Mensah", "Lena Berg", "Marco Rossi", "Nia Brooks", "Omar Farouk",
    "Priya Nair", "Quinn Harper", "Rosa Alvarez", "Sven Olsen", "Tara Quinn",
)  # fmt: skip
HEADER = [
    "account", "customer_number", "customer", "service_street", "service_zip", "class",
    "route", "services", "meter", "meter_size", "meter_unit", "last_read", "last_read_date",
    "carts", "cart_size", "deposit", "deposit_date", "balance_water", "balance_sewer",
    "balance_garbage", "balance_due_date",
]  # fmt: skip


class UtilityDemoTown(models.AbstractModel):
    _inherit = "utility.demo.town"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _generate_conversion(self):
        """Load Cedar Heights' 20 accounts and compare its parallel cycle."""
        cycle = self.env["utility.billing.cycle"].create(
            {
                "name": "Cedar Heights (converted)",
                "code": "CH",
                "read_day_start": 20,
                "read_day_end": 25,
                "bill_day": 28,
            }
        )
        self.env["utility.route"].create(
            {"name": "Cedar Heights Route 1", "code": "CH-1", "cycle_id": cycle.id}
        )
        today = fields.Date.context_today(self)
        clerk = (
            self.env["res.users"].search([("login", "=", "demo_billing")], limit=1) or self.env.user
        )
        batch = (
            self.env["utility.conversion.batch"]
            .with_user(clerk)
            .create(
                {
                    "name": "cedar_heights_accounts.csv",
                    "file_data": base64.b64encode(self._demo_conversion_file(today)),
                    "date_conversion": today - timedelta(days=30),
                }
            )
        )
        batch.action_check()
        batch.action_load()
        batch.action_finish()
        accounts = batch.account_ids.sorted("name")
        # This cycle's reads, entered in both systems.
        self.env["utility.meter.reading"].create(
            [
                {
                    "meter_id": account.service_ids.meter_id.id,
                    "date": today - timedelta(days=2),
                    "value": 40000.0 + 1000 * index + 3000 + 250 * (index % 7),
                }
                for index, account in enumerate(accounts)
            ]
        )
        comparison = (
            self.env["utility.conversion.comparison"]
            .with_user(clerk)
            .create(
                {
                    "name": "cedar_heights_bills.csv",
                    "cycle_id": cycle.id,
                    "date_from": today - timedelta(days=7),
                    "date_to": today,
                    "file_data": base64.b64encode(
                        self._demo_legacy_bills(accounts, today - timedelta(days=7), today)
                    ),
                }
            )
        )
        comparison.action_compare()
        return batch, comparison

    @api.model
    def _demo_conversion_file(self, today):
        """The old system's export: water and sewer everywhere, a garbage cart on
        most, a deposit on some, balances on a few (one in credit)."""
        last_read = today - timedelta(days=32)
        out = io.StringIO()
        writer = csv_cells.writer(out, lineterminator="\n")
        writer.writerow(HEADER)
        for index, name in enumerate(NAMES[:DEMO_ACCOUNTS]):
            garbage = index % 5 != 4
            owing = index % 4 == 0
            writer.writerow(
                [
                    f"CH-{1001 + index}",
                    f"C{5001 + index}",
                    name,
                    f"{100 + 2 * index} Cedar Heights Dr",
                    "50228",
                    "residential",
                    "CH-1",
                    "WATER:W-RC;SEWER:S-RES" + (";GARBAGE:G-CART" if garbage else ""),
                    f"CH{7001 + index}",
                    "5/8",
                    "gallon",
                    f"{40000 + 1000 * index}",
                    last_read.strftime("%m/%d/%Y"),
                    "1" if garbage else "",
                    "96" if garbage else "",
                    "75.00" if index % 3 == 0 else "",
                    (today - timedelta(days=400 + index)).strftime("%m/%d/%Y")
                    if index % 3 == 0
                    else "",
                    "-15.25" if index == 6 else ("42.18" if owing else ""),
                    "27.40" if owing else "",
                    "18.00" if owing and garbage else "",
                    (today - timedelta(days=40)).strftime("%m/%d/%Y") if owing else "",
                ]
            )
        return out.getvalue().encode()

    @api.model
    def _demo_legacy_bills(self, accounts, date_from, date_to):
        """What the old system billed for the parallel cycle: the same as the
        product to the cent, except a sewer bill five cents lower (its rounding)
        and one account it left out (a new move-in it never billed)."""
        bills = self.env["utility.bill.builder"]._build_bills(accounts, date_from, date_to)
        out = io.StringIO()
        writer = csv_cells.writer(out, lineterminator="\n")
        writer.writerow(["account", "period", "service", "usage", "amount"])
        period = date_to.strftime("%m/%Y")
        for index, (account, bill) in enumerate(zip(accounts, bills, strict=True)):
            if bill["state"] != "ok" or index == 11:
                continue
            amounts = {}
            for charge in bill["charges"]:
                service_type = self.env["utility.service.type"].browse(charge["service_type_id"])
                amounts.setdefault(service_type.code, Decimal(0))
                amounts[service_type.code] += Decimal(str(charge["amount"]))
            if index == 5:
                amounts["SEWER"] -= Decimal("0.05")
            for code, amount in amounts.items():
                usage = f"{bill['consumption']:.3f}" if code == "WATER" else ""
                writer.writerow([account.name, period, code, usage, f"{amount:.2f}"])
        return out.getvalue().encode()
