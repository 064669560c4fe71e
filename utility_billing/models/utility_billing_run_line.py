# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from ..lib.units import UNITS

LINE_STATES = [
    ("ok", "Ready"),
    ("exception", "Exception"),
    ("posted", "Posted"),
]


class UtilityBillingRunLine(models.Model):
    """One account in a billing run: its rated bill, or why it cannot be billed.

    Lines are written by the rating chunks (one create per chunk) and updated
    by the posting chunks; an account has at most one line per run.
    """

    _name = "utility.billing.run.line"
    _description = "Utility Billing Run Line"
    # The register of a posting or posted run is final: only the run's own
    # actions (posting, Bill Resolved Exceptions) change or delete its lines.
    _inherit = ["utility.locked.fields.mixin"]
    _order = "run_id, account_id"
    _check_company_auto = True

    run_id = fields.Many2one(
        "utility.billing.run", required=True, ondelete="cascade", index=True, readonly=True
    )
    company_id = fields.Many2one(related="run_id.company_id", store=True, precompute=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    account_id = fields.Many2one(
        "utility.account", required=True, index=True, readonly=True, check_company=True
    )
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    location_id = fields.Many2one("utility.service.location", string="Premise", readonly=True)
    customer_class = fields.Many2one(
        related="location_id.customer_class", store=True, string="Class"
    )
    state = fields.Selection(LINE_STATES, required=True, default="ok", index=True, readonly=True)
    message = fields.Text(string="Reason", readonly=True)
    date_from = fields.Date(string="Period From", readonly=True)
    date_to = fields.Date(string="Period To", readonly=True)
    amount_total = fields.Monetary(string="Amount", readonly=True)
    consumption = fields.Float(digits=(16, 3), readonly=True)
    consumption_unit = fields.Selection(UNITS, string="Unit", readonly=True)
    consumption_last = fields.Float(
        string="Last Period", digits=(16, 3), readonly=True, aggregator="sum"
    )
    consumption_last_year = fields.Float(
        string="Last Year", digits=(16, 3), readonly=True, aggregator="sum"
    )
    change_percent = fields.Float(
        string="Change %",
        digits=(16, 1),
        readonly=True,
        aggregator=None,
        help="Consumption against the last period, in percent (empty without history).",
    )
    is_high_change = fields.Boolean(
        string="High Change",
        readonly=True,
        index=True,
        help="Consumption above the company's high-usage or under its low-usage "
        "percentage of the last period.",
    )
    move_id = fields.Many2one("account.move", string="Bill", readonly=True, index="btree_not_null")
    reading_ids = fields.Many2many(
        "utility.meter.reading",
        "utility_billing_run_line_reading_rel",
        "line_id",
        "reading_id",
        string="Readings",
        readonly=True,
    )
    charge_ids = fields.One2many("utility.billing.run.charge", "line_id", readonly=True)

    _sql_constraints = [
        (
            "run_account_uniq",
            "unique(run_id, account_id)",
            "An account is rated once per billing run.",
        ),
    ]

    def _compute_display_name(self):
        for line in self:
            line.display_name = f"{line.run_id.name or ''} / {line.account_id.name or ''}"

    # ------------------------------------------------------------------
    # Posted means posted (utility.locked.fields.mixin)
    # ------------------------------------------------------------------
    def _get_locked_records(self):
        return super()._get_locked_records() | self.filtered(
            lambda line: line.run_id.state in ("posting", "posted")
        )

    def _get_locked_message(self, names=()):
        return self.env._(
            "The accounts of a run that posted bills cannot be changed or deleted: use the "
            "run's buttons (Bill Resolved Exceptions), or correct a bill with Cancel and Rebill."
        )


class UtilityBillingRunCharge(models.Model):
    """One rated charge of a run line: a future invoice line.

    Kept as rows (not JSON) so the review register totals per service type
    with one grouped query, and the posting reads exactly what was reviewed.
    """

    _name = "utility.billing.run.charge"
    _description = "Utility Billing Run Charge"
    _inherit = ["utility.locked.fields.mixin"]
    _order = "line_id, id"
    # Written once with their line, never edited: the line says who rated
    # when. Two foreign keys less to check on the biggest table of a run.
    _log_access = False

    line_id = fields.Many2one(
        "utility.billing.run.line", required=True, ondelete="cascade", index=True
    )
    run_id = fields.Many2one(related="line_id.run_id", store=True, precompute=True, index=True)
    company_id = fields.Many2one(related="line_id.company_id", store=True, precompute=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    service_id = fields.Many2one("utility.account.service", required=True)
    service_type_id = fields.Many2one("utility.service.type", required=True)
    rate_line_id = fields.Many2one("utility.rate.line")
    component = fields.Char()
    name = fields.Char(required=True)
    quantity = fields.Float(digits=(16, 6))
    price_unit = fields.Float(digits=(16, 6), aggregator=None)
    amount = fields.Monetary()
    date_from = fields.Date()
    date_to = fields.Date()
    consumption = fields.Float(digits=(16, 6), aggregator=None)
    has_consumption = fields.Boolean()
    unit = fields.Selection(UNITS)
    reading_id = fields.Many2one("utility.meter.reading")

    # ------------------------------------------------------------------
    # Posted means posted (utility.locked.fields.mixin)
    # ------------------------------------------------------------------
    def _get_locked_records(self):
        return super()._get_locked_records() | self.filtered(
            lambda charge: charge.run_id.state in ("posting", "posted")
        )

    def _get_locked_message(self, names=()):
        return self.env["utility.billing.run.line"]._get_locked_message(names)
