# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from fractions import Fraction

from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import format_amount, format_date

from ..lib import rating
from ..lib.units import convert

CSR_GROUP = "utility_billing.group_utility_csr"
BILLING_GROUP = "utility_billing.group_utility_billing"
SUPERVISOR_GROUP = "utility_billing.group_utility_supervisor"
# Written only by the action methods (utility.locked.fields.mixin), never by a user.
PROTECTED_FIELDS = {
    "state",
    "amount",
    "requested_by_id",
    "approver_id",
    "second_approver_id",
    "date_approved",
    "credit_note_id",
    "explanation",
    "rejection_reason",
    "meter_test_id",
}


def _days(start, end):
    """The days from ``start`` to ``end`` (excluded)."""
    return [start + timedelta(days=n) for n in range(max((end - start).days, 0))]


class UtilityAdjustment(models.Model):
    """A credit on a posted bill, computed by its kind's policy.

    Posted as a credit note linked to the bill (``reversed_entry_id``) and
    reconciled with it. Above the requester's limit a supervisor other than
    the requester approves; every adjustment keeps its reason, rejected ones
    their trail.
    """

    _name = "utility.adjustment"
    _description = "Bill Adjustment"
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "utility.locked.fields.mixin",
        "utility.letter.mixin",
    ]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    move_id = fields.Many2one(
        "account.move",
        string="Bill Adjusted",
        required=True,
        index=True,
        check_company=True,
        domain="[('move_type', '=', 'out_invoice'), ('state', '=', 'posted'), "
        "('utility_account_id', '!=', False)]",
        tracking=True,
    )
    account_id = fields.Many2one(
        related="move_id.utility_account_id", store=True, index=True, string="Account"
    )
    location_id = fields.Many2one(related="move_id.utility_location_id", store=True)
    company_id = fields.Many2one(
        related="move_id.company_id", store=True, precompute=True, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    kind_id = fields.Many2one(
        "utility.adjustment.kind", required=True, check_company=True, tracking=True
    )
    policy = fields.Selection(related="kind_id.policy")
    reason = fields.Text(required=True, tracking=True)
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("to_approve", "Waiting for Approval"),
            ("posted", "Posted"),
            ("rejected", "Rejected"),
        ],
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
        index=True,
    )
    # Inputs of the policies that need one.
    pool_volume = fields.Float(
        digits=(16, 3), help="Pool fill: volume of the pool, in the meter's unit."
    )
    date_suspend_from = fields.Date(string="Away From")
    date_suspend_to = fields.Date(string="Back On", help="First day of service again.")
    meter_error_percent = fields.Float(
        string="Meter Error (%)",
        help="Over-registration found by the bench test (4.0: fast by 4%).",
    )
    date_error_from = fields.Date(
        string="Fast Since",
        help="Meter over-registration: only the usage of the bill's days after this date "
        "is corrected (the meter's last passed test, or the start of the city's window).",
    )
    meter_test_id = fields.Many2one(
        "utility.meter.test",
        string="Bench Test",
        readonly=True,
        index="btree_not_null",
        check_company=True,
        help="The failed bench test that proposed this refund.",
    )
    amount_requested = fields.Monetary(help="Billing error, courtesy: the credit to give.")
    # Results, written by the actions only.
    amount = fields.Monetary(string="Credit", readonly=True, tracking=True)
    explanation = fields.Text(readonly=True)
    requested_by_id = fields.Many2one("res.users", readonly=True)
    approver_id = fields.Many2one("res.users", string="Approved By", readonly=True, tracking=True)
    second_approver_id = fields.Many2one(
        "res.users", string="Second Approval By", readonly=True, tracking=True
    )
    is_second_approval_required = fields.Boolean(
        string="Two Supervisors",
        compute="_compute_is_second_approval_required",
        help="Above the company's second limit, two different supervisors approve.",
    )
    date_approved = fields.Date(readonly=True)
    rejection_reason = fields.Char(readonly=True, tracking=True)
    credit_note_id = fields.Many2one("account.move", readonly=True)
    # A leak that ran over two bills is one adjustment with a credit note per bill.
    covered_move_ids = fields.Many2many(
        "account.move",
        "utility_adjustment_covered_move_rel",
        "adjustment_id",
        "move_id",
        string="Also Covers",
        check_company=True,
        domain="[('move_type', '=', 'out_invoice'), ('state', '=', 'posted'), "
        "('utility_account_id', '=', account_id), ('id', '!=', move_id)]",
        help="Further bills of the same account the adjustment covers (a leak that ran "
        "over two bills), up to the kind's number of bills.",
    )
    bill_count = fields.Integer(string="Bills Covered", compute="_compute_bill_count")
    credit_note_ids = fields.One2many(
        "account.move", "utility_adjustment_id", string="Credit Notes", readonly=True
    )

    @api.depends("move_id", "kind_id")
    def _compute_name(self):
        for adjustment in self:
            adjustment.name = " - ".join(
                filter(None, [adjustment.kind_id.name, adjustment.move_id.name])
            )

    @api.depends("move_id", "covered_move_ids")
    def _compute_bill_count(self):
        for adjustment in self:
            adjustment.bill_count = len(adjustment.move_id | adjustment.covered_move_ids)

    @api.depends("amount", "company_id.utility_adjust_limit_second")
    def _compute_is_second_approval_required(self):
        for adjustment in self:
            adjustment.is_second_approval_required = adjustment._needs_second_approval(
                adjustment.amount
            )

    def _needs_second_approval(self, amount):
        """Mattoon, IL: adjustments above the second limit need a second signature."""
        self.ensure_one()
        company = self.company_id or self.env.company
        limit = company.utility_adjust_limit_second
        return bool(limit) and self.currency_id.compare_amounts(amount, limit) > 0

    # ------------------------------------------------------------------
    # Protection: states, amounts and approvers change only through actions
    # ------------------------------------------------------------------
    def _get_action_fields(self):
        return set(PROTECTED_FIELDS)

    def _get_locked_records(self):
        return self.filtered(lambda a: a.state != "draft")

    def _write_action(self, vals):
        return self._as_action().write(vals)

    # ------------------------------------------------------------------
    # Policies
    # ------------------------------------------------------------------
    def _get_bills(self):
        """The bills the adjustment covers, oldest first."""
        self.ensure_one()
        return (self.move_id | self.covered_move_ids).sorted(
            lambda m: (m.utility_period_start or m.invoice_date or m.date, m.id)
        )

    def _get_billed_periods(self):
        """Service periods of the bills covered, with the services' usage on them."""
        self.ensure_one()
        return self.env["utility.service.period"].search(
            [("move_id", "in", self._get_bills().ids), ("state", "=", "billed")]
        )

    def _get_usage(self, service, periods):
        """Usage of ``service`` (meter unit) over each period: readings dated in
        (date_from, date_to], one query. :return: {period: Decimal}"""
        if not periods:
            return {}
        readings = self.env["utility.meter.reading"].search_fetch(
            [
                ("service_id", "=", service.id),
                ("date", ">", min(periods.mapped("date_from"))),
                ("date", "<=", max(periods.mapped("date_to"))),
                ("state", "=", "billed"),
            ],
            ["date", "consumption"],
        )
        usage = {}
        for period in periods:
            usage[period] = sum(
                (
                    Decimal(str(r.consumption))
                    for r in readings
                    if period.date_from < r.date <= period.date_to
                ),
                Decimal(0),
            )
        return usage

    def _rate(self, service, period, usage, water_usage, plan):
        """Rate one service over a billed period as the run rates it (the account's
        class, meter size, carts, discount), with ``usage`` / ``water_usage`` in the
        plan's unit. :return: Decimal total"""
        account = service.account_id
        months = account.cycle_id.frequency_months or 1
        factor = self.env["utility.bill.builder"]._get_period_factor(
            period.date_from, period.date_to, months
        )
        water_meter = account.service_ids.meter_id[:1]
        rating_input = rating.RatingInput(
            date_from=period.date_from,
            date_to=period.date_to,
            usage=usage,
            period_factor=factor,
            meter_size=service.meter_id.size.code or water_meter.size.code or None,
            customer_class=account.customer_class.code or None,
            is_inside_city=account.location_id.is_inside_city,
            cart_count=service.cart_count or 0,
            cart_size=service.cart_size.code or None,
            eru_count=rating.to_decimal(service.eru_count or 0.0),
            water_usage=water_usage,
            discount_program=account.discount_program or None,
        )
        return rating.rate(plan, rating_input).amount_total

    def _rerate(self, periods, water_service, usage, credited):
        """Credit per service type: each credited service re-rated with the water
        usage lowered by ``credited`` (meter unit) through its real blocks."""
        kind = self.kind_id
        plans = periods.service_id.rate_schedule_id._get_rate_plan()
        meter_unit = water_service.meter_id.unit
        credits = {}
        for period in periods.filtered(lambda p: p.service_type_id in kind.service_type_ids):
            service = period.service_id
            plan = plans[service.rate_schedule_id.id]
            full = convert(usage, meter_unit, plan.usage_unit)
            less = convert(usage - credited, meter_unit, plan.usage_unit)
            own_full = full if service.service_type_id.is_metered else Decimal(0)
            own_less = less if service.service_type_id.is_metered else Decimal(0)
            credits[service.service_type_id] = self._rate(
                service, period, own_full, full, plan
            ) - self._rate(service, period, own_less, less, plan)
        return credits

    def _round_usage(self, value):
        mode = self.kind_id.usage_rounding
        if mode == "none":
            return value.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)
        return value.quantize(Decimal(1), rounding=ROUND_DOWN if mode == "down" else ROUND_HALF_UP)

    def _water_period(self, periods):
        water = periods.filtered(lambda p: p.service_id.meter_id)[:1]
        if not water:
            raise UserError(self.env._("The bill has no metered usage to adjust."))
        return water

    def _compute_leak(self, periods, bill, all_periods):
        """Half (the kind's share) of the usage above the average of the bills
        before, rounded as the kind says, re-rated through the real blocks. The
        average is of the bills before the first bill covered: a leak that ran
        over two bills is measured against the usage before it began."""
        kind = self.kind_id
        water = self._water_period(periods)
        service = water.service_id
        first_day = min(all_periods.filtered(lambda p: p.service_id == service).mapped("date_from"))
        history = self.env["utility.service.period"].search(
            [
                ("service_id", "=", service.id),
                ("state", "=", "billed"),
                ("date_to", "<=", first_day),
            ],
            order="date_to desc",
            limit=max(kind.average_bills, 1),
        )
        if not history:
            raise UserError(self.env._("The service has no earlier bill to average its usage on."))
        usage_by_period = self._get_usage(service, history | water)
        usage = usage_by_period[water]
        average = sum(usage_by_period[p] for p in history) / len(history)
        threshold = average * (1 + Decimal(str(kind.threshold_percent)) / 100)
        if usage <= threshold:
            raise UserError(
                self.env._(
                    "The usage billed (%(usage)s) is not above the average of the last "
                    "bills (%(average)s) by %(threshold)s%%: no leak adjustment.",
                    usage=rating._fmt(usage),
                    average=rating._fmt(average.quantize(Decimal("0.001"))),
                    threshold=kind.threshold_percent,
                )
            )
        credited = self._round_usage((usage - average) * Decimal(str(kind.share_percent)) / 100)
        explanation = self.env._(
            "Usage %(usage)s against an average of %(average)s over %(count)s earlier "
            "bill(s): %(share)s%% of the excess credited, %(credited)s.",
            usage=rating._fmt(usage),
            count=len(history),
            average=rating._fmt(average.quantize(Decimal("0.001"))),
            share=kind.share_percent,
            credited=rating._fmt(credited),
        )
        return self._rerate(periods, service, usage, credited), explanation

    def _compute_pool_fill(self, periods, bill, all_periods):
        """Sewer billed on water that filled a pool and never reached the sewer."""
        water = self._water_period(periods)
        usage = self._get_usage(water.service_id, water)[water]
        volume = Decimal(str(self.pool_volume))
        if volume <= 0 or volume > usage:
            raise UserError(
                self.env._(
                    "Enter the pool's volume: more than zero and no more than the usage "
                    "billed (%(usage)s).",
                    usage=rating._fmt(usage),
                )
            )
        explanation = self.env._(
            "Pool fill of %(volume)s taken off the sewer usage.", volume=rating._fmt(volume)
        )
        return self._rerate(periods, water.service_id, usage, volume), explanation

    def _compute_over_registration(self, periods, bill, all_periods):
        """The meter ran fast by the bench test's error: the true usage is the
        registered usage / (1 + error), so the usage credited is
        usage x error / (1 + error).

        With *Fast Since* inside the bill's period, only the usage of the days
        after it is corrected (the meter's usage is spread evenly over the
        period's days): the meter was known good before.
        """
        water = self._water_period(periods)
        usage = self._get_usage(water.service_id, water)[water]
        error = Decimal(str(self.meter_error_percent))
        if error <= 0:
            raise UserError(self.env._("Enter the meter's error found by the bench test."))
        fast = usage
        since = self.date_error_from
        if since and since >= water.date_to:
            raise UserError(
                self.env._(
                    "The meter was fast only since %(date)s, after this bill's period.",
                    date=format_date(self.env, since),
                )
            )
        if since and since > water.date_from:
            days = Decimal((water.date_to - water.date_from).days)
            fast = usage * Decimal((water.date_to - since).days) / days
        credited = self._round_usage(fast * error / (100 + error))
        explanation = self.env._(
            "Meter fast by %(error)s%%: %(credited)s of %(usage)s credited.",
            error=self.meter_error_percent,
            credited=rating._fmt(credited),
            usage=rating._fmt(usage),
        )
        if fast != usage:
            explanation += " " + self.env._(
                "Only the usage since %(date)s is corrected.", date=format_date(self.env, since)
            )
        return self._rerate(periods, water.service_id, usage, credited), explanation

    def _compute_vacation(self, periods, bill, all_periods):
        """The share of the credited services' charges on the bill for the days the
        customer was away and still billed.

        Days of a scheduled suspension were not billed (the bill charged only the
        days delivered): they are left out, never credited twice. The credit is
        the bill's charge per day delivered x the days away that were billed;
        when every day away was already suspended, there is nothing to credit.
        """
        if not (self.date_suspend_from and self.date_suspend_to) or (
            self.date_suspend_to <= self.date_suspend_from
        ):
            raise UserError(self.env._("Enter the dates the customer was away."))
        credited = periods.filtered(lambda p: p.service_type_id in self.kind_id.service_type_ids)
        suspensions = self.env["utility.service.suspension"].search(
            [
                ("service_id", "in", credited.service_id.ids),
                ("state", "=", "scheduled"),
                # The whole periods: a suspension outside the days away still
                # shortened the days billed.
                ("date_from", "<", max(credited.mapped("date_to"), default=self.date_suspend_to)),
                ("date_to", ">", min(credited.mapped("date_from"), default=self.date_suspend_from)),
            ]
        )
        lines = bill.invoice_line_ids
        credits = {}
        already = self.env["utility.service.suspension"]
        for period in credited:
            start = max(period.date_from, self.date_suspend_from)
            end = min(period.date_to, self.date_suspend_to)
            if (end - start).days <= 0:
                continue
            own = suspensions.filtered(lambda s, p=period: s.service_id == p.service_id)
            suspended = {
                day
                for suspension in own
                for day in _days(
                    max(period.date_from, suspension.date_from),
                    min(period.date_to, suspension.date_to),
                )
            }
            away = set(_days(start, end)) - suspended
            delivered = (period.date_to - period.date_from).days - len(suspended)
            already |= own.filtered(lambda s, a=start, b=end: s.date_from < b and s.date_to > a)
            if not away or delivered <= 0:
                continue
            charged = sum(
                Decimal(str(line.price_subtotal))
                for line in lines
                if line.utility_service_id == period.service_id
            )
            credits[period.service_type_id] = rating.round_fraction(
                Fraction(charged) * Fraction(len(away), delivered)
            )
        if already and not credits:
            raise UserError(
                self.env._(
                    "The service was already suspended on the days the customer was away "
                    "(%(suspensions)s): those days were not billed, so there is nothing to "
                    "credit on bill %(bill)s.",
                    suspensions=", ".join(already.mapped("display_name")),
                    bill=bill.name,
                )
            )
        explanation = self.env._(
            "Service suspended from %(start)s to %(end)s.",
            start=format_date(self.env, self.date_suspend_from),
            end=format_date(self.env, self.date_suspend_to),
        )
        if already:
            explanation += " " + self.env._(
                "Days already suspended and not billed are not credited: %(suspensions)s.",
                suspensions=", ".join(already.mapped("display_name")),
            )
        return credits, explanation

    def _compute_manual(self, periods, bill, all_periods):
        amount = Decimal(str(self.amount_requested)).quantize(Decimal("0.01"))
        if amount <= 0:
            raise UserError(self.env._("Enter the credit to give."))
        service_type = (
            self.kind_id.service_type_ids[:1] or bill.invoice_line_ids.utility_service_type_id[:1]
        )
        return {service_type: amount}, ""

    def _get_credits(self):
        """{bill: {service type: Decimal credit}} and the explanation, by the kind's
        policy on each bill covered, the total capped."""
        self.ensure_one()
        all_periods = self._get_billed_periods()
        bills = self._get_bills()
        method = {
            "leak": self._compute_leak,
            "pool_fill": self._compute_pool_fill,
            "over_registration": self._compute_over_registration,
            "vacation": self._compute_vacation,
        }.get(self.policy, self._compute_manual)
        credits, explanations = {}, []
        for bill in bills:
            periods = all_periods.filtered(lambda p, bill=bill: p.move_id == bill)
            bill_credits, explanation = method(periods, bill, all_periods)
            for service_type, value in bill_credits.items():
                if value > 0:
                    credits[bill, service_type] = value
            if explanation and len(bills) > 1:
                explanation = f"{bill.name}: {explanation}"
            explanations.append(explanation)
        explanation = " ".join(filter(None, explanations))
        total = sum(credits.values(), Decimal(0))
        cap = Decimal(str(self.kind_id.amount_cap or 0)).quantize(Decimal("0.01"))
        if cap and total > cap:
            scaled, left = {}, cap
            items = list(credits.items())
            for key, value in items[:-1]:
                scaled[key] = rating.round_fraction(
                    Fraction(value) * Fraction(cap) / Fraction(total)
                )
                left -= scaled[key]
            scaled[items[-1][0]] = left
            credits = scaled
            explanation += " " + self.env._(
                "Capped at %(cap)s.", cap=format_amount(self.env, float(cap), self.currency_id)
            )
        by_bill = {}
        for (bill, service_type), value in credits.items():
            by_bill.setdefault(bill, {})[service_type] = value
        return by_bill, explanation.strip()

    # ------------------------------------------------------------------
    # Checks
    # ------------------------------------------------------------------
    def _get_problems(self):
        self.ensure_one()
        problems = []
        if not (self.reason or "").strip():
            problems.append(self.env._("Give the reason of the adjustment."))
        for bill in self._get_bills():
            if bill.state != "posted" or bill.reversal_move_ids.filtered(
                lambda m: m.state == "posted" and m.utility_bill_kind == "cancel"
            ):
                problems.append(
                    self.env._(
                        "Bill %(bill)s is cancelled: adjust the corrected bill instead.",
                        bill=bill.name,
                    )
                )
        kind = self.kind_id
        problems += self._get_covered_bill_problems()
        if kind.is_evidence_required and not self.env["ir.attachment"].search_count(
            [("res_model", "=", self._name), ("res_id", "=", self.id)]
        ):
            problems.append(
                self.env._("Attach the evidence (a plumber's invoice, a permit) first.")
            )
        if kind.frequency_months:
            since = fields.Date.context_today(self) - relativedelta(months=kind.frequency_months)
            scope = (
                ("location_id", "=", self.location_id.id)
                if kind.frequency_scope == "location"
                else ("account_id", "=", self.account_id.id)
            )
            earlier = self.search(
                [
                    ("id", "!=", self.id),
                    ("kind_id", "=", kind.id),
                    ("state", "in", ("posted", "to_approve")),
                    ("date_approved", ">=", since),
                    scope,
                ],
                limit=1,
            ) or self.search(
                [
                    ("id", "!=", self.id),
                    ("kind_id", "=", kind.id),
                    ("state", "=", "to_approve"),
                    scope,
                ],
                limit=1,
            )
            if earlier:
                problems.append(
                    self.env._(
                        "%(kind)s is allowed once every %(months)s months: %(other)s was "
                        "already given.",
                        kind=kind.name,
                        months=kind.frequency_months,
                        other=earlier.display_name,
                    )
                )
        return problems

    def _get_covered_bill_problems(self):
        """The bills covered: of the same account, customer bills, no more than the
        kind allows (Hilshire Village, TX: one billing cycle of two months; West
        Harrison: three months)."""
        self.ensure_one()
        problems = []
        kind = self.kind_id
        others = self.covered_move_ids.filtered(
            lambda m: m.utility_account_id != self.account_id or m.move_type != "out_invoice"
        )
        if others:
            problems.append(
                self.env._(
                    "Only bills of account %(account)s can be covered: %(bills)s.",
                    account=self.account_id.display_name,
                    bills=", ".join(others.mapped("name")),
                )
            )
        if self.bill_count > max(kind.bills_covered, 1):
            problems.append(
                self.env._(
                    "A %(kind)s adjustment covers at most %(count)s bill(s): %(chosen)s chosen.",
                    kind=kind.name,
                    count=max(kind.bills_covered, 1),
                    chosen=self.bill_count,
                )
            )
        return problems

    @api.model
    def _get_user_limit(self, user):
        company = self.env.company
        for group, limit in (
            (SUPERVISOR_GROUP, company.utility_adjust_limit_supervisor),
            (BILLING_GROUP, company.utility_adjust_limit_billing),
            (CSR_GROUP, company.utility_adjust_limit_csr),
        ):
            if user.has_group(group):
                return limit
        return 0.0

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_submit(self):
        """Compute the credit; post it within the requester's limit, else wait for a
        supervisor."""
        if not self.env.user.has_group(CSR_GROUP):
            raise AccessError(self.env._("Only customer service staff request adjustments."))
        # The role is checked: the bills and the ledger are read and written as
        # superuser (a CSR has no accounting rights); the user stays the author.
        limit = self._get_user_limit(self.env.user)
        for adjustment in self.sudo():
            if adjustment.state != "draft":
                raise UserError(self.env._("Only a draft adjustment can be submitted."))
            problems = adjustment._get_problems()
            if problems:
                raise UserError(
                    self.env._(
                        "The adjustment was not submitted:\n%(problems)s",
                        problems="\n".join(f"- {p}" for p in problems),
                    )
                )
            credits, explanation = adjustment._get_credits()
            amount = sum(
                (value for bill_credits in credits.values() for value in bill_credits.values()),
                Decimal(0),
            )
            if amount <= 0:
                raise UserError(self.env._("The policy gives no credit on this bill."))
            adjustment._write_action(
                {
                    "amount": float(amount),
                    "explanation": explanation,
                    "requested_by_id": self.env.uid,
                    "state": "to_approve",
                }
            )
            if adjustment.currency_id.compare_amounts(
                float(amount), limit
            ) <= 0 and not adjustment._needs_second_approval(float(amount)):
                adjustment._post(credits)
        return True

    def action_approve(self):
        """Post the credit; above the second limit, the first approval waits for a
        second supervisor (neither the requester nor the first approver)."""
        self._check_approver()
        for adjustment in self:
            if (
                adjustment.currency_id.compare_amounts(
                    adjustment.amount, self._get_user_limit(self.env.user)
                )
                > 0
            ):
                raise UserError(
                    self.env._(
                        "%(amount)s is above your approval limit.",
                        amount=format_amount(self.env, adjustment.amount, adjustment.currency_id),
                    )
                )
            if adjustment._needs_second_approval(adjustment.amount):
                if not adjustment.approver_id:
                    adjustment._write_action({"approver_id": self.env.uid})
                    adjustment.message_post(
                        body=self.env._(
                            "First approval by %(user)s: above %(limit)s a second supervisor "
                            "approves as well.",
                            user=self.env.user.name,
                            limit=format_amount(
                                self.env,
                                adjustment.company_id.utility_adjust_limit_second,
                                adjustment.currency_id,
                            ),
                        )
                    )
                    continue
                if adjustment.approver_id == self.env.user:
                    raise AccessError(
                        self.env._(
                            "You already approved %(adjustment)s: a second supervisor approves it.",
                            adjustment=adjustment.display_name,
                        )
                    )
                credits, _explanation = adjustment._get_credits()
                adjustment._write_action({"second_approver_id": self.env.uid})
            else:
                credits, _explanation = adjustment._get_credits()
                adjustment._write_action({"approver_id": self.env.uid})
            adjustment._post(credits)
        return True

    def action_reject(self, reason=None):
        self._check_approver()
        for adjustment in self:
            # After a first approval, the second supervisor's "no" is recorded beside it.
            approver_field = "second_approver_id" if adjustment.approver_id else "approver_id"
            adjustment._write_action(
                {
                    "state": "rejected",
                    approver_field: self.env.uid,
                    "rejection_reason": reason or self.env._("Rejected"),
                }
            )
        return True

    def _check_approver(self):
        if not self.env.user.has_group(SUPERVISOR_GROUP):
            raise AccessError(self.env._("Only a supervisor approves or rejects adjustments."))
        for adjustment in self:
            if adjustment.state != "to_approve":
                raise UserError(self.env._("Only adjustments waiting for approval can be decided."))
            if adjustment.requested_by_id == self.env.user:
                raise AccessError(self.env._("Nobody approves or rejects their own adjustment."))

    def _post(self, credits):
        """The credit notes, one per bill covered: linked to their bill, one line
        per service, posted together and reconciled with the bills (or left as
        credit for the next one).

        :param credits: {bill: {service type: Decimal}}, as ``_get_credits`` gives
        """
        self.ensure_one()
        account = self.account_id
        today = fields.Date.context_today(self)
        vals_list, labels = [], []
        for adjusted, bill_credits in credits.items():
            bill = adjusted.sudo()
            label = self.env._(
                "%(kind)s adjustment for bill %(bill)s", kind=self.kind_id.name, bill=bill.name
            )
            labels.append(label)
            income = {
                line.utility_service_type_id: line.account_id for line in bill.invoice_line_ids
            }
            vals_list.append(
                {
                    "move_type": "out_refund",
                    "partner_id": bill.partner_id.id,
                    "journal_id": bill.journal_id.id,
                    "invoice_date": today,
                    "date": today,
                    "reversed_entry_id": bill.id,
                    "ref": label,
                    "narration": self.explanation,
                    "utility_account_id": account.id,
                    "utility_location_id": bill.utility_location_id.id,
                    "utility_bill_kind": "adjustment",
                    "utility_adjustment_id": self.id,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": f"{label}: {service_type.name}",
                                "account_id": (
                                    income.get(service_type) or service_type.account_income_id
                                ).id,
                                "quantity": 1.0,
                                "price_unit": float(value),
                                "utility_service_type_id": service_type.id,
                                "tax_ids": [Command.clear()],
                            }
                        )
                        for service_type, value in bill_credits.items()
                    ],
                }
            )
        notes = self.env["account.move"].sudo().create(vals_list)
        notes.action_post()
        self.env["utility.payment.poster"].sudo()._apply_open_credits(account)
        main = notes.filtered(lambda n: n.reversed_entry_id == self.move_id)[:1] or notes[:1]
        self._write_action({"state": "posted", "credit_note_id": main.id, "date_approved": today})
        account.message_post(
            body=self.env._(
                "%(label)s: %(amount)s (%(note)s).",
                label="; ".join(labels),
                amount=format_amount(self.env, -self.amount, self.currency_id),
                note=", ".join(notes.mapped("name")),
            )
        )
        return notes
