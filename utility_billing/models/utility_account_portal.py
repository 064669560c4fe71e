# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What the customer portal shows of an account and what a customer changes there.

The portal controller (``controllers/portal.py``) checks that the account is the
logged-in customer's, then calls these methods as superuser: a portal user has no
right on any utility record (they would read a clerk's notes over RPC), and reads
here only what the portal pages print. A change made on the portal goes through
the same rules as in the office and is logged on the account's chatter.
"""

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date

from ..lib import nacha
from ..lib.bill_pdf import USAGE_MONTHS
from .account_move_bill import UNIT_SHORT, _month_start, _quantity
from .utility_autopay_enrollment import LIVE_STATES

# Bills and payments listed on the account's portal page (the rest: the statement).
PORTAL_RECENT = 12
# Bars of the usage chart (SVG user units).
CHART_HEIGHT = 120


class UtilityAccount(models.Model):
    _inherit = "utility.account"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------
    # Whose accounts
    # ------------------------------------------------------------------
    def _get_portal_domain(self, user):
        """The accounts of ``user``'s customer: their own partner's or their
        commercial partner's (the company they log in for), never another's."""
        partners = user.partner_id | user.partner_id.commercial_partner_id
        return [("partner_id", "in", partners.ids)]

    # ------------------------------------------------------------------
    # What the pages show
    # ------------------------------------------------------------------
    def _get_portal_bills(self):
        """Posted bills of the account, newest first (open ones are those with an
        amount still due)."""
        self.ensure_one()
        return self.env["account.move"].search(
            [
                ("utility_account_id", "=", self.id),
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
            ],
            order="invoice_date desc, id desc",
        )

    def _get_portal_summary(self, bills=None):
        """Balance and what is due when: {account id: dict} for the list and the page.

        One grouped query on the open bills of all the accounts: the earliest due
        date still open and the amount already past due today.
        """
        today = fields.Date.context_today(self)
        summary = {
            account.id: {
                "balance": account.amount_balance,
                "date_due": False,
                "amount_past_due": 0.0,
            }
            for account in self
        }
        groups = self.env["account.move"]._read_group(
            [
                ("utility_account_id", "in", self.ids),
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("amount_residual", ">", 0),
            ],
            ["utility_account_id", "invoice_date_due:day"],
            ["amount_residual:sum"],
        )
        for account, due, residual in groups:
            values = summary[account.id]
            if due and (not values["date_due"] or due < values["date_due"]):
                values["date_due"] = due
            if due and due < today:
                values["amount_past_due"] += residual
        for values in summary.values():
            values["amount_past_due"] = self.currency_id[:1].round(values["amount_past_due"])
        return summary

    def _get_portal_payments(self, limit=PORTAL_RECENT):
        """The payments received on the account (date, amount, method), newest first;
        a payment returned by the bank says so."""
        self.ensure_one()
        Payment = self.env["utility.payment"]
        payments = Payment.search(
            [("line_ids.account_id", "=", self.id), ("state", "in", ("posted", "returned"))],
            order="date desc, id desc",
            limit=limit,
        )
        tenders = dict(Payment._fields["tender"]._description_selection(self.env))
        return [
            {
                "date": payment.date,
                # A payment of several accounts: this account's share.
                "amount": sum(
                    payment.line_ids.filtered(lambda line: line.account_id == self).mapped("amount")
                ),
                "method": tenders.get(payment.tender, ""),
                "receipt": payment.name,
                "is_returned": payment.state == "returned",
            }
            for payment in payments
        ]

    def _get_portal_usage_charts(self, months=USAGE_MONTHS):
        """A usage chart of the last ``months`` months per metered service, drawn
        as SVG bars by the page: one grouped query on the readings.

        The months are counted as on the bill's chart (the month of the middle of
        each read period) and end with the last month the service's readings count
        in.

        :return: [{"name", "unit", "width", "points": [{"label", "value", "text",
            "x", "y", "height", "is_last"}]}]
        """
        self.ensure_one()
        services = self.service_ids.filtered(lambda s: s.is_metered and s.meter_id)
        if not services:
            return []
        last_reads = dict(
            self.env["utility.meter.reading"]._read_group(
                [
                    ("service_id", "in", services.ids),
                    ("state", "in", ("valid", "billed")),
                ],
                ["service_id"],
                ["date:max"],
            )
        )
        if not last_reads:
            return []
        # The range holds every service's months; each chart then ends with the
        # last month its readings count in (the middle of the last read period).
        last = _month_start(max(last_reads.values())) + relativedelta(months=1)
        first = _month_start(min(last_reads.values())) - relativedelta(months=months)
        usage = self.env["utility.meter.reading"]._get_monthly_usage(
            self.ids, first, last, by_service=True
        )
        charts = []
        for service in services.sorted("sequence"):
            monthly = usage.get((self.id, service.id))
            if not monthly:
                continue
            end = max(monthly)
            month_list = [end - relativedelta(months=back) for back in range(months)]
            month_list.reverse()
            values = [_quantity(monthly.get(month, 0.0)) for month in month_list]
            top = max(values) or 1
            charts.append(
                {
                    "name": service.service_type_id.name,
                    "unit": UNIT_SHORT.get(service.meter_id.unit, service.meter_id.unit or ""),
                    "width": 40 * months,
                    "points": [
                        {
                            "label": f"{month:%b %y}",
                            "value": value,
                            "text": f"{value:,f}",
                            "x": 40 * index + 6,
                            "height": int(CHART_HEIGHT * value / top),
                            "y": 20 + CHART_HEIGHT - int(CHART_HEIGHT * value / top),
                            "is_last": index == months - 1,
                        }
                        for index, (month, value) in enumerate(zip(month_list, values, strict=True))
                    ],
                }
            )
        return charts

    def _get_portal_autopay(self):
        """The account's autopay enrollment the customer sees: live, or waiting for
        the office (draft); none once cancelled."""
        self.ensure_one()
        return self.env["utility.autopay.enrollment"].search(
            [("account_id", "=", self.id), ("state", "in", ("draft", *LIVE_STATES))],
            limit=1,
        )

    # ------------------------------------------------------------------
    # What the customer changes
    # ------------------------------------------------------------------
    def _portal_log(self, body, user):
        """Log a change the customer made on the portal on the account's chatter."""
        self.message_post(
            body=Markup("<p>%s</p>") % body,
            author_id=user.partner_id.id,
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )

    def _portal_set_paperless(self, is_paperless, user):
        """Turn paperless bills on or off as the customer ``user`` asked.

        Paperless bills are e-mailed to the account's Letters To (the customer,
        or an estate's executor; see ``account.move._prepare_bill_data``): an
        account whose addressee has no e-mail address cannot be paperless.

        :return: whether anything changed
        """
        self.ensure_one()
        if is_paperless and not self.letter_partner_id.email:
            raise UserError(
                self.env._(
                    "Paperless bills are sent by e-mail: add your e-mail address to your "
                    "contact details first."
                )
            )
        if self.is_paperless == is_paperless:
            return False
        # One message says who changed it and where (no second tracking line).
        self.with_context(mail_notrack=True).write({"is_paperless": is_paperless})
        body = (
            self.env._(
                "Paperless bills turned on on the customer portal by %(name)s: bills are "
                "e-mailed to %(email)s.",
                name=user.name,
                email=self.letter_partner_id.email,
            )
            if is_paperless
            else self.env._(
                "Paperless bills turned off on the customer portal by %(name)s: bills are "
                "mailed on paper again.",
                name=user.name,
            )
        )
        self._portal_log(body, user)
        return True

    def _portal_request_autopay(self, routing, acc_number, account_type, user):
        """The customer ``user`` asks to have the account's balance drafted from a bank
        account: a draft enrollment the office confirms (Autopay Enrollments), with a
        prenote to test the bank account first.

        The bank details pass the same checks as on the enrollment form (routing
        number check digit, account number), before anything is written.

        :return: the draft ``utility.autopay.enrollment``
        """
        self.ensure_one()
        if self.state == "closed":
            raise UserError(self.env._("A closed account cannot be enrolled in autopay."))
        current = self._get_portal_autopay()
        if current:
            raise UserError(
                self.env._("This account is already enrolled in autopay.")
                if current.state in LIVE_STATES
                else self.env._(
                    "Your autopay request for this account is waiting for the utility office."
                )
            )
        if account_type not in ("checking", "savings"):
            raise UserError(self.env._("Choose a checking or a savings account."))
        routing = (routing or "").strip()
        acc_number = nacha.clean_account_number(acc_number)
        Enrollment = self.env["utility.autopay.enrollment"]
        Bank = self.env["res.partner.bank"]
        bank_vals = {
            "partner_id": self.partner_id.id,
            "acc_number": acc_number,
            "aba_routing": routing,
        }
        # The enrollment form's own checks, on records not saved: bad input writes nothing.
        problems = Enrollment.new(
            {"account_id": self.id, "bank_id": Bank.new(bank_vals), "account_type": account_type}
        )._bank_problems()
        if problems:
            raise UserError(
                self.env._(
                    "Your bank details were not accepted:\n%(problems)s",
                    problems="\n".join(problems),
                )
            )
        bank = Bank.search(
            [("partner_id", "=", self.partner_id.id), ("acc_number", "=", acc_number)], limit=1
        )
        if bank:
            if bank.aba_routing != routing:
                bank.aba_routing = routing
        else:
            bank = Bank.create(bank_vals)
        today = fields.Date.context_today(self)
        enrollment = Enrollment.create(
            {
                "account_id": self.id,
                "bank_id": bank.id,
                "account_type": account_type,
                "is_prenote": True,
                "date_start": today,
                "note": self.env._(
                    "Requested on the customer portal by %(name)s on %(date)s, who authorized "
                    "the utility to draft the account's balance from this bank account.",
                    name=user.name,
                    date=format_date(self.env, today),
                ),
            }
        )
        self._portal_log(
            self.env._(
                "Autopay requested on the customer portal by %(name)s from %(type)s account "
                "%(number)s: it waits for a clerk to confirm it.",
                name=user.name,
                type=dict(Enrollment._fields["account_type"]._description_selection(self.env))[
                    account_type
                ].lower(),
                number=nacha.mask_last_four(acc_number),
            ),
            user,
        )
        return enrollment

    def _get_portal_statement_range(self, date_from, date_to):
        """The statement's dates as the portal form sends them (default: the last
        twelve months), or a plain message."""
        today = fields.Date.context_today(self)
        try:
            start = fields.Date.to_date(date_from) if date_from else None
            end = fields.Date.to_date(date_to) if date_to else None
        except ValueError as error:
            raise UserError(self.env._("Enter the statement's dates as on a calendar.")) from error
        end = end or today
        start = start or (end - relativedelta(months=12, day=1))
        if start > end:
            raise UserError(self.env._("The statement's first day is after its last day."))
        if end > today + timedelta(days=366) or start < date(1900, 1, 1):
            raise UserError(self.env._("Enter the statement's dates as on a calendar."))
        return start, end
