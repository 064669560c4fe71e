# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The bank's ACH returns: each returned autopay debit reverses its payment."""

import base64
import binascii
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_amount, format_date

from ..lib import nacha
from .utility_payment_return import ACH_RETURN_REASONS


class UtilityAchReturnFile(models.Model):
    """An ACH returns file from the bank: a NACHA return file, or the bank's
    returns report as CSV (``trace_number,reason_code,amount,date``).

    Every row names the original debit by its trace number. The whole file is
    checked first; a file with a bad row changes nothing unless the clerk asks
    to import the good rows. A payment is returned once: a row for a payment
    already returned (in this file or an earlier one) is refused.
    """

    _name = "utility.ach.return.file"
    _description = "ACH Returns File"
    _inherit = ["mail.thread"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(readonly=True, default="/", copy=False, index="trigram")
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    file_data = fields.Binary(string="Returns File", attachment=True, copy=False)
    file_name = fields.Char(copy=False)
    is_skip_errors = fields.Boolean(
        string="Import the Good Rows",
        help="Return the payments of the good rows and list the bad ones, instead of "
        "refusing the whole file.",
    )
    state = fields.Selection(
        [("draft", "Draft"), ("done", "Imported")],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
    )
    date_import = fields.Datetime(string="Imported On", readonly=True, copy=False)
    user_id = fields.Many2one("res.users", string="Imported By", readonly=True, copy=False)
    line_ids = fields.One2many("utility.ach.return.line", "file_id", string="Returns")
    return_count = fields.Integer(compute="_compute_totals", store=True)
    amount_total = fields.Monetary(
        string="Total Returned", compute="_compute_totals", store=True, tracking=True
    )
    note = fields.Text(string="Rows Not Imported", readonly=True, copy=False)

    @api.depends("line_ids.amount", "line_ids.state")
    def _compute_totals(self):
        for return_file in self:
            done = return_file.line_ids.filtered(lambda line: line.state == "returned")
            return_file.return_count = len(done)
            return_file.amount_total = sum(done.mapped("amount"))

    @api.ondelete(at_uninstall=False)
    def _unlink_except_done(self):
        if any(f.state == "done" for f in self):
            raise UserError(self.env._("An imported returns file is never deleted."))

    # ------------------------------------------------------------------
    # Import
    # ------------------------------------------------------------------
    def action_import(self):
        for return_file in self:
            return_file._import()
        return True

    def _read_text(self):
        self.ensure_one()
        if not self.file_data:
            raise UserError(self.env._("Upload the bank's returns file first."))
        try:
            raw = base64.b64decode(self.file_data)
        except (binascii.Error, ValueError) as exc:
            raise UserError(self.env._("The returns file cannot be read.")) from exc
        try:
            return raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            return raw.decode("latin-1")

    def _import(self):
        self.ensure_one()
        if self.state != "draft":
            raise UserError(self.env._("%(file)s is already imported.", file=self.display_name))
        try:
            items, problems = nacha.parse_returns(self._read_text())
        except nacha.NachaError as exc:
            raise UserError(str(exc)) from exc
        matched, match_problems = self._match_items(items)
        problems += match_problems
        if problems and not self.is_skip_errors:
            raise UserError(
                self.env._(
                    "Nothing was imported: fix these rows, or tick Import the Good Rows.\n"
                    "%(problems)s",
                    problems="\n".join(problems),
                )
            )
        if not matched:
            raise UserError(
                self.env._("The file holds no return to import.\n%(problems)s",
                           problems="\n".join(problems))
            )  # fmt: skip
        self.env["utility.ach.return.line"].create(
            [
                {
                    "file_id": self.id,
                    "row": item.row,
                    "trace_number": item.trace_number,
                    "reason_code": item.reason_code,
                    "amount": float(item.amount),
                    "date": item.date,
                    "payment_id": payment.id,
                    "enrollment_id": enrollment.id,
                    "state": "returned" if payment else "prenote",
                }
                for item, payment, enrollment in matched
            ]
        )
        self._return_payments(matched)
        self._cancel_prenoted_enrollments(matched)
        if self.name == "/":
            self.name = (
                self.env["ir.sequence"]
                .with_company(self.company_id)
                .next_by_code("utility.ach.return.file")
                or self.file_name
                or "/"
            )
        self.write(
            {
                "state": "done",
                "date_import": fields.Datetime.now(),
                "user_id": self.env.user.id,
                "note": "\n".join(problems) or False,
            }
        )
        return True

    def _match_items(self, items):
        """(item, payment, enrollment) of each good row and the problems of the others.

        A row matches an autopay payment by its trace number (or a prenote by its
        enrollment's prenote trace); it must be posted, not returned yet, for the
        same amount, and appear once in the file.
        """
        traces = [item.trace_number for item in items]
        payments = self.env["utility.payment"].search(
            [
                ("company_id", "=", self.company_id.id),
                ("source", "=", "autopay"),
                ("reference", "in", traces),
                ("state", "!=", "void"),
            ]
        )
        payment_of = {payment.reference: payment for payment in payments}
        enrollments = self.env["utility.autopay.enrollment"].search(
            [("company_id", "=", self.company_id.id), ("prenote_trace", "in", traces)]
        )
        enrollment_of = {e.prenote_trace: e for e in enrollments}
        first_row = {}
        matched, problems = [], []
        for item in items:
            where = self.env._("Row %(row)s (trace %(trace)s)", row=item.row,
                               trace=item.trace_number)  # fmt: skip
            if item.trace_number in first_row:
                problems.append(
                    self.env._(
                        "%(where)s: the same debit is already returned by row %(row)s.",
                        where=where,
                        row=first_row[item.trace_number],
                    )
                )
                continue
            first_row[item.trace_number] = item.row
            payment = payment_of.get(item.trace_number)
            enrollment = enrollment_of.get(item.trace_number)
            if not payment and enrollment:
                matched.append((item, payment or self.env["utility.payment"], enrollment))
                continue
            problem = self._item_problem(item, payment)
            if problem:
                problems.append(self.env._("%(where)s: %(problem)s", where=where,
                                           problem=problem))  # fmt: skip
                continue
            matched.append((item, payment, self.env["utility.autopay.enrollment"]))
        return matched, problems

    def _item_problem(self, item, payment):
        if not payment:
            return self.env._("no autopay debit has this trace number.")
        if payment.state == "returned":
            return self.env._(
                "payment %(payment)s was already returned on %(date)s.",
                payment=payment.name,
                date=format_date(self.env, payment.date_returned),
            )
        if payment.state != "posted":
            return self.env._(
                "payment %(payment)s is not posted: post its autopay file first.",
                payment=payment.display_name,
            )
        if payment.currency_id.compare_amounts(float(item.amount), payment.amount) != 0:
            return self.env._(
                "the returned amount %(amount)s is not the debit's %(debit)s.",
                amount=format_amount(self.env, float(item.amount), payment.currency_id),
                debit=format_amount(self.env, payment.amount, payment.currency_id),
            )
        if item.date < payment.date:
            return self.env._(
                "returned on %(date)s, before the debit settled.",
                date=format_date(self.env, item.date),
            )
        return None

    def _return_payments(self, matched):
        """Return the matched payments, one call per reason and date."""
        groups = defaultdict(list)
        for item, payment, _enrollment in matched:
            if payment:
                reason = ACH_RETURN_REASONS.get(item.reason_code, "other")
                groups[reason, item.date].append((payment, item.reason_code))
        for (reason, date), pairs in groups.items():
            payments = self.env["utility.payment"].concat(*(p for p, _code in pairs))
            payments._return_payments(
                reason,
                date_returned=date,
                note=self.env._(
                    "ACH return %(codes)s, file %(file)s",
                    codes=", ".join(sorted({code for _p, code in pairs})),
                    file=self.file_name or self.display_name,
                ),
                ach_codes={p.id: code for p, code in pairs},
            )

    def _cancel_prenoted_enrollments(self, matched):
        """A returned prenote: the bank account cannot be drafted."""
        for item, payment, enrollment in matched:
            if payment or not enrollment or enrollment.state == "cancelled":
                continue
            enrollment.action_cancel(
                reason=self.env._(
                    "Prenote returned %(code)s: %(label)s",
                    code=item.reason_code,
                    label=nacha.RETURN_REASONS.get(item.reason_code, ""),
                )
            )
