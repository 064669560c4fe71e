# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models, tools


class UtilityFeeCode(models.Model):
    """A fee the city names (late fee, NSF, reconnect, collection fee...).

    Rate lines of the fee component carry one of these codes; workflows look
    their fee up by code (``lib.rating.fee_line``). The five codes the product's
    own workflows use are installed; a supervisor adds the city's others.
    """

    _name = "utility.fee.code"
    _description = "Utility Fee Code"
    _order = "sequence, name"

    code = fields.Char(required=True, help="Key the workflows and rate lines use.")
    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    note = fields.Text(help="What the fee is for, as the ordinance says.")

    _sql_constraints = [
        ("code_uniq", "unique(code)", "A fee code must be unique."),
        (
            "code_check",
            "CHECK(code ~ '^[a-z0-9_]+$')",
            "A fee code is lower-case letters, digits and underscores (e.g. collection_fee).",
        ),
    ]

    @api.model
    @tools.ormcache()
    def _get_selection(self):
        """(code, name) of every fee code, for the rate lines' selection."""
        return [
            (fee.code, fee.name) for fee in self.sudo().with_context(active_test=False).search([])
        ]

    @api.model_create_multi
    def create(self, vals_list):
        self.env.registry.clear_cache()
        return super().create(vals_list)

    def write(self, vals):
        self.env.registry.clear_cache()
        return super().write(vals)

    def unlink(self):
        self.env.registry.clear_cache()
        return super().unlink()
