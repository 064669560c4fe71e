# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression


class UtilityAccountMoveIn(models.TransientModel):
    """Move-in: a customer starts service at a premise, in one screen.

    The clerk picks the premise (or comes from it), finds or types the
    customer, and confirms: the services are proposed from the premise's last
    account with its meters, the opening readings from the meters' last ones.
    The work is ``utility.account._move_in``.
    """

    _name = "utility.account.move.in"
    _description = "Move In"
    _check_company_auto = True

    location_id = fields.Many2one(
        "utility.service.location", string="Premise", required=True, check_company=True
    )
    company_id = fields.Many2one(related="location_id.company_id")
    current_account_id = fields.Many2one(related="location_id.current_account_id")
    date_start = fields.Date(string="Start Date", required=True, default=fields.Date.context_today)

    # ------------------------------------------------------------------
    # Customer
    # ------------------------------------------------------------------
    customer_mode = fields.Selection(
        [("new", "New customer"), ("existing", "Existing customer")],
        string="Customer",
        default="new",
        required=True,
    )
    partner_id = fields.Many2one("res.partner", string="Existing Customer", check_company=True)
    name = fields.Char(string="Customer Name")
    phone = fields.Char()
    email = fields.Char()
    duplicate_ids = fields.Many2many(
        "res.partner",
        compute="_compute_duplicate_ids",
        string="Possible Duplicates",
        help="Customers already on file with the same name, phone or e-mail.",
    )
    is_mail_to_premise = fields.Boolean(
        string="Mail to the Service Address",
        default=True,
        help="Untick to send bills and letters to another address (a P.O. box).",
    )
    mail_street = fields.Char(string="Mailing Street")
    mail_street2 = fields.Char(string="Mailing Unit")
    mail_city = fields.Char(string="Mailing City")
    mail_state_id = fields.Many2one("res.country.state", string="Mailing State")
    mail_zip = fields.Char(string="Mailing ZIP")

    # ------------------------------------------------------------------
    # Services and choices
    # ------------------------------------------------------------------
    line_ids = fields.One2many(
        "utility.account.move.in.line",
        "wizard_id",
        string="Services",
        compute="_compute_line_ids",
        store=True,
        readonly=False,
        precompute=True,
    )
    is_paperless = fields.Boolean(string="Paperless (e-mail bills)")
    is_autopay = fields.Boolean(string="Autopay (bank draft)")
    aba_routing = fields.Char(string="Routing Number")
    acc_number = fields.Char(string="Bank Account Number")
    bank_account_type = fields.Selection(
        [("checking", "Checking"), ("savings", "Savings")], default="checking"
    )
    deposit_rule_id = fields.Many2one("utility.deposit.rule", compute="_compute_deposit")
    currency_id = fields.Many2one(related="location_id.company_id.currency_id")
    amount_deposit = fields.Monetary(
        string="Deposit Required",
        compute="_compute_deposit",
        help="What the city's deposit rule for the premise's class asks of this customer.",
    )
    deposit_installments = fields.Integer(
        default=1,
        help="Bill the deposit in this many monthly installments (up to what the rule allows).",
    )
    deposit_waiver_reason = fields.Selection(
        [
            ("letter", "Letter of good payment history"),
            ("age", "Age"),
            ("supervisor", "Supervisor's waiver"),
        ],
        string="Waive the Deposit",
    )
    deposit_waiver_note = fields.Char(string="Waiver Reason")
    is_welcome_letter = fields.Boolean(string="Send the Welcome Letter", default=True)
    is_verify_opening = fields.Boolean(
        string="Verify the Opening Reading",
        help="Send a crew to read the meter the day after the start date: their reading "
        "is a check read of the opening reading and changes nobody's account.",
    )

    # ------------------------------------------------------------------
    # Defaults and computes
    # ------------------------------------------------------------------
    @api.depends("customer_mode", "name", "phone", "email")
    def _compute_duplicate_ids(self):
        Partner = self.env["res.partner"]
        for wizard in self:
            domains = []
            if wizard.customer_mode == "new":
                if wizard.name and len(wizard.name.strip()) > 2:
                    domains.append([("name", "ilike", wizard.name.strip())])
                if wizard.phone and len(wizard.phone.strip()) > 6:
                    domains.append([("phone", "ilike", wizard.phone.strip())])
                if wizard.email and "@" in wizard.email:
                    domains.append([("email", "=ilike", wizard.email.strip())])
            wizard.duplicate_ids = (
                Partner.search(
                    expression.AND([[("is_company", "=", False)], expression.OR(domains)]),
                    limit=10,
                )
                if domains
                else Partner
            )

    @api.depends("location_id")
    def _compute_line_ids(self):
        for wizard in self:
            location = wizard.location_id
            last = location.last_account_id
            services = location._prepare_services_from(last) if last else []
            meters = self.env["utility.meter"].browse(
                [service["meter_id"] for service in services if service["meter_id"]]
            )
            wizard.line_ids = [Command.clear()] + [
                Command.create(
                    {
                        **service,
                        "opening_read": meters.browse(service["meter_id"]).last_reading_value
                        if service["meter_id"]
                        else 0.0,
                    }
                )
                for service in services
            ]

    @api.depends("location_id", "customer_mode", "partner_id", "line_ids.service_type_id")
    def _compute_deposit(self):
        Rule = self.env["utility.deposit.rule"]
        for wizard in self:
            partner = wizard.partner_id if wizard.customer_mode == "existing" else None
            rule = Rule._find_rule(wizard.location_id, partner) if wizard.location_id else Rule
            wizard.deposit_rule_id = rule
            water = wizard.line_ids.filtered("meter_id")[:1]
            wizard.amount_deposit = (
                float(
                    rule._compute_deposit(
                        wizard.location_id, wizard.line_ids.service_type_id, water.meter_id
                    )
                )
                if rule
                else 0.0
            )

    @api.onchange("duplicate_ids")
    def _onchange_duplicate_ids(self):
        if self.duplicate_ids:
            return {
                "warning": {
                    "title": self.env._("Possible duplicate"),
                    "message": self.env._(
                        "Customers already on file look like this one: %(names)s. "
                        "Choose Existing customer if it is one of them.",
                        names=", ".join(self.duplicate_ids.mapped("display_name")),
                    ),
                }
            }
        return None

    # ------------------------------------------------------------------
    # Action
    # ------------------------------------------------------------------
    def action_confirm(self):
        self.ensure_one()
        partner = self._get_customer()
        Account = self.env["utility.account"]
        account = Account._move_in(
            self.location_id,
            partner,
            self.date_start,
            [line._prepare_service_vals() for line in self.line_ids],
            opening_reads={
                line.meter_id.id: line.opening_read for line in self.line_ids if line.meter_id
            },
            **self._prepare_account_vals(partner),
        )
        rule = self.deposit_rule_id
        if self.deposit_installments > max(rule.installment_count, 1):
            raise UserError(
                self.env._(
                    "The deposit rule allows at most %(count)s installments.",
                    count=max(rule.installment_count, 1),
                )
            )
        account._require_deposit(
            self.amount_deposit,
            self.date_start,
            installments=self.deposit_installments,
            waiver_reason=self.deposit_waiver_reason,
            note=self.deposit_waiver_note,
        )
        if self.is_autopay:
            self._enroll_autopay(account)
        if self.is_welcome_letter:
            account._send_letter("utility_billing.mail_template_utility_welcome")
        if self.is_verify_opening:
            account._order_opening_check(self.date_start)
        return {
            "type": "ir.actions.act_window",
            "res_model": "utility.account",
            "res_id": account.id,
            "view_mode": "form",
            "target": "current",
        }

    def _get_customer(self):
        """The existing customer, or a new one made from the typed name."""
        if self.customer_mode == "existing":
            if not self.partner_id:
                raise UserError(self.env._("Choose the existing customer."))
            return self.partner_id
        if not (self.name or "").strip():
            raise UserError(self.env._("Enter the new customer's name."))
        location = self.location_id
        # A CSR starts service for new customers without the contact-creation right
        # on the whole address book: the contact is made for them here.
        return (
            self.env["res.partner"]
            .sudo()
            .create(
                {
                    "name": self.name.strip(),
                    "phone": self.phone,
                    "email": self.email,
                    "street": location.street,
                    "street2": location.street2,
                    "city": location.city,
                    "zip": location.zip,
                    "state_id": location.state_id.id,
                    "country_id": location.country_id.id,
                    "company_id": False,
                }
            )
        )

    def _prepare_account_vals(self, partner):
        vals = {"is_paperless": self.is_paperless}
        if not self.is_mail_to_premise:
            if not self.mail_street:
                raise UserError(
                    self.env._("Enter the mailing street, or mail to the service address.")
                )
            vals["mailing_partner_id"] = (
                self.env["res.partner"]
                .sudo()
                .create(
                    {
                        "name": self.env._("Mailing address"),
                        "type": "invoice",
                        "parent_id": partner.commercial_partner_id.id,
                        "street": self.mail_street,
                        "street2": self.mail_street2,
                        "city": self.mail_city,
                        "state_id": self.mail_state_id.id,
                        "zip": self.mail_zip,
                    }
                )
                .id
            )
        if self.is_paperless and not (partner.email or self.email):
            raise UserError(
                self.env._("Paperless bills are e-mailed: enter the customer's e-mail.")
            )
        return vals

    def _enroll_autopay(self, account):
        if not (self.aba_routing and self.acc_number):
            raise UserError(self.env._("Autopay: enter the routing and bank account numbers."))
        bank = self.env["res.partner.bank"].create(
            {
                "partner_id": account.partner_id.id,
                "acc_number": self.acc_number,
                "aba_routing": self.aba_routing,
            }
        )
        enrollment = self.env["utility.autopay.enrollment"].create(
            {
                "account_id": account.id,
                "bank_id": bank.id,
                "account_type": self.bank_account_type,
                "date_start": self.date_start,
            }
        )
        enrollment.action_confirm()
        return enrollment


