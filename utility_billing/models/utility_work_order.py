# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import format_amount, format_date, format_datetime

from ..lib import work_orders
from ..lib.consumption import is_plausible_rollover, to_decimal
from .fsm_order_type import WORK_KINDS
from .utility_reading_exception import CHECK_READ_DAYS

WORK_STATES = [
    ("hold", "Waiting for Payment"),
    ("open", "To Do"),
    ("done", "Done"),
    ("cancelled", "Cancelled"),
]
WORK_RESULTS = [
    ("completed", "Completed"),
    ("no_access", "Could Not Access"),
    ("refused", "Customer Refused"),
    ("meter_damaged", "Meter Damaged"),
]
TIME_WINDOWS = [
    ("any", "Any Time"),
    ("am", "Morning"),
    ("pm", "Afternoon"),
    ("after_hours", "After Hours"),
]
TIME_WINDOW_RANK = {code: rank for rank, (code, _label) in enumerate(TIME_WINDOWS)}
# Read type of the reading each kind of order enters.
READ_TYPE_BY_KIND = {
    "check_read": "check",
    "final_read": "final",
    "opening_read": "initial",
}
# Kinds whose order stands for the account's metered services as a whole.
SERVICE_STATE_KINDS = ("connect", "disconnect", "reconnect")
# What the crew (or the clerk entering a paper route sheet) fills in on the phone.
CREW_FIELDS = {
    "result",
    "reading_value",
    "is_dials_checked",
    "photo",
    "meter_removed_value",
    "meter_installed_id",
    "meter_installed_value",
    "cart_count_done",
    "cart_size_done",
    "accuracy_low",
    "accuracy_mid",
    "accuracy_high",
    "crew_note",
}


