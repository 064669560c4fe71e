# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class ResPartnerBank(models.Model):
    _inherit = "res.partner.bank"

    # Same field as l10n_us's: with it installed, both modules share one column.
    aba_routing = fields.Char(
        string="ABA/Routing", help="American Bankers Association Routing Number"
    )

    @api.constrains("aba_routing", "acc_number")
    def _check_utility_autopay_bank(self):
        """A bank account that autopay drafts keeps a valid routing and account number."""
        enrollments = (
            self.env["utility.autopay.enrollment"]
            .sudo()
            .search([("bank_id", "in", self.ids), ("state", "!=", "cancelled")])
        )
        enrollments._check_bank_details()
