# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import api, fields, models

from ..lib.deposits import average_bill_deposit, round_cents


class UtilityDepositRule(models.Model):
    """The city's deposit rule for a customer class (and tenancy).

    - *flat*: one amount (Tempe, AZ: $50 for every residential renter);
    - *by meter size*: the amount of the line for the water meter's size;
    - *per service*: the sum of the lines of the services started (Sebring, FL:
      $70 a service for an owner, $100 for a tenant);
    - *average bill*: a multiple of the premise's average bill over the last 12
      months (Wasco, CA: one month's average), never below the minimum.
    """

    _name = "utility.deposit.rule"
    _description = "Customer Deposit Rule"
    _order = "customer_class, tenancy desc, id"
    _check_company_auto = True

    name = fields.Char(required=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    active = fields.Boolean(default=True)
    customer_class = fields.Many2one(
        "utility.customer.class",
        required=True,
        default=lambda self: self.env["utility.customer.class"]._default_code("residential"),
        ondelete="restrict",
        check_company=True,
    )
    tenancy = fields.Selection(
        [("any", "Owner or Tenant"), ("owner", "Owner"), ("tenant", "Tenant")],
        required=True,
        default="any",
        help="Tenant: the customer is not the premise's owner.",
    )
    method = fields.Selection(
        [
            ("flat", "Flat Amount"),
            ("meter_size", "By Meter Size"),
            ("per_service", "Per Service"),
            ("average_bill", "Multiple of the Average Bill"),
        ],
        required=True,
        default="flat",
    )
    amount = fields.Monetary(
        string="Amount / Minimum", help="Flat amount; the minimum of the average-bill method."
    )
    multiplier = fields.Float(default=2.0, digits=(6, 2))
    line_ids = fields.One2many("utility.deposit.rule.line", "rule_id", string="Amounts")
    installment_count = fields.Integer(
        string="Installments Allowed",
        default=1,
        help="The deposit may be billed in this many monthly installments.",
    )

    @api.model
    def _find_rule(self, location, partner):
        """The rule for a customer at a premise: the tenancy's own first, then any."""
        tenancy = "owner" if partner and partner == location.owner_id else "tenant"
        rules = self.search(
            [
                *self._check_company_domain(location.company_id),
                ("customer_class", "=", location.customer_class.id),
                ("tenancy", "in", (tenancy, "any")),
            ]
        )
        return rules._pick_rule(location, partner)

    def _pick_rule(self, location, partner):
        """Among the rules of ``self`` (read once for a batch of accounts), the
        rule for a customer at a premise: the tenancy's own first, then any."""
        tenancy = "owner" if partner and partner == location.owner_id else "tenant"
        rules = self.filtered(
            lambda r: (
                r.company_id == location.company_id
                and r.customer_class == location.customer_class
                and r.tenancy in (tenancy, "any")
            )
        )
        return rules.filtered(lambda r: r.tenancy == tenancy)[:1] or rules[:1]

    def _compute_deposit(self, location, service_types, meter=None):
        """The deposit this rule asks for (Decimal)."""
        self.ensure_one()
        if self.method == "flat":
            return round_cents(str(self.amount))
        if self.method == "meter_size":
            size = meter.size if meter else self.env["utility.meter.size"]
            line = self.line_ids.filtered(lambda line: line.meter_size and line.meter_size == size)
            return round_cents(str(line[:1].amount or self.amount))
        if self.method == "per_service":
            by_type = {line.service_type_id: line.amount for line in self.line_ids}
            return round_cents(str(sum(by_type.get(t, 0.0) for t in service_types)))
        since = fields.Date.context_today(self) - timedelta(days=365)
        bills = (
            self.env["account.move"]
            .sudo()
            .search_read(
                [
                    ("utility_location_id", "=", location.id),
                    ("move_type", "=", "out_invoice"),
                    ("state", "=", "posted"),
                    ("utility_bill_kind", "in", ("cycle", "rebill")),
                    ("invoice_date", ">=", since),
                ],
                ["amount_total"],
            )
        )
        return average_bill_deposit(
            [bill["amount_total"] for bill in bills], self.multiplier, self.amount
        )


class UtilityDepositRuleLine(models.Model):
    _name = "utility.deposit.rule.line"
    _description = "Amount of a Deposit Rule"

    rule_id = fields.Many2one("utility.deposit.rule", required=True, ondelete="cascade")
    company_id = fields.Many2one(related="rule_id.company_id", store=True)
    currency_id = fields.Many2one(related="rule_id.currency_id")
    meter_size = fields.Many2one("utility.meter.size", ondelete="restrict")
    service_type_id = fields.Many2one("utility.service.type")
    amount = fields.Monetary(required=True)
