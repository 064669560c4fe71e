# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

ACCOUNT_STATES = [
    ("pending", "Pending"),
    ("active", "Active"),
    ("final_billed", "Final Billed"),
    ("closed", "Closed"),
]


class UtilityAccount(models.Model):
    """A customer account: one customer receiving service at one premise.

    Its balance is read from the general ledger (open receivable items of the
    moves carrying this account), never kept on the side, so the utility
    subledger always ties to the receivable account.
    """

    _name = "utility.account"
    _description = "Utility Customer Account"
    _inherit = ["mail.thread", "mail.activity.mixin", "utility.locked.fields.mixin"]
    _order = "name desc, id desc"
    _rec_names_search = ["name", "partner_id.name", "location_id.name"]
    _check_company_auto = True

    # ------------------------------------------------------------------
    # Identity
    # ------------------------------------------------------------------
    name = fields.Char(
        string="Account Number",
        required=True,
        copy=False,
        readonly=True,
        index="trigram",
        default=lambda self: self.env._("New"),
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        tracking=True,
        check_company=True,
        index=True,
    )
    mailing_partner_id = fields.Many2one(
        "res.partner",
        string="Mailing Address",
        tracking=True,
        help="Where bills and letters go when not to the customer's own address "
        "(e.g. a P.O. box or a property manager).",
    )
    phone = fields.Char(related="partner_id.phone")
    email = fields.Char(related="partner_id.email")
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")

    # ------------------------------------------------------------------
    # Where and when
    # ------------------------------------------------------------------
    location_id = fields.Many2one(
        "utility.service.location",
        string="Service Location",
        required=True,
        tracking=True,
        index=True,
    )
    customer_class = fields.Many2one(related="location_id.customer_class", store=True, index=True)
    is_inside_city = fields.Boolean(related="location_id.is_inside_city")
    owner_id = fields.Many2one(related="location_id.owner_id")
    cycle_id = fields.Many2one(
        "utility.billing.cycle",
        string="Billing Cycle",
        compute="_compute_cycle_id",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
        index=True,
    )
    state = fields.Selection(
        ACCOUNT_STATES,
        default="pending",
        required=True,
        tracking=True,
        copy=False,
        index=True,
    )
    date_start = fields.Date(
        string="Service Start", default=fields.Date.context_today, tracking=True
    )
    date_end = fields.Date(string="Service End", tracking=True, copy=False)

    # ------------------------------------------------------------------
    # Services, meters and readings
    # ------------------------------------------------------------------
    service_ids = fields.One2many("utility.account.service", "account_id", string="Services")
    meter_ids = fields.Many2many("utility.meter", compute="_compute_meter_ids", string="Meters")
    reading_ids = fields.One2many("utility.meter.reading", "account_id", string="Readings")
    exception_count = fields.Integer(compute="_compute_exception_count")

    # ------------------------------------------------------------------
    # Money
    # ------------------------------------------------------------------
    # compute_sudo: a cashier quotes the balance due at the counter but has no
    # right on the ledger (journal items).
    amount_balance = fields.Monetary(
        string="Balance",
        compute="_compute_amount_balance",
        compute_sudo=True,
        help="Open receivable of this account in the general ledger.",
    )
    amount_deposit = fields.Monetary(
        string="Deposit Held",
        tracking=True,
        copy=False,
        help="Customer deposit held for this account (a liability of the city).",
    )
    move_ids = fields.One2many("account.move", "utility_account_id", string="Bills")

    # ------------------------------------------------------------------
    # Flags
    # ------------------------------------------------------------------
    is_autopay = fields.Boolean(string="Autopay", tracking=True)
    is_level_pay = fields.Boolean(string="Level Pay", tracking=True)
    is_paperless = fields.Boolean(string="Paperless", tracking=True)
    is_cash_only = fields.Boolean(
        string="Cash Only",
        tracking=True,
        help="Checks are refused for this account (set after returned payments).",
    )
    is_life_support = fields.Boolean(
        string="Medical / Life Support",
        tracking=True,
        help="Never shut off for non-payment.",
    )
    is_landlord_notify = fields.Boolean(
        string="Notify Landlord",
        tracking=True,
        help="Send copies of delinquency notices to the premise owner.",
    )
    is_seasonal_usage = fields.Boolean(
        string="Seasonal Usage",
        compute="_compute_is_seasonal_usage",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
        help="The high / low usage edits compare each reading with the same period last "
        "year (when there are readings then), not with the average of the last periods: "
        "irrigation, schools, pools. Set for irrigation premises; a clerk may change it.",
    )
    is_bankruptcy = fields.Boolean(string="Bankruptcy", tracking=True)
    is_estate = fields.Boolean(string="Estate", tracking=True)
    discount_program = fields.Selection(
        [("senior", "Senior"), ("low_income", "Low Income")],
        tracking=True,
        help="Discount program the account qualifies for; rate schedules with a "
        "discount line for this program apply it.",
    )
    note = fields.Html(string="Notes")

    _sql_constraints = [
        (
            "name_company_uniq",
            "unique(name, company_id)",
            "An account number must be unique per company.",
        ),
        (
            "dates_check",
            "CHECK(date_end IS NULL OR date_start IS NULL OR date_end >= date_start)",
            "An account cannot end before it starts.",
        ),
    ]

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends("location_id")
    def _compute_cycle_id(self):
        for account in self:
            if account.location_id.cycle_id:
                account.cycle_id = account.location_id.cycle_id

    @api.depends("location_id.customer_class")
    def _compute_is_seasonal_usage(self):
        for account in self:
            account.is_seasonal_usage = account.location_id.customer_class.code == "irrigation"

    @api.depends("service_ids.meter_id")
    def _compute_meter_ids(self):
        for account in self:
            account.meter_ids = account.service_ids.meter_id

    def _compute_exception_count(self):
        counts = dict(
            self.env["utility.reading.exception"]._read_group(
                [("account_id", "in", self.ids), ("state", "=", "open")],
                ["account_id"],
                ["__count"],
            )
        )
        for account in self:
            account.exception_count = counts.get(account, 0)

    def _compute_amount_balance(self):
        # One grouped query over the ledger for the whole recordset.
        balances = dict(
            self.env["account.move.line"]._read_group(
                [
                    ("utility_account_id", "in", self.ids),
                    ("account_id.account_type", "=", "asset_receivable"),
                    ("parent_state", "=", "posted"),
                ],
                ["utility_account_id"],
                ["amount_residual:sum"],
            )
        )
        for account in self:
            account.amount_balance = balances.get(account, 0.0)

    @api.depends("name", "partner_id", "location_id")
    def _compute_display_name(self):
        for account in self:
            parts = [account.name, account.partner_id.name, account.location_id.name]
            account.display_name = " - ".join(p for p in parts if p)

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        new = self.env._("New")
        for vals in vals_list:
            if vals.get("name", new) == new:
                company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
                vals["name"] = (
                    self.env["ir.sequence"].with_company(company).next_by_code("utility.account")
                    or new
                )
        return super().create(vals_list)

    # ------------------------------------------------------------------
    # States change through actions (utility.locked.fields.mixin)
    # ------------------------------------------------------------------
    def _get_action_fields(self):
        return super()._get_action_fields() | {"state"}

    def _get_action_fields_message(self, names, creating=False):
        return self.env._(
            "An account's status changes through its buttons only (Activate, Final Bill, "
            "Close), which check that it may."
        )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_billed(self):
        if self.move_ids:
            raise UserError(
                self.env._("An account that has been billed cannot be deleted; close it instead.")
            )

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------
    @api.constrains("state", "location_id")
    def _check_one_active_account_per_location(self):
        live = self.filtered(lambda a: a.state in ("pending", "active"))
        if not live:
            return
        groups = self._read_group(
            [
                ("location_id", "in", live.location_id.ids),
                ("state", "in", ("pending", "active")),
            ],
            ["location_id"],
            ["__count"],
            having=[("__count", ">", 1)],
        )
        if groups:
            raise ValidationError(
                self.env._(
                    "A premise can carry only one open account at a time: %(locations)s",
                    locations=", ".join(location.display_name for location, _count in groups),
                )
            )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_activate(self):
        not_pending = self.filtered(lambda a: a.state != "pending")
        if not_pending:
            raise UserError(
                self.env._(
                    "Only pending accounts can be activated: %(accounts)s",
                    accounts=", ".join(not_pending.mapped("name")),
                )
            )
        without_service = self.filtered(lambda a: not a.service_ids)
        if without_service:
            raise UserError(
                self.env._(
                    "Add at least one service before activating: %(accounts)s",
                    accounts=", ".join(without_service.mapped("name")),
                )
            )
        self._as_action().write({"state": "active"})
        self.service_ids.filtered(lambda s: s.state == "pending")._as_action().write(
            {"state": "active"}
        )

    def action_close(self):
        """Close final-billed accounts whose balance is settled."""
        wrong_state = self.filtered(lambda a: a.state not in ("final_billed", "pending"))
        if wrong_state:
            raise UserError(
                self.env._(
                    "Only pending or final-billed accounts can be closed: %(accounts)s",
                    accounts=", ".join(wrong_state.mapped("name")),
                )
            )
        open_balance = self.filtered(lambda a: not a.currency_id.is_zero(a.amount_balance))
        if open_balance:
            raise UserError(
                self.env._(
                    "Settle or transfer the balance before closing: %(accounts)s",
                    accounts=", ".join(open_balance.mapped("name")),
                )
            )
        today = fields.Date.context_today(self)
        for account in self:
            account._as_action().write({"state": "closed", "date_end": account.date_end or today})
        self.service_ids.filtered(lambda s: s.state != "stopped")._as_action().write(
            {"state": "stopped"}
        )

    def action_view_readings(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "utility_billing.utility_meter_reading_action"
        )
        action["domain"] = [("account_id", "=", self.id)]
        action["context"] = {"search_default_group_meter": 1}
        return action

    def action_view_exceptions(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "utility_billing.utility_reading_exception_action"
        )
        action["domain"] = [("account_id", "=", self.id)]
        return action

    def action_view_bills(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_out_invoice_type"
        )
        action["domain"] = [("utility_account_id", "=", self.id)]
        action["context"] = {"default_move_type": "out_invoice", "create": False}
        action.update(self._bill_list_views())
        return action
