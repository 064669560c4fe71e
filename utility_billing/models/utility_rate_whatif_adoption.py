# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Adopt on the what-if: the proposal the council voted on goes in force.

The what-if keeps the figures the council saw, with the day the rates took
effect and the ordinance (tracked); it is final from then on.
"""

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date


class UtilityRateWhatif(models.Model):
    _inherit = "utility.rate.whatif"  # pylint: disable=consider-merging-classes-inherited

    state = fields.Selection(
        selection_add=[("adopted", "Adopted")], ondelete={"adopted": "set default"}
    )
    date_adopted = fields.Date(
        string="Rates in Force From",
        readonly=True,
        tracking=True,
        help="The day the proposed rates took effect, given when they were adopted.",
    )
    adoption_reference = fields.Char(string="Ordinance / Resolution", readonly=True, tracking=True)
    adopted_by_id = fields.Many2one("res.users", readonly=True)

    def _get_action_fields(self):
        return super()._get_action_fields() | {
            "date_adopted",
            "adoption_reference",
            "adopted_by_id",
        }

    def _get_locked_records(self):
        return self.filtered(lambda whatif: whatif.state in ("computed", "adopted"))

    def _check_not_adopted(self):
        adopted = self.filtered(lambda whatif: whatif.state == "adopted")
        if adopted:
            raise UserError(
                self.env._(
                    "%(whatif)s was adopted (%(reference)s, in force from %(date)s): its "
                    "figures are the record of the hearing and stay as they are.",
                    whatif=adopted[0].name,
                    reference=adopted[0].adoption_reference,
                    date=format_date(self.env, adopted[0].date_adopted),
                )
            )

    def _check_computed(self):
        # An adopted what-if keeps its figures: printed and exported as computed.
        if self.state == "adopted":
            return None
        return super()._check_computed()

    def action_compute(self):
        self._check_not_adopted()
        return super().action_compute()

    def action_reset_to_draft(self):
        self._check_not_adopted()
        return super().action_reset_to_draft()

    def action_open_adopt(self):
        """The Adopt dialog for the what-if's proposed versions."""
        self.ensure_one()
        self.version_ids._check_adopt_rights()
        self._check_not_adopted()
        self._check_computed()
        return self.env["utility.rate.version.adopt"]._get_action(self.version_ids, self)

    def _adopt(self, date_effective, reference):
        """Adopt the what-if's proposed versions (their rules) and keep the day
        and the ordinance on the what-if."""
        self.ensure_one()
        self.version_ids._check_adopt_rights()
        self._check_not_adopted()
        self._check_computed()
        # Marks this what-if (computed) adopted, with the others naming the versions.
        self.version_ids._adopt(date_effective, reference)
        return True

    @api.model
    def _mark_adopted(self, versions, date_effective, reference):
        """The computed what-ifs naming the just adopted ``versions`` are adopted
        with them (the day, the ordinance): their figures are the hearing's record
        and cannot be computed again (the versions are no longer proposed)."""
        whatifs = self.search([("version_ids", "in", versions.ids), ("state", "=", "computed")])
        whatifs._as_action().write(
            {
                "state": "adopted",
                "date_adopted": date_effective,
                "adoption_reference": reference.strip(),
                "adopted_by_id": self.env.uid,
            }
        )
        return whatifs
