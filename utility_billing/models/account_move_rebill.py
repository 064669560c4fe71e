# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare, format_amount

# Bills rated to the day are rebilled to the day (their window is theirs).
PRORATED_KINDS = ("final", "back")


class AccountMove(models.Model):
    """Cancel and rebill a utility bill, callable from a wizard, a work order or
    collections alike (``_action_cancel_rebill``)."""

    _inherit = "account.move"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------
    # What a bill billed
    # ------------------------------------------------------------------
    def _get_utility_billed_periods(self):
        """Billed service periods of the bills (one query)."""
        if not self:
            return self.env["utility.service.period"]
        return (
            self.env["utility.service.period"]
            .sudo()
            .search([("move_id", "in", self.ids), ("state", "=", "billed")])
        )

    @api.model
    def _get_utility_billed_readings(self, periods):
        """Readings the bills billed: their metered services' billed readings
        dated in each of their periods, the period's start excluded (the
        previous bill's)."""
        metered = periods.filtered(lambda p: p.service_id.is_metered)
        if not metered:
            return self.env["utility.meter.reading"]
        readings = self.env["utility.meter.reading"].search(
            [
                ("service_id", "in", metered.service_id.ids),
                ("state", "=", "billed"),
                ("date", ">", min(metered.mapped("date_from"))),
                ("date", "<=", max(metered.mapped("date_to"))),
            ]
        )
        return readings.filtered(
            lambda r: any(
                p.service_id == r.service_id and p.date_from < r.date <= p.date_to for p in metered
            )
        )

    def _is_utility_prorated_to_day(self):
        """A final bill or back-bill is rebilled the way it was rated; a corrected
        bill the way the bill it corrects was."""
        self.ensure_one()
        move = self
        seen = set()
        while move.utility_bill_kind == "rebill" and move.utility_corrected_move_id:
            if move.id in seen:
                break
            seen.add(move.id)
            move = move.utility_corrected_move_id
        return move.utility_bill_kind in PRORATED_KINDS

    # ------------------------------------------------------------------
    # Cancel and rebill
    # ------------------------------------------------------------------
    def _action_cancel_rebill(
        self, reason, *, reading_values=None, date_invoice=None, journal=None, date_due=None
    ):
        """Cancel and rebill: credit each bill in full, correct its readings, bill it again.

        1. A credit note (``reversed_entry_id`` = the bill) credits the whole
           bill and is reconciled with what is still open on it.
        2. The bill's service periods become *credited* (they leave the
           exactly-once index) and its readings are billable again; corrected
           readings replace the old ones (cancelled, never overwritten), and
           their read edits are accepted with the reason of the rebill.
        3. The same services and periods are rated again and the corrected
           bill (kind *Corrected Bill*, linked to the old one) is posted.

        A bill already paid, in full or in part: the credit note still credits
        the whole bill. The payment stays where it is, on the old bill, so the
        part of the credit note it leaves over is a credit on the customer's
        account, and it is applied to the corrected bill at once (reconciled):
        the customer owes the corrected amount minus what they paid.

        :param reason: why; kept on both bills
        :param reading_values: {reading id: corrected register value} of the
            billed readings to correct (the others are rated again as billed)
        :param date_invoice: date of the credit note and the corrected bill
            (default: today)
        :return: the corrected bills, aligned with ``self``
        :raise UserError: listing every problem; nothing is written
        """
        self.env["utility.account"]._check_special_billing_role()
        date_invoice = date_invoice or fields.Date.context_today(self)
        reading_values = reading_values or {}
        Reading = self.env["utility.meter.reading"]
        work = []
        problems = []
        for move in self:
            periods = move._get_utility_billed_periods()
            readings = self._get_utility_billed_readings(periods)
            changed = {
                reading: reading_values[reading.id]
                for reading in Reading.browse(list(reading_values)).exists()
                if reading in readings
                and float_compare(reading_values[reading.id], reading.value, precision_digits=3)
                != 0
            }
            problems += move._get_cancel_rebill_problems(periods, readings, changed, reason)
            work.append((move, periods, readings, changed))
        billed = Reading.union(*(readings for _m, _p, readings, _c in work))
        stray = Reading.browse(list(reading_values)) - billed
        if stray:
            problems.append(
                self.env._(
                    "These readings are not billed by %(bill)s: %(readings)s",
                    bill=", ".join(self.mapped("name")),
                    readings=", ".join(stray.mapped("display_name")),
                )
            )
        if problems:
            raise UserError(
                self.env._(
                    "Nothing was cancelled or rebilled:\n%(problems)s",
                    problems="\n".join(f"- {problem}" for problem in problems),
                )
            )
        reason = reason.strip()
        builder = self.env["utility.bill.builder"]
        results = []
        for move, periods, readings, changed in work:
            credit = move._create_utility_credit_note(reason, date_invoice)
            periods.write({"state": "credited"})
            readings.with_context(utility_reading_unbill=True).write({"state": "valid"})
            if changed:
                old = Reading.union(*changed)
                corrected = old._replace_by(
                    [{"value": value} for value in changed.values()], "corrected", reason
                )
                corrected.exception_ids.filtered(lambda e: e.state == "open")._resolve(
                    "accepted", reason
                )
                corrected._update_state_from_exceptions()
            account = move.utility_account_id.with_env(self.env)
            bills = builder._build_special_bills(
                account,
                min(periods.mapped("date_from")),
                max(periods.mapped("date_to")),
                services=periods.service_id,
                prorate_to_day=move._is_utility_prorated_to_day(),
            )
            new = account._post_special_bill(
                bills,
                "rebill",
                journal=journal,
                date_invoice=date_invoice,
                date_due=date_due,
                utility_corrected_move_id=move.id,
                invoice_origin=move.name,
            )
            self._apply_utility_credit(credit, new)
            currency = move.currency_id
            body = self.env._(
                "Cancelled by %(credit)s and rebilled by %(bill)s (%(old)s -> %(new)s): %(reason)s",
                credit=credit.name,
                bill=new.name,
                old=format_amount(self.env, move.amount_total, currency),
                new=format_amount(self.env, new.amount_total, currency),
                reason=reason,
            )
            move.message_post(body=body)
            account.message_post(body=body)
            results.append(new.id)
        return self.browse(results)

    def _get_cancel_rebill_problems(self, periods, readings, changed, reason):
        """Every reason the bill cannot be cancelled and rebilled.

        :param changed: {billed reading: corrected value}
        """
        self.ensure_one()
        problems = []
        if self.move_type != "out_invoice" or self.state != "posted" or not self.utility_account_id:
            problems.append(
                self.env._("%(bill)s is not a posted utility bill.", bill=self.display_name or "-")
            )
        credits = self.reversal_move_ids.filtered(lambda m: m.state == "posted")
        if credits:
            problems.append(
                self.env._(
                    "%(bill)s is already credited by %(credits)s.",
                    bill=self.name,
                    credits=", ".join(credits.mapped("name")),
                )
            )
        elif not periods:
            problems.append(
                self.env._(
                    "%(bill)s bills no service period (it was not made by the utility billing, "
                    "or it is already credited): correct it with a credit note.",
                    bill=self.name,
                )
            )
        if not (reason or "").strip():
            problems.append(self.env._("Give the reason of the cancel-and-rebill."))
        problems += [
            self.env._(
                "%(reading)s: a register reading cannot be negative.",
                reading=reading.display_name,
            )
            for reading, value in changed.items()
            if value < 0
        ]
        if changed:
            changed_readings = self.env["utility.meter.reading"].union(*changed)
            later = self.env["utility.meter.reading"].search(
                [
                    ("meter_id", "in", changed_readings.meter_id.ids),
                    ("state", "=", "billed"),
                    ("date", ">", min(changed_readings.mapped("date"))),
                    ("id", "not in", readings.ids),
                ]
            )
            for reading in changed_readings:
                after = later.filtered(
                    lambda r, reading=reading: (
                        r.meter_id == reading.meter_id and r.date > reading.date
                    )
                )
                if after:
                    problems.append(
                        self.env._(
                            "%(reading)s is followed by billed reading %(later)s: cancel and "
                            "rebill the later bill first, from the latest back.",
                            reading=reading.display_name,
                            later=after.sorted("date")[:1].display_name,
                        )
                    )
        return problems

    def _create_utility_credit_note(self, reason, date_invoice):
        """The credit note of the whole bill, posted and reconciled with what is
        still open on the bill (Odoo reconciles a posted reversal with its bill)."""
        self.ensure_one()
        move = self.sudo()
        credit = move._reverse_moves(
            [
                {
                    "invoice_date": date_invoice,
                    "date": date_invoice,
                    "ref": self.env._(
                        "Cancel and rebill of %(bill)s: %(reason)s", bill=move.name, reason=reason
                    )[:200],
                    "utility_account_id": move.utility_account_id.id,
                    "utility_location_id": move.utility_location_id.id,
                    "utility_period_start": move.utility_period_start,
                    "utility_period_end": move.utility_period_end,
                    "utility_bill_kind": "cancel",
                }
            ]
        )
        # The credit lines say which service and period they credit, like the bill's.
        old_lines = move.invoice_line_ids.sorted("id")
        new_lines = credit.invoice_line_ids.sorted("id")
        if len(old_lines) == len(new_lines):
            for old, new in zip(old_lines, new_lines, strict=True):
                new.write(
                    {
                        "utility_service_id": old.utility_service_id.id,
                        "utility_service_type_id": old.utility_service_type_id.id,
                        "utility_rate_line_id": old.utility_rate_line_id.id,
                        "utility_component": old.utility_component,
                        "utility_date_from": old.utility_date_from,
                        "utility_date_to": old.utility_date_to,
                        "utility_consumption": old.utility_consumption,
                    }
                )
        credit.action_post()
        return credit.with_env(self.env)

    @api.model
    def _apply_utility_credit(self, credit, bill):
        """What the credit note leaves over (the old bill's payments) pays the new bill."""
        lines = (
            (credit | bill)
            .sudo()
            .line_ids.filtered(
                lambda line: (
                    line.account_id.account_type == "asset_receivable" and not line.reconciled
                )
            )
        )
        credit_lines = lines.filtered(lambda line: line.move_id == credit)
        bill_lines = lines - credit_lines
        if credit_lines and bill_lines and credit_lines.account_id == bill_lines.account_id:
            lines.reconcile()
