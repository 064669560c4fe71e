# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What the special bills share: final bill, bill on demand, back-bill, cancel-and-rebill.

Each is a wizard on :class:`UtilityBillSpecial`: the account, the sales journal,
the bill and due dates, the check of the billing role, the invoice header, a
preview of the charges, and the posting through ``utility.bill.builder`` (the
same rating and exactly-once bookkeeping as the billing run).
"""

from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import format_amount

BILLING_GROUP = "utility_billing.group_utility_billing"


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
        Journal = self.env["account.journal"]
        for wizard in self:
            if wizard.journal_id.company_id != wizard.company_id:
                wizard.journal_id = Journal.search(
                    [*Journal._check_company_domain(wizard.company_id), ("type", "=", "sale")],
                    limit=1,
                )
            else:
                wizard.journal_id = wizard.journal_id

    @api.depends("date_invoice", "account_id")
    def _compute_date_due(self):
        for wizard in self:
            days = wizard.account_id.cycle_id.due_days or 0
            wizard.date_due = wizard.date_invoice and wizard.date_invoice + relativedelta(days=days)

    # ------------------------------------------------------------------
    # Helpers of the special bills
    # ------------------------------------------------------------------
    def _check_billing_role(self):
        """The builder posts as superuser, as the run does: the role is checked here."""
        if not self.env.user.has_group(BILLING_GROUP):
            raise AccessError(
                self.env._(
                    "Only billing specialists make special bills (final bill, bill on "
                    "demand, back-bill, cancel-and-rebill)."
                )
            )

    @api.model
    def _get_unbilled_start(self, services):
        """First day not billed yet over ``services``: the end of each one's last
        billed period, else its start date; the earliest of them."""
        last_billed = self.env["utility.bill.builder"]._get_last_billed_dates(services)
        return min(
            (last_billed.get(service.id) or service.date_start for service in services),
            default=None,
        )

    def _prepare_bill_header(self, bill, kind, **extra):
        """Invoice header of a special bill (see ``_prepare_invoice_vals``)."""
        self.ensure_one()
        account = self.account_id
        kinds = dict(
            self.env["account.move"]._fields["utility_bill_kind"]._description_selection(self.env)
        )
        return {
            "partner_id": account.partner_id.id,
            "journal_id": self.journal_id.id,
            "invoice_date": self.date_invoice,
            "invoice_date_due": self.date_due,
            "date": self.date_invoice,
            "invoice_origin": kinds[kind],
            "utility_account_id": account.id,
            "utility_location_id": account.location_id.id,
            "utility_period_start": bill["date_from"],
            "utility_period_end": bill["date_to"],
            "utility_date_penalty": self.date_due
            + relativedelta(days=account.cycle_id.penalty_days or 0),
            "utility_bill_kind": kind,
            **extra,
        }

    def _post_bills(self, bills, kind, **extra):
        """Post ``bills`` of this wizard's account as ``kind`` bills."""
        headers = [self._prepare_bill_header(bill, kind, **extra) for bill in bills]
        return self.env["utility.bill.builder"]._post_special_bills(bills, headers)

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
