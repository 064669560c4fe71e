# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common_lien import TODAY, LienCommon

CSR = "base.group_user,utility_billing.group_utility_csr"


@tagged("post_install", "-at_install")
class TestLienPropose(LienCommon):
    """Propose Liens on 06/02/2025, open accounts past due at least 60 days
    (Lockland, OH, § 1040.05 (d): "due and unpaid for at least 60 days",
    https://codelibrary.amlegal.com/codes/lockland/latest/lockland_oh/0-0-0-10145),
    balances over 100.00:

    - OLD: open, 122.35 due 03/21/2025 (73 days): proposed;
    - YOUNG: open, 250.00 due 05/21/2025 (12 days): not yet;
    - CLOSED: closed owing 140.00 due 05/21/2025: proposed, whatever its age;
    - SMALL: open, 80.00 due 03/21/2025: not over the 100.00 minimum;
    - ESTATE: open, 300.00 due 03/21/2025, an estate: held;
    - LIENED: open, 175.00 due 03/21/2025, a lien already: not twice.

    Largest balance first: CLOSED 140.00, OLD 122.35.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.utility_lien_propose_days = 60
        cls.company.utility_lien_propose_min_balance = 100.0
        more = cls._make_accounts(3, readings=False, prefix="LIEN")
        cls.old, cls.young, cls.closed = cls.account, cls.account2, cls.account3
        cls.small, cls.estate, cls.liened = more
        march, may = date(2025, 3, 1), date(2025, 5, 1)
        cls._post_bill(cls.old, march, {cls.water: 80.0, cls.sewer: 42.35})
        cls._post_bill(cls.young, may, {cls.water: 250.0})
        cls._post_bill(cls.closed, may, {cls.water: 140.0})
        cls._post_bill(cls.small, march, {cls.water: 80.0})
        cls._post_bill(cls.estate, march, {cls.water: 300.0})
        cls._post_bill(cls.liened, march, {cls.water: 175.0})
        cls.closed._as_action().write({"state": "closed"})
        cls.estate.is_estate = True
        cls.env["utility.lien"].create({"account_id": cls.liened.id})
        cls.csr = new_test_user(cls.env, login="ub_lien_propose_csr", groups=CSR)

    def _wizard(self, user=None):
        Propose = self.env["utility.lien.propose"].with_user(user or self.clerk)
        with self._today(TODAY):
            return Propose.create(Propose.default_get(["date", "line_ids"]))

    def test_the_rule_selects_closed_and_long_delinquent_accounts(self):
        ours = self.old | self.young | self.closed | self.small | self.estate | self.liened
        proposals = [
            (p["account"], p["amount_balance"], p["date_oldest_due"])
            for p in self.env["utility.account"]._get_lien_proposals(TODAY)
            if p["account"] in ours
        ]
        self.assertEqual(
            proposals,
            [(self.closed, 140.0, date(2025, 5, 21)), (self.old, 122.35, date(2025, 3, 21))],
        )
        # On 05/20/2025 OLD is 60 days past due: proposed on the day it qualifies.
        day = date(2025, 5, 20)
        accounts = [p["account"] for p in self.env["utility.account"]._get_lien_proposals(day)]
        self.assertIn(self.old, accounts)
        accounts = [
            p["account"] for p in self.env["utility.account"]._get_lien_proposals(date(2025, 5, 19))
        ]
        self.assertNotIn(self.old, accounts)

    def test_create_draft_liens_once(self):
        wizard = self._wizard()
        lines = wizard.line_ids.filtered(lambda line: line.account_id in self.old | self.closed)
        self.assertEqual(lines.mapped("days_past_due"), [12, 73])
        self.assertFalse(wizard.line_ids.account_id & (self.young | self.estate | self.liened))
        with self.assertRaisesRegex(UserError, "Select the accounts to lien"):
            wizard.action_create_liens()
        lines.is_selected = True
        action = wizard.action_create_liens()
        liens = self.env["utility.lien"].search(action["domain"])
        self.assertEqual(liens.account_id, self.old | self.closed)
        self.assertEqual(set(liens.mapped("state")), {"to_certify"})
        self.assertFalse(any(liens.mapped("date_notice")))
        # A second click creates nothing and says why.
        with self.assertRaisesRegex(UserError, "nothing was created"):
            wizard.action_create_liens()
        self.assertEqual(
            self.env["utility.lien"].search_count([("account_id", "in", lines.account_id.ids)]),
            2,
        )
        # Proposed no more.
        self.assertFalse(self._wizard().line_ids.account_id & (self.old | self.closed))

    def test_an_account_not_proposed_is_refused(self):
        """A client sending a line of its own (an estate, a young balance) gets
        nothing: the rule is checked again on create."""
        wizard = self._wizard()
        wizard.line_ids = [
            Command.create({"account_id": self.estate.id, "is_selected": True}),
            Command.create({"account_id": self.old.id, "is_selected": True}),
        ]
        with self._today(TODAY), self.assertRaisesRegex(UserError, "ESTATE|LIEN") as caught:
            wizard.action_create_liens()
        self.assertIn(self.estate.display_name, str(caught.exception))
        self.assertNotIn(self.old.display_name, str(caught.exception))
        self.assertFalse(self.env["utility.lien"].search([("account_id", "=", self.old.id)]))

    def test_held_account_is_not_certified(self):
        lien = self.env["utility.lien"].create({"account_id": self.estate.id})
        self._print_notice(lien, date(2025, 5, 1))
        with self._today(TODAY), self.assertRaisesRegex(UserError, "held from liens: estate"):
            lien.with_user(self.clerk).action_certify()
        self.assertEqual(lien.state, "to_certify")

    def test_customer_service_does_not_propose(self):
        with self.assertRaises(AccessError):
            self._wizard(self.csr)

    def test_proposals_take_as_many_queries_for_more_accounts(self):
        """One grouped query over the ledger (and the holds' batch queries),
        whatever the number of accounts."""
        Account = self.env["utility.account"]

        def measure():
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            count = len(Account._get_lien_proposals(TODAY))
            return self.cr.sql_log_count - before, count

        measure()  # caches of the first call (access rights, currencies)
        queries, count = measure()
        more = self._make_accounts(3, readings=False, prefix="MORE")
        for account in more:
            self._post_bill(account, date(2025, 3, 1), {self.water: 150.0})
        self.assertEqual(measure(), (queries, count + 3))
