# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class UtilityBillingCycle(models.Model):
    """A billing cycle (book): the accounts read and billed together.

    Days are days of the month for the read window and the bill date; due and
    penalty dates count days from the bill date so a cycle keeps its rhythm
    whatever the month length.
    """

    _name = "utility.billing.cycle"
    _description = "Utility Billing Cycle"
    _inherit = ["mail.thread"]
    _order = "code, id"

    name = fields.Char(required=True, tracking=True)
    code = fields.Char(required=True, tracking=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    frequency_months = fields.Integer(
        string="Bill Every (Months)",
        default=1,
        required=True,
        tracking=True,
        help="1 for monthly billing, 2 for bi-monthly, 3 for quarterly.",
    )
    read_day_start = fields.Integer(
        string="Read Window Starts", default=1, required=True, tracking=True
    )
    read_day_end = fields.Integer(
        string="Read Window Ends", default=5, required=True, tracking=True
    )
    bill_day = fields.Integer(
        default=8,
        required=True,
        tracking=True,
        help="Day of the month the bills of this cycle are dated.",
    )
    due_days = fields.Integer(string="Due After (Days)", default=20, required=True, tracking=True)
    penalty_days = fields.Integer(
        string="Penalty After Due (Days)",
        default=5,
        required=True,
        tracking=True,
        help="Grace days after the due date before the late fee applies.",
    )
    route_ids = fields.One2many("utility.route", "cycle_id")
    account_ids = fields.One2many("utility.account", "cycle_id")
    account_count = fields.Integer(compute="_compute_account_count")
    note = fields.Html()

    _sql_constraints = [
        (
            "code_company_uniq",
            "unique(code, company_id)",
            "A billing cycle code must be unique per company.",
        ),
        (
            "read_window_check",
            "CHECK(read_day_start BETWEEN 1 AND 31 AND read_day_end BETWEEN 1 AND 31 "
            "AND bill_day BETWEEN 1 AND 31)",
            "Read window and bill days are days of the month (1 to 31).",
        ),
        (
            "frequency_check",
            "CHECK(frequency_months BETWEEN 1 AND 12)",
            "A cycle bills every 1 to 12 months.",
        ),
        (
            "days_check",
            "CHECK(due_days >= 0 AND penalty_days >= 0)",
            "Due and penalty days cannot be negative.",
        ),
    ]

    def _compute_account_count(self):
        counts = dict(
            self.env["utility.account"]._read_group(
                [("cycle_id", "in", self.ids)], ["cycle_id"], ["__count"]
            )
        )
        for cycle in self:
            cycle.account_count = counts.get(cycle, 0)

    @api.depends("code", "name")
    def _compute_display_name(self):
        for cycle in self:
            cycle.display_name = f"[{cycle.code}] {cycle.name}" if cycle.code else cycle.name

    def action_view_accounts(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "utility_billing.utility_account_action"
        )
        action["domain"] = [("cycle_id", "=", self.id)]
        action["context"] = {"default_cycle_id": self.id}
        return action
