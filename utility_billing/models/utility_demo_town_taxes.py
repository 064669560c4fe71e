# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Taxes in the demo town: a 5% utility users tax on water (as Palo Alto's
Municipal Code 2.35.080 levies on water charges), and the town's own
institutions (school, courthouse, library, hospital) exempt through a
fiscal position on their accounts.
"""

from odoo import Command, api, models


class UtilityDemoTown(models.AbstractModel):
    _inherit = "utility.demo.town"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _generate_taxes(self):
        """The water tax and the exemption, before the demo runs bill."""
        company = self.env.company
        Account = self.env["account.account"].with_company(company)
        if not Account.search_count([("company_ids", "in", company.ids)], limit=1):
            return False  # no chart of accounts: nothing can be posted
        payable = Account.search(
            [("code", "=", "201500"), ("company_ids", "in", company.ids)], limit=1
        ) or Account.create(
            {
                "code": "201500",
                "name": "Utility Users Tax Payable",
                "account_type": "liability_current",
            }
        )
        repartition = [
            Command.create({"repartition_type": "base"}),
            Command.create({"repartition_type": "tax", "account_id": payable.id}),
        ]
        tax = self.env["account.tax"].create(
            {
                "name": "Utility Users Tax 5%",
                "description": "UUT 5%",
                "amount": 5.0,
                "amount_type": "percent",
                "type_tax_use": "sale",
                "company_id": company.id,
                "invoice_repartition_line_ids": repartition,
                "refund_repartition_line_ids": repartition,
            }
        )
        # Every water charge (base, usage, discounts) is taxed: the water
        # product carries the tax, no rate line overrides it.
        water = self.env.ref("utility_billing.service_type_water").with_company(company)
        water.product_id.taxes_id = tax
        exempt = self.env["account.fiscal.position"].create(
            {
                "name": "Tax Exempt (public institutions)",
                "company_id": company.id,
                "tax_ids": [Command.create({"tax_src_id": tax.id})],
            }
        )
        city_buildings = self.env["utility.account"].search(
            [("company_id", "=", company.id), ("customer_class.code", "=", "institutional")]
        )
        city_buildings.fiscal_position_id = exempt
        return True
