# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import format_amount


class UtilityConversionTotal(models.Model):
    """One control total of a conversion: computed from the file at Check, and
    from what the database holds after Load. Written by the batch's actions
    only (nobody has write access)."""

    _name = "utility.conversion.total"
    _description = "Conversion Control Total"
    _order = "batch_id, sequence, id"
    _check_company_auto = True

    batch_id = fields.Many2one(
        "utility.conversion.batch", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="batch_id.company_id", store=True, precompute=True)
    currency_id = fields.Many2one(related="batch_id.currency_id")
    sequence = fields.Integer()
    key = fields.Char(required=True)
    name = fields.Char(string="Total", required=True)
    is_amount = fields.Boolean()
    is_loaded = fields.Boolean(string="Loaded")
    count_file = fields.Integer(string="In the File")
    count_loaded = fields.Integer(string="Created")
    amount_file = fields.Monetary(string="Amount in the File")
    amount_loaded = fields.Monetary(string="Amount Posted")
    is_match = fields.Boolean(string="Agrees", compute="_compute_is_match", store=True)
    display_difference = fields.Char(string="Difference", compute="_compute_display_difference")

    @api.depends("is_loaded", "count_file", "count_loaded", "amount_file", "amount_loaded")
    def _compute_is_match(self):
        for total in self:
            if total.is_amount:
                same = not total.currency_id.compare_amounts(total.amount_file, total.amount_loaded)
            else:
                same = total.count_file == total.count_loaded
            total.is_match = total.is_loaded and same

    @api.depends("is_match", "count_file", "count_loaded", "amount_file", "amount_loaded")
    def _compute_display_difference(self):
        for total in self:
            if not total.is_loaded or total.is_match:
                total.display_difference = False
            elif total.is_amount:
                total.display_difference = self.env._(
                    "%(total)s: %(file)s in the file, %(loaded)s posted",
                    total=total.name,
                    file=format_amount(self.env, total.amount_file, total.currency_id),
                    loaded=format_amount(self.env, total.amount_loaded, total.currency_id),
                )
            else:
                total.display_difference = self.env._(
                    "%(total)s: %(file)s in the file, %(loaded)s created",
                    total=total.name,
                    file=total.count_file,
                    loaded=total.count_loaded,
                )
