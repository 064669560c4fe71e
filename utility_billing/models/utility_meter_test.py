# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from decimal import ROUND_HALF_UP, Decimal

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import format_date

# AWWA C700 accuracy limits of a new displacement meter, in percent registered.
ACCURACY_LIMITS = {
    "accuracy_low": (95.0, 101.5),
    "accuracy_mid": (98.5, 101.5),
    "accuracy_high": (98.5, 101.5),
}


class UtilityMeterTest(models.Model):
    """A bench test of a meter: accuracy at low, mid and high flow.

    A failed test of a fast meter proposes the refund the city's rule gives
    (:meth:`_propose_over_registration_adjustments`).
    """

    _name = "utility.meter.test"
    _description = "Utility Meter Bench Test"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"
    _check_company_auto = True

    meter_id = fields.Many2one(
        "utility.meter", required=True, ondelete="cascade", index=True, check_company=True
    )
    company_id = fields.Many2one(
        related="meter_id.company_id", store=True, precompute=True, index=True
    )
    date = fields.Date(required=True, default=fields.Date.context_today, tracking=True)
    tested_by_id = fields.Many2one("res.users", default=lambda self: self.env.user, tracking=True)
    accuracy_low = fields.Float(string="Low Flow (%)", digits=(6, 2), tracking=True)
    accuracy_mid = fields.Float(string="Mid Flow (%)", digits=(6, 2), tracking=True)
    accuracy_high = fields.Float(string="High Flow (%)", digits=(6, 2), tracking=True)
    result = fields.Selection(
        [("pass", "Pass"), ("fail", "Fail")],
        compute="_compute_result",
        store=True,
        precompute=True,
        readonly=False,
        required=True,
        tracking=True,
        help="Proposed from the AWWA C700 limits (low flow 95-101.5 %, mid and high "
        "flow 98.5-101.5 %) once all three accuracies are entered; the tester decides.",
    )
    error_percent = fields.Float(
        string="Fast By (%)",
        digits=(6, 2),
        compute="_compute_error_percent",
        store=True,
        help="The average registration of the three flows less 100: 4.00 when the meter "
        "registers 104 % of the water through it, negative when it is slow.",
    )
    notes = fields.Text()
    adjustment_ids = fields.One2many(
        "utility.adjustment", "meter_test_id", string="Refunds Proposed"
    )
    adjustment_count = fields.Integer(compute="_compute_adjustment_count")

    @api.depends("accuracy_low", "accuracy_mid", "accuracy_high")
    def _compute_result(self):
        for test in self:
            values = {fname: test[fname] for fname in ACCURACY_LIMITS}
            if not all(values.values()):
                test.result = test.result or "fail"
                continue
            within = all(low <= values[f] <= high for f, (low, high) in ACCURACY_LIMITS.items())
            test.result = "pass" if within else "fail"

    @api.depends("accuracy_low", "accuracy_mid", "accuracy_high")
    def _compute_error_percent(self):
        for test in self:
            values = [Decimal(str(test[fname])) for fname in ACCURACY_LIMITS]
            if not all(values):
                test.error_percent = 0.0
                continue
            error = sum(values) / len(values) - 100
            test.error_percent = float(error.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))

    def _compute_adjustment_count(self):
        counts = dict(
            self.env["utility.adjustment"]._read_group(
                [("meter_test_id", "in", self.ids)], ["meter_test_id"], ["__count"]
            )
        )
        for test in self:
            test.adjustment_count = counts.get(test, 0)

    @api.depends("meter_id", "date")
    def _compute_display_name(self):
        for test in self:
            test.display_name = f"{test.meter_id.name or ''} {test.date or ''}".strip()

    # ------------------------------------------------------------------
    # Refund of a fast meter
    # ------------------------------------------------------------------
    def _get_over_registration_kinds(self):
        """{company: the first over-registration adjustment kind it uses}."""
        kinds = (
            self.env["utility.adjustment.kind"]
            .sudo()
            .search(
                [
                    ("policy", "=", "over_registration"),
                    ("company_id", "in", [*self.company_id.ids, False]),
                ],
                order="sequence, id",
            )
        )
        return {
            company: kinds.filtered(lambda k, c=company: k.company_id in (c, c.browse()))[:1]
            for company in self.company_id
        }

    def _get_error_window_starts(self, kinds):
        """{test: the first day its meter counts as fast}: the city's window before
        the test, or the meter's last passed test if it is more recent."""
        passed = self.sudo().search(
            [
                ("meter_id", "in", self.meter_id.ids),
                ("result", "=", "pass"),
                ("date", "<", max(self.mapped("date"))),
            ]
        )
        starts = {}
        for test in self:
            kind = kinds[test.company_id]
            start = test.date - relativedelta(months=kind.window_months)
            good = passed.filtered(lambda p, t=test: p.meter_id == t.meter_id and p.date < t.date)
            starts[test] = max([start, *good.mapped("date")])
        return starts

    def _get_fast_periods(self, starts):
        """{test: the billed service periods its meter was read on between its
        window's start and the test}, one search of readings and one of periods."""
        first, last = min(starts.values()), max(self.mapped("date"))
        readings = (
            self.env["utility.meter.reading"]
            .sudo()
            .search_fetch(
                [
                    ("meter_id", "in", self.meter_id.ids),
                    ("state", "=", "billed"),
                    ("date", ">", first),
                    ("service_id", "!=", False),
                ],
                ["meter_id", "service_id", "date"],
            )
        )
        periods = (
            self.env["utility.service.period"]
            .sudo()
            .search(
                [
                    ("service_id", "in", readings.service_id.ids),
                    ("state", "=", "billed"),
                    ("date_to", ">", first),
                    ("date_from", "<", last),
                    ("move_id.state", "=", "posted"),
                ],
                order="date_from",
            )
        )
        result = {}
        for test in self:
            start = starts[test]
            read = readings.filtered(
                lambda r, t=test, s=start: r.meter_id == t.meter_id and s < r.date <= t.date
            )
            result[test] = periods.filtered(
                lambda p, t=test, r=read, s=start: (
                    p.date_to > s
                    and p.date_from < t.date
                    and any(
                        x.service_id == p.service_id and p.date_from < x.date <= p.date_to
                        for x in r
                    )
                )
            )
        return result

    def _propose_over_registration_adjustments(self):
        """Propose, as draft adjustments of the *Meter Over-Registration* kind, the
        refund of the bills a failed, fast meter overcharged.

        The rule (Gridley, CA, Municipal Code 13.02.100 B.1, "Fast meters"): a
        meter registering more than 2 % fast on test is refunded "the amount of
        the overcharge based on corrected meter readings for the preceding six
        months". The kind holds the threshold and the window; the window stops at
        the meter's last passed test when it is more recent. One draft per bill
        read on the meter in the window, its usage corrected by the test's error
        and re-rated through the real blocks when a clerk submits it; a bill that
        straddles the window's start is corrected for its days after the start.
        A test that already proposed its refunds proposes nothing again.

        :return: the adjustments created
        """
        Adjustment = self.env["utility.adjustment"].sudo()
        kinds = self._get_over_registration_kinds()
        tests = self.filtered(
            lambda t: (
                t.result == "fail"
                and not t.adjustment_ids
                and kinds[t.company_id]
                and Decimal(str(t.error_percent))
                > Decimal(str(kinds[t.company_id].meter_fast_percent))
            )
        )
        if not tests:
            return Adjustment
        starts = tests._get_error_window_starts(kinds)
        periods_by_test = tests._get_fast_periods(starts)
        vals_list = []
        for test in tests:
            start = starts[test]
            for period in periods_by_test[test]:
                vals_list.append(
                    {
                        "move_id": period.move_id.id,
                        "kind_id": kinds[test.company_id].id,
                        "meter_error_percent": test.error_percent,
                        "date_error_from": start if start > period.date_from else False,
                        "meter_test_id": test.id,
                        "reason": self.env._(
                            "Meter %(meter)s failed its bench test of %(date)s: it registers "
                            "%(error)s %% fast. Refund of the usage read on it since "
                            "%(since)s.",
                            meter=test.meter_id.name,
                            date=format_date(self.env, test.date),
                            error=test.error_percent,
                            since=format_date(self.env, start),
                        ),
                    }
                )
        # Back out of the action's environment: what the caller does next is guarded.
        adjustments = Adjustment._as_action().create(vals_list).with_env(self.env)
        for test in tests:
            proposed = adjustments.filtered(lambda a, t=test: a.meter_test_id == t)
            body = (
                self.env._(
                    "Refund proposed for %(count)s bill(s) (draft adjustments, to submit in "
                    "Customers > Adjustments): %(bills)s.",
                    count=len(proposed),
                    bills=", ".join(proposed.move_id.mapped("name")),
                )
                if proposed
                else self.env._(
                    "No bill read on this meter since %(since)s to refund.",
                    since=format_date(self.env, starts[test]),
                )
            )
            test.sudo().message_post(body=body)
            for account in proposed.account_id:
                account.sudo().message_post(body=body)
        return adjustments

    def action_propose_adjustments(self):
        """Office: propose the refund of a failed test entered by hand."""
        if not self.env.user.has_group("utility_billing.group_utility_csr"):
            raise AccessError(self.env._("Only customer service staff propose refunds."))
        self.check_access("write")
        self._propose_over_registration_adjustments()
        return self.action_view_adjustments()

    def action_view_adjustments(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "utility_billing.utility_adjustment_action"
        )
        action["domain"] = [("meter_test_id", "=", self.id)]
        action["context"] = {"create": False}
        return action
