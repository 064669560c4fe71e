# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import csv
import io
from datetime import date

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common_lien import LienCommon


@tagged("post_install", "-at_install")
class TestLienItems(LienCommon):
    """A lien keeps what it certified, item by item, and is released when those
    items are paid, whatever the account was billed since.

    Newton Falls, OH, Codified Ord. 929.085
    (https://codelibrary.amlegal.com/codes/newtonfalls/latest/newtonfalls_oh/0-0-0-28339):
    charges unpaid 31 days after due are certified with a $150.00 fee;
    Lockland, OH, § 1040.05 (d)
    (https://codelibrary.amlegal.com/codes/lockland/latest/lockland_oh/0-0-0-10145):
    notice 30 days before. Notice 05/01/2025, certified 06/02/2025:

    - bill of 03/01/2025 due 03/21/2025: water 80.00 + sewer 42.35 = 122.35;
    - bill of 04/12/2025 due 05/02/2025: 58.20 (exactly 31 days);
    - certified 122.35 + 58.20 = 180.55, fee invoice 150.00, total 330.55.

    The account stays open: a bill of 07/01/2025 of 64.10 after. Paid 180.55 on
    07/05 (oldest first: the two certified bills): the fee, 150.00, is still
    unpaid of what the lien certified, so it stays. Paid 150.00 on 07/10: the
    certified items are paid, the lien is released though the account owes
    64.10, which stays open on its bill; the county's release file has it once.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bill1 = cls._post_bill(
            cls.account, date(2025, 3, 1), {cls.water: 80.0, cls.sewer: 42.35}
        )
        cls.bill2 = cls._post_bill(cls.account, date(2025, 4, 12), {cls.water: 58.20})

    def _receivable(self, move):
        return move.line_ids.filtered(lambda line: line.account_id == self.receivable)

    def _certified_lien(self):
        lien = self._lien(self.account)
        self._print_notice(lien)
        with self._today():
            lien.action_certify()
        return lien

    def test_certified_items_paid_release_with_new_charges_open(self):
        lien = self._certified_lien()
        self.assertEqual(
            (lien.amount_delinquent, lien.amount_fee, lien.amount_certified),
            (180.55, 150.0, 330.55),
        )
        items = lien.item_ids
        self.assertEqual(
            [(item.move_id, item.amount_certified, item.is_fee) for item in items],
            [
                (self.bill1, 122.35, False),
                (self.bill2, 58.20, False),
                (lien.fee_move_id, 150.0, True),
            ],
        )
        self.assertEqual(
            items.move_line_id,
            self._receivable(self.bill1)
            | self._receivable(self.bill2)
            | self._receivable(lien.fee_move_id),
        )
        self.assertEqual(lien.amount_open, 330.55)
        new_bill = self._post_bill(self.account, date(2025, 7, 1), {self.water: 64.10})
        # The certified charges paid, the fee not: the lien stays.
        self._payment([(self.account, 180.55)], date=date(2025, 7, 5))
        lien.invalidate_recordset()
        items.invalidate_recordset()
        self.assertEqual(items.mapped("amount_open"), [0.0, 0.0, 150.0])
        self.assertEqual((lien.amount_open, lien.is_paid), (150.0, False))
        with self.assertRaisesRegex(UserError, r"still owes \$\s150.00 of what the lien certified"):
            lien.with_user(self.clerk).action_release()
        self.assertEqual(lien.state, "certified")
        self.assertFalse(self.env["utility.lien"].search([("is_paid", "=", True)]))
        # The fee paid: the lien is proposed for release and released.
        self._payment([(self.account, 150.0)], date=date(2025, 7, 10))
        lien.invalidate_recordset()
        self.assertEqual((lien.amount_open, lien.is_paid), (0.0, True))
        self.assertEqual(self.env["utility.lien"].search([("is_paid", "=", True)]), lien)
        self.assertNotIn(lien, self.env["utility.lien"].search([("is_paid", "=", False)]))
        with self._today(date(2025, 7, 10)):
            lien.with_user(self.clerk).action_release()
        self.assertEqual((lien.state, lien.date_released), ("released", date(2025, 7, 10)))
        # The new charge stays open on its bill and on the account.
        self.assertEqual(self._receivable(new_bill).amount_residual, 64.10)
        self.assertEqual(new_bill.payment_state, "not_paid")
        self.env["utility.account"].invalidate_model(["amount_balance"])
        self.assertEqual(self.account.amount_balance, 64.10)
        # The county's release file has the release once.
        with self._today(date(2025, 7, 11)):
            action = lien.with_user(self.clerk).action_export_county_release()
        attachment = self.env["ir.attachment"].browse(
            int(action["url"].split("/")[3].split("?")[0])
        )
        rows = list(csv.reader(io.StringIO(base64.b64decode(attachment.datas).decode())))
        self.assertEqual(len(rows), 2)
        self.assertEqual(
            (rows[1][0], rows[1][5], rows[1][6]), (self.account.name, "330.55", "07/10/2025")
        )
        with self.assertRaisesRegex(UserError, "not yet sent"):
            lien.with_user(self.clerk).action_export_county_release()

    def test_items_are_written_by_certify_only(self):
        lien = self._certified_lien()
        item = lien.item_ids[:1]
        supervisor = new_test_user(
            self.env,
            login="ub_lien_item_sup",
            groups="base.group_user,utility_billing.group_utility_supervisor",
        )
        csr = new_test_user(
            self.env,
            login="ub_lien_item_csr",
            groups="base.group_user,utility_billing.group_utility_csr",
        )
        for user in (self.clerk, supervisor):
            with self.assertRaises(AccessError):
                item.with_user(user).write({"amount_certified": 1.0})
        with self.assertRaises(AccessError):
            self.env["utility.lien.item"].create(
                {"lien_id": lien.id, "move_line_id": item.move_line_id.id}
            )
        # Customer service reads the lien's items and what is still unpaid.
        self.assertEqual(
            item.with_user(csr).read(["amount_certified", "amount_open", "move_id"])[0][
                "amount_open"
            ],
            122.35,
        )
        self.assertEqual(
            lien.with_user(csr).read(["amount_open", "is_paid"])[0]["amount_open"], 330.55
        )

    def test_nothing_paid_keeps_the_lien(self):
        """Nothing paid: Release is refused naming what the lien still secures."""
        lien = self._certified_lien()
        with self.assertRaisesRegex(UserError, r"still owes \$\s330.55"):
            lien.with_user(self.clerk).action_release()
