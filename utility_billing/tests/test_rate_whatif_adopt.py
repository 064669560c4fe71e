# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Adopt: the proposal the council votes goes in force from a given day.

The city: Modesto, CA, "How much will monthly rates increase for the average
customer?" (https://modestogov.com/FAQ.aspx?QID=758): a 1-inch meter pays a
base rate of $36.83 and $2.02 per hundred cubic feet (CCF) today; the proposed
rates are $38.55 and $2.11 per CCF. A rate change inside a billed period is
prorated by days (``utility.rate.schedule``: "a period straddling it is
prorated by days"): the base charge by days, the usage split by days.
"""

from datetime import date

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, freeze_time, new_test_user, tagged

from .common_rate_whatif import RateWhatifCommon
from .common_rpc import RpcCase

DECEMBER = date(2024, 12, 3)
JANUARY = date(2025, 1, 3)
FEBRUARY = date(2025, 2, 3)
MARCH = date(2025, 3, 3)
ADOPTED = date(2025, 1, 19)


@tagged("post_install", "-at_install")
class TestRateWhatifAdopt(RateWhatifCommon, RpcCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.modesto, cls.proposed = cls._modesto_proposal("MOD-A")
        cls.in_force = cls.modesto.version_ids - cls.proposed
        cls.supervisor = new_test_user(
            cls.env,
            login="ub_adopt_supervisor",
            groups="base.group_user,utility_billing.group_utility_supervisor",
        )
        cls.billing_user = new_test_user(
            cls.env,
            login="ub_adopt_billing",
            groups="base.group_user,utility_billing.group_utility_billing",
        )

    def _billed_account(self):
        """A 1-inch account read in CCF, its December bill (20 CCF) posted."""
        account = self._account([(self.modesto, {})], meter_unit="ccf", meter_size="1")
        self._read(account, 20, DECEMBER, JANUARY)
        december = self._bill(account, JANUARY)
        # 36.83 + 20 x 2.02 = 36.83 + 40.40
        self._assert_bill(december, "77.23", ["36.83", "40.40"])
        return account, december

    @staticmethod
    def _tracked(records):
        """``records`` with the chatter's tracking on (the test base turns it off)."""
        return records.with_context(tracking_disable=False, mail_notrack=False)

    def _flush_tracking(self):
        # Odoo writes tracking values when the transaction commits.
        self.env.flush_all()
        self.env.cr.precommit.run()
        self.env.invalidate_all()

    def _adopt(self, versions, day, reference, user=None):
        action = versions.with_user(user or self.supervisor).action_open_adopt()
        wizard = self._tracked(self.env[action["res_model"]]).with_user(user or self.supervisor)
        wizard = wizard.browse(action["res_id"])
        wizard.write({"date_effective": day, "reference": reference})
        return wizard.action_adopt()

    # ------------------------------------------------------------------
    # Adopted rates bill from their day, prorated across it
    # ------------------------------------------------------------------
    def test_adopt_bills_across_the_date(self):
        """Adopted from January 19, 2025 (Ordinance 2025-07). The December bill
        stays $77.23. The bill read January 3 to February 3 (31 days, 31 CCF)
        is cut on January 19: 16 days at today's rates, 15 at the adopted ones.
        Base 36.83 x 16/31 = 19.0090 -> 19.01; water 31 x 16/31 = 16 CCF x 2.02
        = 32.32; base 38.55 x 15/31 = 18.6532 -> 18.65; water 15 CCF x 2.11 =
        31.65; total 19.01 + 32.32 + 18.65 + 31.65 = $101.63. The bill read
        February 3 to March 3 (10 CCF) is all adopted: 38.55 + 21.10 = $59.65."""
        account, december = self._billed_account()
        # Drop what the fixtures queued without tracking (callbacks keep their context).
        self.env.cr.precommit.clear()
        self._adopt(self.proposed, ADOPTED, " Ordinance 2025-07 ")
        self.assertFalse(self.proposed.is_proposed)
        self.assertEqual(self.proposed.date_start, ADOPTED)
        self.assertEqual(self.proposed.name, "Ordinance 2025-07")
        self.assertEqual(self.proposed.adopted_by_id, self.supervisor)
        # The version in force until then ends the day before, by its own rule.
        self.assertEqual(self.in_force.date_end, date(2025, 1, 18))
        self.assertFalse(self.proposed.date_end)
        self.assertEqual(self.modesto.current_version_id, self.proposed)
        # Tracked on the version, told on the schedule.
        self._flush_tracking()
        tracked = self.proposed.sudo().message_ids.tracking_value_ids.field_id.mapped("name")
        self.assertIn("is_proposed", tracked)
        self.assertIn("date_start", tracked)
        self.assertIn("name", tracked)
        self.assertIn("Ordinance 2025-07", self.modesto.message_ids[0].body)
        # Posted bills never change.
        self._assert_bill(december, "77.23", ["36.83", "40.40"])
        self.assertEqual(december.invoice_line_ids.utility_rate_line_id.version_id, self.in_force)

        self._read_meters(account.service_ids.meter_id, FEBRUARY, [51.0])
        january = self._bill(account, FEBRUARY)
        self._assert_bill(january, "101.63", ["19.01", "32.32", "18.65", "31.65"])
        self.assertEqual(
            january.invoice_line_ids.utility_rate_line_id.version_id, self.in_force | self.proposed
        )
        self._read_meters(account.service_ids.meter_id, MARCH, [61.0])
        february = self._bill(account, MARCH)
        self._assert_bill(february, "59.65", ["38.55", "21.10"])

        # Twice: refused, nothing changes.
        with self.assertRaisesRegex(UserError, "cannot be adopted twice"):
            self.proposed.with_user(self.supervisor)._adopt(MARCH, "Ordinance 2025-09")
        self.assertEqual(self.proposed.date_start, ADOPTED)

    def test_adopt_refused_before_the_last_billed_day(self):
        """December is billed up to January 3, 2025 (the read date, excluded):
        adopting from January 2 would change a billed day; refused in plain words,
        nothing changes. From January 3 it is adopted."""
        account, _december = self._billed_account()
        with self.assertRaises(UserError) as caught:
            self._adopt(self.proposed, date(2025, 1, 2), "Ordinance 2025-07")
        message = str(caught.exception)
        self.assertIn(f"{account.cycle_id.display_name} is billed up to 01/03/2025", message)
        self.assertIn("can take effect on 01/03/2025 or later", message)
        self.assertTrue(self.proposed.is_proposed)
        self.assertEqual(self.proposed.date_start, date(2025, 7, 1))
        self.assertFalse(self.in_force.date_end)
        self._adopt(self.proposed, JANUARY, "Ordinance 2025-07")
        self.assertEqual(self.in_force.date_end, date(2025, 1, 2))

    def test_adopt_bad_input(self):
        """No reference, a day another version already starts on, rates in force
        after the day: each refused with its reason, nothing changes."""
        with self.assertRaisesRegex(UserError, "ordinance or resolution"):
            self._adopt(self.proposed, ADOPTED, "  ")
        with self.assertRaisesRegex(UserError, "already has a version starting on 01/01/2024"):
            self._adopt(self.proposed, date(2024, 1, 1), "Ordinance 2025-07")
        self.env["utility.rate.version"].create(
            {"schedule_id": self.modesto.id, "date_start": "2025-03-01", "name": "Later"}
        )
        with self.assertRaisesRegex(UserError, "rates in force from 03/01/2025"):
            self._adopt(self.proposed, ADOPTED, "Ordinance 2025-07")
        self.assertTrue(self.proposed.is_proposed)
        self.assertEqual(self.proposed.date_start, date(2025, 7, 1))
        with self.assertRaisesRegex(UserError, "not a proposed version"):
            self.in_force.with_user(self.supervisor)._adopt(date(2026, 1, 1), "Ordinance")

    # ------------------------------------------------------------------
    # Adopt on the what-if
    # ------------------------------------------------------------------
    def test_adopt_on_the_whatif(self):
        """The what-if the council saw is adopted: its versions go in force, the
        day and the ordinance are kept (tracked), its figures stay final."""
        self._billed_account()
        whatif = self._new_whatif(self.proposed, "0, 15", name="Modesto proposal")
        with self.assertRaisesRegex(UserError, "Compute the what-if first"):
            whatif.with_user(self.supervisor).action_open_adopt()
        whatif.action_compute()
        proposed_total = whatif.amount_proposed
        action = whatif.with_user(self.supervisor).action_open_adopt()
        wizard = self._tracked(self.env[action["res_model"]]).with_user(self.supervisor)
        wizard = wizard.browse(action["res_id"])
        self.assertEqual(wizard.version_ids, self.proposed)
        wizard.write({"date_effective": ADOPTED, "reference": "Resolution 2025-3"})
        self.env.cr.precommit.clear()
        wizard.action_adopt()
        self.assertEqual(whatif.state, "adopted")
        self.assertEqual(whatif.date_adopted, ADOPTED)
        self.assertEqual(whatif.adoption_reference, "Resolution 2025-3")
        self.assertEqual(whatif.adopted_by_id, self.supervisor)
        self.assertFalse(self.proposed.is_proposed)
        self.assertEqual(self.proposed.date_start, ADOPTED)
        self._flush_tracking()
        tracked = whatif.sudo().message_ids.tracking_value_ids.field_id.mapped("name")
        self.assertIn("adoption_reference", tracked)
        self.assertIn("date_adopted", tracked)
        # Final: figures kept, printable, never computed nor adopted again.
        self.assertEqual(whatif.amount_proposed, proposed_total)
        self.assertTrue(whatif.action_print_pdf())
        with self.assertRaisesRegex(UserError, "was adopted"):
            whatif.action_reset_to_draft()
        with self.assertRaisesRegex(UserError, "was adopted"):
            whatif.action_compute()
        with self.assertRaisesRegex(UserError, "was adopted"):
            whatif.with_user(self.supervisor).action_open_adopt()
        with self.assertRaisesRegex(UserError, "was adopted"):
            wizard.action_adopt()
        with self.assertRaisesRegex(UserError, "cannot be adopted twice"):
            self.proposed.with_user(self.supervisor)._adopt(MARCH, "Again")
        with self.assertRaises(AccessError):
            whatif.adoption_reference = "Changed by hand"

    def test_adopt_from_the_version_adopts_its_whatifs(self):
        """Adopted from the version's form: the computed what-if naming it becomes
        Adopted with the same day and ordinance (recomputing it would find no
        proposed version); a draft what-if stays a draft."""
        self._billed_account()
        computed = self._new_whatif(self.proposed, "15", name="Hearing")
        computed.action_compute()
        draft = self._new_whatif(self.proposed, "15", name="Not computed")
        self._adopt(self.proposed, ADOPTED, "Ordinance 2025-07")
        self.assertEqual(computed.state, "adopted")
        self.assertEqual(computed.date_adopted, ADOPTED)
        self.assertEqual(computed.adoption_reference, "Ordinance 2025-07")
        self.assertEqual(computed.adopted_by_id, self.supervisor)
        self.assertEqual(draft.state, "draft")
        with self.assertRaisesRegex(UserError, "was adopted"):
            computed.action_compute()

    def _rpc_write(self, version, vals):
        """``version.write(vals)`` over JSON-RPC, as the supervisor."""
        return self.rpc(self.supervisor, "utility.rate.version", "write", [version.id], vals)

    def test_proposed_changes_through_adopt_only(self):
        """Unticking Proposed by hand skips Adopt's checks: refused, for the
        supervisor and under sudo, through the ORM (the form) and over RPC.
        Ticking a version that priced a bill is refused; an unbilled one can be
        proposed. Adopt itself still takes the version out of proposed."""
        self._billed_account()
        for version in (self.proposed.with_user(self.supervisor), self.proposed.sudo()):
            with self.assertRaisesRegex(UserError, "through the Adopt button only"):
                version.write({"is_proposed": False})
        self.assertRpcRefused(
            self._rpc_write(self.proposed, {"is_proposed": False}),
            "UserError",
            "click Adopt instead of unticking Proposed",
        )
        # The version in force priced the December bill.
        with self.assertRaisesRegex(UserError, "has priced bills"):
            self.in_force.with_user(self.supervisor).write({"is_proposed": True})
        self.assertRpcRefused(
            self._rpc_write(self.in_force, {"is_proposed": True}), "UserError", "has priced bills"
        )
        # Who adopted is written by Adopt only.
        with self.assertRaises(AccessError):
            self.proposed.with_user(self.supervisor).adopted_by_id = self.supervisor
        self.assertRpcRefused(self._rpc_write(self.proposed, {"adopted_by_id": self.supervisor.id}))
        self.proposed.invalidate_recordset()
        self.in_force.invalidate_recordset()
        self.assertTrue(self.proposed.is_proposed)
        self.assertFalse(self.in_force.is_proposed)
        self.assertFalse(self.proposed.adopted_by_id)
        # The rest of a proposal is still edited by hand; an unbilled version
        # can become a proposal.
        self.proposed.with_user(self.supervisor).name = "Proposed, second reading"
        later = self.env["utility.rate.version"].create(
            {"schedule_id": self.modesto.id, "date_start": "2026-01-01", "name": "Later"}
        )
        later.with_user(self.supervisor).is_proposed = True
        self.assertTrue(later.is_proposed)
        self._adopt(self.proposed, ADOPTED, "Ordinance 2025-07")
        self.assertFalse(self.proposed.is_proposed)
        self.assertEqual(self.proposed.adopted_by_id, self.supervisor)

    def test_proposed_box_shown_not_editable_once_saved(self):
        """The version form shows a saved proposal's Proposed box without
        letting anyone untick it (Adopt is the way out: the write would be
        refused on save); a new version and an adopted one can be ticked."""
        Version = self.env["utility.rate.version"].with_user(self.supervisor)
        form = Form(self.proposed.with_user(self.supervisor))
        with self.assertRaisesRegex(AssertionError, "readonly"):
            form.is_proposed = False
        form = Form(Version.with_context(default_schedule_id=self.modesto.id))
        form.date_start = date(2026, 1, 1)
        form.name = "Later"
        form.is_proposed = True
        self.assertTrue(form.save().is_proposed)
        form = Form(self.in_force.with_user(self.supervisor))
        form.is_proposed = True  # editable; the save is what checks billed prices

    # ------------------------------------------------------------------
    # Roles: ORM and RPC
    # ------------------------------------------------------------------
    def test_adopt_refused_for_billing_specialist(self):
        version = self.proposed
        with self.assertRaises(AccessError):
            version.with_user(self.billing_user).action_open_adopt()
        with self.assertRaises(AccessError):
            version.with_user(self.billing_user)._adopt(ADOPTED, "Ordinance 2025-07")
        with self.assertRaises(AccessError):
            self.env["utility.rate.version.adopt"].with_user(self.billing_user).create(
                {"version_ids": [Command.set(version.ids)], "date_effective": ADOPTED}
            )
        # Over JSON-RPC, as any client would try it.
        self.assertRpcRefused(
            self.rpc(self.billing_user, "utility.rate.version", "action_open_adopt", [version.id])
        )
        self.assertRpcRefused(
            self.rpc(
                self.billing_user,
                "utility.rate.version.adopt",
                "create",
                {
                    "version_ids": [[6, 0, version.ids]],
                    "date_effective": "2025-01-19",
                    "reference": "Ordinance 2025-07",
                },
            )
        )
        self.assertRpcRefused(
            self.rpc(
                self.billing_user,
                "utility.rate.version",
                "write",
                [version.id],
                {"is_proposed": False, "date_start": "2025-01-19"},
            )
        )
        self.assertRpcRefused(
            self.rpc(self.billing_user, "utility.rate.version", "_adopt", [version.id]),
        )
        whatif = self._new_whatif(version, "15")
        self.assertRpcRefused(
            self.rpc(self.billing_user, "utility.rate.whatif", "action_open_adopt", [whatif.id])
        )
        self.assertTrue(version.is_proposed)
        # The supervisor does it over the same route.
        action = self.rpc(
            self.supervisor, "utility.rate.version", "action_open_adopt", [version.id]
        )
        wizard_id = action["res_id"]
        self.rpc(
            self.supervisor,
            "utility.rate.version.adopt",
            "write",
            [wizard_id],
            {"date_effective": "2025-01-19", "reference": "Ordinance 2025-07"},
        )
        self.rpc(self.supervisor, "utility.rate.version.adopt", "action_adopt", [wizard_id])
        version.invalidate_recordset()
        self.assertFalse(version.is_proposed)
        self.assertEqual(version.date_start, ADOPTED)

    def test_demo_town_proposal_can_be_adopted(self):
        """The demo town's proposal (every price of the version in force + 8 %:
        36.83 x 1.08 = $39.78, 2.02 x 1.08 = $2.18) is left proposed by the demo,
        and can be adopted from its what-if: from January 3, 2025 (its own date,
        January 1, is before the last billed day), the bill read January 3 to
        February 3 at 15 CCF is 39.78 + 15 x 2.18 = $72.48."""
        account, _december = self._billed_account()
        with freeze_time("2025-03-01"):
            whatif = self.env["utility.demo.town"]._generate_whatif(self.modesto)
        version = whatif.version_ids
        self.assertTrue(version.is_proposed)
        self.assertEqual(whatif.state, "computed")
        action = whatif.with_user(self.supervisor).action_open_adopt()
        wizard = self.env[action["res_model"]].with_user(self.supervisor).browse(action["res_id"])
        self.assertEqual(wizard.date_effective, date(2025, 1, 1))
        wizard.reference = "Ordinance 2025-01"
        with self.assertRaisesRegex(UserError, "billed up to 01/03/2025"):
            wizard.action_adopt()
        wizard.date_effective = JANUARY
        wizard.action_adopt()
        self.assertEqual(whatif.state, "adopted")
        self._read_meters(account.service_ids.meter_id, FEBRUARY, [35.0])
        january = self._bill(account, FEBRUARY)
        self._assert_bill(january, "72.48", ["39.78", "32.70"])