class UtilityAccountMoveInLine(models.TransientModel):
    _name = "utility.account.move.in.line"
    _description = "Service of a Move-In"

    wizard_id = fields.Many2one(
        "utility.account.move.in", required=True, ondelete="cascade", index=True
    )
    location_id = fields.Many2one(related="wizard_id.location_id")
    service_type_id = fields.Many2one("utility.service.type", required=True)
    is_metered = fields.Boolean(related="service_type_id.is_metered")
    rate_schedule_id = fields.Many2one(
        "utility.rate.schedule",
        required=True,
        domain="[('service_type_id', '=', service_type_id), ('is_fee_schedule', '=', False)]",
    )
    meter_id = fields.Many2one(
        "utility.meter", domain="[('location_id', '=', location_id), ('state', '=', 'installed')]"
    )
    opening_read = fields.Float(
        string="Opening Reading",
        digits=(16, 3),
        help="Register value on the start date (the meter's last reading is proposed). "
        "Not used when the meter was read that day (the last customer's final reading).",
    )
    cart_count = fields.Integer(string="Carts")
    cart_size = fields.Many2one("utility.cart.size")
    eru_count = fields.Float(string="ERUs", digits=(12, 2))

    def _prepare_service_vals(self):
        self.ensure_one()
        return {
            "service_type_id": self.service_type_id.id,
            "rate_schedule_id": self.rate_schedule_id.id,
            "meter_id": self.meter_id.id,
            "cart_count": self.cart_count,
            "cart_size": self.cart_size.id,
            "eru_count": self.eru_count,
        }