class UtilityWorkOrder(models.Model):
    """A trip a crew makes to a premise: a field service order with the utility's
    account, service, meter and what completing it does to them.

    Built on OCA ``fieldservice``: each work order *is* an ``fsm.order``
    (delegation), so its location, crew (team), worker, priority, type and stage
    are field service's own and the order shows in the Field Service app. The
    utility part lives here: ``state`` (changed only by the action methods), the
    result and what the crew captured, and the effect on the account.

    Other workflows create orders through :meth:`_create_for` (move-in / move-out,
    the read-exception queue, collections).
    """

    _name = "utility.work.order"
    _description = "Utility Work Order"
    _inherits = {"fsm.order": "fsm_order_id"}
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_scheduled desc, priority desc, id desc"
    _check_company_auto = True
    _rec_name = "name"

    fsm_order_id = fields.Many2one(
        "fsm.order", required=True, ondelete="cascade", index=True, auto_join=True
    )
    kind = fields.Selection(related="type.utility_kind", store=True, index=True)
    state = fields.Selection(
        WORK_STATES,
        default="open",
        required=True,
        readonly=True,
        tracking=True,
        index=True,
        copy=False,
        string="Status",
    )
    result = fields.Selection(WORK_RESULTS, tracking=True, copy=False)

    # ------------------------------------------------------------------
    # Where and for whom
    # ------------------------------------------------------------------
    premise_id = fields.Many2one(
        "utility.service.location",
        required=True,
        index=True,
        check_company=True,
        tracking=True,
    )
    account_id = fields.Many2one(
        "utility.account",
        index="btree_not_null",
        check_company=True,
        tracking=True,
        help="Empty for a vacant premise.",
    )
    service_id = fields.Many2one(
        "utility.account.service",
        index="btree_not_null",
        check_company=True,
        domain="[('account_id', '=', account_id)]",
    )
    meter_id = fields.Many2one(
        "utility.meter", index="btree_not_null", check_company=True, tracking=True
    )
    partner_id = fields.Many2one(related="account_id.partner_id", string="Customer")
    is_life_support = fields.Boolean(related="account_id.is_life_support")
    route_id = fields.Many2one(related="premise_id.route_id", store=True, string="Route")
    read_sequence = fields.Integer(related="premise_id.read_sequence")
    meter_location_note = fields.Html(related="meter_id.note", string="Meter Notes")
    meter_dials = fields.Integer(related="meter_id.dials")
    last_reading_value = fields.Float(related="meter_id.last_reading_value", string="Last Reading")
    last_reading_date = fields.Date(related="meter_id.last_reading_date")
    map_url = fields.Char(compute="_compute_map_url", string="Map")
    exception_ids = fields.One2many(
        "utility.reading.exception", "work_order_id", string="Read Exceptions"
    )
    currency_id = fields.Many2one(related="company_id.currency_id")

    # ------------------------------------------------------------------
    # Scheduling (crew = field service team, worker = field service person)
    # ------------------------------------------------------------------
    date_scheduled = fields.Date(
        string="Scheduled On", index=True, tracking=True, default=fields.Date.context_today
    )
    time_window = fields.Selection(TIME_WINDOWS, default="any", required=True)
    instructions = fields.Text(related="type.instructions", string="What to Do")
    capture_reading = fields.Boolean(related="type.capture_reading")
    capture_photo = fields.Boolean(related="type.capture_photo")
    capture_meter_removed = fields.Boolean(related="type.capture_meter_removed")
    capture_meter_installed = fields.Boolean(related="type.capture_meter_installed")
    capture_carts = fields.Boolean(related="type.capture_carts")
    capture_test = fields.Boolean(related="type.capture_test")

    # ------------------------------------------------------------------
    # Collections: what the account must pay to avoid / end the shut-off
    # ------------------------------------------------------------------
    amount_due = fields.Monetary(
        string="Shut-off Amount",
        tracking=True,
        help="Disconnect: paying this cancels the order. Reconnect: the order waits "
        "until the account owes no more than zero.",
    )
    amount_paid = fields.Monetary(
        string="Paid Since Ordered", readonly=True, copy=False, tracking=True
    )

    # ------------------------------------------------------------------
    # What the crew captured
    # ------------------------------------------------------------------
    reading_value = fields.Float(string="Reading", digits=(16, 3))
    is_dials_checked = fields.Boolean(
        string="Dials Checked", help="The crew checked the number of dials against the meter."
    )
    photo = fields.Image(max_width=1920, max_height=1920, attachment=True)
    meter_removed_value = fields.Float(string="Removed Meter Reading", digits=(16, 3))
    meter_installed_id = fields.Many2one(
        "utility.meter",
        check_company=True,
        domain="[('state', '=', 'stock')]",
    )
    meter_installed_value = fields.Float(string="Installed Meter Reading", digits=(16, 3))
    cart_count_done = fields.Integer(string="Carts at the Premise")
    cart_size_done = fields.Many2one(
        "utility.cart.size", string="Cart Size", ondelete="restrict", check_company=True
    )
    accuracy_low = fields.Float(string="Low Flow (%)", digits=(6, 2))
    accuracy_mid = fields.Float(string="Mid Flow (%)", digits=(6, 2))
    accuracy_high = fields.Float(string="High Flow (%)", digits=(6, 2))
    crew_note = fields.Text(string="Crew Notes")

    # ------------------------------------------------------------------
    # Outcome (written by the actions only)
    # ------------------------------------------------------------------
    date_done = fields.Datetime(string="Done On", readonly=True, copy=False, tracking=True)
    done_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    reading_id = fields.Many2one(
        "utility.meter.reading", string="Reading Entered", readonly=True, copy=False
    )
    meter_test_id = fields.Many2one("utility.meter.test", readonly=True, copy=False)
    fee_move_id = fields.Many2one("account.move", string="Fee", readonly=True, copy=False)
    cancel_reason = fields.Char(readonly=True, copy=False, tracking=True)
    override_reason = fields.Text(
        string="Supervisor Override",
        readonly=True,
        copy=False,
        tracking=True,
        help="Why a supervisor let the crew shut off a medical / life-support account.",
    )
    override_by_id = fields.Many2one("res.users", readonly=True, copy=False, tracking=True)

    _sql_constraints = [
        (
            "fsm_order_unique",
            "UNIQUE(fsm_order_id)",
            "A field service order belongs to one utility work order.",
        ),
    ]

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends("premise_id.latitude", "premise_id.longitude", "premise_id.name")
    def _compute_map_url(self):
        for order in self:
            premise = order.premise_id
            address = ", ".join(filter(None, [premise.street, premise.city, premise.zip]))
            order.map_url = work_orders.map_url(premise.latitude, premise.longitude, address)

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        vals_list = [dict(vals) for vals in vals_list]
        self._prepare_create_vals(vals_list)
        orders = super(UtilityWorkOrder, self.with_context(utility_work_order=True)).create(
            vals_list
        )
        return orders.with_env(self.env)

    def _prepare_create_vals(self, vals_list):
        """Fill what follows from the premise, account and meter: the field service
        location (created once per premise), the company, the account's premise."""
        accounts = self.env["utility.account"].browse(
            {vals["account_id"] for vals in vals_list if vals.get("account_id")}
        )
        for vals in vals_list:
            if vals.get("account_id") and not vals.get("premise_id"):
                vals["premise_id"] = accounts.browse(vals["account_id"]).location_id.id
            if not vals.get("premise_id"):
                raise UserError(self.env._("A work order needs a premise or an account."))
        premises = self.env["utility.service.location"].browse(
            {vals["premise_id"] for vals in vals_list}
        )
        locations = premises._get_fsm_locations()
        types = self.env["fsm.order.type"].browse(
            {vals["type"] for vals in vals_list if vals.get("type")}
        )
        meters = self.env["utility.meter"].browse(
            {vals["meter_id"] for vals in vals_list if vals.get("meter_id")}
        )
        equipments = meters._get_fsm_equipments(locations)
        for vals in vals_list:
            premise = premises.browse(vals["premise_id"])
            vals.setdefault("location_id", locations[premise].id)
            if vals.get("meter_id"):
                equipment = equipments[meters.browse(vals["meter_id"])]
                vals.setdefault("equipment_ids", [Command.set(equipment.ids)])
            vals.setdefault("company_id", premise.company_id.id or self.env.company.id)
            # Field service's defaults look for a stage and a team of the user's
            # company: a city's second company has neither until it makes them.
            vals.setdefault("stage_id", self.env.ref("fieldservice.fsm_stage_new").id)
            if not vals.get("team_id"):
                vals["team_id"] = self._get_default_team(vals["company_id"]).id
            if vals.get("type"):
                vals.setdefault("priority", types.browse(vals["type"]).default_priority or "0")

    @api.model
    def _get_default_team(self, company_id):
        Team = self.env["fsm.team"].sudo()
        team = Team.search([("company_id", "in", [company_id, False])], order="sequence", limit=1)
        if not team:
            team = Team.create({"name": self.env._("Field Crew"), "company_id": company_id})
        return team

    def write(self, vals):
        if "state" in vals and not self.env.context.get("utility_work_order_action"):
            raise UserError(
                self.env._("The status of a work order changes only through its buttons.")
            )
        closed = self.filtered(lambda o: o.state in ("done", "cancelled"))
        if closed and not self.env.context.get("utility_work_order_action"):
            raise UserError(
                self.env._(
                    "These orders are closed and cannot be changed: %(orders)s",
                    orders=", ".join(closed.mapped("name")),
                )
            )
        if not self.env.user.has_group("utility_billing.group_utility_csr"):
            # A crew member fills in the trip, nothing else (no rescheduling,
            # no other premise, no other amount).
            forbidden = set(vals) - CREW_FIELDS
            if forbidden and not self.env.su:
                raise AccessError(
                    self.env._("Crews enter what they found; the office changes the order.")
                )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_started(self):
        if self.filtered(lambda o: o.state == "done" or o.exception_ids):
            raise UserError(
                self.env._("Cancel the order instead: it is done or read exceptions wait for it.")
            )

    def unlink(self):
        fsm_orders = self.fsm_order_id
        res = super().unlink()
        fsm_orders.with_context(utility_work_order=True).sudo().unlink()
        return res

    @api.depends("name", "type", "premise_id")
    def _compute_display_name(self):
        for order in self:
            parts = [order.name, order.type.name, order.premise_id.name]
            order.display_name = " - ".join(filter(None, parts))

    # ------------------------------------------------------------------
    # Window actions
    # ------------------------------------------------------------------
    def _get_form_action(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "utility_billing.utility_work_order_action"
        )
        action.update({"res_id": self.id, "view_mode": "form", "views": [(False, "form")]})
        return action

    @api.model
    def _get_list_action(self, domain, context):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "utility_billing.utility_work_order_action"
        )
        action.update({"domain": domain, "context": context})
        return action

    @api.model
    def _get_new_action(self, context):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "utility_billing.utility_work_order_action"
        )
        action.update({"view_mode": "form", "views": [(False, "form")], "context": context})
        return action

    # ------------------------------------------------------------------
    # The API other workflows use
    # ------------------------------------------------------------------
    @api.model
    def _get_type(self, kind):
        """The order type of ``kind`` (the first by sequence of the company)."""
        order_type = self.env["fsm.order.type"].search(
            [("utility_kind", "=", kind)], order="id", limit=1
        )
        if not order_type:
            raise UserError(
                self.env._(
                    "There is no work order type for %(kind)s: add one in Configuration > "
                    "Work Order Types.",
                    kind=dict(WORK_KINDS)[kind],
                )
            )
        return order_type

    @api.model
    def _create_for(self, kind, records, values_list=None, **values):
        """Create one order of ``kind`` per record, in one ``create``.

        :param kind: a ``utility_kind`` (see ``fsm_order_type.WORK_KINDS``)
        :param records: utility.account, utility.account.service, utility.meter or
            utility.service.location records; each gives the premise, account,
            service and meter it knows
        :param values_list: field values of each order, in the order of
            ``records`` (e.g. each account's ``amount_due``), or None
        :param values: more field values for every order (``date_scheduled``,
            ``team_id``, ``person_id``, ``time_window``, ``amount_due``,
            ``description``...)
        :return: the orders, in the order of ``records``. A reconnect on an account
            that still owes waits for payment (state *Waiting for Payment*).
        """
        order_type = self._get_type(kind)
        vals_list = []
        for index, record in enumerate(records):
            vals = {"type": order_type.id, **values, **(values_list[index] if values_list else {})}
            vals.update(self._prepare_target_vals(record))
            vals_list.append(vals)
        orders = self.create(vals_list)
        if kind == "reconnect":
            owing = orders.filtered(lambda o: o.account_id and o._amount_owed() > 0)
            owing._set_state("hold")
        return orders

    @api.model
    def _create_check_reads(self, exceptions):
        """One check-read order per meter for ``exceptions``; they wait for it.

        A meter that already has an open check-read order gets no second one: its
        new exceptions wait for the order already out. An exception whose last
        trip closed without a reading gets a new order; the closed one stays in
        its history (``check_read_order_ids``).
        """
        exceptions = exceptions.filtered(
            lambda e: e.meter_id and e.work_order_id.state not in ("open", "hold")
        )
        if not exceptions:
            return self.browse()
        waiting = self.search(
            [
                ("meter_id", "in", exceptions.meter_id.ids),
                ("kind", "=", "check_read"),
                ("state", "=", "open"),
            ]
        )
        by_meter = {order.meter_id: order for order in waiting}
        new_meters = exceptions.meter_id.filtered(lambda m: m not in by_meter)
        deadline = fields.Datetime.add(fields.Datetime.now(), days=CHECK_READ_DAYS)
        new_orders = self.browse()
        if new_meters:
            new_orders = self._create_for("check_read", new_meters, request_late=deadline)
            by_meter.update({order.meter_id: order for order in new_orders})
        for meter in exceptions.meter_id:
            exceptions.filtered(lambda e, m=meter: e.meter_id == m).write(
                {
                    "work_order_id": by_meter[meter].id,
                    "check_read_order_ids": [Command.link(by_meter[meter].id)],
                }
            )
        return new_orders

    @api.model
    def _prepare_target_vals(self, record):
        """Premise, account, service and meter values of an order for ``record``."""
        model = record._name
        if model == "utility.account":
            metered = record.service_ids.filtered(
                lambda s: s.is_metered and s.state != "stopped" and s.meter_id
            )[:1]
            return {
                "account_id": record.id,
                "premise_id": record.location_id.id,
                "service_id": metered.id,
                "meter_id": metered.meter_id.id,
            }
        if model == "utility.account.service":
            return {
                "account_id": record.account_id.id,
                "premise_id": record.location_id.id,
                "service_id": record.id,
                "meter_id": record.meter_id.id,
            }
        if model == "utility.meter":
            service = record.service_id
            return {
                "account_id": service.account_id.id,
                "premise_id": (record.location_id or service.location_id).id,
                "service_id": service.id,
                "meter_id": record.id,
            }
        if model == "utility.service.location":
            account = record.current_account_id
            return {
                "premise_id": record.id,
                "account_id": account.id,
                "meter_id": record.meter_ids.filtered(lambda m: m.state == "installed")[:1].id,
            }
        raise ValidationError(
            self.env._("Work orders are made for accounts, services, meters or premises.")
        )

    def _set_state(self, state, **vals):
        """The one place the status changes; keeps field service's stage in step."""
        stages = {
            "done": self.env.ref("fieldservice.fsm_stage_completed"),
            "cancelled": self.env.ref("fieldservice.fsm_stage_cancelled"),
            "open": self.env.ref("fieldservice.fsm_stage_new"),
            "hold": self.env.ref("fieldservice.fsm_stage_new"),
        }
        ctx = {"utility_work_order_action": True, "bypass_order_completed_stage": True}
        self.sudo().with_context(**ctx).write({"state": state, **vals})
        self.fsm_order_id.sudo().with_context(**ctx).write({"stage_id": stages[state].id})

    # ------------------------------------------------------------------
    # Office actions
    # ------------------------------------------------------------------
    def _check_office(self):
        if not self.env.user.has_group("utility_billing.group_utility_csr"):
            raise AccessError(self.env._("Only the office schedules, holds or cancels orders."))

    def action_cancel(self):
        """Cancel open orders (the office changed its mind, or the customer did)."""
        self._check_office()
        self.check_access("write")
        self._cancel(self.env._("Cancelled by %(user)s.", user=self.env.user.name))
        return True

    def _cancel(self, reason):
        closed = self.filtered(lambda o: o.state in ("done", "cancelled"))
        if closed:
            raise UserError(
                self.env._(
                    "These orders are already closed: %(orders)s",
                    orders=", ".join(closed.mapped("name")),
                )
            )
        self._set_state("cancelled", cancel_reason=reason)
        # A check read nobody will take: the clerk decides again on the held readings.
        self.exception_ids.sudo().filtered(lambda e: e.state == "open").write(
            {"resolution": False, "work_order_id": False}
        )

    def action_release(self):
        """Send a reconnect waiting for payment out anyway (the supervisor's call)."""
        if not self.env.user.has_group("utility_billing.group_utility_supervisor"):
            raise AccessError(
                self.env._("Only a supervisor releases a reconnect the account has not paid for.")
            )
        self.filtered(lambda o: o.state == "hold")._set_state("open")
        return True

    def action_override_life_support(self):
        """Open the supervisor's override of the no-shutoff flag."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "utility.work.order.override",
            "view_mode": "form",
            "target": "new",
            "context": {"default_work_order_id": self.id},
        }

    def _override_life_support(self, reason):
        """A supervisor lets the crew shut off a medical / life-support account."""
        self.ensure_one()
        if not self.env.user.has_group("utility_billing.group_utility_supervisor"):
            raise AccessError(
                self.env._("Only a supervisor overrides a medical / life-support flag.")
            )
        if not (reason or "").strip():
            raise UserError(self.env._("Give the reason for the override."))
        if self.kind != "disconnect" or self.state not in ("open", "hold"):
            raise UserError(self.env._("Only an open disconnect order is overridden."))
        self.sudo().with_context(utility_work_order_action=True).write(
            {"override_reason": reason.strip(), "override_by_id": self.env.uid}
        )

    # ------------------------------------------------------------------
    # Payments and arrangements (called by the payments core, collections)
    # ------------------------------------------------------------------
    def _amount_owed(self):
        self.ensure_one()
        # Read from the ledger now: a payment may have posted since it was cached.
        self.account_id.invalidate_recordset(["amount_balance"])
        return self.currency_id.round(self.account_id.sudo().amount_balance)

    @api.model
    def _on_payments_posted(self, payments):
        """Cancel the disconnects the accounts paid off, release paid-up reconnects.

        Called by ``utility.payment.poster`` after it posted ``payments``, in the
        same transaction: a disconnect cancelled here disappears from the crew's
        list (and cannot be completed), whenever the list was printed.
        """
        amounts = defaultdict(float)
        for line in payments.line_ids.filtered("account_id"):
            amounts[line.account_id] += line.amount
        if not amounts:
            return self.browse()
        accounts = self.env["utility.account"].union(*amounts)
        orders = (
            self.sudo()
            .search(
                [
                    ("account_id", "in", accounts.ids),
                    ("kind", "in", ("disconnect", "reconnect")),
                    ("state", "in", ("open", "hold")),
                ]
            )
            .with_env(self.env)
        )
        if not orders:
            return orders
        # Lock them: a crew completing one now waits for this payment, then sees it closed.
        self.env.cr.execute(
            "SELECT id FROM utility_work_order WHERE id = ANY(%s) FOR UPDATE", [orders.ids]
        )
        orders.invalidate_recordset(["state", "amount_paid"])
        cancelled = self.browse()
        released = self.browse()
        for order in orders.sudo():
            if order.kind == "disconnect" and order.state in ("open", "hold"):
                paid = order.currency_id.round(order.amount_paid + amounts[order.account_id])
                counted = payments.filtered(
                    lambda p, o=order: o.account_id in p.line_ids.account_id
                )
                order.with_context(utility_work_order_action=True).write(
                    {
                        "amount_paid": paid,
                        "payment_ids": [Command.link(p.id) for p in counted],
                    }
                )
                if order.currency_id.compare_amounts(paid, order.amount_due) >= 0:
                    cancelled |= order
            elif (
                order.kind == "reconnect"
                and order.state == "hold"
                and order.currency_id.compare_amounts(order._amount_owed(), 0) <= 0
            ):
                released |= order
        if cancelled:
            cancelled._cancel(self.env._("The account paid the shut-off amount."))
            cancelled.with_context(utility_work_order_action=True).is_cancelled_by_payment = True
        released._set_state("open")
        return cancelled | released

    @api.model
    def _cancel_disconnects(self, accounts, reason):
        """Cancel the open disconnects of ``accounts`` (a payment arrangement, an
        extension, a moratorium): the collections workflows call this."""
        orders = self.sudo().search(
            [
                ("account_id", "in", accounts.ids),
                ("kind", "=", "disconnect"),
                ("state", "in", ("open", "hold")),
            ]
        )
        orders._cancel(reason)
        return orders

    # ------------------------------------------------------------------
    # Completion
    # ------------------------------------------------------------------
    def _get_completion_problems(self):
        """Everything the crew must still enter or fix, for this order."""
        self.ensure_one()
        problems = self._get_state_problems()
        if problems or self.result != "completed":
            return problems
        return self._get_rule_problems() + self._get_capture_problems()

    def _get_state_problems(self):
        if self.state == "hold":
            return [
                self.env._(
                    "%(order)s waits for payment: the account still owes %(amount)s.",
                    order=self.name,
                    amount=format_amount(self.env, self._amount_owed(), self.currency_id),
                )
            ]
        if self.state != "open":
            return [
                self.env._(
                    "%(order)s is already %(state)s.",
                    order=self.name,
                    state=dict(WORK_STATES)[self.state].lower(),
                )
            ]
        if not self.result:
            return [self.env._("Choose the result.")]
        return []

    def _get_rule_problems(self):
        """The account's rules: no shut-off on life support, no reconnect while owing."""
        problems = []
        kind = self.kind
        if kind == "disconnect" and self.is_life_support and not self.override_reason:
            problems.append(
                self.env._(
                    "%(account)s is flagged medical / life support: a supervisor must "
                    "override it, with the reason, before the service is shut off.",
                    account=self.account_id.name,
                )
            )
        if kind == "reconnect":
            owed = self._amount_owed()
            if self.currency_id.compare_amounts(owed, 0) > 0:
                problems.append(
                    self.env._(
                        "The account still owes %(amount)s: it is reconnected once paid.",
                        amount=format_amount(self.env, owed, self.currency_id),
                    )
                )
        if kind in SERVICE_STATE_KINDS and not self._get_target_services():
            problems.append(self.env._("The account has no service this order can change."))
        return problems

    def _get_capture_problems(self):
        """What the order's type says the crew must capture."""
        problems = []
        meter = self.meter_id
        # A reading is taken where there is a meter; a read order without one is an error.
        if self.capture_reading and (meter or self.kind in READ_TYPE_BY_KIND):
            problems += self._get_reading_problems()
        if self.capture_photo and not self.photo:
            problems.append(self.env._("Take a photo."))
        if self.capture_meter_installed:
            new = self.meter_installed_id
            if not new:
                problems.append(self.env._("Enter the meter installed."))
            elif new.state != "stock":
                problems.append(self.env._("The meter %(meter)s is not in stock.", meter=new.name))
        if self.capture_carts and not self.service_id:
            problems.append(self.env._("The order has no garbage service to change."))
        if self.capture_carts and (
            self.cart_count_done < 0 or (self.cart_count_done and not self.cart_size_done)
        ):
            problems.append(self.env._("Enter the number and size of carts at the premise."))
        if self.capture_test:
            if not meter:
                problems.append(self.env._("The order has no meter to test."))
            if not (self.accuracy_low and self.accuracy_mid and self.accuracy_high):
                problems.append(self.env._("Enter the accuracy at low, mid and high flow."))
        return problems

    def _get_reading_problems(self):
        """The crew's reading: dials checked, not negative, and not below the last
        good reading unless the register rolled over.

        The last good reading is the one before the held reading of a check read
        (the held one is what the check read verifies), else the meter's last
        reading not cancelled.
        """
        meter = self.meter_id
        problems = []
        if not meter:
            return [self.env._("The order has no meter to read.")]
        if not self.is_dials_checked:
            problems.append(self.env._("Check the meter's dials and tick Dials Checked."))
        if self.reading_value < 0:
            return [*problems, self.env._("A reading cannot be negative.")]
        held = self.exception_ids.reading_id
        last = held.sorted("date")[:1].previous_reading_id if held else meter.last_reading_id
        if meter.last_reading_date and meter.last_reading_date >= fields.Date.context_today(self):
            problems.append(
                self.env._(
                    "The meter %(meter)s already has a reading today: a meter is read at most "
                    "once a day. Enter what you read in the notes.",
                    meter=meter.name,
                )
            )
        if (
            last
            and to_decimal(self.reading_value) < to_decimal(last.value)
            and not is_plausible_rollover(
                last.value, self.reading_value, meter.dials, meter.multiplier
            )
        ):
            problems.append(
                self.env._(
                    "The reading %(value)s is below the last reading %(last)s of %(date)s: "
                    "read the meter again.",
                    value=self.reading_value,
                    last=last.value,
                    date=format_date(self.env, last.date),
                )
            )
        return problems

    def _get_target_services(self):
        """The services a connect, disconnect or reconnect changes."""
        self.ensure_one()
        services = self.service_id or self.account_id.service_ids.filtered("is_metered")
        states = {
            "connect": ("pending", "suspended"),
            "disconnect": ("active",),
            "reconnect": ("disconnected",),
        }[self.kind]
        return services.filtered(lambda s: s.state in states)

    def action_complete(self):
        """The crew (or the office, from a paper route sheet) completes the orders.

        Every order is checked first and every problem is listed at once; then each
        order's effect is applied (see ``_apply_<kind>``) and the order is closed.
        Only a *Completed* result changes the account; the other results close the
        trip with what the crew found.
        """
        self.check_access("write")
        if not self.env.user.has_group("utility_billing.group_utility_field"):
            raise AccessError(self.env._("Only field crews and the office complete orders."))
        # Lock first: a payment cancelling a disconnect now waits, or has won.
        self.env.cr.execute(
            "SELECT id FROM utility_work_order WHERE id = ANY(%s) FOR UPDATE", [self.ids]
        )
        self.invalidate_recordset()
        problems = []
        for order in self:
            problems += [f"{order.name}: {p}" for p in order._get_completion_problems()]
        if problems:
            raise UserError(
                self.env._(
                    "The orders cannot be completed:\n%(problems)s",
                    problems="\n".join(f"- {p}" for p in problems),
                )
            )
        now = fields.Datetime.now()
        for order in self.sudo():
            if order.result == "completed":
                getattr(order, f"_apply_{order.kind or 'other'}")(now)
            order._set_state("done", date_done=now, done_by_id=self.env.uid)
            order.fsm_order_id.sudo().write({"date_end": now, "resolution": order.crew_note})
            order._post_completion_note()
        return True

    def _post_completion_note(self):
        body = self.env._(
            "%(order)s (%(type)s) done: %(result)s.",
            order=self.name,
            type=self.type.name,
            result=dict(WORK_RESULTS)[self.result],
        )
        if self.crew_note:
            body = Markup("%s<br/>%s") % (body, self.crew_note)
        # The open exceptions it was sent for learn why it did not settle them.
        waiting = self.exception_ids.filtered(lambda e: e.state == "open")
        for record in (self.account_id, self.premise_id, *waiting):
            if record:
                record.sudo().message_post(body=body)

    # ------------------------------------------------------------------
    # Effects of a completed order, one method per kind
    # ------------------------------------------------------------------
    def _enter_reading(self, moment, read_type="actual", date=None):
        """The crew's reading enters the readings table and goes through the read edits.

        :param date: the day the reading counts for (a move-out's date), else the
            day the crew did the work
        """
        reading = self.env["utility.meter.reading"].create(
            {
                "meter_id": self.meter_id.id,
                "service_id": self.service_id.filtered(lambda s: s.meter_id == self.meter_id).id
                or False,
                "date": date or fields.Date.context_today(self, moment),
                "value": self.reading_value,
                "read_type": read_type,
                "source": "work_order",
                "work_order_id": self.id,
                "note": self.crew_note or False,
            }
        )
        self.with_context(utility_work_order_action=True).reading_id = reading
        return reading

    def _apply_reading_if_any(self, moment):
        if self.capture_reading and self.meter_id:
            self._enter_reading(moment, READ_TYPE_BY_KIND.get(self.kind, "actual"))

    def _apply_check_read(self, moment):
        self._enter_reading(moment, "check")

    def _apply_final_read(self, moment):
        self._enter_reading(moment, "final")

    def _apply_opening_read(self, moment):
        self._enter_reading(moment, "initial")

    def _apply_connect(self, moment):
        self._apply_reading_if_any(moment)
        services = self._get_target_services()
        pending_accounts = services.account_id.filtered(lambda a: a.state == "pending")
        if pending_accounts:
            pending_accounts.action_activate()
        services.filtered(lambda s: s.state != "active")._as_action().write({"state": "active"})

    def _apply_disconnect(self, moment):
        """Shut off: the metered services are disconnected, so no run bills their
        charges while the water is off (the read edits flag any usage on them)."""
        self._apply_reading_if_any(moment)
        self._get_target_services()._as_action().write({"state": "disconnected"})

    def _apply_reconnect(self, moment):
        """Water back on, and the reconnect fee of the hour it was done."""
        self._apply_reading_if_any(moment)
        self._get_target_services()._as_action().write({"state": "active"})
        self._bill_fee(moment)

    def _apply_door_hanger(self, moment):
        self._bill_fee(moment)

    def _bill_fee(self, moment):
        """Bill the type's fee as a fee invoice on the account (the returned-payment
        fee's path), priced at the time the crew did the work."""
        if not self.type.fee_code or not self.account_id:
            return
        company = self.company_id
        code, amount = company._get_utility_field_fee(self.account_id, self.type.fee_code, moment)
        if company.currency_id.compare_amounts(amount, 0) <= 0:
            return
        labels = dict(self.env["utility.fee.code"]._get_selection())
        fee = self.env["utility.account"]._create_fee_invoices(
            [
                {
                    "account": self.account_id,
                    "amount": amount,
                    "date": fields.Date.context_today(self, moment),
                    "label": self.env._(
                        "%(fee)s fee: %(order)s, %(when)s",
                        fee=labels[code],
                        order=self.name,
                        when=format_datetime(self.env, moment, dt_format="short"),
                    ),
                    "income_account": company._get_utility_field_fee_account(),
                    "origin": self.name,
                }
            ]
        )
        self.with_context(utility_work_order_action=True).fee_move_id = fee

    def _apply_meter_exchange(self, moment):
        """Through the meter exchange itself: final read of the old meter, initial
        read of the new one, both billed in one period."""
        service = self.service_id or self.meter_id.service_id
        exchange = self.env["utility.meter.exchange"].create(
            {
                "service_id": service.id,
                "new_meter_id": self.meter_installed_id.id,
                "final_value": self.meter_removed_value,
                "initial_value": self.meter_installed_value,
                "date": fields.Date.context_today(self, moment),
                "reason": "failed" if self.result == "meter_damaged" else "exchange",
                "note": self.name,
            }
        )
        exchange.action_confirm()

    def _apply_bench_test(self, moment):
        test = self.env["utility.meter.test"].create(
            {
                "meter_id": self.meter_id.id,
                "date": fields.Date.context_today(self, moment),
                "accuracy_low": self.accuracy_low,
                "accuracy_mid": self.accuracy_mid,
                "accuracy_high": self.accuracy_high,
                "notes": self.crew_note or False,
            }
        )
        self.with_context(utility_work_order_action=True).meter_test_id = test
        if test.result == "fail":
            self._on_failed_bench_test(test)

    def _on_failed_bench_test(self, test):
        """A meter that failed its bench test: the failure is posted on the account
        and, when the meter is fast, the refund the city's rule gives is proposed
        as draft adjustments (see ``utility.meter.test``)."""
        if self.account_id:
            self.account_id.sudo().message_post(
                body=self.env._(
                    "Meter %(meter)s failed its bench test (low %(low)s %%, mid %(mid)s %%, "
                    "high %(high)s %%): review the bills read on it for a refund.",
                    meter=test.meter_id.name,
                    low=test.accuracy_low,
                    mid=test.accuracy_mid,
                    high=test.accuracy_high,
                )
            )
        test._propose_over_registration_adjustments()

    def _apply_cart_change(self, moment):
        """The service's carts from the day the crew did the work: the next bill
        prorates the cart charge by days."""
        service = self.service_id
        service._change_carts(
            fields.Date.context_today(self, moment),
            self.cart_count_done,
            self.cart_size_done,
            work_order=self,
        )
        service.message_post(
            body=self.env._(
                "Carts changed by %(order)s on %(date)s: %(count)s.",
                order=self.name,
                date=format_date(self.env, fields.Date.context_today(self, moment)),
                count=self.cart_count_done,
            )
        )

    _apply_cart_delivery = _apply_cart_change
    _apply_cart_pickup = _apply_cart_change
    _apply_cart_exchange = _apply_cart_change

    def _apply_other(self, moment):
        self._apply_reading_if_any(moment)

    _apply_repair = _apply_other
    _apply_leak = _apply_other

    # ------------------------------------------------------------------
    # Route sheet
    # ------------------------------------------------------------------
    def _get_route_sheet_groups(self):
        """[(team, date, orders in walking order)] of the open orders, per crew and day."""
        groups = defaultdict(self.browse)
        for order in self.filtered(lambda o: o.state == "open"):
            groups[order.team_id, order.date_scheduled] |= order
        result = []
        for (team, day), orders in sorted(
            groups.items(),
            key=lambda item: (item[0][0].name or "", item[0][1] or fields.Date.today()),
        ):
            ordered = orders.sorted(
                lambda o: work_orders.route_sheet_key(
                    o.route_id.code if o.route_id else None,
                    o.premise_id.read_sequence,
                    TIME_WINDOW_RANK[o.time_window],
                    o.id,
                )
            )
            result.append((team, day, ordered))
        return result

    def action_print_route_sheet(self):
        return self.env.ref("utility_billing.action_report_utility_route_sheet").report_action(self)


class FsmOrder(models.Model):
    _inherit = "fsm.order"

    utility_work_order_ids = fields.One2many("utility.work.order", "fsm_order_id")

    def write(self, vals):
        # The utility order's actions move the stage; the Field Service kanban must not
        # complete or cancel a shut-off behind their back.
        if (
            "stage_id" in vals
            and not self.env.context.get("utility_work_order_action")
            and self.sudo().utility_work_order_ids
        ):
            raise UserError(
                self.env._("Utility work orders are completed or cancelled with their own buttons.")
            )
        return super().write(vals)
