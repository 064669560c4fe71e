# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The access table (``access_matrix.py``) holds over JSON-RPC, for every role.

One ``HttpCase`` class, its users and fixtures made once; each action is
called as each role through ``/web/dataset/call_kw`` and rolled back after.
"""

from datetime import date

from odoo import Command, fields
from odoo.tests import new_test_user, tagged

from ..models.utility_locked_fields_mixin import as_action
from .access_matrix import ACTIONS, MODEL_ACCESS, OK, ROLES
from .common_cashier import CASHIER_GROUPS, CashierCommon
from .common_rpc import RpcCase, RpcError

OPERATIONS = {"c": "create", "r": "read", "w": "write", "u": "unlink"}


class _Rollback(Exception):
    pass


@tagged("post_install", "-at_install")
class TestAccessMatrix(CashierCommon, RpcCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.company
        cls.bank = cls.company_data["default_journal_bank"]
        internal = new_test_user(cls.env, login="ub_plain", groups="base.group_user")
        portal = new_test_user(cls.env, login="ub_portal", groups="base.group_portal")
        # The cashier of the matrix has no e-mail address: a counter clerk often has none.
        cls.cashier.partner_id.email = False
        cls.users = {
            "cashier": cls.cashier,
            "csr": cls.csr,
            "billing": cls.specialist,
            "supervisor": cls.supervisor,
            "internal": internal,
            "portal": portal,
        }
        for user in (cls.csr, cls.specialist, internal, portal):
            user.write({"company_ids": [Command.set(company.ids)], "company_id": company.id})
        cls.fixtures = cls._make_fixtures()

    @classmethod
    def _take(cls, session, amount, user):
        wizard = (
            cls.env["utility.payment.receive"]
            .with_user(user)
            .with_company(cls.company)
            .create(
                {
                    "session_id": session.id,
                    "line_ids": [Command.create({"account_id": cls.account.id, "amount": amount})],
                }
            )
        )
        return wizard._post_payment()

    @classmethod
    def _make_fixtures(cls):
        cody = cls.cashier2
        cody_session = cls._open_session(cody, 50.0)
        cody_payment = cls._take(cody_session, 7.0, cody)
        carla_payment = cls._take(cls.session, 40.0, cls.cashier)
        # Void requests waiting for a supervisor (every void approved, for a moment).
        cls.company.utility_void_approval = "always"
        asked_by_cashier = cls._take(cls.session, 5.0, cls.cashier)
        asked_by_cashier.with_user(cls.cashier)._request_void("Wrong account")
        asked_by_supervisor = cls._take(cls.session, 6.0, cls.cashier)
        asked_by_supervisor.with_user(cls.supervisor)._request_void("Twice")
        cls.company.utility_void_approval = "closed"
        # Counts waiting for approval: $20 short, beyond the $5 tolerance.
        sam = cls.supervisor2
        counted_by_sam = cls._open_session(
            new_test_user(cls.env, login="ub_cy", groups=CASHIER_GROUPS), 30.0
        )
        counted_by_sue = cls._open_session(
            new_test_user(cls.env, login="ub_cz", groups=CASHIER_GROUPS), 30.0
        )
        counted_by_sam.with_user(sam)._count([{"tender": "cash", "amount": 10.0}])
        counted_by_sue.with_user(cls.supervisor)._count([{"tender": "cash", "amount": 10.0}])
        # Deposits waiting for approval, one prepared by the supervisor.
        deposits = {}
        for key, user, float_ in (("csr", cls.csr, 10.0), ("supervisor", cls.supervisor, 20.0)):
            drawer_user = new_test_user(cls.env, login=f"ub_dep_{key}", groups=CASHIER_GROUPS)
            drawer = cls._open_session(drawer_user, float_)
            cls._take(drawer, 12.0, drawer_user)
            drawer.with_user(drawer_user)._count([{"tender": "cash", "amount": float_ + 12.0}])
            deposit = (
                cls.env["utility.deposit"]
                .with_user(user)
                .create({"journal_id": cls.bank.id, "session_ids": [Command.set(drawer.ids)]})
            )
            deposit.action_count_from_receipts()
            deposit.action_prepare()
            deposits[key] = deposit
        location = cls.env["utility.service.location"].create(
            {"street": "9 Matrix Way", "city": "Prairie City", "route_id": cls.route.id}
        )
        pending = cls.env["utility.account"].create(
            {"partner_id": cls.account.partner_id.id, "location_id": location.id}
        )
        # Payment arrangements above the CSR's limit, waiting for a supervisor.
        waiting = {}
        for key, user, account in (
            ("csr", cls.csr, cls.account3),
            ("supervisor", cls.supervisor, cls.account2),
        ):
            cls._post_bill(account, date(2025, 1, 15), {cls.water: 90.0})
            arrangement = (
                cls.env["utility.payment.arrangement"]
                .with_user(user)
                .create(
                    {
                        "account_id": account.id,
                        "date_start": date(2025, 3, 1),
                        "installment_count": 6,
                    }
                )
            )
            arrangement.action_compute_schedule()
            as_action(arrangement).write({"state": "to_approve", "requested_by_id": user.id})
            waiting[key] = arrangement
        shutoff_run, shutoff_line = cls._make_shutoff_list(pending)
        # Write-offs waiting for a supervisor, the bills of 01/15/2025 above past due
        # more than 90 days on 06/01/2025.
        cls.company.utility_bad_debt_account_id = cls.company_data["default_account_expense"]
        write_offs = {}
        for key, user, account in (
            ("specialist", cls.specialist, cls.account3),
            ("supervisor", cls.supervisor, cls.account2),
        ):
            write_off = (
                cls.env["utility.write.off"]
                .with_user(user)
                .create(
                    {
                        "date": date(2025, 6, 1),
                        "approval_reference": "Council Resolution 2025-14",
                        "line_ids": [Command.create({"account_id": account.id})],
                    }
                )
            )
            write_off.action_submit()
            write_offs[key] = write_off
        return {
            "shutoff_run": shutoff_run,
            "shutoff_line": shutoff_line,
            "write_off_by_specialist": write_offs["specialist"],
            "write_off_by_supervisor": write_offs["supervisor"],
            "void_wizard": {"payment_ids": [Command.set(carla_payment.ids)], "reason": "Typo"},
            "void_wizard_other_cashier": {
                "payment_ids": [Command.set(cody_payment.ids)],
                "reason": "Typo",
            },
            "void_requested_by_cashier": asked_by_cashier,
            "void_requested_by_supervisor": asked_by_supervisor,
            "count_by_other_supervisor": counted_by_sam,
            "count_by_supervisor": counted_by_sue,
            "deposit_prepared_by_csr": deposits["csr"],
            "deposit_prepared_by_supervisor": deposits["supervisor"],
            "pending_account": pending,
            "arrangement_by_csr": waiting["csr"],
            "arrangement_by_supervisor": waiting["supervisor"],
            "draft_run": cls._new_run(cls),
            "whatif_without_rates": cls.env["utility.rate.whatif"].create({"name": "Hearing"}),
            "bill": cls.new_bill,
            "settings_wizard": {"utility_over_short_tolerance": 7.5},
            "settings_wizard_other_app": {
                "utility_over_short_tolerance": 7.5,
                "group_multi_currency": not cls.env.user.has_group("base.group_multi_currency"),
            },
        }

    @classmethod
    def _make_shutoff_list(cls, account):
        """A delinquency run whose shut-off list waits in review: one account to
        shut off, its final notice sent."""
        today = fields.Date.context_today(cls.env.user)
        run = cls.env["utility.delinquency.run"].create(
            {
                "cycle_id": cls.cycle.id,
                "journal_id": cls.journal.id,
                "date_due": date(2024, 1, 5),
                "date_penalty": date(2024, 1, 10),
            }
        )
        day = cls.env["utility.shutoff.day"]._get_next_shutoff_day(cls.company, today)
        as_action(run).write({"state": "posted", "shutoff_state": "review", "date_shutoff": day})
        as_action(cls.env["utility.collection.notice"]).create(
            {
                "run_id": run.id,
                "company_id": cls.company.id,
                "account_id": account.id,
                "partner_id": account.partner_id.id,
                "kind": "final",
                "date": today,
                "date_shutoff": today,
                "state": "sent",
            }
        )
        line = as_action(cls.env["utility.shutoff.line"]).create(
            {
                "run_id": run.id,
                "company_id": cls.company.id,
                "account_id": account.id,
                "amount_due": 80.0,
                "skip_reason": "Landlord pays",
            }
        )
        return run, line

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _result_name(self, result):
        return result.name if isinstance(result, RpcError) else OK

    def _call(self, user, model, method, fixture):
        """Call ``method`` as ``user`` on the fixture, then undo what it did."""
        try:
            with self.cr.savepoint():
                if isinstance(fixture, dict):
                    # A wizard: the role fills it in itself.
                    created = self.rpc(user, model, "create", fixture)
                    if isinstance(created, RpcError):
                        outcome = created
                    else:
                        outcome = self.rpc(user, model, method, [created])
                elif method == "read":
                    outcome = self.rpc(user, model, method, fixture.ids, ["name"])
                else:
                    outcome = self.rpc(user, model, method, fixture.ids)
                raise _Rollback(outcome)
        except _Rollback as rollback:
            self.env.invalidate_all()
            return rollback.args[0]

    # ------------------------------------------------------------------
    # The table
    # ------------------------------------------------------------------
    def test_model_access_over_rpc(self):
        mismatches = []
        for model, rights in MODEL_ACCESS.items():
            for role in ROLES:
                for letter, operation in OPERATIONS.items():
                    expected = letter in rights[role]
                    got = self.rpc(self.users[role], model, "has_access", [], operation)
                    if got is not expected:
                        mismatches.append(f"{role} {operation} {model}: {got}, table {expected}")
        self.assertFalse(mismatches, "\n".join(mismatches))

    def test_actions_over_rpc(self):
        mismatches = []
        for label, model, method, fixture_name, expected in ACTIONS:
            fixture = self.fixtures[fixture_name]
            for role in ROLES:
                result = self._call(self.users[role], model, method, fixture)
                if self._result_name(result) != expected[role]:
                    mismatches.append(
                        f"{label} as {role}: {self._result_name(result)}, table {expected[role]}"
                        f" ({getattr(result, 'message', result)!s:.120})"
                    )
        self.assertFalse(mismatches, "\n".join(mismatches))
        # Every call was undone: the next role met the same fixture.
        fixtures = self.fixtures
        self.assertEqual(fixtures["count_by_supervisor"].state, "to_approve")
        self.assertEqual(fixtures["deposit_prepared_by_csr"].state, "prepared")
        self.assertTrue(fixtures["void_requested_by_cashier"].is_void_requested)
        self.assertEqual(fixtures["pending_account"].state, "pending")
        self.assertEqual(fixtures["shutoff_run"].shutoff_state, "review")
        self.assertEqual(fixtures["shutoff_line"].state, "listed")
        self.assertEqual(fixtures["arrangement_by_csr"].state, "to_approve")
        self.assertEqual(self.company.utility_over_short_tolerance, 5.0)
        # A supervisor's save does reach the company (and is refused outside utility).
        settings = self.rpc(
            self.supervisor, "res.config.settings", "create", self.fixtures["settings_wizard"]
        )
        self.rpc(self.supervisor, "res.config.settings", "execute", [settings])
        self.company.invalidate_recordset()
        self.assertEqual(self.company.utility_over_short_tolerance, 7.5)

    def test_a_cashier_without_email_closes_the_drawer(self):
        self.assertFalse(self.cashier.email)
        wizard = self.rpc(
            self.cashier,
            "utility.cashier.session.close",
            "create",
            {"session_id": self.session.id},
        )
        self.assertIsInstance(wizard, int, wizard)
        result = self.rpc(self.cashier, "utility.cashier.session.close", "action_confirm", [wizard])
        self.assertNotIsInstance(result, RpcError, result)
        self.session.invalidate_recordset()
        self.assertIn(self.session.state, ("closed", "to_approve"))
        counted = self.session.message_ids.filtered(lambda m: "Drawer counted" in (m.body or ""))
        self.assertEqual(counted.author_id, self.cashier.partner_id)
