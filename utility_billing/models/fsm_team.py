# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class FsmTeam(models.Model):
    """A field service team is a utility crew; its members see its orders."""

    _inherit = "fsm.team"

    utility_user_ids = fields.Many2many(
        "res.users",
        "fsm_team_utility_user_rel",
        "team_id",
        "user_id",
        string="Crew Members",
        help="Users who see and complete this crew's work orders on their phone.",
    )
