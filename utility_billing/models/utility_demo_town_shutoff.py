# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The shut-off list in the demo town: North Side households carrying last
winter's balance from the converted system (as the arrangements' demo does)
go through a delinquency run of that period: late fees posted, past-due and
final notices sent, and the shut-off list waiting in review, with one account
for every exemption, a clerk's "left off", a landlord's word, and the
shut-off calendar and medical certificates behind them.
"""

from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models

from .utility_locked_fields_mixin import as_action

# (what the account shows on the list, its old balance)
DEMO_SHUTOFFS = (
    ("listed", 312.40),
    ("listed_landlord", 184.75),
    ("left_off", 143.10),
    ("expired_certificate", 96.30),
    ("minimum_balance", 18.40),
    ("minimum_days", 122.00),
    ("medical", 205.60),
    ("level_pay", 88.00),
    ("bankruptcy", 412.90),
    ("estate", 77.25),
    ("arrangement", 260.00),
    ("no_water", 54.80),
)


class UtilityDemoTown(models.AbstractModel):
    _inherit = "utility.demo.town"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _generate_shutoff(self):
        """Settings and calendar, certificates, then the run up to its shut-off
        list in review."""
        today = fields.Date.context_today(self)
        company = self.env.company
        company.write(
            {
                "utility_shutoff_min_balance": 25.0,
                "utility_shutoff_min_days": 60,
                "utility_medical_max_renewals": 1,
                "utility_reconnect_cap_low_income": 50.0,
                "utility_reconnect_cap_low_income_after_hours": 150.0,
            }
        )
        self._demo_shutoff_calendar(today)
        self._demo_legacy_certificates(today)
        north = self.env.ref("utility_billing.billing_cycle_north", raise_if_not_found=False)
        billing = self.env["utility.billing.run"].search(
            [("cycle_id", "=", north.id if north else False), ("state", "=", "posted")],
            order="date_penalty desc",
            limit=1,
        )
        if not billing:
            return False  # nothing billed (no chart of accounts)
        accounts = self.env["utility.account"].search(
            [
                ("cycle_id", "=", north.id),
                ("state", "=", "active"),
                ("customer_class.code", "=", "residential"),
                ("is_level_pay", "=", False),
                ("is_life_support", "=", False),
                ("is_bankruptcy", "=", False),
                ("is_estate", "=", False),
                ("arrangement_ids", "=", False),
                ("service_ids", "any", [("is_metered", "=", True), ("state", "=", "active")]),
            ],
            order="name",
            limit=len(DEMO_SHUTOFFS),
        )
        if len(accounts) < len(DEMO_SHUTOFFS):
            return False
        roles = dict(zip((role for role, _amount in DEMO_SHUTOFFS), accounts, strict=True))
        self._demo_old_balances(
            billing.journal_id,
            {roles[role]: amount for role, amount in DEMO_SHUTOFFS},
            today,
        )
        run = self._demo_shutoff_run(billing, today)
        self._demo_shutoff_exemptions(roles, run, today)
        run.action_compute_shutoff_list()
        self._demo_shutoff_review(roles, run)
        return run

    def _demo_shutoff_calendar(self, today):
        """The city's shut-off calendar: its holidays of the year, a heat
        advisory marked by the clerk, a forecast and a winter moratorium."""
        year = today.year
        Day = self.env["utility.shutoff.day"]
        return Day.create(
            [
                {"name": "New Year's Day", "kind": "holiday", "date_start": f"{year}-01-01"},
                {"name": "Independence Day", "kind": "holiday", "date_start": f"{year}-07-04"},
                {"name": "Labor Day", "kind": "holiday", "date_start": f"{year}-09-07"},
                {
                    "name": "Thanksgiving",
                    "kind": "holiday",
                    "date_start": f"{year}-11-26",
                    "date_end": f"{year}-11-27",
                },
                {"name": "Christmas Day", "kind": "holiday", "date_start": f"{year}-12-25"},
                {
                    "name": "Heat advisory (National Weather Service)",
                    "kind": "too_hot",
                    "date_start": f"{year}-07-21",
                    "date_end": f"{year}-07-23",
                },
                {
                    "name": "Forecast: high 97°F",
                    "kind": "forecast",
                    "date_start": f"{year}-08-12",
                    "temperature_high": 97.0,
                },
                {
                    "name": "Forecast: low 12°F",
                    "kind": "forecast",
                    "date_start": today + relativedelta(days=9),
                    "temperature_low": 12.0,
                    "note": "Entered by the office from the 6 a.m. forecast.",
                },
                {
                    "name": "Forecast: high 41°F",
                    "kind": "forecast",
                    "date_start": today + relativedelta(days=10),
                    "temperature_high": 41.0,
                    "temperature_low": 33.0,
                },
            ]
        )

    def _demo_legacy_certificates(self, today):
        """The demo's medical / life-support accounts get their certificates: one
        in force (renewal asked for by the daily check), one renewed."""
        Certificate = self.env["utility.medical.certificate"]
        flagged = self.env["utility.account"].search([("is_life_support", "=", True)])
        vals_list = []
        for index, account in enumerate(flagged):
            vals_list.append(
                {
                    "account_id": account.id,
                    "resident_name": account.partner_id.name,
                    "certified_by": "Dr. Anita Okafor, Prairie City Clinic",
                    "date_start": today - relativedelta(days=20 + 30 * index),
                    "date_end": today + relativedelta(days=10 - 30 * index),
                }
            )
        certificates = Certificate.create(vals_list)
        for certificate in certificates.filtered(lambda c: c.date_end < today):
            action = certificate.action_renew()
            Certificate.with_context(**action["context"]).create({})
        Certificate._cron_medical_certificates(today)
        return certificates

    def _demo_shutoff_run(self, billing, today):
        """The run of last winter's bills: late fees, then the notices."""
        due = today - relativedelta(days=100)
        run = self.env["utility.delinquency.run"].create(
            {
                "cycle_id": billing.cycle_id.id,
                "journal_id": billing.journal_id.id,
                "date_due": due,
                "date_penalty": due + relativedelta(days=5),
                "date_fee": due + relativedelta(days=10),
            }
        )
        run = run.with_context(queue_job__no_delay=True, utility_billing_run_commit=False)
        run.action_compute()
        run.action_release()
        run.date_notice = today - relativedelta(days=60)
        run.action_notices_past_due()
        run.action_send_notices()
        run.date_notice = today - relativedelta(days=30)
        run.action_notices_final()
        run.action_send_notices()
        return run

    def _demo_shutoff_exemptions(self, roles, run, today):
        """What happened to each household since its final notice."""
        Certificate = self.env["utility.medical.certificate"]
        Certificate.create(
            [
                {
                    "account_id": roles["medical"].id,
                    "resident_name": roles["medical"].partner_id.name,
                    "certified_by": "Dr. Samuel Reyes, Mercy Family Practice",
                    "date_start": today - relativedelta(days=5),
                    "date_end": today + relativedelta(days=25),
                    "note": "Home oxygen concentrator.",
                },
                {
                    "account_id": roles["expired_certificate"].id,
                    "resident_name": roles["expired_certificate"].partner_id.name,
                    "certified_by": "Dr. Samuel Reyes, Mercy Family Practice",
                    "date_start": today - relativedelta(days=45),
                    "date_end": today - relativedelta(days=15),
                    "note": "Not renewed: the customer was reminded.",
                },
            ]
        )
        roles["bankruptcy"].is_bankruptcy = True
        roles["estate"].is_estate = True
        water = roles["no_water"].service_ids.filtered(lambda s: s.is_metered)
        as_action(water).write({"state": "disconnected"})
        level = roles["level_pay"]
        as_action(level).write(
            {
                "is_level_pay": True,
                "level_pay_amount": 10.0,
                "level_pay_date_start": today - relativedelta(days=130),
            }
        )
        # Paid since the notices: the old bill of one (a newer one, 30 days past
        # due, is under the 60 days), the level-pay installments of another.
        # A converted bill of 50 days ago, due 30 days ago (the helper dates its
        # bills 120 days before the day it is given).
        self._demo_old_balances(
            run.journal_id, {roles["minimum_days"]: 64.50}, today + relativedelta(days=70)
        )
        level.invalidate_recordset(["amount_balance", "amount_current_due"])
        payments = self.env["utility.payment"].create(
            [
                {
                    "date": today - relativedelta(days=3),
                    "partner_id": account.partner_id.id,
                    "line_ids": [Command.create({"account_id": account.id, "amount": amount})],
                }
                for account, amount in (
                    (roles["minimum_days"], 134.20),  # $122.00 and its 10% late fee
                    (level, level.amount_current_due),
                )
                if amount
            ]
        )
        payments.action_post()
        csr = self.env["res.users"].search([("login", "=", "demo_csr")], limit=1)
        arrangement = (
            self.env["utility.payment.arrangement"]
            .with_user(csr or self.env.user)
            .create(
                {
                    "account_id": roles["arrangement"].id,
                    "date_start": today,
                    "installment_count": 3,
                    "frequency": "monthly",
                    "date_first": today + relativedelta(days=14),
                    "note": "Asked for three months after the final notice.",
                }
            )
        )
        arrangement.action_confirm()
        return arrangement

    def _demo_shutoff_review(self, roles, run):
        """The clerk's review so far: a landlord's word, one account left off."""
        lines = {line.account_id: line for line in run.shutoff_line_ids}
        lines[roles["listed_landlord"]].landlord_input = "keep_on"
        roles["listed_landlord"].landlord_input_note = "Owner will pay the balance on the 15th."
        left_off = lines[roles["left_off"]]
        left_off.write({"skip_reason": "Disputed meter reading: bench test ordered."})
        left_off.action_skip()
        return lines
