# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The printed bill of a utility invoice: data from the ledger, PDF by reportlab.

Everything here works on a whole recordset with a fixed number of queries: a
billing cycle prints thousands of bills in one call.
"""

import base64
import io
from collections import defaultdict
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from dateutil.relativedelta import relativedelta

from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, html2plaintext, is_html_empty

from ..lib.bill_pdf import (
    USAGE_MONTHS,
    BillData,
    ChargeLine,
    ServiceCharges,
    UsagePoint,
    format_money,
    render_batch,
    render_bill,
)

CENT = Decimal("0.01")
ZERO = Decimal(0)
# Short unit names as printed beside quantities (the selection labels are too long).
UNIT_SHORT = {
    "gallon": "gal",
    "kgal": "kgal",
    "cubic_foot": "cu ft",
    "ccf": "ccf",
    "kwh": "kWh",
}
# Entries posted on the account between two bills and listed on the next one: never
# "the previous bill" of a bill (a deposit charge, a late / returned-payment /
# reconnect / door-hanger fee).
NOT_BILL_KINDS = ("deposit", "fee")


def _money(value):
    """A ledger amount (float or numeric) as exact cents."""
    if value is None:
        return ZERO
    return Decimal(str(value)).quantize(CENT, ROUND_HALF_UP)


def _quantity(value):
    """A float quantity as the Decimal it was typed as (3 decimals, like the readings)."""
    if value is None:
        return None
    return Decimal(str(round(value, 3))).normalize()


def _month_start(day):
    return date(day.year, day.month, 1)


class AccountMove(models.Model):
    # Bill printing lives apart from the bill fields: one concern a file.
    _inherit = "account.move"  # pylint: disable=consider-merging-classes-inherited

    utility_date_bill_sent = fields.Datetime(
        string="Bill E-mailed On",
        copy=False,
        readonly=True,
        help="When the bill of a paperless account was queued for e-mail; a bill is e-mailed once.",
    )

    # ------------------------------------------------------------------
    # Bill data
    # ------------------------------------------------------------------
    def _check_utility_bills(self):
        """Refuse, in one message, every move that is not a posted utility invoice."""
        wrong = self.filtered(
            lambda m: (
                m.move_type != "out_invoice" or m.state != "posted" or not m.utility_account_id
            )
        )
        if wrong:
            raise UserError(
                self.env._(
                    "Only posted customer invoices of a utility account can be printed as "
                    "utility bills:\n%(moves)s",
                    moves="\n".join(f"- {move.display_name}" for move in wrong),
                )
            )

    def _prepare_bill_data(self, messages=()):
        """The :class:`~..lib.bill_pdf.BillData` of each bill, in the order of ``self``.

        A fixed number of queries whatever the number of bills: the ledger
        amounts in one grouped SQL query, the usage history in one grouped query
        on the readings, the rest through the ORM's batch prefetch.

        :param messages: texts printed on every bill (a cycle's or the city's notice)
        :raise UserError: when a move is not a posted utility invoice
        """
        self._check_utility_bills()
        if not self:
            return []
        self._prefetch_bill_records()
        ledger = self._get_bill_ledger_amounts()
        usage = self._get_bill_usage_history()
        late_fees = self._get_bill_late_fees()
        arrangement_messages = self._get_bill_arrangement_messages()
        date_format = (
            self.env["res.lang"]._get_data(code=self.env.lang or "en_US").date_format or "%m/%d/%Y"
        )
        entry_messages = self._get_bill_entry_messages(date_format)
        explanations = self._get_bill_explanations(date_format)
        read_types = dict(
            self.env["utility.meter.reading"]._fields["read_type"]._description_selection(self.env)
        )
        companies = {}
        bills = []
        for move in self:
            company = move.company_id
            if company not in companies:
                companies[company] = self._prepare_bill_company_vals(company)
            services, amount_current = move._prepare_bill_services(read_types)
            amounts = ledger.get(move.id, {})
            amount_due = amounts.get("amount_due", amount_current)
            amount_payments = amounts.get("amount_payments", ZERO)
            amount_adjustments = amounts.get("amount_adjustments", ZERO)
            # Derived, so the summary always adds up to the amount the ledger says is due.
            amount_previous = amount_due - amount_current - amount_adjustments + amount_payments
            amount_deferred, level_pay_message = move._get_bill_level_pay(
                amount_due, amount_current
            )
            amount_due += amount_deferred
            amount_past_due = min(amounts.get("amount_past_due", ZERO), max(amount_due, ZERO))
            account = move.utility_account_id
            customer_name, customer, mail_partner = self._get_bill_addressee(account)
            is_paperless = account.is_paperless and bool(account.letter_partner_id.email)
            special = account.special_handling_reason or ""
            if not special and not is_paperless and not mail_partner.street:
                special = self.env._("No mailing address")
            history, usage_unit = usage.get(move.id, ((), ""))
            date_penalty = move.utility_date_penalty
            late_fee = late_fees.get(move.id)
            bill_messages = list(messages)
            if date_penalty and late_fee is None:
                bill_messages.append(
                    self.env._(
                        "A late fee applies to any balance unpaid after %(date)s.",
                        date=date_penalty.strftime(companies[company]["date_format"]),
                    )
                )
            bill_messages += entry_messages.get(move.id, [])
            if level_pay_message:
                bill_messages.append(level_pay_message)
            bill_messages += arrangement_messages.get(move.id, [])
            if move.id in explanations:
                bill_messages.append(explanations[move.id])
            if not is_html_empty(move.narration):
                bill_messages.append(html2plaintext(move.narration))
            location = move.utility_location_id or account.location_id
            bills.append(
                BillData(
                    **companies[company],
                    account_number=account.name,
                    bill_number=move.name,
                    customer_name=customer_name,
                    mailing_address=self._prepare_bill_address(customer, mail_partner),
                    service_address=", ".join(
                        part for part in (location.name, location.city) if part
                    ),
                    date_bill=move.invoice_date,
                    date_due=move.invoice_date_due or move.invoice_date,
                    date_penalty=date_penalty if late_fee is not None else None,
                    amount_after_penalty=(
                        amount_due + late_fee if late_fee is not None and date_penalty else None
                    ),
                    date_period_start=move.utility_period_start or move.invoice_date,
                    date_period_end=move.utility_period_end or move.invoice_date,
                    services=services,
                    amount_previous_balance=amount_previous,
                    amount_payments=amount_payments,
                    amount_adjustments=amount_adjustments,
                    amount_deferred=amount_deferred,
                    amount_past_due=amount_past_due,
                    amount_current=amount_current,
                    amount_due=amount_due,
                    messages=bill_messages,
                    usage_history=history,
                    usage_unit=usage_unit,
                    special_handling=special,
                    is_paperless=is_paperless,
                    currency_symbol=move.currency_id.symbol or "",
                )
            )
        return bills

    def _prefetch_bill_records(self):
        """Read what the bills print, one query per model for the whole batch.

        Records reached through a single bill's lines only prefetch that
        bill's records: without this, each bill would cost its own queries.
        """
        lines = self.invoice_line_ids
        # Tax journal items, for the bills' tax lines.
        self.line_ids.fetch(["display_type", "tax_line_id", "balance", "tax_base_amount"])
        lines.fetch(
            [
                "display_type",
                "name",
                "sequence",
                "quantity",
                "price_unit",
                "price_subtotal",
                "utility_service_id",
                "utility_service_type_id",
                "utility_component",
                "utility_reading_id",
            ]
        )
        readings = lines.utility_reading_id
        reading_fields = ["date", "days", "value", "consumption", "read_type", "meter_id"]
        readings.fetch([*reading_fields, "previous_reading_id"])
        readings.previous_reading_id.fetch(reading_fields)
        readings.meter_id.fetch(["name", "unit"])
        lines.utility_service_type_id.fetch(["name"])
        accounts = self.utility_account_id
        accounts.fetch(
            [
                "name",
                "partner_id",
                "mailing_partner_id",
                "location_id",
                "is_paperless",
                "special_handling_reason",
                "is_estate",
                "executor_partner_id",
            ]
        )
        (accounts.partner_id | accounts.mailing_partner_id | accounts.executor_partner_id).fetch(
            ["name", "street", "street2", "city", "zip", "state_id", "email"]
        )
        (self.utility_location_id | accounts.location_id).fetch(["name", "city"])

    def _prepare_bill_company_vals(self, company):
        """The parts of a bill that come from the utility (the company)."""
        address = self._prepare_bill_address(company.partner_id, company.partner_id)
        lang = self.env["res.lang"]._get_data(code=self.env.lang or "en_US")
        return {
            "utility_name": company.name,
            "utility_address": address,
            "remit_to": company._get_utility_remit_to(),
            "utility_phone": company.phone or "",
            "utility_website": (company.website or "")
            .removeprefix("https://")
            .removeprefix("http://"),
            "logo": base64.b64decode(company.logo)
            if company.logo and not company.uses_default_logo
            else None,
            "date_format": lang.date_format or "%m/%d/%Y",
        }

    def _get_bill_addressee(self, account):
        """Who the bill of ``account`` is addressed to: (name printed, the
        customer, the contact it is mailed to). An estate's bill goes to its
        executor, as its letters do: "Estate of <name>, c/o <executor>" at the
        executor's address (``_get_letter_addressee``)."""
        letters_to = account.letter_partner_id
        if letters_to != account.partner_id:
            return account._get_letter_addressee()["name"], letters_to, letters_to
        customer = account.partner_id
        return customer.name or "", customer, account.mailing_partner_id or customer

    def _prepare_bill_address(self, customer, partner):
        """Address lines under the customer's name; ``c/o`` when mailed to someone else."""
        lines = []
        if partner != customer and partner.name:
            lines.append(self.env._("c/o %(name)s", name=partner.name))
        lines += [line for line in (partner.street, partner.street2) if line]
        city_line = " ".join(
            part
            for part in (
                f"{partner.city}," if partner.city and (partner.state_id or partner.zip) else "",
                partner.city if partner.city and not (partner.state_id or partner.zip) else "",
                partner.state_id.code or "",
                partner.zip or "",
            )
            if part
        )
        if city_line:
            lines.append(city_line)
        return tuple(lines)

    def _prepare_bill_services(self, read_types):
        """Charges by service, with the meter reads of metered ones, and their total."""
        self.ensure_one()
        groups = {}
        other = self.env._("Other Charges")
        no_reading = self.env["utility.meter.reading"]
        for line in self.invoice_line_ids.sorted(lambda ln: (ln.sequence, ln.id)):
            if line.display_type != "product":
                continue
            key = line.utility_service_id or line.utility_service_type_id or other
            group = groups.setdefault(key, {"lines": [], "readings": no_reading})
            if line.utility_reading_id:
                group["readings"] |= line.utility_reading_id
            quantity = _quantity(line.quantity)
            show_rate = quantity is not None and quantity != 1
            group["name"] = (
                line.utility_service_type_id.name or line.utility_service_id.display_name or other
            )
            # Printed under its service's heading: the line need not repeat it.
            description = line.name or line.utility_component or ""
            prefix = f"{group['name']} - "
            if description.startswith(prefix):
                description = description[len(prefix) :]
            group["lines"].append(
                ChargeLine(
                    description=description,
                    amount=_money(line.price_subtotal),
                    quantity=quantity if show_rate else None,
                    rate=Decimal(str(line.price_unit)).normalize() if show_rate else None,
                )
            )
        if not self.currency_id.is_zero(self.amount_tax):
            groups[self.env._("Taxes")] = {
                "name": self.env._("Taxes"),
                "lines": self._prepare_bill_tax_lines(),
                "readings": self.env["utility.meter.reading"],
            }
        services = []
        for group in groups.values():
            readings = group["readings"]
            reading = readings.sorted(lambda r: (r.date, r.id))[-1:] if readings else readings
            if reading:
                previous = reading.previous_reading_id
                unit = UNIT_SHORT.get(reading.meter_id.unit, reading.meter_id.unit or "")
                services.append(
                    ServiceCharges(
                        name=group["name"],
                        lines=group["lines"],
                        meter_number=reading.meter_id.name or "",
                        date_previous_read=previous.date or None,
                        date_current_read=reading.date,
                        previous_read=_quantity(previous.value) if previous else None,
                        current_read=_quantity(reading.value),
                        consumption=_quantity(sum(readings.mapped("consumption"))),
                        unit=unit,
                        read_type=""
                        if reading.read_type == "actual"
                        else read_types.get(reading.read_type, ""),
                    )
                )
            else:
                services.append(ServiceCharges(name=group["name"], lines=group["lines"]))
        amount_current = sum((s.amount_total for s in services), ZERO)
        return services, amount_current

    def _prepare_bill_tax_lines(self):
        """One bill line per tax: its name, the services it taxes and their
        amount, and the tax, from the tax journal items (what the ledger
        holds), e.g. ``Water Users Tax 5% on Water ($26.70)  1.35``."""
        self.ensure_one()
        taxed = defaultdict(list)  # tax -> names of the services it taxes
        for line in self.invoice_line_ids.sorted(lambda ln: (ln.sequence, ln.id)):
            name = line.utility_service_type_id.name or line.name or ""
            for tax in line.tax_ids:
                if name not in taxed[tax]:
                    taxed[tax].append(name)
        amounts = defaultdict(lambda: [ZERO, ZERO])  # tax -> [base, tax]
        for line in self.line_ids.sorted(lambda ln: (ln.sequence, ln.id)):
            if line.display_type == "tax":
                amount = amounts[line.tax_line_id]
                amount[0] += _money(line.tax_base_amount)
                amount[1] += _money(-line.balance)
        return [
            ChargeLine(
                self.env._(
                    "%(tax)s on %(services)s (%(base)s)",
                    tax=tax.name,
                    services=", ".join(taxed.get(tax, ())) or self.env._("charges"),
                    base=format_money(base, self.currency_id.symbol),
                ),
                amount,
            )
            for tax, (base, amount) in amounts.items()
        ]

    def _get_bill_ledger_amounts(self):
        """Amount due, past due, payments and adjustments since the last bill, per bill.

        One query over the receivable lines of the bills' accounts. A bill sees
        the ledger up to its own date (a later bill of the same account is not
        in its balance); what it owes is the open residual of those lines today,
        so a payment received after the bill date but before printing shows as
        received. "Since the last bill" is after the date of the account's
        previous posted invoice (a deposit charge or a fee is not a bill: it
        counts with the adjustments of the next one, ``NOT_BILL_KINDS``).
        Payments are the entries of payments, bank
        statement lines and utility payments (counter, lockbox, autopay: their
        receivable lines carry ``utility_payment_id``): what they settled on the
        bill's lines, plus what they left unapplied; every other entry (credit
        notes, fees, write-offs) is an adjustment.

        :return: {move id: {"amount_due", "amount_past_due", "amount_payments",
                 "amount_adjustments"}} as exact Decimals
        """
        query = SQL(
            """
            WITH bill AS (
                SELECT m.id, m.utility_account_id AS account_id, m.date,
                       COALESCE(m.invoice_date, m.date) AS date_bill,
                       (SELECT MAX(p.date)
                          FROM account_move p
                         WHERE p.utility_account_id = m.utility_account_id
                           AND p.move_type = 'out_invoice'
                           AND p.state = 'posted'
                           AND COALESCE(p.utility_bill_kind, '') NOT IN %(not_bills)s
                           AND (p.date < m.date OR (p.date = m.date AND p.id < m.id))
                       ) AS date_previous
                  FROM account_move m
                 WHERE m.id = ANY(%(ids)s)
            ),
            scope AS (
                SELECT bill.id AS bill_id, l.id, l.move_id, l.date, l.date_maturity,
                       l.balance, l.amount_residual, bill.date_previous, bill.date_bill,
                       (lm.origin_payment_id IS NOT NULL OR lm.statement_line_id IS NOT NULL
                        OR l.utility_payment_id IS NOT NULL) AS is_payment
                  FROM bill
                  JOIN account_move_line l
                    ON l.utility_account_id = bill.account_id AND l.parent_state = 'posted'
                  JOIN account_account a
                    ON a.id = l.account_id AND a.account_type = 'asset_receivable'
                  JOIN account_move lm ON lm.id = l.move_id
                 WHERE l.date < bill.date
                    OR (l.date = bill.date
                        AND (l.move_id <= bill.id OR lm.move_type != 'out_invoice'))
            ),
            applied AS (
                SELECT s.bill_id, SUM(pr.amount) AS amount
                  FROM scope s
                  JOIN account_partial_reconcile pr ON pr.debit_move_id = s.id
                  JOIN account_move_line c ON c.id = pr.credit_move_id
                  JOIN account_move cm ON cm.id = c.move_id
                 WHERE (cm.origin_payment_id IS NOT NULL OR cm.statement_line_id IS NOT NULL
                        OR c.utility_payment_id IS NOT NULL)
                   AND (s.date_previous IS NULL OR c.date > s.date_previous)
                 GROUP BY s.bill_id
            ),
            totals AS (
                SELECT s.bill_id,
                       SUM(s.amount_residual) AS amount_due,
                       SUM(s.amount_residual) FILTER (
                           WHERE s.move_id != s.bill_id AND s.amount_residual > 0
                             AND s.date_maturity < s.date_bill
                       ) AS amount_past_due,
                       SUM(-s.amount_residual) FILTER (
                           WHERE s.is_payment AND s.amount_residual < 0
                             AND (s.date_previous IS NULL OR s.date > s.date_previous)
                       ) AS amount_unapplied,
                       SUM(s.balance) FILTER (
                           WHERE NOT s.is_payment AND s.move_id != s.bill_id
                             AND (s.date_previous IS NULL OR s.date > s.date_previous)
                       ) AS amount_adjustments
                  FROM scope s
                 GROUP BY s.bill_id
            )
            SELECT t.bill_id, t.amount_due, t.amount_past_due, t.amount_unapplied,
                   t.amount_adjustments, a.amount
              FROM totals t
              LEFT JOIN applied a ON a.bill_id = t.bill_id
            """,
            ids=list(self.ids),
            not_bills=NOT_BILL_KINDS,
        )
        self.env.flush_all()
        self.env.cr.execute(query)
        result = {}
        for bill_id, due, past_due, unapplied, adjustments, applied in self.env.cr.fetchall():
            result[bill_id] = {
                "amount_due": _money(due),
                "amount_past_due": _money(past_due),
                "amount_payments": _money(unapplied) + _money(applied),
                "amount_adjustments": _money(adjustments),
            }
        return result

    def _get_bill_entry_messages(self, date_format):
        """The lines each bill prints for the entries posted on its account since
        the previous bill: deposits billed, fees charged, then adjustments.

        :return: {move id: [str]}
        """
        result = defaultdict(list)
        for found in (
            self._get_bill_deposit_messages(date_format),
            self._get_bill_fee_messages(date_format),
            self._get_bill_adjustment_messages(),
        ):
            for move_id, texts in found.items():
                result[move_id] += texts
        return result

    def _get_bill_usage_history(self):
        """The 13-month usage chart of each bill, from one grouped query on the readings.

        Months as ``utility.meter.reading._get_monthly_usage`` counts them (the
        month of the middle of each read period, billed or billable reads). The
        chart ends with the month of the bill's current read and shows months
        without reads as zero.

        :return: {move id: (tuple of UsagePoint oldest first, unit)}
        """
        ends = {}
        units = {}
        for move in self:
            readings = move.invoice_line_ids.utility_reading_id
            if readings:
                last = readings.sorted(lambda r: (r.date, r.id))[-1]
                ends[move.id] = _month_start(last.date - timedelta(days=(last.days or 0) // 2))
                units[move.id] = UNIT_SHORT.get(last.meter_id.unit, "")
        metered = self.filtered(lambda m: m.id in units)
        if not metered:
            return {}
        first = min(ends[m.id] for m in metered) - relativedelta(months=USAGE_MONTHS - 1)
        last = max(ends[m.id] for m in metered) + relativedelta(months=1)
        by_account = self.env["utility.meter.reading"]._get_monthly_usage(
            metered.utility_account_id.ids, first, last
        )
        result = {}
        for move in metered:
            monthly = by_account[move.utility_account_id.id]
            months = [
                ends[move.id] - relativedelta(months=back)
                for back in range(USAGE_MONTHS - 1, -1, -1)
            ]
            result[move.id] = (
                tuple(
                    UsagePoint(f"{month:%b %y}", _quantity(monthly.get(month, 0.0)))
                    for month in months
                ),
                units[move.id],
            )
        return result

    def _get_bill_late_fees(self):
        """Hook: the late fee each bill would get after its penalty date.

        The collections module knows the fee rule; without it no "amount due
        after" is printed, only the penalty date.

        :return: {move id: Decimal fee}
        """
        return {}

    # ------------------------------------------------------------------
    # PDF and e-mail
    # ------------------------------------------------------------------
    def _render_utility_bills_pdf(self, messages=()):
        """All the bills of ``self`` in one PDF (one page or more each), as bytes."""
        buffer = io.BytesIO()
        render_batch(self._prepare_bill_data(messages), buffer)
        return buffer.getvalue()

    def _lock_unsent_utility_bills(self):
        """The bills of ``self`` not e-mailed yet, locked against a concurrent sending.

        A second run (or a second user) skips the rows the first one holds, and
        sees them as sent once it commits: no bill is e-mailed twice.
        """
        if not self:
            return self
        self.flush_model(["utility_date_bill_sent"])
        self.env.cr.execute(
            SQL(
                """
                SELECT id FROM account_move
                 WHERE id = ANY(%s) AND utility_date_bill_sent IS NULL
                   FOR UPDATE SKIP LOCKED
                """,
                list(self.ids),
            )
        )
        unsent = {row[0] for row in self.env.cr.fetchall()}
        return self.filtered(lambda m: m.id in unsent)

    def _send_utility_bills_by_email(self, messages=(), bills=None):
        """Queue one e-mail with the bill PDF for each paperless bill of ``self``.

        The e-mails go through Odoo's mail queue (``mail.mail``, sent by its
        cron), never synchronously. Bills already e-mailed, bills of accounts
        that are not paperless or have no e-mail address, and bills pulled for
        special handling are skipped.

        :param bills: the BillData of ``self`` when the caller has them already
        :return: the queued ``mail.mail`` records
        """
        self._check_utility_bills()
        if bills is None:
            bills = self._prepare_bill_data(messages)
        by_move = dict(zip(self.ids, bills, strict=True))
        paperless = self.filtered(
            lambda m: by_move[m.id].is_paperless and not by_move[m.id].is_special_handling
        )
        to_send = paperless._lock_unsent_utility_bills()
        if not to_send:
            return self.env["mail.mail"]
        template = self.env.ref("utility_billing.mail_template_utility_bill")
        pdfs = {move.id: render_bill(by_move[move.id]) for move in to_send}
        mails = template.with_context(utility_bill_pdfs=pdfs).send_mail_batch(
            to_send.ids, force_send=False
        )
        to_send.write({"utility_date_bill_sent": fields.Datetime.now()})
        to_send._message_log_batch(
            {
                move.id: self.env._(
                    "Bill e-mailed to %(email)s.",
                    email=move.utility_account_id.letter_partner_id.email,
                )
                for move in to_send
            }
        )
        return mails
