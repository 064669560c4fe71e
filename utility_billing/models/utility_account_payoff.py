# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import namedtuple
from datetime import timedelta
from decimal import Decimal

from odoo import models
from odoo.exceptions import UserError
from odoo.tools import format_date

from ..lib import read_edits
from ..lib.rating import ZERO, round_cents, to_decimal

PayoffQuote = namedtuple(
    "PayoffQuote",
    "date balance date_from days usage_per_day estimated deposit total per_day",
)


class UtilityAccount(models.Model):
    _inherit = "utility.account"  # pylint: disable=consider-merging-classes-inherited

    def _get_last_billed_date(self):
        """First day not yet billed: the end (read date) of the latest service
        period billed on a posted bill, else the account's start date."""
        self.ensure_one()
        last = (
            self.env["account.move"]
            .sudo()
            ._read_group(
                [
                    ("utility_account_id", "=", self.id),
                    ("move_type", "=", "out_invoice"),
                    ("state", "=", "posted"),
                    ("utility_period_end", "!=", False),
                ],
                [],
                ["utility_period_end:max"],
            )[0][0]
        )
        return last or self.date_start

    def _get_usage_per_day(self, date):
        """Average daily usage of the account's metered service from its own
        billable readings before ``date`` (the company's history depth), in the
        meter's unit; (0, False) without a meter or history."""
        self.ensure_one()
        service = self.service_ids.filtered(lambda s: s.state == "active" and s.is_metered)[:1]
        meter = service.meter_id
        if not meter:
            return ZERO, False
        periods = self.company_id.utility_usage_history_periods
        history = self.env["utility.meter.reading"]._fetch_history(
            [(service.id, meter.id, date + timedelta(days=1))], periods
        )[0]
        daily, _count = read_edits.average_daily_usage(history, periods)
        return daily or ZERO, meter.unit

    def _get_payoff_quote(self, date):
        """What the account owes if it is closed at the end of ``date``.

        The ledger's open balance, plus the charges estimated from the day after
        the last billed period through ``date`` (base charges prorated by day,
        usage at the account's own average per day, rated by the rate calculator
        through ``lib.rating``), less the deposit held; and what each further day
        adds (one day rated the same way).

        :return: PayoffQuote, amounts in Decimal cents
        :raises UserError: when ``date`` falls inside a period already billed
        """
        self.ensure_one()
        self.check_access("read")
        account = self.sudo()
        currency = account.currency_id
        date_from = account._get_last_billed_date()
        if not date_from:
            raise UserError(
                self.env._(
                    "Account %(account)s has no start date and no bill: a payoff cannot be quoted.",
                    account=account.display_name,
                )
            )
        if date < date_from - timedelta(days=1):
            raise UserError(
                self.env._(
                    "The payoff date %(date)s is before the end of the last bill of "
                    "account %(account)s: pick %(first)s or later.",
                    date=format_date(self.env, date),
                    account=account.display_name,
                    first=format_date(self.env, date_from - timedelta(days=1)),
                )
            )
        date_end = date + timedelta(days=1)  # through the end of ``date``
        days = (date_end - date_from).days
        usage_per_day, unit = account._get_usage_per_day(date)
        estimated = account._estimate_charges(date_from, date_end, usage_per_day, unit)
        per_day = account._estimate_charges(
            date_end, date_end + timedelta(days=1), usage_per_day, unit
        )
        balance = Decimal(f"{currency.round(account.amount_balance):.{currency.decimal_places}f}")
        deposit = Decimal(f"{currency.round(account.amount_deposit):.{currency.decimal_places}f}")
        return PayoffQuote(
            date=date,
            balance=balance,
            date_from=date_from,
            days=days,
            usage_per_day=usage_per_day,
            estimated=estimated,
            deposit=deposit,
            total=balance + estimated - deposit,
            per_day=per_day,
        )

    def _estimate_charges(self, date_from, date_to, usage_per_day, unit):
        """Charges of [date_from, date_to) rated by the rate calculator: base
        charges prorated to the day (the bill builder's factor), usage at
        ``usage_per_day``."""
        self.ensure_one()
        if date_to <= date_from or not self.service_ids.filtered(lambda s: s.state == "active"):
            return ZERO
        days = (date_to - date_from).days
        values = {
            "account_id": self.id,
            "company_id": self.company_id.id,
            "date_from": date_from,
            "date_to": date_to,
            "usage": float(usage_per_day * days),
        }
        if unit:
            values["usage_unit"] = unit
        calculator = self.env["utility.rate.calculator"].create(values)
        if not calculator.schedule_ids:
            return ZERO
        factor = self.env["utility.bill.builder"]._get_period_factor(date_from, date_to)
        results = calculator._rate_schedules(period_factor=factor)
        return round_cents(sum((to_decimal(r.amount_total) for _s, r in results), ZERO))
