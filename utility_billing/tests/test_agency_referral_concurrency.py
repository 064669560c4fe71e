# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Two clerks refer the same account at the same time: two real transactions,
each in its own thread and cursor (see ``common_race``). The one-live-referral
index makes the second wait for the first; once the first commits, the second
gets a plain message naming the account, not a database error."""

import threading
import uuid
from unittest.mock import patch

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged

from .common_race import TIMEOUT, RaceMixin


@tagged("post_install", "-at_install")
class TestAgencyReferralConcurrency(RaceMixin, TransactionCase):
    def setUp(self):
        super().setUp()
        self.token = uuid.uuid4().hex[:6].upper()
        self.data = {}
        self.addCleanup(self._drop_data)
        with self.registry.cursor() as cr:
            env = self._env(cr)
            partner = env["res.partner"].create({"name": f"Race customer {self.token}"})
            premise = env["utility.service.location"].create(
                {"street": f"{self.token} Race St", "city": "Prairie City"}
            )
            account = env["utility.account"].create(
                {"partner_id": partner.id, "location_id": premise.id}
            )
            self.data = {
                "partners": (partner | premise.fsm_location_id.partner_id).ids,
                "premise": premise.id,
                "fsm_location": premise.fsm_location_id.id,
                "account": account.id,
            }
        # The account owes 80.00 (its ledger is not what this test is about).
        account_class = type(self.env["utility.account"])

        def owes_80(accounts):
            for account in accounts:
                account.amount_balance = 80.0

        patcher = patch.object(account_class, "_compute_amount_balance", owes_80)
        patcher.start()
        self.addCleanup(patcher.stop)

    def _drop_data(self):
        data = self.data
        if not data:
            return
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT id FROM utility_agency_referral WHERE account_id = %s", [data["account"]]
            )
            referrals = [row[0] for row in cr.fetchall()]
            self._delete_committed(
                cr,
                [
                    ("utility.agency.referral", referrals),
                    ("utility.account", [data["account"]]),
                    ("utility.service.location", [data["premise"]]),
                    ("fsm.location", [data["fsm_location"]] if data["fsm_location"] else []),
                    ("res.partner", data["partners"]),
                ],
            )
        self.data = {}

    def _refer(self, env, outcome):
        account = env["utility.account"].browse(self.data["account"])
        outcome["referrals"] = (
            env["utility.agency.referral"]
            ._refer(account, fields.Date.today(), reason=f"Clerk {outcome['clerk']}")
            .ids
        )
        outcome["referred"].set()
        if "go_commit" in outcome:
            assert outcome["go_commit"].wait(TIMEOUT), "never told to commit"
        outcome["done"] = True

    def test_second_clerk_gets_a_plain_message(self):
        """Clerk A has referred the account but not committed; clerk B checks,
        finds no live referral, and waits on A's insert. A commits: B is told
        the account was just referred, and only A's referral exists."""
        first = {"clerk": "A", "referred": threading.Event(), "go_commit": threading.Event()}
        second = {"clerk": "B", "referred": threading.Event()}
        side_a = self._side("clerk A", self._refer, first)
        side_b = self._side("clerk B", self._refer, second)
        side_a.start()
        self.assertTrue(first["referred"].wait(TIMEOUT), first.get("error"))
        side_b.start()
        self.assertTrue(self._wait_until_blocked(second), second.get("error"))
        first["go_commit"].set()
        side_a.join(TIMEOUT)
        side_b.join(TIMEOUT)
        self.assertNotIn("error", first)
        self.assertIsInstance(second.get("error"), UserError, second.get("error"))
        self.assertIn("was just referred by another user", str(second["error"].args[0]))
        self.assertIn(f"{self.token} Race St", str(second["error"].args[0]))
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT id, reason FROM utility_agency_referral WHERE account_id = %s",
                [self.data["account"]],
            )
            self.assertEqual(cr.fetchall(), [(first["referrals"][0], "Clerk A")])
