# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import csv
import io
from datetime import date

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from ..models.utility_agency_referral import AGENCY_FILE_COLUMNS
from .test_write_off import WriteOffCommon


@tagged("post_install", "-at_install")
class TestAgencyReferral(WriteOffCommon):
    """Collection agency: referral, its file, the hold, recoveries net of the fee.

    Rules: Union City, IN, Code § 40.03 (B) (accounts 90 days past due may be
    referred to a collection agency); Big Spring, TX, Code: the contracted
    collection agency's fee is 30 percent
    (https://codelibrary.amlegal.com/codes/bigspringtx/latest/bigspring_tx/0-0-0-2494);
    Lakewood, OH: the fee is taken on every payment the agency collects.

    Account 1 is written off with 95.50 (see ``WriteOffCommon``) and referred.
    The agency collects 65.50: its fee is 30% = 19.65, it remits 45.85 (a
    payment at the office). The recovery entry: receivable debit 65.50, bad
    debt credit 65.50, agency fee debit 19.65, receivable credit 19.65; the
    remitted 45.85 pays the rest: the account owes nothing, 30.00 is still
    written off.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.fee_account = cls.env["account.account"].create(
            {"name": "Collection Agency Fees", "code": "615200", "account_type": "expense"}
        )
        cls.company.utility_agency_fee_account_id = cls.fee_account
        cls.customer_partner = cls.account.partner_id
        cls.customer_partner.write(
            {"street": "=HYPERLINK(1)", "city": "Prairie City", "zip": "62001"}
        )

    def _refer_write_off(self):
        write_off = self._write_off_1_and_2()
        write_off.action_refer_to_agency()
        return self.env["utility.agency.referral"].search(
            [("write_off_line_id", "in", write_off.line_ids.ids)], order="id"
        ), write_off

    def test_refer_hold_and_export_once(self):
        referrals, _write_off = self._refer_write_off()
        self.assertEqual(referrals.account_id, self.account | self.account2)
        self.assertEqual(sorted(referrals.mapped("amount_referred")), [52.25, 95.50])
        self.assertTrue(self.account.is_at_agency)
        # Held from every collections step while at the agency.
        for step in ("late_fee", "notice", "door_hanger", "shutoff"):
            holds = self.account._get_collection_holds(date(2025, 6, 1), step)
            self.assertEqual(holds[self.account.id], "at the collection agency")
        action = referrals.with_user(self.preparer).action_export()
        attachment = self.env["ir.attachment"].browse(
            int(action["url"].split("/")[3].split("?")[0])
        )
        rows = list(csv.reader(io.StringIO(base64.b64decode(attachment.datas).decode())))
        self.assertEqual(tuple(rows[0]), AGENCY_FILE_COLUMNS)
        by_account = {row[0]: row for row in rows[1:]}
        row = by_account[self.account.name]
        # A formula in the customer's address is written as text.
        self.assertEqual(row[2], "'=HYPERLINK(1)")
        self.assertEqual(row[10], "95.50")
        self.assertEqual(row[11], "Y")
        self.assertEqual(len(rows), 3)
        self.assertEqual(set(referrals.mapped("state")), {"exported"})
        # A second export marks nothing twice and sends nothing.
        with self.assertRaisesRegex(UserError, "already sent"):
            referrals.with_user(self.preparer).action_export()
        # Referring an account already at the agency is refused.
        with self.assertRaisesRegex(UserError, "already at the agency"):
            self.env["utility.agency.referral"].with_user(self.preparer)._refer(
                self.account, date(2025, 6, 1), reason="Skipped town"
            )
        # Recalled, the account is held no more.
        referrals.with_user(self.preparer).action_recall()
        self.assertFalse(self.account._get_collection_holds(date(2025, 6, 1), "notice"))

    def test_csr_refers_nothing(self):
        with self.assertRaises(AccessError):
            csr = new_test_user(
                self.env,
                login="ub_ag_csr",
                groups="base.group_user,utility_billing.group_utility_csr",
            )
            self.env["utility.agency.referral"].with_user(csr)._refer(
                self.account2, date(2025, 6, 1)
            )

    def test_account_owing_nothing_is_not_referred(self):
        """Account 3 owes 33.00, a new account nothing: nothing is referred."""
        owes_nothing = self._make_accounts(1, readings=False, prefix="ZERO")
        with self.assertRaisesRegex(UserError, "owes nothing"):
            self.env["utility.agency.referral"].with_user(self.preparer)._refer(
                self.account3 | owes_nothing, date(2025, 6, 1), reason="Skipped town"
            )
        self.assertFalse(self.env["utility.agency.referral"].search([]))

    def test_agency_recovery_is_net_of_its_fee(self):
        referrals, write_off = self._refer_write_off()
        line1 = write_off.line_ids.filtered(lambda line: line.account_id == self.account)
        self._payment([(self.account, 45.85)], date=date(2025, 7, 1))
        recovery = (
            self.env["utility.write.off.recovery"]
            .with_user(self.preparer)
            .create(
                {"line_id": line1.id, "amount": 65.50, "is_agency": True, "date": date(2025, 7, 1)}
            )
        )
        recovery.action_post()
        self.assertEqual(recovery.amount_agency_fee, 19.65)
        self.assertEqual(
            sorted(
                (line.account_id.code, line.debit, line.credit)
                for line in recovery.move_id.line_ids
            ),
            sorted(
                [
                    (self.receivable.code, 65.50, 0.0),
                    (self.bad_debt.code, 0.0, 65.50),
                    (self.fee_account.code, 19.65, 0.0),
                    (self.receivable.code, 0.0, 19.65),
                ]
            ),
        )
        self.assertEqual(self.account.amount_balance, 0.0)
        self.assertEqual(line1.amount_remaining, 30.0)
        self.assertEqual(self._expense_movement(), (147.75, 65.50))
        # Still at the agency (30.00 still written off) until recalled.
        self.assertEqual(set(referrals.mapped("state")), {"referred"})
