# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The parallel cycle of a conversion: the legacy system's bills against ours.

Before go-live a city bills one or two cycles in both systems from the same
reads. The clerk uploads the legacy system's bills of the cycle (one row per
account and service: ``account, service, amount``, optional ``usage`` and
``period``, see ``lib/conversion_files.py``); *Compare* rates the cycle's
accounts on the same reads with the billing run's own compute
(``utility.bill.builder._build_bills``), posting nothing, and lists, by
account and service, what differs to the cent, what one system billed and the
other did not (an account the legacy system billed that is unknown here, or
held as an exception here, or one only we billed): no account goes unbilled
after go-live.
"""

import base64
from collections import defaultdict
from decimal import Decimal

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..lib import conversion_files
from ..lib.conversion_files import ZERO
from .utility_locked_fields_mixin import as_action

BILLING_GROUP = "utility_billing.group_utility_billing"
STATUSES = [
    ("match", "Agrees"),
    ("differs", "Differs"),
    ("legacy_only", "Billed by the Legacy System Only"),
    ("ours_only", "Billed Here Only"),
]


def _cents(value):
    return Decimal(str(value)).quantize(Decimal("0.01"))


class UtilityConversionComparison(models.Model):
    _name = "utility.conversion.comparison"
    _description = "Parallel Bill Comparison"
    _inherit = ["mail.thread", "utility.locked.fields.mixin", "utility.csv.export.mixin"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(string="File Name", required=True)
    file_data = fields.Binary(string="Legacy Bills File", required=True, attachment=True)
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    cycle_id = fields.Many2one(
        "utility.billing.cycle", string="Billing Cycle", required=True, check_company=True
    )
    date_from = fields.Date(
        string="Reads From", required=True, help="First read date of the cycle's window."
    )
    date_to = fields.Date(string="Reads To", required=True, help="Last read date of the window.")
    state = fields.Selection(
        [("draft", "To Compare"), ("compared", "Compared")],
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
    )
    problems = fields.Text(readonly=True)
    line_ids = fields.One2many(
        "utility.conversion.comparison.line", "comparison_id", string="Bills", readonly=True
    )
    account_count = fields.Integer(string="Accounts Compared", readonly=True)
    match_count = fields.Integer(string="Accounts That Agree", readonly=True)
    differ_count = fields.Integer(string="Accounts That Differ", readonly=True)
    legacy_only_count = fields.Integer(string="Billed by the Legacy System Only", readonly=True)
    ours_only_count = fields.Integer(string="Billed Here Only", readonly=True)
    amount_legacy = fields.Monetary(string="Legacy Total", readonly=True, tracking=True)
    amount_ours = fields.Monetary(string="Our Total", readonly=True, tracking=True)
    amount_difference = fields.Monetary(string="Difference", readonly=True, tracking=True)

    _sql_constraints = [
        ("dates_check", "CHECK(date_to >= date_from)", "The read window ends before it starts."),
    ]

    def _get_action_fields(self):
        return super()._get_action_fields() | {
            "state",
            "problems",
            "account_count",
            "match_count",
            "differ_count",
            "legacy_only_count",
            "ours_only_count",
            "amount_legacy",
            "amount_ours",
            "amount_difference",
        }

    def _get_action_fields_message(self, names, creating=False):
        return self.env._("A comparison's results are written by Compare only.")

    # ------------------------------------------------------------------
    # Compare
    # ------------------------------------------------------------------
    def action_compare(self):
        if not self.env.user.has_group(BILLING_GROUP):
            raise AccessError(
                self.env._("Only billing specialists and supervisors compare parallel bills.")
            )
        for comparison in self:
            comparison._compare()
        return True

    def _compare(self):
        self.ensure_one()
        company = self.company_id
        data = self.with_context(bin_size=False).file_data or b""
        company._check_utility_import_size(data, self.name)
        result = conversion_files.parse_bills(
            base64.b64decode(data), company._get_utility_import_max_amount()
        )
        types = {
            t.code.upper(): t
            for t in self.env["utility.service.type"].search(
                self.env["utility.service.type"]._check_company_domain(company)
            )
            if t.code
        }
        problems = list(result.problems)
        problems += [
            self.env._(
                "Row %(row)s (account %(account)s): the service %(code)s is unknown.",
                row=bill.row,
                account=bill.account,
                code=bill.service,
            )
            for bill in result.rows
            if bill.service and bill.service not in types
        ]
        self.line_ids.sudo().unlink()
        if problems:
            as_action(self).write(
                {"problems": "\n".join(problems), "state": "draft", **self._get_zero_totals()}
            )
            return
        legacy = {(bill.account, bill.service): bill for bill in result.rows}
        ours, notes, accounts = self._rate_ours(legacy)
        vals_list = self._prepare_line_vals(legacy, ours, notes, accounts, types)
        lines = self.env["utility.conversion.comparison.line"].sudo().create(vals_list)
        as_action(self).write(dict(self._get_totals(lines), problems=False, state="compared"))

    def _rate_ours(self, legacy):
        """Rate the cycle's active accounts, and the accounts the legacy file
        names, on the window's reads: the billing run's compute, nothing posted.

        :return: ({(account number, service code): (amount, usage)},
            {account number: why it was not billed}, {account number: account})
        """
        Account = self.env["utility.account"]
        accounts = Account.search(
            [
                ("company_id", "=", self.company_id.id),
                "|",
                "&",
                ("cycle_id", "=", self.cycle_id.id),
                ("state", "=", "active"),
                ("name", "in", list({number for number, _code in legacy})),
            ]
        )
        bills = self.env["utility.bill.builder"]._build_bills(
            accounts, self.date_from, self.date_to
        )
        types = {t.id: t.code.upper() for t in accounts.service_ids.service_type_id}
        ours = {}
        notes = {}
        for account, bill in zip(accounts, bills, strict=True):
            if bill["state"] != "ok":
                notes[account.name] = bill["message"]
                continue
            amounts = defaultdict(lambda: ZERO)
            usage = {}
            for charge in bill["charges"]:
                code = types[charge["service_type_id"]]
                amounts[code] += _cents(charge["amount"])
                if charge["consumption"] is not None:
                    usage[code] = max(usage.get(code, ZERO), Decimal(str(charge["consumption"])))
            for code, amount in amounts.items():
                ours[account.name, code] = (amount, usage.get(code))
        return ours, notes, {account.name: account for account in accounts}

    def _prepare_line_vals(self, legacy, ours, notes, accounts, types):
        vals_list = []
        for key in sorted(set(legacy) | set(ours)):
            number, code = key
            bill = legacy.get(key)
            amount_ours, usage_ours = ours.get(key, (None, None))
            account = accounts.get(number)
            if bill and amount_ours is not None:
                status = "match" if bill.amount == amount_ours else "differs"
                note = False
            elif bill:
                status = "legacy_only"
                note = (
                    notes.get(number)
                    or (not account and self.env._("No such account here."))
                    or self.env._("This service is not billed here.")
                )
            else:
                status = "ours_only"
                note = self.env._("Not in the legacy system's bills.")
            vals_list.append(
                {
                    "comparison_id": self.id,
                    "account_id": account.id if account else False,
                    "legacy_account": number,
                    "service_type_id": types[code].id,
                    "status": status,
                    "amount_legacy": float(bill.amount) if bill else 0.0,
                    "amount_ours": float(amount_ours or ZERO),
                    "amount_difference": float(
                        (amount_ours or ZERO) - (bill.amount if bill else ZERO)
                    ),
                    "usage_legacy": float(bill.usage) if bill and bill.usage is not None else 0.0,
                    "usage_ours": float(usage_ours) if usage_ours is not None else 0.0,
                    "note": note,
                }
            )
        return vals_list

    def _get_zero_totals(self):
        return {
            "account_count": 0,
            "match_count": 0,
            "differ_count": 0,
            "legacy_only_count": 0,
            "ours_only_count": 0,
            "amount_legacy": 0.0,
            "amount_ours": 0.0,
            "amount_difference": 0.0,
        }

    @api.model
    def _get_totals(self, lines):
        """Counts by account (an account differs when one of its services does),
        totals to the cent."""
        worst = {}
        rank = {"match": 0, "differs": 1, "ours_only": 2, "legacy_only": 3}
        for line in lines:
            current = worst.get(line.legacy_account)
            if current is None or rank[line.status] > rank[current]:
                worst[line.legacy_account] = line.status
        counts = defaultdict(int)
        for status in worst.values():
            counts[status] += 1
        legacy = sum((_cents(line.amount_legacy) for line in lines), ZERO)
        ours = sum((_cents(line.amount_ours) for line in lines), ZERO)
        return {
            "account_count": len(worst),
            "match_count": counts["match"],
            "differ_count": counts["differs"],
            "legacy_only_count": counts["legacy_only"],
            "ours_only_count": counts["ours_only"],
            "amount_legacy": float(legacy),
            "amount_ours": float(ours),
            "amount_difference": float(ours - legacy),
        }

    # ------------------------------------------------------------------
    # Export
    # ------------------------------------------------------------------
    def action_export_differences(self):
        """The lines that do not agree, as CSV (a spreadsheet opens it)."""
        self.ensure_one()
        if self.state != "compared":
            raise UserError(self.env._("Compare the bills first."))
        lines = self.line_ids.filtered(lambda line: line.status != "match")
        status = dict(STATUSES)
        columns = [
            self.env._("Account"),
            self.env._("Customer"),
            self.env._("Service"),
            self.env._("Legacy Usage"),
            self.env._("Our Usage"),
            self.env._("Legacy Amount"),
            self.env._("Our Amount"),
            self.env._("Difference"),
            self.env._("Status"),
            self.env._("Note"),
        ]
        rows = [
            [
                line.legacy_account,
                line.account_id.partner_id.name or "",
                line.service_type_id.name,
                f"{line.usage_legacy:.3f}",
                f"{line.usage_ours:.3f}",
                f"{_cents(line.amount_legacy)}",
                f"{_cents(line.amount_ours)}",
                f"{_cents(line.amount_difference)}",
                status[line.status],
                line.note or "",
            ]
            for line in lines
        ]
        return self._download_csv("parallel_bill_differences", columns, rows)
