# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Adopting a proposed rate version once the council votes it.

Adopting does what a supervisor would do by hand, with the checks a hand edit
skips: the proposed version gets the effective date and the ordinance's
reference and stops being proposed; the version in force until then ends the
day before by the versions' own rule (a version ends the day before the next
one starts, ``_compute_date_end``). Posted bills never change (their lines are
posted); a period billed after the date is rated by the new prices, and one
straddling the date is prorated by days, as for any rate change.

Adopt is the only way out of "proposed": unticking it by hand (the form, a
script over RPC) is refused, and so is ticking a version that priced a bill.
"""

from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import format_date

SUPERVISOR = "utility_billing.group_utility_supervisor"


class UtilityRateVersion(models.Model):
    _name = "utility.rate.version"
    _inherit = ["utility.rate.version", "mail.thread", "utility.locked.fields.mixin"]

    # Kept and tracked: the version's reference, dates and whether it is proposed.
    name = fields.Char(tracking=True)
    date_start = fields.Date(tracking=True)
    is_proposed = fields.Boolean(tracking=True)
    adopted_by_id = fields.Many2one("res.users", readonly=True, copy=False, tracking=True)
    date_adopted = fields.Datetime(string="Adopted On", readonly=True, copy=False)

    # ------------------------------------------------------------------
    # Guard: a version stops being proposed through Adopt only
    # ------------------------------------------------------------------
    def _get_action_fields(self):
        return {"adopted_by_id", "date_adopted"}

    def _check_locked_write(self, vals):
        super()._check_locked_write(vals)
        if "is_proposed" not in vals:
            return
        # Who may not edit rates at all hears that first.
        self.check_access("write")
        if not vals["is_proposed"] and self.filtered("is_proposed"):
            raise UserError(
                self.env._(
                    "Proposed rates go in force through the Adopt button only (it asks "
                    "for the day they take effect and the council's ordinance): click "
                    "Adopt instead of unticking Proposed."
                )
            )
        billed = vals["is_proposed"] and self._get_billed_versions()
        if billed:
            raise UserError(
                self.env._(
                    "%(version)s has priced bills: rates that billed customers cannot "
                    "become a proposal again. Copy the version and mark the copy "
                    "proposed instead.",
                    version=billed[0].display_name,
                )
            )

    def _get_billed_versions(self):
        """The versions of ``self`` whose prices are on a bill, one query."""
        lines = (
            self.env["account.move.line"]
            .sudo()
            ._read_group(
                [("utility_rate_line_id.version_id", "in", self.ids)],
                ["utility_rate_line_id"],
            )
        )
        return self.browse({line.version_id.id for (line,) in lines})

    # ------------------------------------------------------------------
    # Adopt
    # ------------------------------------------------------------------
    def action_open_adopt(self):
        """The Adopt dialog for these proposed versions."""
        self._check_adopt_rights()
        return self.env["utility.rate.version.adopt"]._get_action(self)

    def _check_adopt_rights(self):
        if not self.env.user.has_group(SUPERVISOR):
            raise AccessError(self.env._("Only a billing supervisor can adopt proposed rates."))
        self.check_access("write")

    @api.model
    def _get_last_billed(self, schedules):
        """Per schedule: (last day a bill of its services covers, the billing
        cycle of that bill), one grouped query. A billed period's end is the
        read date, excluded: rates may change from that day on."""
        self.env.flush_all()
        # The schedule that billed the period (kept on it), else the service's.
        self.env.cr.execute(
            """
            SELECT COALESCE(p.rate_schedule_id, s.rate_schedule_id), a.cycle_id,
                   MAX(p.date_to)
              FROM utility_service_period p
              JOIN utility_account_service s ON s.id = p.service_id
              JOIN utility_account a ON a.id = s.account_id
             WHERE p.state = 'billed'
               AND COALESCE(p.rate_schedule_id, s.rate_schedule_id) = ANY(%s)
             GROUP BY 1, 2
            """,
            [schedules.ids],
        )
        cycles = self.env["utility.billing.cycle"]
        last = {}
        for schedule_id, cycle_id, date_to in self.env.cr.fetchall():
            if schedule_id not in last or date_to > last[schedule_id][0]:
                last[schedule_id] = (date_to, cycles.browse(cycle_id))
        return last

    def _get_adoption_problems(self, date_effective, reference):
        """Why these versions cannot be adopted from ``date_effective``, as
        sentences (none: they can)."""
        problems = []
        if not date_effective:
            problems.append(self.env._("Give the day the adopted rates take effect."))
        if not (reference or "").strip():
            problems.append(
                self.env._("Give the council's ordinance or resolution that adopted the rates.")
            )
        if not self:
            problems.append(self.env._("There is no proposed rate version to adopt."))
        by_schedule = defaultdict(self.browse)
        for version in self:
            by_schedule[version.schedule_id] |= version
        for version in self.filtered(lambda v: not v.is_proposed):
            problems.append(
                self.env._(
                    "%(version)s is already in force (adopted by %(user)s): it cannot be "
                    "adopted twice.",
                    version=version.display_name,
                    user=version.adopted_by_id.name,
                )
                if version.adopted_by_id
                else self.env._(
                    "%(version)s is not a proposed version: only proposed rates are adopted.",
                    version=version.display_name,
                )
            )
        problems.extend(
            self.env._(
                "%(schedule)s: adopt one proposed version at a time, not %(count)s.",
                schedule=schedule.display_name,
                count=len(versions),
            )
            for schedule, versions in by_schedule.items()
            if len(versions) > 1
        )
        if problems:
            return problems
        last_billed = self._get_last_billed(self.schedule_id)
        for version in self:
            schedule = version.schedule_id
            others = schedule.version_ids - version
            same_day = others.filtered(lambda v, d=date_effective: v.date_start == d)
            if same_day:
                problems.append(
                    self.env._(
                        "%(schedule)s already has a version starting on %(date)s: choose "
                        "another day.",
                        schedule=schedule.display_name,
                        date=format_date(self.env, date_effective),
                    )
                )
            later = others.filtered(
                lambda v, d=date_effective: not v.is_proposed and v.date_start > d
            )
            if later:
                problems.append(
                    self.env._(
                        "%(schedule)s has rates in force from %(date)s, after the day "
                        "chosen: adopt from that day or later.",
                        schedule=schedule.display_name,
                        date=format_date(self.env, max(later.mapped("date_start"))),
                    )
                )
            billed_to, cycle = last_billed.get(schedule.id, (None, None))
            if billed_to and date_effective < billed_to:
                problems.append(
                    self.env._(
                        "%(schedule)s: %(cycle)s is billed up to %(date)s. Bills already "
                        "sent are never priced again: the new rates can take effect on "
                        "%(date)s or later.",
                        schedule=schedule.display_name,
                        cycle=cycle.display_name or self.env._("a billing cycle"),
                        date=format_date(self.env, billed_to),
                    )
                )
        return problems

    def _adopt(self, date_effective, reference):
        """Put these proposed versions in force from ``date_effective`` under the
        council's ``reference``; raise (changing nothing) when they cannot be."""
        self._check_adopt_rights()
        problems = self._get_adoption_problems(date_effective, reference)
        if problems:
            raise UserError("\n".join(problems))
        previous = {
            version: (version.schedule_id.version_ids - version)
            .filtered(lambda v, d=date_effective: not v.is_proposed and v.date_start < d)
            .sorted("date_start")[-1:]
            for version in self
        }
        self._as_action().write(
            {
                "date_start": date_effective,
                "is_proposed": False,
                "name": reference.strip(),
                "adopted_by_id": self.env.uid,
                "date_adopted": fields.Datetime.now(),
            }
        )
        for version in self:
            ended = previous[version]
            version.schedule_id.message_post(
                body=self.env._(
                    "Rates adopted by %(reference)s, in force from %(date)s%(ended)s.",
                    reference=version.name,
                    date=format_date(self.env, date_effective),
                    ended=self.env._(
                        "; the rates in force until then end on %(date)s",
                        date=format_date(self.env, ended.date_end),
                    )
                    if ended
                    else "",
                ),
                author_id=self.env.user.partner_id.id,
            )
        self.env["utility.rate.whatif"]._mark_adopted(self, date_effective, reference)
        return True
