# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Special bills of an account: final bill, bill on demand, back-bill.

The business rules live here, on the account, so a wizard, a work order, a
move-out, the portal or a scheduled action make the same bill: each method
takes the accounts and plain arguments, checks everything first (one error
listing every problem, nothing written), then posts through
``utility.bill.builder._post_special_bills`` with the run's exactly-once
bookkeeping. The wizards only gather the input. Cancel and rebill is on the
bill (``account.move._action_cancel_rebill``).
"""

from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import format_amount, format_date, formatLang

BILLING_GROUP = "utility_billing.group_utility_billing"


class UtilityAccount(models.Model):
    _inherit = "utility.account"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------
    # What the special bills share
    # ------------------------------------------------------------------
    @api.model
    def _check_special_billing_role(self):
        """The builder posts as superuser, as the run does: the role is checked here."""
        if not self.env.su and not self.env.user.has_group(BILLING_GROUP):
            raise AccessError(
                self.env._(
                    "Only billing specialists make special bills (final bill, bill on "
                    "demand, back-bill, cancel-and-rebill)."
                )
            )

    @api.model
    def _get_unbilled_start(self, services):
        """First day not billed yet over ``services``: the end of each one's last
        billed period, else its start date; the earliest of them."""
        last_billed = self.env["utility.bill.builder"]._get_last_billed_dates(services)
        return min(
            (last_billed.get(service.id) or service.date_start for service in services),
            default=None,
        )

    @api.model
    def _get_special_bill_journal(self, company):
        """The sales journal special bills of ``company`` go to by default (a
        billing specialist needs no accounting rights to bill: read as superuser)."""
        Journal = self.env["account.journal"].sudo()
        return Journal.search(
            [*Journal._check_company_domain(company), ("type", "=", "sale")], limit=1
        )

    def _get_special_bill_date_due(self, date_invoice):
        """The bill date plus the due days of the account's billing cycle."""
        return date_invoice + relativedelta(days=self.cycle_id.due_days or 0)

    def _post_special_bill(
        self, bills, kind, *, journal=None, date_invoice=None, date_due=None, **extra
    ):
        """Post ``bills`` (bill dicts of these accounts) as ``kind`` bills.

        :param journal: sales journal (default: the company's first one)
        :param date_invoice: bill date (default: today)
        :param date_due: due date (default: the bill date plus the due days
            of each account's billing cycle)
        :param extra: more invoice header values (narration, ref...)
        :return: the posted bills, aligned with ``bills``
        """
        date_invoice = date_invoice or fields.Date.context_today(self)
        kinds = dict(
            self.env["account.move"]._fields["utility_bill_kind"]._description_selection(self.env)
        )
        headers = []
        for bill in bills:
            account = self.browse(bill["account_id"])
            bill_journal = journal or self._get_special_bill_journal(account.company_id)
            bill_date_due = date_due or account._get_special_bill_date_due(date_invoice)
            headers.append(
                {
                    "partner_id": account.partner_id.id,
                    "journal_id": bill_journal.id,
                    "invoice_date": date_invoice,
                    "invoice_date_due": bill_date_due,
                    "date": date_invoice,
                    "invoice_origin": kinds[kind],
                    "utility_account_id": account.id,
                    "utility_location_id": account.location_id.id,
                    "utility_period_start": bill["date_from"],
                    "utility_period_end": bill["date_to"],
                    "utility_date_penalty": bill_date_due
                    + relativedelta(days=account.cycle_id.penalty_days or 0),
                    "utility_bill_kind": kind,
                    **extra,
                }
            )
        return self.env["utility.bill.builder"]._post_special_bills(bills, headers)

    def _get_state_label(self):
        self.ensure_one()
        return dict(self._fields["state"]._description_selection(self.env))[self.state]

    # ------------------------------------------------------------------
    # Bill on demand
    # ------------------------------------------------------------------
    def _build_bill_on_demand(self, date_to):
        """Bill dicts of the accounts' unbilled valid readings up to ``date_to``,
        rated as the run rates them (read-only: the preview and the posting)."""
        builder = self.env["utility.bill.builder"]
        bills = []
        for account in self:
            services = account.service_ids.filtered(
                lambda s: s.state == "active" and s.date_start <= date_to
            )
            date_from = self._get_unbilled_start(services) or date_to
            bills += builder._build_special_bills(
                account, min(date_from, date_to), date_to, services=services
            )
        return bills

    def _action_bill_on_demand(self, date_to, *, journal=None, date_invoice=None, date_due=None):
        """Bill the accounts now, outside their cycle's run.

        The unbilled valid readings up to ``date_to`` are rated exactly as a
        billing run rates them; services without meter follow the read period,
        else run from the end of their last bill. The next run does not bill
        them again.

        :return: the posted bills
        """
        self._check_special_billing_role()
        problems = [
            self.env._(
                "Only an active account is billed on demand; %(account)s is %(state)s.",
                account=account.display_name,
                state=account._get_state_label(),
            )
            for account in self
            if account.state != "active"
        ]
        if problems:
            raise UserError("\n".join(problems))
        return self._post_special_bill(
            self._build_bill_on_demand(date_to),
            "demand",
            journal=journal,
            date_invoice=date_invoice,
            date_due=date_due,
        )

    # ------------------------------------------------------------------
    # Back-bill
    # ------------------------------------------------------------------
    def _get_back_bill_problems(self, services, date_from, date_to):
        """What is wrong with a back-bill's input, before anything is rated."""
        problems = []
        if not services:
            problems.append(self.env._("Choose the services to back-bill."))
        if not date_from or not date_to:
            problems.append(self.env._("Give the period to back-bill."))
        elif date_to <= date_from:
            problems.append(self.env._("The period must end after it starts."))
        elif date_from > fields.Date.context_today(self):
            problems.append(self.env._("A back-bill is for a past period."))
        other = services.filtered(lambda s: s.account_id not in self)
        if other:
            problems.append(
                self.env._(
                    "These services are not on %(account)s: %(services)s",
                    account=", ".join(self.mapped("display_name")),
                    services=", ".join(other.mapped("display_name")),
                )
            )
        if date_from and date_to:
            problems += [
                self.env._(
                    "%(service)s was not in service between %(date_from)s and %(date_to)s.",
                    service=service.display_name,
                    date_from=date_from,
                    date_to=date_to,
                )
                for service in services
                if service.date_start >= date_to
                or (service.date_end and service.date_end <= date_from)
            ]
        return problems

    def _build_back_bill(self, services, date_from, date_to):
        """Bill dicts of ``services`` over ``[date_from, date_to)``, to the day."""
        return self.env["utility.bill.builder"]._build_special_bills(
            self, date_from, date_to, services=services, prorate_to_day=True
        )

    def _action_back_bill(
        self,
        services,
        date_from,
        date_to,
        reason,
        *,
        journal=None,
        date_invoice=None,
        date_due=None,
    ):
        """Add charges missed in the past: ``services`` over ``[date_from, date_to)``.

        E.g. garbage service added to the account late: its carts were never
        billed. Each service is billed for the days it was in service (its
        own start and end dates), prorated to the day; a period overlapping
        one already billed is refused, naming the bill. Metered services bill
        their unbilled valid readings dated in the period. The reason is
        printed on the bill.

        :return: the posted bills (one per account)
        """
        self._check_special_billing_role()
        problems = self._get_back_bill_problems(services, date_from, date_to)
        if not (reason or "").strip():
            problems.append(self.env._("Give the reason of the back-bill."))
        if not problems:
            # On the whole period asked for: a metered service whose readings are
            # billed has no period of its own to compare, and must be named too.
            problems = self.env["utility.bill.builder"]._get_billed_overlaps(
                (service.id, date_from, date_to) for service in services
            )
        if problems:
            raise UserError(
                self.env._(
                    "Nothing was billed:\n%(problems)s",
                    problems="\n".join(f"- {problem}" for problem in problems),
                )
            )
        reason = reason.strip()
        moves = self._post_special_bill(
            self._build_back_bill(services, date_from, date_to),
            "back",
            journal=journal,
            date_invoice=date_invoice,
            date_due=date_due,
            narration=Markup("<p>%s</p>") % reason,
            ref=reason[:100],
        )
        for move in moves:
            account = move.utility_account_id
            account.message_post(
                body=self.env._(
                    "Back-bill %(bill)s for %(services)s, %(date_from)s to %(date_to)s: %(reason)s",
                    bill=move.sudo().name,
                    services=", ".join(
                        services.filtered(
                            lambda s, account=account: s.account_id == account
                        ).service_type_id.mapped("name")
                    ),
                    date_from=date_from,
                    date_to=date_to,
                    reason=reason,
                )
            )
        return moves

    # ------------------------------------------------------------------
    # Final bill
    # ------------------------------------------------------------------
    def _get_final_bill_services(self):
        """Metered services still running, which need a final reading."""
        return self.service_ids.filtered(
            lambda s: s.is_metered and s.meter_id and s.state != "stopped"
        )

    def _get_final_meter_readings(self, date_final):
        """For each metered service still running: its meter's live reading on
        ``date_final`` (or empty) and its last live reading before (or empty),
        in one query.

        :return: dict service -> (reading, reading)
        """
        Reading = self.env["utility.meter.reading"]
        services = self._get_final_bill_services()
        if not services or not date_final:
            return {}
        Reading.flush_model(["meter_id", "date", "state"])
        meters = services.meter_id
        self.env.cr.execute(
            """
            SELECT m.id, on_day.id, before.id
              FROM unnest(%s::int[]) AS m(id)
              LEFT JOIN utility_meter_reading on_day
                ON on_day.meter_id = m.id AND on_day.date = %s
               AND on_day.state != 'cancelled'
              LEFT JOIN LATERAL (
                    SELECT r.id FROM utility_meter_reading r
                     WHERE r.meter_id = m.id AND r.date < %s AND r.state != 'cancelled'
                     ORDER BY r.date DESC, r.id DESC
                     LIMIT 1
                   ) before ON TRUE
            """,
            [meters.ids, date_final, date_final],
        )
        rows = {meter_id: (on_day, before) for meter_id, on_day, before in self.env.cr.fetchall()}
        readings = Reading.browse({rid for pair in rows.values() for rid in pair if rid})
        readings.fetch(["date", "value", "state"])
        return {
            service: tuple(Reading.browse(rid) for rid in rows.get(service.meter_id.id, (0, 0)))
            for service in services
        }

    def _get_final_bill_problems(self, date_final, found, reading_values):
        """Every reason the accounts cannot be final-billed on ``date_final``."""
        builder = self.env["utility.bill.builder"]
        active = self.service_ids.filtered(lambda s: s.state == "active")
        last_billed = builder._get_last_billed_dates(active)
        problems = []
        for account in self:
            services = active.filtered(lambda s, account=account: s.account_id == account)
            if account.state == "final_billed":
                finals = account.sudo().move_ids.filtered(
                    lambda m: m.utility_bill_kind == "final" and m.state == "posted"
                )
                problems.append(
                    self.env._(
                        "%(account)s is already final-billed (%(bills)s): cancel and rebill "
                        "that bill to correct it.",
                        account=account.display_name,
                        bills=", ".join(finals.mapped("name")) or "-",
                    )
                )
            elif account.state != "active":
                problems.append(
                    self.env._(
                        "Only an active account gets a final bill; %(account)s is %(state)s.",
                        account=account.display_name,
                        state=account._get_state_label(),
                    )
                )
            elif not services:
                problems.append(
                    self.env._(
                        "%(account)s has no active service to bill.", account=account.display_name
                    )
                )
            if account.date_start and date_final < account.date_start:
                problems.append(
                    self.env._(
                        "%(account)s starts on %(date)s: the final read date cannot be earlier.",
                        account=account.display_name,
                        date=format_date(self.env, account.date_start),
                    )
                )
        for service in active:
            last = last_billed.get(service.id)
            if last and date_final <= last:
                problems.append(
                    self.env._(
                        "%(service)s is billed up to %(date)s: the final read date must be later.",
                        service=service.display_name,
                        date=format_date(self.env, last),
                    )
                )
            elif date_final <= service.date_start:
                problems.append(
                    self.env._(
                        "%(service)s starts on %(date)s: the final read date must be later.",
                        service=service.display_name,
                        date=format_date(self.env, service.date_start),
                    )
                )
        for service, (on_day, before) in found.items():
            if service not in active:
                continue
            value = reading_values.get(service.id) or 0.0
            if not on_day and not value and before.value:
                problems.append(
                    self.env._(
                        "Meter %(meter)s: enter the final reading (the last one was %(value)s "
                        "on %(date)s).",
                        meter=service.meter_id.name,
                        # 2143433.0 reads as a register: 2,143,433
                        value=formatLang(
                            self.env, before.value, digits=0 if before.value.is_integer() else 3
                        ),
                        date=format_date(self.env, before.date),
                    )
                )
            if value < 0:
                problems.append(
                    self.env._(
                        "Meter %(meter)s: a register reading cannot be negative.",
                        meter=service.meter_id.name,
                    )
                )
        later = self.env["utility.meter.reading"].search(
            [
                ("service_id", "in", active.ids),
                ("date", ">", date_final),
                ("state", "!=", "cancelled"),
            ]
        )
        problems += [
            self.env._(
                "Meter %(meter)s has a reading after the final read date (%(date)s): cancel it "
                "or make the final bill on that date.",
                meter=reading.meter_id.name,
                date=format_date(self.env, reading.date),
            )
            for reading in later
        ]
        return problems

    def _action_final_bill(
        self,
        date_final,
        *,
        reading_values=None,
        note=None,
        journal=None,
        date_invoice=None,
        date_due=None,
    ):
        """Move-out: the final reading, a last bill prorated to the day, services stopped.

        The bill covers each service from the end of its last billed period to
        the final read date (excluded, like any read date). Charges per period
        (base, minimum, carts, ERUs) are prorated by days: ``days / days of the
        cycle period starting at the end of the last bill`` (17 days from
        February 3 on a monthly cycle: 17/28). The accounts become
        final-billed, their services stop on the final read date, and the
        service periods are written like the run writes them.

        :param date_final: day of the final reading
        :param reading_values: {service id: register value} of the metered
            services whose meter has no reading on ``date_final`` yet (a final
            reading is recorded with it); a reading already entered for that
            day (by a reader, a work order) is used as it is
        :param note: printed on the bill (forwarding address, deposit...)
        :return: the posted final bills (one per account)
        :raise UserError: listing every problem; nothing is written
        """
        self._check_special_billing_role()
        reading_values = reading_values or {}
        found = self._get_final_meter_readings(date_final)
        problems = self._get_final_bill_problems(date_final, found, reading_values)
        if problems:
            raise UserError(
                self.env._(
                    "No final bill was made:\n%(problems)s",
                    problems="\n".join(f"- {problem}" for problem in problems),
                )
            )
        Reading = self.env["utility.meter.reading"]
        to_read = [(s, pair) for s, pair in found.items() if s.state == "active"]
        new = Reading.create(
            [
                {
                    "meter_id": service.meter_id.id,
                    "service_id": service.id,
                    "date": date_final,
                    "value": reading_values.get(service.id) or 0.0,
                    "read_type": "final",
                    "note": self.env._("Final reading (move-out)."),
                }
                for service, (on_day, _before) in to_read
                if not on_day
            ]
        )
        readings = Reading.union(*(on_day for _s, (on_day, _b) in to_read)) | new
        held = readings.filtered(lambda r: r.state == "exception")
        if held:
            raise UserError(
                self.env._(
                    "The final reading is held for review, nothing was billed:\n%(readings)s\n"
                    "Enter the final reading in Meters > Readings, release it from the review "
                    "queue, then make the final bill again: it takes that reading.",
                    readings="\n".join(
                        f"- {r.display_name}: {r.exception_summary or r.state}" for r in held
                    ),
                )
            )
        services = self.service_ids.filtered(lambda s: s.state == "active")
        date_from = {
            account: self._get_unbilled_start(
                services.filtered(lambda s, account=account: s.account_id == account)
            )
            for account in self
        }
        # The services end on the final read date before rating: the builder
        # prorates each one to its own last day.
        self.service_ids.filtered(
            lambda s: s.state != "stopped" and (not s.date_end or s.date_end > date_final)
        ).write({"date_end": date_final})
        builder = self.env["utility.bill.builder"]
        bills = []
        for account in self:
            bills += builder._build_special_bills(
                account,
                date_from[account],
                date_final,
                services=services.filtered(lambda s, account=account: s.account_id == account),
                prorate_to_day=True,
            )
        extra = {"narration": Markup("<p>%s</p>") % note} if note else {}
        moves = self._post_special_bill(
            bills, "final", journal=journal, date_invoice=date_invoice, date_due=date_due, **extra
        )
        self.service_ids.filtered(lambda s: s.state != "stopped")._as_action().write(
            {"state": "stopped"}
        )
        self._as_action().write({"state": "final_billed", "date_end": date_final})
        for move in moves.sudo():
            move.utility_account_id.with_env(self.env).message_post(
                body=self.env._(
                    "Final bill %(bill)s: %(date_from)s to %(date_to)s, %(amount)s. "
                    "Services stopped on %(date_to)s.",
                    bill=move.name,
                    date_from=date_from[move.utility_account_id],
                    date_to=date_final,
                    amount=format_amount(self.env, move.amount_total, move.currency_id),
                )
            )
        return moves
