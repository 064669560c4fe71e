# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Fixtures of the conversion tests: a legacy accounts file and its batch."""

import base64

from .common_cashier import CashierCommon

__all__ = ["ConversionCommon", "accounts_csv"]

HEADER = (
    "account,customer_number,customer,mailing_street,mailing_city,mailing_state,mailing_zip,"
    "service_street,service_unit,service_zip,class,route,services,meter,meter_size,meter_unit,"
    "last_read,last_read_date,carts,deposit,deposit_date,balance_water,balance_sewer,"
    "balance_garbage,balance_due_date"
)
# Three accounts as a legacy system exports them: a household owing water and
# sewer (past due), a landlord's two units under one customer number (one
# with a garbage cart and a credit), and a vacant lot with garbage only.
ROWS = [
    "70001,C-1,Pat Rivera,PO Box 12,Prairie City,IA,50228,101 Oak St,,50228,residential,BR1-1,"
    "WATER:BR-W;SEWER:BR-S,LM-1,5/8,kgal,1234.5,11/03/2025,,100.00,03/15/2024,45.10,30.00,,"
    "10/20/2025",
    "70002,C-2,Lee Landlord,,,,,200 Elm St,A,50228,residential,BR1-1,"
    "WATER:BR-W;SEWER:BR-S;GARBAGE:BR-G,LM-2,3/4,kgal,88,11/04/2025,1,50.00,,12.00,8.40,15.00,"
    "11/20/2025",
    "70003,C-2,Lee Landlord,,,,,200 Elm St,B,50228,residential,BR1-1,"
    "WATER:BR-W;GARBAGE:BR-G,LM-3,5/8,kgal,0,11/04/2025,1,,,-12.50,,,",
]


def accounts_csv(rows=None, header=HEADER):
    return "\n".join([header, *(ROWS if rows is None else rows)]) + "\n"


class ConversionCommon(CashierCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.specialist.write(
            {"company_ids": [(6, 0, cls.company.ids)], "company_id": cls.company.id}
        )
        cls.csr.write({"company_ids": [(6, 0, cls.company.ids)], "company_id": cls.company.id})

    def _batch(self, content=None, user=None, name="legacy_accounts.csv", **vals):
        content = accounts_csv() if content is None else content
        if isinstance(content, str):
            content = content.encode()
        Batch = self.env["utility.conversion.batch"].with_user(user or self.specialist)
        return Batch.with_company(self.company).create(
            dict(
                {
                    "name": name,
                    "file_data": base64.b64encode(content),
                    "date_conversion": "2025-11-30",
                },
                **vals,
            )
        )

    def _totals(self, batch):
        return {
            total.key: (
                (total.amount_file, total.amount_loaded)
                if total.is_amount
                else (total.count_file, total.count_loaded)
            )
            for total in batch.total_ids
        }
