# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from ..models.utility_locked_fields_mixin import as_action
from .common_rpc import RpcCase
from .test_write_off import WriteOffCommon

CSR = "base.group_user,utility_billing.group_utility_csr"


class AgencyRuleCommon(WriteOffCommon):
    """Accounts of ``WriteOffCommon``: account 1 owes 95.50 and account 2 52.25,
    both past due since 01/21/2025; account 3 owes 33.00 due 04/21/2025.

    Rules cited:
    - Union City, IN, Code § 40.03 (B)
      (https://codelibrary.amlegal.com/codes/unioncityin/latest/unioncity_in/0-0-0-8729):
      accounts 90 days past due may be referred to a collection agency. 01/21/2025
      + 90 days = 04/21/2025: on 04/20 nothing is proposed, on 04/21 accounts 1 and 2.
    - Wellston, OK, Code § 52.063 (A)
      (https://codelibrary.amlegal.com/codes/wellstonok/latest/wellston_ok/0-0-0-1550):
      "Once a closed account shows up on the aging report as two months past due,
      the town reserves the right to send the account to the town's collection
      processor": closed accounts only, 60 days.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.csr = new_test_user(
            cls.env,
            login="ub_agr_csr",
            groups=CSR,
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.company.write(
            {
                "utility_agency_min_days": 90,
                "utility_agency_min_balance": 0.0,
                "utility_agency_closed_only": False,
            }
        )

    def _refer(self, account):
        return (
            self.env["utility.agency.referral"]
            .with_user(self.preparer)
            ._refer(account, date(2025, 5, 1), origin="manual", reason="Moved away")
        )

    def _proposed(self, day):
        Candidate = self.env["utility.agency.candidate"].with_user(self.preparer)
        return {
            vals["account_id"]: vals
            for vals in Candidate._get_candidate_vals_list(self.company, day)
        }


@tagged("post_install", "-at_install")
class TestAgencyRule(AgencyRuleCommon):
    def test_union_city_90_days(self):
        self.assertFalse(self._proposed(date(2025, 4, 20)))
        proposed = self._proposed(date(2025, 4, 21))
        self.assertEqual(set(proposed), {self.account.id, self.account2.id})
        row = proposed[self.account.id]
        self.assertEqual(row["amount_balance"], 95.50)
        self.assertEqual(row["amount_past_due"], 95.50)
        self.assertEqual(row["days_past_due"], 90)
        self.assertEqual(row["date_last_payment"], date(2025, 2, 1))
        self.assertFalse(row["is_closed"])
        self.assertFalse(proposed[self.account2.id]["date_last_payment"])
        # Largest balance first.
        self.assertEqual(list(proposed), [self.account.id, self.account2.id])

    def test_minimum_balance(self):
        """A minimum of 60.00: account 2's 52.25 is below it, account 1's 95.50 is
        not; a minimum of exactly 95.50 still proposes account 1."""
        self.company.utility_agency_min_balance = 60.0
        self.assertEqual(set(self._proposed(date(2025, 5, 1))), {self.account.id})
        self.company.utility_agency_min_balance = 95.50
        self.assertEqual(set(self._proposed(date(2025, 5, 1))), {self.account.id})
        self.company.utility_agency_min_balance = 95.51
        self.assertFalse(self._proposed(date(2025, 5, 1)))

    def test_wellston_closed_accounts_only(self):
        self.company.write({"utility_agency_min_days": 60, "utility_agency_closed_only": True})
        self.assertFalse(self._proposed(date(2025, 3, 22)))
        as_action(self.account2).state = "final_billed"  # what a final bill does
        # 01/21 + 60 days = 03/22: account 2 closed, account 1 open.
        self.assertFalse(self._proposed(date(2025, 3, 21)))
        proposed = self._proposed(date(2025, 3, 22))
        self.assertEqual(set(proposed), {self.account2.id})
        self.assertTrue(proposed[self.account2.id]["is_closed"])

    def test_held_and_referred_accounts_are_never_proposed(self):
        self.account2.is_bankruptcy = True  # no stay dates yet: held
        self.assertEqual(set(self._proposed(date(2025, 5, 1))), {self.account.id})
        self.env["utility.agency.referral"].with_user(self.preparer)._refer(
            self.account, date(2025, 5, 1), origin="manual", reason="Skipped town"
        )
        self.assertFalse(self._proposed(date(2025, 5, 1)))

    def test_list_reads_the_same_queries_for_more_accounts(self):
        """Grouped queries, no search per account: five accounts to refer cost
        the queries two do."""
        Candidate = self.env["utility.agency.candidate"].with_user(self.preparer)

        def count():
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            vals_list = Candidate._get_candidate_vals_list(self.company, date(2025, 5, 1))
            return self.env.cr.sql_log_count - before, len(vals_list)

        count()  # the first call fills the caches (access rules, groups)
        queries, proposed = count()
        self.assertEqual(proposed, 2)
        more = self._make_accounts(3, readings=False, prefix="AGQ")
        for account in more:
            self._post_bill(account, date(2025, 1, 1), {self.water: 20.0})
        self.assertEqual(count(), (queries, 5))

    @freeze_time("2025-05-01")
    def test_refer_from_the_list_once(self):
        Candidate = self.env["utility.agency.candidate"].with_user(self.preparer)
        action = Candidate.action_open()
        candidates = Candidate.search(action["domain"])
        self.assertEqual(candidates.account_id, self.account | self.account2)
        candidates.action_refer()
        referrals = self.env["utility.agency.referral"].search([])
        self.assertEqual(referrals.account_id, self.account | self.account2)
        self.assertEqual(set(referrals.mapped("origin")), {"rule"})
        self.assertEqual(sorted(referrals.mapped("amount_referred")), [52.25, 95.50])
        self.assertEqual(set(referrals.mapped("date_referred")), {date(2025, 5, 1)})
        self.assertEqual(candidates.referral_id, referrals)
        # A second click refers nothing twice: refused by name, nothing created.
        with self.assertRaisesRegex(UserError, "already at the agency"):
            candidates.action_refer()
        self.assertEqual(self.env["utility.agency.referral"].search_count([]), 2)
        # Opened again, the list proposes neither of them.
        self.assertFalse(Candidate.search(Candidate.action_open()["domain"]))

    def test_menu_and_views_open(self):
        action = (
            self.env.ref("utility_billing.utility_agency_candidate_action")
            .with_user(self.preparer)
            .run()
        )
        self.assertEqual(action["res_model"], "utility.agency.candidate")
        for model, user in (
            ("utility.agency.candidate", self.preparer),
            ("utility.agency.referral", self.csr),
            ("utility.account", self.csr),
            ("utility.write.off.recovery", self.preparer),
        ):
            views = self.env[model].with_user(user).get_views([(False, "list"), (False, "form")])
            self.assertTrue(views["views"]["list"]["arch"])
        # A cashier reads no referral but sees the ribbon.
        cashier = new_test_user(
            self.env,
            login="ub_agr_cashier",
            groups="base.group_user,utility_billing.group_utility_cashier",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        self._refer(self.account3)
        values = self.account3.with_user(cashier).read(["is_at_agency", "agency_referral_count"])
        self.assertEqual((values[0]["is_at_agency"], values[0]["agency_referral_count"]), (True, 1))
        self.assertEqual(
            self.env["utility.account"].with_user(cashier).search([("is_at_agency", "=", True)]),
            self.account3,
        )

    def test_csr_opens_no_list(self):
        with self.assertRaises(AccessError):
            self.env["utility.agency.candidate"].with_user(self.csr).action_open()


@tagged("post_install", "-at_install")
class TestAgencyManualReferral(AgencyRuleCommon):
    @freeze_time("2025-05-01")
    def test_manual_referral_keeps_its_reason(self):
        action = self.account3.with_user(self.preparer).action_refer_to_agency()
        self.assertEqual(action["res_model"], "utility.account.agency.referral")
        wizard = (
            self.env["utility.account.agency.referral"]
            .with_user(self.preparer)
            .with_context(**action["context"])
            .create({"reason": "Moved out of state, no forwarding address"})
        )
        wizard.action_refer()
        referral = self.account3._get_live_referrals()
        self.assertEqual(referral.origin, "manual")
        self.assertEqual(referral.reason, "Moved out of state, no forwarding address")
        self.assertEqual(referral.amount_referred, 33.0)
        self.assertEqual(referral.referred_by_id, self.preparer)
        # The badge, the smart button and the filter.
        self.account3.invalidate_recordset()
        self.assertTrue(self.account3.is_at_agency)
        self.assertEqual(self.account3.agency_referral_count, 1)
        self.assertFalse(self.account.is_at_agency)
        Account = self.env["utility.account"].with_user(self.csr)
        self.assertEqual(Account.search([("is_at_agency", "=", True)]), self.account3)
        self.assertNotIn(self.account3, Account.search([("is_at_agency", "=", False)]))
        self.assertEqual(
            self.account3.action_view_agency_referrals()["domain"],
            [("account_id", "=", self.account3.id)],
        )
        # Recalled, the badge goes.
        referral.with_user(self.preparer).action_recall()
        self.account3.invalidate_recordset()
        self.assertFalse(self.account3.is_at_agency)
        self.assertEqual(self.account3.agency_referral_count, 1)

    def test_no_reason_refers_nothing(self):
        Referral = self.env["utility.agency.referral"].with_user(self.preparer)
        with self.assertRaisesRegex(UserError, "Enter the reason"):
            Referral._refer(self.account3, date(2025, 5, 1), origin="manual", reason="  ")
        self.assertFalse(Referral.search([]))

    def test_csr_is_refused(self):
        with self.assertRaisesRegex(AccessError, "Only billing staff"):
            self.account3.with_user(self.csr).action_refer_to_agency()
        with self.assertRaises(AccessError):
            self.env["utility.account.agency.referral"].with_user(self.csr).create(
                {"account_id": self.account3.id, "reason": "test"}
            )
        self.assertFalse(self.env["utility.agency.referral"].search([]))


@tagged("post_install", "-at_install")
class TestAgencyReferralRpc(AgencyRuleCommon, RpcCase):
    def test_csr_refers_nothing_over_rpc(self):
        self.assertRpcRefused(
            self.rpc(self.csr, "utility.account", "action_refer_to_agency", self.account3.ids),
            "AccessError",
            "Only billing staff",
        )
        self.assertRpcRefused(
            self.rpc(
                self.csr,
                "utility.account.agency.referral",
                "create",
                {"account_id": self.account3.id, "reason": "by script"},
            )
        )
        self.assertRpcRefused(
            self.rpc(
                self.csr,
                "utility.agency.referral",
                "create",
                {"account_id": self.account3.id, "date_referred": "2025-05-01"},
            )
        )
        self.assertRpcRefused(
            self.rpc(self.csr, "utility.agency.candidate", "action_open"),
        )
        # A billing clerk cannot type a referral in either: only _refer creates one.
        result = self.rpc(
            self.preparer,
            "utility.agency.referral",
            "create",
            {
                "account_id": self.account3.id,
                "date_referred": "2025-05-01",
                "origin": "manual",
                "reason": "typed in",
            },
        )
        self.assertRpcRefused(result, "AccessError", "buttons only")
        self.assertFalse(self.env["utility.agency.referral"].search([]))
