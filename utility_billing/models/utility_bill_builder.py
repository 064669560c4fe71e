# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Rate accounts for a period and prepare their invoices.

The billing run, and the special bills (final bill, bill on demand, back-bill,
cancel-and-rebill), all go through :class:`UtilityBillBuilder`:

1. :meth:`~UtilityBillBuilder._build_bills` gathers what each account used
   (billable readings, carts, ERUs, class, discount program...) with a fixed
   number of queries for the whole batch, rates every service with
   ``lib.rating.rate`` and returns one plain *bill dict* per account, with the
   reason when the account cannot be billed (never silently skipped);
2. :meth:`~UtilityBillBuilder._prepare_invoice_vals` turns a bill into the
   invoice dict of ``utility.move.writer``;
3. :meth:`~UtilityBillBuilder._post_bills` posts them and writes what makes
   billing exactly-once (billed service periods, billed readings), then lets
   open credits pay them: the run and the special bills share it.
"""

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from itertools import pairwise

from dateutil.relativedelta import relativedelta

from odoo import api, models
from odoo.exceptions import UserError
from odoo.tools import format_date

from ..lib import rating
from ..lib.units import convert

GALLON = "gallon"
KWH = "kwh"
# Service types whose charges say how much was used on the invoice line.
USAGE_BASES = ("metered", "water")
# Charges that price usage: only their lines say how much was used.
USAGE_LINE_COMPONENTS = ("block", "unit", "passthrough")


class UtilityBillBuilder(models.AbstractModel):
    _name = "utility.bill.builder"
    _description = "Utility Bill Builder"

    # ------------------------------------------------------------------
    # Rating
    # ------------------------------------------------------------------
    @api.model
    def _build_bills(self, accounts, date_from, date_to, period_factor=None, services=None):
        """Rate ``accounts`` on their readings dated in ``[date_from, date_to]``.

        Metered services bill their valid readings of the window: the service
        period runs from the read date before the first of them to the last
        one (half-open, see ``lib/rating.py``). A reading held for review, or
        no reading at all, makes the account an exception. Unmetered services
        follow the account's read period, else run from the end of their last
        billed period (or ``date_to`` minus the cycle's months) to ``date_to``.

        :param accounts: utility.account records
        :param period_factor: standard periods the bill covers (Decimal); default
            the months of the account's billing cycle
        :param services: bill only these services (default: the services of the
            accounts delivered in the window, see :meth:`_get_billable_services`)
        :return: list of bill dicts aligned with ``accounts``::

            {"account_id", "partner_id", "location_id", "company_id",
             "customer_class", "state": "ok" | "exception", "message",
             "date_from", "date_to", "amount_total" (Decimal), "consumption"
             (Decimal, in "unit"), "unit", "reading_ids", "services": [{"service_id",
             "date_from", "date_to"}], "charges": [charge dicts, see _charge_vals]}
        """
        accounts.fetch(
            [
                "partner_id",
                "location_id",
                "company_id",
                "customer_class",
                "discount_program",
                "cycle_id",
                "service_ids",
            ]
        )
        accounts.location_id.fetch(["is_inside_city"])
        if services is None:
            services = self._get_billable_services(accounts, date_from, date_to)
        services.fetch(
            [
                "account_id",
                "service_type_id",
                "rate_schedule_id",
                "meter_id",
                "cart_count",
                "cart_size",
                "eru_count",
                "dwelling_unit_count",
                "date_start",
                "date_end",
            ]
        )
        services.meter_id.fetch(["name", "size", "unit"])
        context = {
            "plans": services.rate_schedule_id._get_rate_plan(),
            "fee_schedules": set(services.rate_schedule_id.filtered("is_fee_schedule").ids),
            "readings": self._get_window_readings(services, date_from, date_to),
            "last_billed": self._get_last_billed_dates(services),
            "income": self._get_income_accounts(services.service_type_id),
            "date_from": date_from,
            "date_to": date_to,
            "period_factor": period_factor,
            # (schedule id, rating input) -> result, see _rate_service
            "rated": {},
            # service id -> (winter average or None, problem or None)
            "winter": self.env["utility.winter.average"]._get_for_services(services, date_to),
            # service id -> its cart changes by date (see _split_by_carts)
            "cart_changes": self._get_cart_changes(services),
        }
        services_by_account = defaultdict(list)
        for service in services:
            services_by_account[service.account_id.id].append(service)
        return [
            self._build_bill(account, services_by_account[account.id], context)
            for account in accounts
        ]

    @api.model
    def _get_billable_services(self, accounts, date_from, date_to):
        """Services of ``accounts`` to bill for the window: the active ones, and
        those ended (stopped, or with an end date) whose last days were never
        billed, as when a service is stopped without a final bill: the bill
        takes them up to the end date, prorated.

        An ended service is looked at for one cycle period before the window
        only: a service stopped long ago (history brought from another system)
        is never billed again. A suspended service is not billed; a pending
        one has not started.
        """
        services = accounts.service_ids.filtered(
            lambda s: s.state in ("active", "stopped") and s.date_start <= date_to
        )
        ended = services.filtered("date_end")
        if not ended:
            return services
        last_billed = self._get_last_billed_dates(ended)

        def is_billable(service):
            if not service.date_end:
                return True
            months = service.account_id.cycle_id.frequency_months or 1
            return service.date_end >= date_from - relativedelta(
                months=months
            ) and service.date_end > last_billed.get(service.id, service.date_start)

        return services.filtered(is_billable)

    @api.model
    def _get_window_readings(self, services, date_from, date_to):
        """Valid and held readings of the metered services in the window, by service."""
        metered = services.filtered("service_type_id.is_metered")
        readings = self.env["utility.meter.reading"].search_fetch(
            [
                ("service_id", "in", metered.ids),
                ("date", ">=", date_from),
                ("date", "<=", date_to),
                ("state", "in", ("valid", "exception")),
            ],
            [
                "service_id",
                "meter_id",
                "date",
                "consumption",
                "demand_kw",
                "state",
                "previous_reading_id",
            ],
            order="date, id",
        )
        readings.previous_reading_id.fetch(["date"])
        readings.meter_id.fetch(["name", "unit"])
        by_service = defaultdict(list)
        for reading in readings:
            by_service[reading.service_id.id].append(reading)
        return by_service

    @api.model
    def _get_last_billed_dates(self, services):
        """End of the last billed period of each service (one grouped query)."""
        return {
            service.id: last
            for service, last in self.env["utility.service.period"]
            .sudo()
            ._read_group(
                [("service_id", "in", services.ids), ("state", "=", "billed")],
                ["service_id"],
                ["date_to:max"],
            )
        }

    @api.model
    def _get_income_accounts(self, service_types):
        return {
            service_type.id: service_type._get_income_account() for service_type in service_types
        }

    def _build_bill(self, account, services, ctx):
        problems = []
        bill = {
            "account_id": account.id,
            "partner_id": account.partner_id.id,
            "location_id": account.location_id.id,
            "company_id": account.company_id.id,
            "customer_class": account.customer_class.id,
            "date_from": False,
            "date_to": False,
            "amount_total": Decimal(0),
            "consumption": Decimal(0),
            "unit": "kgal",
            "reading_ids": [],
            "services": [],
            "charges": [],
        }
        if not services:
            problems.append(self.env._("No service of the account is active in the period."))
        period_factor = ctx["period_factor"] or Decimal(account.cycle_id.frequency_months or 1)
        # Metered services first: their read period and usage drive the others.
        metered = [s for s in services if s.service_type_id.is_metered]
        periods, water_gallons, meter_size = self._get_metered_periods(metered, bill, ctx, problems)
        read_from = min((p["date_from"] for p in periods.values()), default=None)
        read_to = max((p["date_to"] for p in periods.values()), default=None)
        for service in services:
            if service.id not in periods and not service.service_type_id.is_metered:
                periods[service.id] = self._get_unmetered_period(
                    account, service, (read_from, read_to), ctx
                )
        inputs = {
            "account": account,
            "water_gallons": water_gallons,
            "meter_size": meter_size,
            "period_factor": period_factor,
        }
        months = account.cycle_id.frequency_months or 1
        for service in services:
            period, factor, partial = self._prorate_service(
                service, periods.get(service.id), period_factor, months
            )
            if not period:
                continue
            bill["services"].append(
                {
                    "service_id": service.id,
                    "date_from": period["date_from"],
                    "date_to": period["date_to"],
                }
            )
            if problems:
                # One problem is enough to hold the bill; rating the rest only
                # adds noise to the register.
                continue
            for part, part_factor, carts in self._split_by_carts(
                service, period, factor, partial, ctx
            ):
                bill["charges"] += self._rate_service(
                    service,
                    part,
                    dict(inputs, period_factor=part_factor, partial=partial, carts=carts),
                    ctx,
                    problems,
                )
        if water_gallons is not None:
            bill["consumption"] = convert(water_gallons, GALLON, bill["unit"])
        if bill["services"]:
            bill["date_from"] = min(s["date_from"] for s in bill["services"])
            bill["date_to"] = max(s["date_to"] for s in bill["services"])
        bill["amount_total"] = sum((c["amount"] for c in bill["charges"]), Decimal(0))
        bill["state"] = "exception" if problems else "ok"
        bill["message"] = "\n".join(problems)
        if problems:
            bill["charges"] = []
            bill["amount_total"] = Decimal(0)
        return bill

    def _get_metered_periods(self, metered, bill, ctx, problems):
        """Periods of the metered services, the water they used (gallons; None
        without water) and the water meter's size; sets the bill's unit and
        readings. Electric (kWh) meters never count as water."""
        periods = {}
        water_gallons = None
        meter_size = None
        for service in metered:
            found = self._get_metered_period(service, ctx, problems)
            if found:
                periods[service.id] = found
                if found["gallons"] is not None:
                    water_gallons = (water_gallons or Decimal(0)) + found["gallons"]
                bill["reading_ids"] += found["reading_ids"]
            if service.meter_id.unit != KWH:
                meter_size = meter_size or service.meter_id.size.code
        # The bill's consumption is its water's, in the first water schedule's unit.
        volume = [s for s in metered if s.meter_id.unit != KWH] or metered
        if volume:
            plan = ctx["plans"].get(volume[0].rate_schedule_id.id)
            bill["unit"] = plan.usage_unit if plan else "kgal"
        return periods, water_gallons, meter_size

    def _get_unmetered_period(self, account, service, read_period, ctx):
        """Period of a service without meter: the account's read period, else
        from the end of its last billed period to the end of the window.

        A bill prorated to the day (final bill, back-bill: see
        :meth:`_build_special_bills`) bills the window itself, ``[date_from,
        date_to)``: its caller chose it; from the end of the service's last bill
        when that falls inside the window (a final bill after a back-bill that
        reached further than the other services' bills).
        """
        if self.env.context.get("utility_prorate_to_day"):
            start = ctx["date_from"]
            last = ctx["last_billed"].get(service.id)
            if last and start < last < ctx["date_to"]:
                start = last
            return {"date_from": start, "date_to": ctx["date_to"]}
        if read_period[0]:
            return {"date_from": read_period[0], "date_to": read_period[1]}
        months = account.cycle_id.frequency_months or 1
        start = ctx["last_billed"].get(service.id) or max(
            service.date_start, ctx["date_to"] - relativedelta(months=months)
        )
        return {"date_from": start, "date_to": ctx["date_to"]}

    def _get_metered_period(self, service, ctx, problems):
        """Read period, usage in gallons and readings of a metered service."""
        label = service.service_type_id.name
        if not service.meter_id:
            problems.append(self.env._("%(service)s: no meter on the service.", service=label))
            return None
        readings = ctx["readings"].get(service.id, [])
        held = [r for r in readings if r.state == "exception"]
        if held:
            problems += [
                self.env._(
                    "%(service)s: reading of %(date)s on meter %(meter)s is held for review "
                    "(%(reason)s): release it or estimate it before billing.",
                    service=label,
                    date=format_date(self.env, reading.date),
                    meter=reading.meter_id.name,
                    reason=reading.exception_summary or self.env._("read exception"),
                )
                for reading in held
            ]
            return None
        if not readings:
            problems.append(
                self.env._(
                    "%(service)s: no valid reading of meter %(meter)s between %(start)s "
                    "and %(end)s.",
                    service=label,
                    meter=service.meter_id.name,
                    start=ctx["date_from"],
                    end=ctx["date_to"],
                )
            )
            return None
        first = readings[0]
        date_from = first.previous_reading_id.date or first.date
        date_to = readings[-1].date
        if date_to <= date_from:
            problems.append(
                self.env._(
                    "%(service)s: only an initial reading (%(date)s), no usage to bill yet.",
                    service=label,
                    date=date_to,
                )
            )
            return None
        found = {"date_from": date_from, "date_to": date_to, "gallons": None, "kwh": None}
        if all(reading.meter_id.unit == KWH for reading in readings):
            # Electric: energy in kWh (never a volume) and the period's peak demand.
            found["kwh"] = sum((rating.to_decimal(r.consumption) for r in readings), Decimal(0))
            demands = [rating.to_decimal(r.demand_kw) for r in readings if r.demand_kw]
            found["demand_kw"] = max(demands) if demands else None
        else:
            gallons = Decimal(0)
            try:
                for reading in readings:
                    gallons += convert(
                        rating.to_decimal(reading.consumption), reading.meter_id.unit, GALLON
                    )
            except ValueError as error:
                problems.append(f"{label}: {error}")
                return None
            found["gallons"] = gallons
        return {
            **found,
            "reading_ids": [r.id for r in readings],
            "reading_id": readings[-1].id,
        }

    def _prorate_service(self, service, period, period_factor, months):
        """The part of ``period`` the service was delivered, its period factor
        (months) and its days of service.

        The service runs from its start date to its end date, excluded (like a
        read date, the end date is the first day without service).

        * A bill prorated to the day (final bill, back-bill) counts each
          service's own days: whole cycle periods, plus the days left over the
          days of the cycle period they fall in (:meth:`_get_period_days`).
        * Other bills keep ``period_factor``, unless the service starts or stops
          inside the period or on its edges: then it was delivered ``days of
          service`` out of the days of the period (or of the standard cycle
          period, ``months`` from the period's start, when the period is shorter
          than that: a first bill after a move-in).

        How those days become a share of the charges per period (base,
        minimum, carts, ERUs) is the rate version's own partial-period rule,
        applied by ``lib.rating`` (``partial_fraction``). Usage is never
        prorated: it is what the meter read.

        :return: (period dict, factor in months: Decimal or exact Fraction,
            (days of service, days of the period) or None when whole), or
            (None, None, None) without period, or when an unmetered service was
            not delivered on any day of the period
        """
        if not period:
            return None, None, None
        date_from, date_to = period["date_from"], period["date_to"]
        start = max(date_from, service.date_start or date_from)
        end = min(date_to, service.date_end or date_to)
        if end <= start:
            if not service.service_type_id.is_metered:
                return None, None, None
            # Usage read outside the service's dates (the read edits flag it) is
            # billed as read, with the bill's own factor.
            return period, period_factor, None
        if self.env.context.get("utility_prorate_to_day"):
            factor, partial = self._get_day_prorated_factor(start, end, months)
            return dict(period, date_from=start, date_to=end), factor, partial
        starts_inside = bool(service.date_start) and service.date_start >= date_from
        stops_inside = bool(service.date_end) and service.date_end <= date_to
        if not (starts_inside or stops_inside):
            return period, period_factor, None
        standard = (date_from + relativedelta(months=months) - date_from).days
        period_days = max((date_to - date_from).days, standard)
        partial = (end - start).days, period_days
        if partial[0] >= period_days:
            partial = None
        return dict(period, date_from=start, date_to=end), period_factor, partial

    def _get_cart_changes(self, services):
        """{service id: [cart changes, oldest first]}: one query for the batch."""
        changes = defaultdict(list)
        if not services:
            return changes
        for change in (
            self.env["utility.service.cart.change"]
            .sudo()
            .search_fetch(
                [("service_id", "in", services.ids)],
                ["service_id", "date", "cart_count", "cart_size", "previous_cart_count",
                 "previous_cart_size"],
                order="date, id",
            )
        ):  # fmt: skip
            changes[change.service_id.id].append(change)
        return changes

    def _split_by_carts(self, service, period, factor, partial, ctx):
        """The parts of ``period`` with the same carts at the premise, each with its
        share of the period factor and its carts.

        A cart delivery, pickup or exchange (``utility.service.cart.change``)
        dated inside an unmetered service's period splits it at that day: each
        part is rated with the carts of its days and ``factor x part days /
        period days`` (Englewood, OH, Codified Ordinances 1064: the customer
        pays "the pro rata share of days of service received during the billing
        period"). The carts of a day are those of the last change on or before
        it, else those before the first change after it, else the service's.
        A service delivered on part of the period (``partial``), or a company that
        does not prorate cart changes (``utility_cart_proration`` off), is not
        split: the period is rated with the carts of its last day.

        :return: [(period dict, factor, (cart count, cart size) or None)]; None
            keeps the service's own carts (no change recorded)
        """
        changes = ctx["cart_changes"].get(service.id)
        if not changes or service.service_type_id.is_metered:
            return [(period, factor, None)]

        def carts_on(day):
            later = [change for change in changes if change.date > day]
            if later:
                return later[0].previous_cart_count, later[0].previous_cart_size.code or None
            return service.cart_count or 0, service.cart_size.code or None

        date_from, date_to = period["date_from"], period["date_to"]
        cuts = sorted({c.date for c in changes if date_from < c.date < date_to})
        company = service.company_id or self.env.company
        if partial or not cuts or not company.utility_cart_proration:
            return [(period, factor, carts_on(date_to - relativedelta(days=1)))]
        days = (date_to - date_from).days
        bounds = [date_from, *cuts, date_to]
        return [
            (
                dict(period, date_from=start, date_to=end),
                self._exact_factor(Fraction(factor) * Fraction((end - start).days, days)),
                carts_on(start),
            )
            for start, end in pairwise(bounds)
        ]

    def _get_day_prorated_factor(self, start, end, months):
        """Factor (months) and partial days of a bill prorated to the day: whole
        cycle periods bill in full, a part alone follows the version's
        partial-period rule; whole periods plus a part are prorated by days."""
        whole, days, period_days = self._get_period_days(start, end, months)
        if not days:
            return self._exact_factor(whole * months), None
        if not whole:
            return self._exact_factor(months), (days, period_days)
        return self._exact_factor(months * (whole + Fraction(days, period_days))), None

    @api.model
    def _get_period_days(self, date_from, date_to, months=1):
        """Whole cycle periods of ``months`` months counted from ``date_from`` in
        ``[date_from, date_to)``, the days left over, and the days of the period
        they fall in: on a monthly cycle, February 3 to 20 is (0, 17, 28),
        January 1 to April 15 is (3, 14, 30)."""
        whole = 0
        while date_from + relativedelta(months=months * (whole + 1)) <= date_to:
            whole += 1
        start = date_from + relativedelta(months=months * whole)
        end = date_from + relativedelta(months=months * (whole + 1))
        return whole, (date_to - start).days, (end - start).days

    @api.model
    def _get_period_factor(self, date_from, date_to, months=1):
        """Standard cycle periods in ``[date_from, date_to)``, prorated to the day
        (17/28 for February 3 to 20 on a monthly cycle).

        :return: a Decimal when exact (1, 0.5), else the exact Fraction
        """
        whole, days, period_days = self._get_period_days(date_from, date_to, months)
        return self._exact_factor(whole + Fraction(days, period_days))

    @staticmethod
    def _exact_factor(factor):
        """``factor`` as a Decimal when it has an exact one, else as a Fraction.

        The rating engine keeps a Fraction exact (17/28 is never 0.607143), and
        takes its fast Decimal path for the common 1 or 0.5.
        """
        factor = Fraction(factor)
        decimal = rating.round_fraction(factor, Decimal("1e-12"))
        return decimal.normalize() if Fraction(decimal) == factor else factor

    def _rate_service(self, service, period, inputs, ctx, problems):
        """Charge dicts of one service; a problem is appended instead of raising.

        :param inputs: dict with the ``account``, its ``water_gallons`` (None when it
            has no metered usage), ``meter_size`` and ``period_factor``, and the
            ``carts`` (count, size) of the part of the period, None for the service's
        """
        account = inputs["account"]
        water_gallons = inputs["water_gallons"]
        label = service.service_type_id.name
        schedule = service.rate_schedule_id
        plan = ctx["plans"].get(schedule.id)
        if not plan or schedule.id in ctx["fee_schedules"]:
            problems.append(
                self.env._(
                    "%(service)s: %(schedule)s is not a rate schedule for a service.",
                    service=label,
                    schedule=schedule.display_name or self.env._("no rate schedule"),
                )
            )
            return []
        if not ctx["income"].get(service.service_type_id.id):
            problems.append(
                self.env._("%(service)s: the service type has no income account.", service=label)
            )
            return []
        try:
            # Energy schedules never see the water (kWh is not a volume).
            water = (
                None
                if water_gallons is None or plan.usage_unit == KWH
                else convert(water_gallons, GALLON, plan.usage_unit)
            )
            winter, problem = ctx["winter"].get(service.id, (None, None))
            if problem:
                # Never a silent fallback: the clerk sets the average first.
                problems.append(problem)
                return []
            own = Decimal(0)
            if service.service_type_id.is_metered and period.get("kwh") is not None:
                if plan.usage_unit != KWH:
                    raise ValueError(f"a kWh meter cannot be billed in {plan.usage_unit}")
                own = period["kwh"]
            elif service.service_type_id.is_metered:
                own = convert(period["gallons"], GALLON, plan.usage_unit)
            rating_input = rating.RatingInput(
                date_from=period["date_from"],
                date_to=period["date_to"],
                usage=rating.round_fraction(own, rating.QUANTITY_QUANTUM),
                period_factor=inputs["period_factor"],
                meter_size=service.meter_id.size.code or inputs["meter_size"] or None,
                customer_class=account.customer_class.code or None,
                is_inside_city=account.location_id.is_inside_city,
                cart_count=inputs["carts"][0] if inputs.get("carts") else service.cart_count or 0,
                cart_size=inputs["carts"][1]
                if inputs.get("carts")
                else service.cart_size.code or None,
                eru_count=rating.to_decimal(service.eru_count or 0.0),
                water_usage=None
                if water is None
                else rating.round_fraction(water, rating.QUANTITY_QUANTUM),
                discount_program=account.discount_program or None,
                winter_average=winter,
                dwelling_units=service.dwelling_unit_count or 0,
                demand_kw=period.get("demand_kw"),
                service_days=inputs.get("partial") and inputs["partial"][0],
                period_days=inputs.get("partial") and inputs["partial"][1],
            )
            # The engine is pure: equal inputs under the same schedule give the
            # same result, and a cycle holds many (every cart, every ERU, the
            # same read dates), so a batch rates each distinct input once.
            rated = ctx.setdefault("rated", {})
            key = (schedule.id, rating_input)
            result = rated.get(key)
            if result is None:
                result = rated[key] = rating.rate(plan, rating_input)
        except ValueError as error:
            problems.append(f"{label}: {error}")
            return []
        shows_usage = service.service_type_id.billing_basis in USAGE_BASES
        consumption = result.billed_volume if shows_usage else None
        return [
            self._charge_vals(service, period, charge, consumption, plan.usage_unit)
            for charge in result.lines
        ]

    def _charge_vals(self, service, period, charge, consumption, unit):
        """A charge dict: one future invoice line (``consumption`` None: not shown)."""
        return {
            "service_id": service.id,
            "service_type_id": service.service_type_id.id,
            "rate_line_id": charge.rate_line_id,
            "component": charge.component,
            "name": charge.name,
            "quantity": charge.quantity,
            "price_unit": charge.price_unit,
            "amount": charge.amount,
            "date_from": period["date_from"],
            "date_to": period["date_to"],
            "segment_date_from": charge.date_from,
            "segment_date_to": charge.date_to,
            "consumption": consumption,
            "unit": unit,
            "reading_id": period.get("reading_id") or False,
        }

    # ------------------------------------------------------------------
    # Comparisons
    # ------------------------------------------------------------------
    @api.model
    def _get_usage_history(self, services, windows):
        """Metered consumption per service in each window, in gallons: one query.

        :param windows: dict key -> (date_from, date_to), dates included
        :return: dict (service_id, key) -> Decimal gallons
        """
        if not services or not windows:
            return {}
        keys = list(windows)
        self.env["utility.meter.reading"].flush_model(
            ["service_id", "date", "state", "consumption"]
        )
        self.env.cr.execute(
            """
            SELECT r.service_id, w.key, m.unit, SUM(r.consumption)
              FROM utility_meter_reading r
              JOIN utility_meter m ON m.id = r.meter_id
              JOIN unnest(%s::text[], %s::date[], %s::date[]) AS w(key, date_from, date_to)
                ON r.date BETWEEN w.date_from AND w.date_to
             WHERE r.service_id = ANY(%s) AND r.state IN ('valid', 'billed')
             GROUP BY 1, 2, 3
            """,
            [
                [str(k) for k in keys],
                [windows[k][0] for k in keys],
                [windows[k][1] for k in keys],
                services.ids,
            ],
        )
        result = defaultdict(Decimal)
        for service_id, key, unit, used in self.env.cr.fetchall():
            try:
                result[service_id, key] += convert(rating.to_decimal(used or 0.0), unit, GALLON)
            except ValueError:
                continue
        return result

    # ------------------------------------------------------------------
    # Invoices
    # ------------------------------------------------------------------
    @api.model
    def _prepare_invoice_vals(self, header, charges):
        """Invoice dict of ``utility.move.writer`` for one bill.

        :param header: dict with partner_id, journal_id, invoice_date,
            invoice_date_due, and the utility_* header fields
        :param charges: charge dicts (see :meth:`_charge_vals`)
        """
        service_types = self.env["utility.service.type"].browse(
            {c["service_type_id"] for c in charges}
        )
        income = self._get_income_accounts(service_types)
        digits_qty = self.env["decimal.precision"].precision_get("Product Unit of Measure")
        digits_price = self.env["decimal.precision"].precision_get("Product Price")
        vals = dict(header)
        vals.setdefault("date", vals["invoice_date"])
        if "team_id" in self.env["account.move"]._fields:
            # With Sales installed, an invoice counts in the sales team of its
            # salesperson: a utility bill is no sale of theirs.
            vals.setdefault("team_id", False)
        vals["lines"] = [
            self._prepare_invoice_line_vals(
                charge, service_types.browse(charge["service_type_id"]), income, digits_qty,
                digits_price,
            )
            for charge in charges
        ]  # fmt: skip
        self._set_invoice_taxes(vals, charges)
        return vals

    @api.model
    def _set_invoice_taxes(self, vals, charges):
        """Taxes of each invoice line, mapped by the bill's fiscal position.

        A charge is taxed by the taxes of its rate line when the line names
        some, else by the sales taxes of its service's product (Odoo's default
        for a sales line), those of the bill's company. The fiscal position
        (the utility account's, else the customer's, as Odoo finds it for an
        invoice) maps them: a tax-exempt city building maps the utility tax
        to no tax. Odoo's tax engine computes the amounts when the bill is
        posted (``utility.move.writer``).
        """
        company = self.env["account.journal"].browse(vals["journal_id"]).company_id
        rate_lines = self.env["utility.rate.line"].browse(
            {c["rate_line_id"] for c in charges if c["rate_line_id"]}
        )
        service_types = self.env["utility.service.type"].browse(
            {c["service_type_id"] for c in charges}
        )
        taxes = []
        for charge in charges:
            rate_line = rate_lines.browse(charge["rate_line_id"] or ())
            product = service_types.browse(charge["service_type_id"]).product_id
            taxes.append((rate_line.tax_ids or product.taxes_id)._filter_taxes_by_company(company))
        account = self.env["utility.account"].browse(vals.get("utility_account_id") or ())
        if (
            "fiscal_position_id" not in vals
            and account
            and (account.fiscal_position_id or any(taxes))
        ):
            fiscal_position = self._get_fiscal_positions(account)[account.id]
            if fiscal_position:
                vals["fiscal_position_id"] = fiscal_position.id
        fiscal_position = self.env["account.fiscal.position"].browse(
            vals.get("fiscal_position_id") or ()
        )
        for line, line_taxes in zip(vals["lines"], taxes, strict=True):
            mapped = fiscal_position.map_tax(line_taxes) if fiscal_position else line_taxes
            line["tax_ids"] = mapped.ids

    @api.model
    def _get_fiscal_positions(self, accounts):
        """Fiscal position of each account's bills: the account's own, else the
        one Odoo gives its customer on an invoice (manual, then auto-applied:
        the rule ``utility.move.writer`` applies to a bill's header).

        :return: dict account id -> account.fiscal.position (maybe empty)
        """
        writer = self.env["utility.move.writer"]
        Fpos = self.env["account.fiscal.position"]
        # What the loop reads, for the whole batch (address_get reads the
        # contacts; the customer's position is company-dependent).
        accounts.fetch(["fiscal_position_id", "partner_id", "company_id"])
        partners = accounts.partner_id
        partners.child_ids.fetch(["type", "active"])
        for company in accounts.company_id:
            partners.with_company(company).mapped("property_account_position_id")
        auto_by_company = {}
        result = {}
        for account in accounts:
            if account.fiscal_position_id:
                result[account.id] = account.fiscal_position_id
                continue
            company = account.company_id
            if company.id not in auto_by_company:
                auto_by_company[company.id] = bool(
                    Fpos.with_company(company).search_count(
                        [*Fpos._check_company_domain(company), ("auto_apply", "=", True)],
                        limit=1,
                    )
                )
            partner = account.partner_id.with_company(company)
            shipping = partner.browse(partner.address_get(["delivery"])["delivery"])
            result[account.id] = writer._get_fiscal_position(
                partner, shipping, company, auto_by_company[company.id]
            )
        return result

    def _prepare_invoice_line_vals(self, charge, service_type, income, digits_qty, digits_price):
        amount = Decimal(str(charge["amount"]))
        quantity = Decimal(str(charge["quantity"]))
        price_unit = Decimal(str(charge["price_unit"]))
        # The engine's amount is authoritative; the ledger must carry it to the
        # cent. When quantity x price at the invoice precisions does not give
        # it (prorated fixed charges, 6-decimal prices), the line is 1 x amount
        # and its label keeps the detail.
        shown = (
            quantity.quantize(Decimal(1).scaleb(-digits_qty), ROUND_HALF_UP)
            * price_unit.quantize(Decimal(1).scaleb(-digits_price), ROUND_HALF_UP)
        ).quantize(Decimal("0.01"), ROUND_HALF_UP)
        if shown != amount:
            quantity, price_unit = Decimal(1), amount
        return {
            "name": self._get_line_name(service_type, charge),
            "product_id": service_type.product_id.id,
            "account_id": income[service_type.id].id,
            "quantity": float(quantity),
            "price_unit": float(price_unit),
            "utility_service_id": charge["service_id"],
            "utility_service_type_id": service_type.id,
            "utility_rate_line_id": charge["rate_line_id"] or False,
            "utility_component": charge["component"],
            "utility_date_from": charge["date_from"],
            "utility_date_to": charge["date_to"],
            "utility_consumption": float(charge["consumption"] or 0.0),
            "utility_reading_id": charge["reading_id"] or False,
        }

    @api.model
    def _get_line_name(self, service_type, charge):
        """What an invoice line says, as a person reads it: service, rate
        component, usage (on usage lines only), read dates.

        e.g. ``Water - Usage 5-15 kgal: 7.000 kgal (10/03-11/03)``,
        ``Water - Base (10/03-11/03)``; a label that starts with the service's
        name is not repeated (``Water (10/03-11/03)``, never "Water - Water").
        """
        dates = "({}-{})".format(
            charge["date_from"].strftime("%m/%d"), charge["date_to"].strftime("%m/%d")
        )
        label = charge["name"]
        if label.lower().startswith(service_type.name.lower()):
            name = label
        else:
            name = f"{service_type.name} - {label}"
        if charge["consumption"] is not None and charge["component"] in USAGE_LINE_COMPONENTS:
            unit = rating.UNIT_LABELS.get(charge["unit"], charge["unit"])
            name += f": {Decimal(str(charge['consumption'])):.3f} {unit}"
        return f"{name} {dates}"

    @api.model
    def _create_posted_moves(self, invoice_vals_list):
        """Create and post the invoices (the writer chooses between its fast
        path and Odoo's, invoice by invoice)."""
        return self.env["utility.move.writer"]._create_posted_invoices(invoice_vals_list)

    # ------------------------------------------------------------------
    # Special bills: final bill, bill on demand, back-bill, rebill
    # ------------------------------------------------------------------
    @api.model
    def _build_special_bills(
        self, accounts, date_from, date_to, services=None, prorate_to_day=False
    ):
        """Rate bills outside a billing run: :meth:`_build_bills` with one option.

        :param prorate_to_day: bill the window ``[date_from, date_to)`` itself,
            each service for its own days in it, charges per period prorated to
            the day (:meth:`_get_period_factor`): final bills and back-bills.
            Otherwise the bill is rated as a run rates it (bill on demand).
        """
        builder = self.with_context(utility_prorate_to_day=prorate_to_day)
        return builder._build_bills(accounts, date_from, date_to, services=services)

    @api.model
    def _get_billed_overlaps(self, service_periods):
        """Why service periods cannot be billed: the billed periods they overlap.

        The unique index of ``utility.service.period`` refuses a second bill
        starting on the same day; a special bill can start any day, so it is
        checked against every billed day.

        :param service_periods: iterable of (service_id, date_from, date_to), the
            end excluded
        :return: one message per overlapped billed period, naming its bill (one query)
        """
        service_periods = list(service_periods)
        if not service_periods:
            return []
        billed = (
            self.env["utility.service.period"]
            .sudo()
            .search(
                [
                    ("service_id", "in", list({key[0] for key in service_periods})),
                    ("state", "=", "billed"),
                    ("date_from", "<=", max(key[2] for key in service_periods)),
                    ("date_to", ">=", min(key[1] for key in service_periods)),
                ],
                order="date_from, id",
            )
        )
        by_service = defaultdict(list)
        for period in billed:
            by_service[period.service_id.id].append(period)
        found = {}
        for service_id, date_from, date_to in service_periods:
            for period in by_service[service_id]:
                if period.date_from == date_from or (
                    period.date_from < date_to and period.date_to > date_from
                ):
                    found[period.id] = period
        return [
            self.env._(
                "%(service)s is already billed from %(date_from)s to %(date_to)s on %(bill)s.",
                service=period.service_id.display_name,
                date_from=format_date(self.env, period.date_from),
                date_to=format_date(self.env, period.date_to),
                bill=period.move_id.name or period.run_id.name or "",
            )
            for period in found.values()
        ]

    @api.model
    def _post_bills(self, invoice_vals_list, services_list, reading_ids_list, run=None):
        """Post bills and write their exactly-once bookkeeping: the one place
        for the billing run and the special bills alike.

        The invoices are posted (:meth:`_create_posted_moves`), each billed
        service period gets its ``utility.service.period`` row (the unique
        index and the exclusion constraint refuse a period billed meanwhile
        by another transaction: nothing of the batch stays), the readings are
        marked billed, and the accounts' open credits pay the new bills.

        The caller checks the billing role and what may be billed; this posts
        as superuser, as a billing specialist needs no accounting rights.

        :param invoice_vals_list: invoice dicts (see :meth:`_prepare_invoice_vals`)
        :param services_list: aligned with ``invoice_vals_list``, the billed
            periods of each bill: dicts with service_id, date_from, date_to
            (a service billed twice from the same day counts once)
        :param reading_ids_list: aligned, the ids of the readings each bill bills
        :param run: the ``utility.billing.run`` of the bills, if any
        :return: the posted invoices, aligned with ``invoice_vals_list``
        """
        Move = self.env["account.move"]
        if not invoice_vals_list:
            return Move
        moves = self.sudo()._create_posted_moves(invoice_vals_list).with_env(self.env)
        services = self.env["utility.account.service"].browse(
            {s["service_id"] for services in services_list for s in services}
        )
        services.fetch(
            ["account_id", "service_type_id", "company_id", "meter_id", "rate_schedule_id"]
        )
        # One read each for what the bills were priced with (a record browsed
        # from ``services`` prefetches only itself).
        services.account_id.fetch(["customer_class"])
        services.meter_id.fetch(["size"])
        period_vals = []
        for move, periods in zip(moves, services_list, strict=True):
            seen = set()
            for period in periods:
                key = (period["service_id"], period["date_from"])
                if key in seen:
                    continue
                seen.add(key)
                service = services.browse(period["service_id"])
                period_vals.append(
                    {
                        "service_id": service.id,
                        "account_id": service.account_id.id,
                        "service_type_id": service.service_type_id.id,
                        "company_id": service.company_id.id,
                        "date_from": period["date_from"],
                        "date_to": period["date_to"],
                        "move_id": move.id,
                        "run_id": run.id if run else None,
                        "state": "billed",
                        # What the bill was priced with (the rate what-if reads them).
                        "customer_class_id": service.account_id.customer_class.id or None,
                        "meter_size_id": service.meter_id.size.id or None,
                        "rate_schedule_id": service.rate_schedule_id.id or None,
                    }
                )
        if period_vals:
            self.env["utility.sql.writer"].sudo()._bulk_insert(
                "utility.service.period", period_vals
            )
        readings = self.env["utility.meter.reading"].browse(
            reading_id for reading_ids in reading_ids_list for reading_id in reading_ids
        )
        readings.with_context(mail_notrack=True).write({"state": "billed"})
        # A credit on the account (overpayment, credit note) pays the new bill.
        self.env["utility.payment.poster"].sudo()._apply_open_credits(
            moves.sudo().utility_account_id
        )
        return moves

    @api.model
    def _post_special_bills(self, bills, headers):
        """Post bills built outside a run, with the run's exactly-once bookkeeping.

        The whole batch is checked before anything is written, and one error
        lists every problem: a bill that is not ready (held reading, rate
        problem...), that has no charge, or whose service periods overlap a
        period already billed by any bill or run. The services are locked
        first, so two clerks cannot bill the same service at the same time.
        Then :meth:`_post_bills` posts them as the run does.

        :param bills: bill dicts of :meth:`_build_special_bills`
        :param headers: invoice headers aligned with ``bills`` (see
            :meth:`_prepare_invoice_vals`)
        :return: the posted invoices, aligned with ``bills``
        :raise UserError: nothing is posted
        """
        accounts = self.env["utility.account"].browse([bill["account_id"] for bill in bills])
        names = {account.id: account.display_name for account in accounts}
        service_ids = sorted({s["service_id"] for bill in bills for s in bill["services"]})
        if service_ids:
            self.env.cr.execute(
                "SELECT id FROM utility_account_service WHERE id = ANY(%s) ORDER BY id FOR UPDATE",
                [service_ids],
            )
        problems = []
        for bill in bills:
            if bill["state"] != "ok":
                problems.append(f"{names[bill['account_id']]}: {bill['message']}")
            elif not bill["charges"]:
                problems.append(
                    self.env._(
                        "%(account)s: the rates give no charge: nothing to bill.",
                        account=names[bill["account_id"]],
                    )
                )
        problems += self._get_billed_overlaps(
            (s["service_id"], s["date_from"], s["date_to"])
            for bill in bills
            for s in bill["services"]
        )
        if problems:
            raise UserError(
                self.env._(
                    "Nothing was billed:\n%(problems)s",
                    problems="\n".join(f"- {problem}" for problem in problems),
                )
            )
        invoice_vals = [
            self.sudo()._prepare_invoice_vals(header, bill["charges"])
            for bill, header in zip(bills, headers, strict=True)
        ]
        return self._post_bills(
            invoice_vals,
            [bill["services"] for bill in bills],
            [bill["reading_ids"] for bill in bills],
        )
