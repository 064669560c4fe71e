# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command, api, fields, models


class UtilityRateVersionAdopt(models.TransientModel):
    """Adopt: the effective date and the council's reference of proposed rates;
    ``utility.rate.version._adopt`` puts them in force (its rules are there)."""

    _name = "utility.rate.version.adopt"
    _description = "Adopt Proposed Rates"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    version_ids = fields.Many2many(
        "utility.rate.version",
        string="Proposed Rates",
        required=True,
        readonly=True,
        check_company=True,
    )
    whatif_id = fields.Many2one("utility.rate.whatif", string="What-If", readonly=True)
    date_effective = fields.Date(
        string="In Force From",
        help="First day billed at the adopted rates. The rates in force end the day "
        "before; a bill straddling the day is prorated by days.",
    )
    reference = fields.Char(
        string="Ordinance / Resolution",
        help="The council's ordinance or resolution adopting the rates, e.g. Ordinance "
        "2027-14; it becomes the reference of the rate version.",
    )

    @api.model
    def _get_action(self, versions, whatif=None):
        """The dialog, filled with ``versions`` (and the ``whatif`` they come from)."""
        wizard = self.create(
            {
                "company_id": versions.company_id[:1].id or self.env.company.id,
                "version_ids": [Command.set(versions.ids)],
                "whatif_id": whatif.id if whatif else False,
                "date_effective": min(versions.mapped("date_start"), default=False),
            }
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Adopt Proposed Rates"),
            "res_model": self._name,
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
        }

    def action_adopt(self):
        self.ensure_one()
        if self.whatif_id:
            self.whatif_id._adopt(self.date_effective, self.reference)
        else:
            self.version_ids._adopt(self.date_effective, self.reference)
        return {"type": "ir.actions.act_window_close"}
