# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date
from decimal import Decimal

from odoo.tests import tagged

from .common_billing import CURRENT_READ, PREVIOUS_READ, BillingCommon


@tagged("post_install", "-at_install")
class TestBillBuilder(BillingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.builder = cls.env["utility.bill.builder"]

    def _bill(self, account, **kwargs):
        return self.builder._build_bills(account, date(2025, 2, 1), date(2025, 2, 10), **kwargs)[0]

    def test_bill_dict(self):
        account = self._make_accounts(1, usage=12.5)
        bill = self._bill(account)
        self.assertEqual(bill["state"], "ok", bill["message"])
        self.assertEqual((bill["date_from"], bill["date_to"]), (PREVIOUS_READ, CURRENT_READ))
        self.assertEqual(bill["consumption"], Decimal("12.5"))
        by_type = {}
        for charge in bill["charges"]:
            by_type.setdefault(charge["service_type_id"], Decimal(0))
            by_type[charge["service_type_id"]] += charge["amount"]
        # water 10 + 5 x 2 + 7.5 x 3; sewer on water 5 + 12.5 x 4; garbage 15
        self.assertEqual(by_type[self.water.id], Decimal("42.50"))
        self.assertEqual(by_type[self.sewer.id], Decimal("55.00"))
        self.assertEqual(by_type[self.garbage.id], Decimal("15.00"))
        self.assertEqual(bill["amount_total"], Decimal("112.50"))
        self.assertEqual(len(bill["reading_ids"]), 1)

    def test_period_factor_and_services_are_options(self):
        account = self._make_accounts(1, usage=7.0)
        garbage = account.service_ids.filtered(lambda s: s.service_type_id == self.garbage)
        bill = self._bill(account, services=garbage, period_factor=Decimal("0.5"))
        self.assertEqual(bill["state"], "ok", bill["message"])
        self.assertEqual([c["amount"] for c in bill["charges"]], [Decimal("7.50")])

    def test_discount_and_outside_city(self):
        self.schedules[self.garbage].version_ids.line_ids.create(
            {
                "version_id": self.schedules[self.garbage].version_ids.id,
                "name": "Senior",
                "sequence": 90,
                "component": "discount",
                "discount_program": "senior",
                "percent": 10.0,
            }
        )
        account = self._make_accounts(1)
        account.discount_program = "senior"
        garbage = account.service_ids.filtered(lambda s: s.service_type_id == self.garbage)
        bill = self._bill(account, services=garbage)
        self.assertEqual(
            [c["amount"] for c in bill["charges"]], [Decimal("15.00"), Decimal("-1.50")]
        )

    def test_line_name_and_exact_amount(self):
        charge = {
            "service_id": 1,
            "service_type_id": self.water.id,
            "rate_line_id": False,
            "component": "fixed",
            "name": "Base",
            "quantity": Decimal("0.483871"),
            "price_unit": Decimal("18.50"),
            "amount": Decimal("8.95"),
            "date_from": date(2025, 10, 3),
            "date_to": date(2025, 11, 3),
            "consumption": Decimal(7),
            "unit": "kgal",
            "reading_id": False,
        }
        vals = self.builder._prepare_invoice_vals(
            {
                "partner_id": self.partner_a.id,
                "journal_id": self.journal.id,
                "invoice_date": date(2025, 11, 15),
                "invoice_date_due": date(2025, 12, 5),
            },
            [
                charge,
                dict(
                    charge,
                    name="Usage 5-15 kgal",
                    component="block",
                    quantity=Decimal(2),
                    price_unit=Decimal("3.25"),
                    amount=Decimal("6.50"),
                ),
            ],
        )
        first, second = vals["lines"]
        self.assertEqual(first["name"], "Water - Base (10/03-11/03)")
        # 0.48 x 18.50 at the invoice precisions is not 8.95: the line says 1 x 8.95.
        self.assertEqual((first["quantity"], first["price_unit"]), (1.0, 8.95))
        self.assertEqual(second["name"], "Water - Usage 5-15 kgal: 7.000 kgal (10/03-11/03)")
        self.assertEqual((second["quantity"], second["price_unit"]), (2.0, 3.25))
        self.assertEqual(first["account_id"], self.income[self.water].id)
        self.assertEqual(vals["date"], date(2025, 11, 15))

    def test_account_without_service(self):
        account = self._make_accounts(1)
        account.service_ids.action_suspend()
        bill = self._bill(account)
        self.assertEqual(bill["state"], "exception")
        self.assertIn("No service of the account is active", bill["message"])
