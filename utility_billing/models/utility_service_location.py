# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class UtilityServiceLocation(models.Model):
    """A premise: the place service is delivered.

    The premise outlives its customers: meters, services history and readings
    stay with it while customer accounts open and close on it.
    """

    _name = "utility.service.location"
    _description = "Utility Service Location (Premise)"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "route_id, read_sequence, id"
    _rec_names_search = ["name", "parcel_number", "street"]

    # ------------------------------------------------------------------
    # Address
    # ------------------------------------------------------------------
    name = fields.Char(
        string="Premise",
        compute="_compute_name",
        store=True,
        readonly=False,
        precompute=True,
        help="Defaults to the street address.",
    )
    street = fields.Char(required=True, tracking=True)
    street2 = fields.Char(string="Unit")
    city = fields.Char()
    zip = fields.Char(string="ZIP")
    state_id = fields.Many2one("res.country.state")
    country_id = fields.Many2one("res.country")
    latitude = fields.Float(digits=(10, 7))
    longitude = fields.Float(digits=(10, 7))
    parcel_number = fields.Char(index="btree_not_null", tracking=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )

    # ------------------------------------------------------------------
    # Classification and reading
    # ------------------------------------------------------------------
    customer_class = fields.Many2one(
        "utility.customer.class",
        required=True,
        default=lambda self: self.env["utility.customer.class"]._default_code("residential"),
        ondelete="restrict",
        index=True,
        tracking=True,
        check_company=True,
    )
    is_inside_city = fields.Boolean(
        string="Inside City Limits",
        default=True,
        tracking=True,
        help="Premises outside the city limits pay the outside-city multiplier "
        "of their rate schedules.",
    )
    route_id = fields.Many2one("utility.route", check_company=True, tracking=True)
    cycle_id = fields.Many2one(related="route_id.cycle_id", store=True, string="Billing Cycle")
    read_sequence = fields.Integer(
        default=0, help="Position of the premise on its route's read sheet."
    )
    owner_id = fields.Many2one(
        "res.partner",
        string="Owner (Landlord)",
        tracking=True,
        help="Owner of the property, notified for tenant delinquency when the "
        "account asks for it; balances may be transferred to the owner.",
    )

    # ------------------------------------------------------------------
    # What sits on the premise
    # ------------------------------------------------------------------
    account_ids = fields.One2many("utility.account", "location_id")
    current_account_id = fields.Many2one(
        "utility.account",
        compute="_compute_current_account_id",
    )
    meter_ids = fields.One2many("utility.meter", "location_id")
    account_count = fields.Integer(compute="_compute_counts")
    meter_count = fields.Integer(compute="_compute_counts")
    note = fields.Html()

    @api.depends("street", "street2")
    def _compute_name(self):
        for location in self:
            if location.street:
                location.name = ", ".join(filter(None, [location.street, location.street2]))

    def _compute_current_account_id(self):
        accounts = self.env["utility.account"].search(
            [
                ("location_id", "in", self.ids),
                ("state", "in", ("pending", "active")),
            ],
            order="date_start desc, id desc",
        )
        current = {}
        for account in accounts:
            current.setdefault(account.location_id.id, account)
        for location in self:
            location.current_account_id = current.get(location.id, False)

    def _compute_counts(self):
        accounts = dict(
            self.env["utility.account"]._read_group(
                [("location_id", "in", self.ids)], ["location_id"], ["__count"]
            )
        )
        meters = dict(
            self.env["utility.meter"]._read_group(
                [("location_id", "in", self.ids)], ["location_id"], ["__count"]
            )
        )
        for location in self:
            location.account_count = accounts.get(location, 0)
            location.meter_count = meters.get(location, 0)

    def action_view_accounts(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "utility_billing.utility_account_action"
        )
        action["domain"] = [("location_id", "=", self.id)]
        action["context"] = {
            "default_location_id": self.id,
            "active_test": False,
        }
        return action

    def action_view_meters(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "utility_billing.utility_meter_action"
        )
        action["domain"] = [("location_id", "=", self.id)]
        action["context"] = {"default_location_id": self.id}
        return action
