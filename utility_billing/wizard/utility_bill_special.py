# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What the special bills share: final bill, bill on demand, back-bill, cancel-and-rebill.

Each is a wizard on :class:`UtilityBillSpecial`: the account, the sales journal,
the bill and due dates and a preview of the charges. The wizards only gather
input: the bills are made by model methods (``utility.account._action_final_bill``,
``_action_bill_on_demand``, ``_action_back_bill``, ``account.move._action_cancel_rebill``)
that a work order, the portal or collections call the same way.
"""

from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import format_amount


class UtilityBillSpecial(models.AbstractModel):
    _name = "utility.bill.special"
    _description = "Special Utility Bill"
    _check_company_auto = True

    account_id = fields.Many2one("utility.account", required=True, check_company=True)
    partner_id = fields.Many2one(related="account_id.partner_id", string="Customer")
    company_id = fields.Many2one(
        "res.company",
        compute="_compute_company_id",
        store=True,
        precompute=True,
        required=True,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    journal_id = fields.Many2one(
        "account.journal",
        compute="_compute_journal_id",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
        check_company=True,
        domain="[('type', '=', 'sale')]",
    )
    date_invoice = fields.Date(string="Bill Date", required=True, default=fields.Date.context_today)
    date_due = fields.Date(
        string="Due Date",
        compute="_compute_date_due",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
        help="The bill date plus the due days of the account's billing cycle.",
    )

    # ------------------------------------------------------------------
    # Defaults and computes
    # ------------------------------------------------------------------
    @api.model
    def default_get(self, fields_list):
        # Not a field default: a wizard computing its account (the rebill, from
        # its bill) must not receive an empty one as if the user had given it.
        values = super().default_get(fields_list)
        context = self.env.context
        if (
            "account_id" in fields_list
            and "account_id" not in values
            and context.get("active_model") == "utility.account"
            and context.get("active_id")
        ):
            values["account_id"] = context["active_id"]
        return values

    @api.depends("account_id")
    def _compute_company_id(self):
        for wizard in self:
            wizard.company_id = wizard.account_id.company_id or self.env.company

    @api.depends("company_id")
    def _compute_journal_id(self):
        for wizard in self:
            if wizard.journal_id.company_id != wizard.company_id:
                wizard.journal_id = self.env["utility.account"]._get_special_bill_journal(
                    wizard.company_id
                )
            else:
                wizard.journal_id = wizard.journal_id

    @api.depends("date_invoice", "account_id")
    def _compute_date_due(self):
        for wizard in self:
            wizard.date_due = wizard.date_invoice and wizard.account_id._get_special_bill_date_due(
                wizard.date_invoice
            )

    # ------------------------------------------------------------------
    # Helpers of the special bills
    # ------------------------------------------------------------------
    def _render_preview(self, bills, warnings=()):
        """The lines and total each bill will carry, or why it cannot be made."""
        currency = self.currency_id or self.env.company.currency_id
        builder = self.env["utility.bill.builder"]
        service_types = self.env["utility.service.type"].browse(
            {charge["service_type_id"] for bill in bills for charge in bill["charges"]}
        )
        html = Markup("").join(
            Markup('<div class="alert alert-warning" role="alert">%s</div>') % warning
            for warning in warnings
        )
        for bill in bills:
            if bill["state"] != "ok":
                html += (
                    Markup(
                        '<div class="alert alert-danger" role="alert" '
                        'style="white-space: pre-line;">%s</div>'
                    )
                    % bill["message"]
                )
                continue
            rows = Markup("").join(
                Markup('<tr><td>%s</td><td class="text-end">%s</td></tr>')
                % (
                    builder._get_line_name(service_types.browse(charge["service_type_id"]), charge),
                    format_amount(self.env, float(charge["amount"]), currency),
                )
                for charge in bill["charges"]
            )
            html += Markup(
                '<table class="table table-sm o_utility_bill_preview"><tbody>%s</tbody>'
                '<tfoot><tr><th>%s</th><th class="text-end">%s</th></tr></tfoot></table>'
            ) % (
                rows,
                self.env._("Total"),
                format_amount(self.env, float(bill["amount_total"]), currency),
            )
        return html

    @api.model
    def _action_open_bill(self, moves):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Bill"),
            "res_model": "account.move",
            "res_id": moves[:1].id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }
