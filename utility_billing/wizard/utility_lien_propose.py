# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command, api, fields, models


class UtilityLienPropose(models.TransientModel):
    """Propose Liens: the accounts the city's rule selects today
    (``utility.account._get_lien_proposals``); the billing specialist ticks
    those to lien and creates their draft liens in one batch."""

    _name = "utility.lien.propose"
    _description = "Propose Liens"

    date = fields.Date(readonly=True)
    line_ids = fields.One2many("utility.lien.propose.line", "propose_id", string="Accounts")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        today = fields.Date.context_today(self)
        if "date" in fields_list:
            values["date"] = today
        if "line_ids" in fields_list:
            values["line_ids"] = [
                Command.create(
                    {
                        "account_id": proposal["account"].id,
                        "amount_balance": proposal["amount_balance"],
                        "date_oldest_due": proposal["date_oldest_due"],
                    }
                )
                for proposal in self.env["utility.account"]._get_lien_proposals(today)
            ]
        return values

    def action_create_liens(self):
        """Draft liens for the accounts ticked, then the list of them."""
        self.ensure_one()
        accounts = self.line_ids.filtered("is_selected").account_id
        liens = self.env["utility.lien"]._create_proposed(accounts)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Liens"),
            "res_model": "utility.lien",
            "view_mode": "list,form",
            "domain": [("id", "in", liens.ids)],
        }
