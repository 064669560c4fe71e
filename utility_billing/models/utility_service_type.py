# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class UtilityServiceType(models.Model):
    """A kind of service the city sells (water, sewer, garbage, stormwater...).

    The service type carries the product and the income account its invoice
    lines post to, so revenue lands per service in the general ledger.
    """

    _name = "utility.service.type"
    _description = "Utility Service Type"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(
        required=True,
        help="Short code used in files, reports and rate schedules (e.g. WATER).",
    )
    sequence = fields.Integer(default=10)
    payment_priority = fields.Integer(
        default=10,
        help="With payments allocated by service priority (Settings), a payment pays the "
        "services with the lowest number first, across all open bills.",
    )
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        help="Leave empty to share the service type between companies.",
    )
    billing_basis = fields.Selection(
        [
            ("metered", "Metered consumption"),
            ("water", "Water consumption of the account"),
            ("carts", "Number of carts"),
            ("eru", "Equivalent residential units (ERU)"),
            ("flat", "Flat charge"),
        ],
        required=True,
        default="metered",
        help="What the quantity billed for this service is measured in.",
    )
    is_metered = fields.Boolean(
        compute="_compute_is_metered",
        store=True,
        help="Services of this type need a meter on the account.",
    )
    product_id = fields.Many2one(
        "product.product",
        required=True,
        check_company=True,
        domain="[('type', '=', 'service')]",
        help="Product put on the invoice lines of this service.",
    )
    account_income_id = fields.Many2one(
        "account.account",
        string="Income Account",
        company_dependent=True,
        domain="[('account_type', 'in', ('income', 'income_other'))]",
        help="Revenue account of this service's invoice lines. Empty: the product's "
        "income account, then the sales journal's default account.",
    )
    description = fields.Text(translate=True)

    _sql_constraints = [
        (
            "code_company_uniq",
            "unique(code, company_id)",
            "A service type code must be unique per company.",
        ),
    ]

    @api.depends("billing_basis")
    def _compute_is_metered(self):
        for service_type in self:
            service_type.is_metered = service_type.billing_basis == "metered"

    def _get_income_account(self):
        """Income account an invoice line of this service posts to."""
        self.ensure_one()
        return (
            self.account_income_id
            or self.product_id.property_account_income_id
            or self.product_id.categ_id.property_account_income_categ_id
        )
