# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta
from decimal import Decimal

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..lib import late_fees

BASES = [
    ("current", "Unpaid current charges"),
    ("bill", "Unpaid balance of the bill"),
    ("past_due", "Past-due balance"),
]
COMPOUNDING = [
    ("none", "None: one fee per bill, never a fee on a fee"),
    ("once", "Once per bill: every open invoice (late fees included) bears one fee"),
    ("monthly", "Monthly: everything past due bears a fee every month"),
]


class UtilityLateFeeRule(models.Model):
    """How the city charges a late fee: the ordinance's rule as configuration.

    A delinquency run charges, per account, ``flat + base x percent`` rounded
    half-up to the cent, raised to the minimum and capped at the maximum, and
    nothing when the base is below the threshold (``lib.late_fees``). The run
    of a cycle uses the most specific active rule: one naming the cycle and
    the account's class, then one naming the class, then the cycle, then a
    rule for everyone. A rule marked *No late fee* exempts the accounts it
    matches (e.g. city buildings); accounts listed as exempt, and accounts
    flagged bankruptcy or estate, are never charged.
    """

    _name = "utility.late.fee.rule"
    _description = "Utility Late Fee Rule"
    _inherit = ["mail.thread"]
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    note = fields.Text(help="The ordinance or policy the rule follows.")

    # ------------------------------------------------------------------
    # Whom it applies to
    # ------------------------------------------------------------------
    cycle_ids = fields.Many2many(
        "utility.billing.cycle",
        string="Billing Cycles",
        check_company=True,
        help="Empty: every cycle.",
    )
    customer_class = fields.Many2one(
        "utility.customer.class",
        ondelete="restrict",
        check_company=True,
        help="Empty: every class.",
    )
    is_exempt = fields.Boolean(
        string="No Late Fee",
        tracking=True,
        help="The accounts this rule matches are never charged a late fee.",
    )
    exempt_account_ids = fields.Many2many(
        "utility.account",
        string="Exempt Accounts",
        check_company=True,
        help="Accounts never charged a late fee under this rule.",
    )

    # ------------------------------------------------------------------
    # The fee
    # ------------------------------------------------------------------
    base = fields.Selection(BASES, required=True, default="current", tracking=True)
    percent = fields.Float(digits=(6, 4), tracking=True, help="Percent of the base.")
    amount_fixed = fields.Monetary(string="Flat Amount", tracking=True)
    amount_min = fields.Monetary(string="Minimum Fee", tracking=True)
    amount_max = fields.Monetary(string="Maximum Fee", tracking=True, help="Zero: no maximum.")
    amount_threshold = fields.Monetary(
        string="Threshold", tracking=True, help="No fee when the base is below this amount."
    )
    grace_days = fields.Integer(tracking=True, help="Days after the penalty date before a fee.")
    grace_day_kind = fields.Selection(
        [("calendar", "Calendar days"), ("working", "Working days")],
        required=True,
        default="calendar",
    )
    compounding = fields.Selection(COMPOUNDING, required=True, default="none", tracking=True)
    income_account_id = fields.Many2one(
        "account.account",
        check_company=True,
        tracking=True,
        domain="[('account_type', 'in', ('income', 'income_other'))]",
    )

    _sql_constraints = [
        (
            "amounts_check",
            "CHECK(percent >= 0 AND amount_fixed >= 0 AND amount_min >= 0 "
            "AND amount_max >= 0 AND amount_threshold >= 0 AND grace_days >= 0)",
            "A late fee rule's percent, amounts and grace days cannot be negative.",
        ),
    ]

    @api.constrains("is_exempt", "income_account_id", "percent", "amount_fixed", "amount_min")
    def _check_income_account(self):
        missing = self.filtered(lambda r: not r.is_exempt and not r.income_account_id)
        if missing:
            raise ValidationError(
                self.env._(
                    "Choose the income account the late fees are booked to on: %(rules)s.",
                    rules=", ".join(missing.mapped("name")),
                )
            )
        empty = self.filtered(
            lambda r: not r.is_exempt and not (r.percent or r.amount_fixed or r.amount_min)
        )
        if empty:
            raise ValidationError(
                self.env._(
                    "Give a percent, a flat amount or a minimum fee on: %(rules)s.",
                    rules=", ".join(empty.mapped("name")),
                )
            )

    @api.constrains("amount_min", "amount_max")
    def _check_min_max(self):
        bad = self.filtered(lambda r: r.amount_max and r.amount_min > r.amount_max)
        if bad:
            raise ValidationError(
                self.env._(
                    "The minimum fee is above the maximum fee on: %(rules)s.",
                    rules=", ".join(bad.mapped("name")),
                )
            )

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------
    def _get_lib_rule(self):
        """The rule's amounts for ``lib.late_fees`` as exact Decimals."""
        self.ensure_one()
        return late_fees.LateFeeRule(
            percent=Decimal(str(self.percent)),
            amount_fixed=Decimal(str(self.amount_fixed)),
            amount_min=Decimal(str(self.amount_min)),
            amount_max=Decimal(str(self.amount_max)),
            amount_threshold=Decimal(str(self.amount_threshold)),
        )

    def _get_date_charged(self, date_penalty):
        """The first day this rule charges a bill whose penalty date is ``date_penalty``."""
        self.ensure_one()
        if self.grace_day_kind != "working":
            return late_fees.add_grace_days(date_penalty, self.grace_days)
        # Working days skip the company's public holidays: read them over a
        # window wide enough for the grace days, widened if they run past it.
        span = self.grace_days * 2 + 14
        while True:
            date_to = date_penalty + timedelta(days=span)
            holidays = self.company_id._get_utility_holidays(date_penalty, date_to)
            day = late_fees.add_grace_days(
                date_penalty, self.grace_days, working_days=True, holidays=holidays
            )
            if day <= date_to:
                return day
            span *= 2

    @api.model
    def _get_rules(self, accounts, cycle=None):
        """The rule of each account (an empty record when none applies) and
        whether the account is exempt.

        :return: {account id: (rule, is_exempt)}
        """
        rules = self.search([("company_id", "in", accounts.company_id.ids)], order="sequence, id")
        result = {}
        for account in accounts:
            account_cycle = cycle or account.cycle_id
            best, best_score = self.browse(), -1
            for rule in rules:
                if rule.company_id != account.company_id:
                    continue
                if rule.cycle_ids and account_cycle not in rule.cycle_ids:
                    continue
                if rule.customer_class and rule.customer_class != account.customer_class:
                    continue
                score = 2 * bool(rule.customer_class) + bool(rule.cycle_ids)
                if score > best_score:
                    best, best_score = rule, score
            exempt = bool(not best or best.is_exempt or account in best.exempt_account_ids)
            result[account.id] = (best, exempt)
        return result
