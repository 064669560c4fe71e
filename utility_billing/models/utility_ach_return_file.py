# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The bank's ACH returns: each returned autopay debit reverses its payment;
each notification of change corrects the bank details of an autopay enrollment."""

import base64
import binascii
import hashlib
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_amount, format_date

from odoo.addons.base.models.res_bank import sanitize_account_number

from ..lib import nacha
from ..lib.consumption import to_decimal
from ..lib.payment_files import CENT
from .utility_ach_return_line import CHANGE_STATES
from .utility_payment_return import ACH_RETURN_REASONS

# Six banking days to apply a notification of change (NACHA Rules, 2.11.1).
CHANGE_DAYS = 6


class UtilityAchReturnFile(models.Model):
    """An ACH returns file from the bank: a NACHA return file, or the bank's
    returns report as CSV (``trace_number,reason_code,amount,date``).

    Every row names the original debit by its trace number. The whole file is
    checked first; a file with a bad row changes nothing unless the clerk asks
    to import the good rows. A payment is returned once: a row for a payment
    already returned (in this file or an earlier one) is refused.

    A NACHA file may also carry notifications of change (COR entries, addenda
    type 98): the receiver's bank took the debit but asks the city to correct
    the bank account before the next one. They reverse nothing; see
    :meth:`_apply_changes`. A change already received is refused like a
    payment already returned, so the same file imported twice is refused.
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
    checksum = fields.Char(
        string="SHA-256",
        readonly=True,
        copy=False,
        index=True,
        help="Fingerprint of the imported file's bytes: the same file is imported once.",
    )
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
    change_count = fields.Integer(
        string="Changes", compute="_compute_totals", store=True, help="Notifications of change."
    )
    review_count = fields.Integer(string="Changes to Review", compute="_compute_totals", store=True)
    amount_total = fields.Monetary(
        string="Total Returned", compute="_compute_totals", store=True, tracking=True
    )
    note = fields.Text(string="Rows Not Imported", readonly=True, copy=False)

    def init(self):
        # Two clerks importing the same file at once: the database keeps one.
        self.env.cr.execute(
            """
            CREATE UNIQUE INDEX IF NOT EXISTS utility_ach_return_file_checksum_uniq
                ON utility_ach_return_file (company_id, checksum)
             WHERE state = 'done'
            """
        )

    @api.depends("line_ids.amount", "line_ids.state")
    def _compute_totals(self):
        for return_file in self:
            done = return_file.line_ids.filtered(lambda line: line.state == "returned")
            return_file.return_count = len(done)
            return_file.amount_total = sum(done.mapped("amount"))
            changes = return_file.line_ids.filtered(lambda line: line.state in CHANGE_STATES)
            return_file.change_count = len(changes)
            return_file.review_count = len(changes.filtered(lambda line: line.state == "review"))

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

    def _read_bytes(self):
        self.ensure_one()
        if not self.file_data:
            raise UserError(self.env._("Upload the bank's returns file first."))
        # Refused from the base64 text's length, before a byte is decoded.
        self.company_id._check_utility_import_size(self.file_data, self.file_name)
        try:
            return base64.b64decode(self.file_data)
        except (binascii.Error, ValueError) as exc:
            raise UserError(self.env._("The returns file cannot be read.")) from exc

    @staticmethod
    def _decode(raw):
        try:
            return raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            return raw.decode("latin-1")

    def _check_not_imported(self, checksum):
        """The same file (same bytes) is refused whole, naming the first import."""
        self.ensure_one()
        earlier = self.search(
            [
                ("company_id", "=", self.company_id.id),
                ("checksum", "=", checksum),
                ("state", "=", "done"),
                ("id", "!=", self.id),
            ],
            limit=1,
        )
        if earlier:
            raise UserError(
                self.env._(
                    "This returns file was already imported as %(file)s on %(date)s by "
                    "%(user)s: nothing was changed.",
                    file=earlier.display_name,
                    date=format_date(self.env, earlier.date_import),
                    user=earlier.user_id.name,
                )
            )

    def _import(self):
        self.ensure_one()
        if self.state != "draft":
            raise UserError(self.env._("%(file)s is already imported.", file=self.display_name))
        raw = self._read_bytes()
        checksum = hashlib.sha256(raw).hexdigest()
        self._check_not_imported(checksum)
        try:
            items, changes, problems = nacha.parse_returns(
                self._decode(raw), self.company_id._get_utility_import_max_amount()
            )
        except nacha.NachaError as exc:
            raise UserError(str(exc)) from exc
        matched, match_problems = self._match_items(items)
        problems += match_problems
        matched_changes, change_problems = self._match_changes(changes)
        problems += change_problems
        if problems and not self.is_skip_errors:
            raise UserError(
                self.env._(
                    "Nothing was imported: fix these rows, or tick Import the Good Rows.\n"
                    "%(problems)s",
                    problems="\n".join(problems),
                )
            )
        if not matched and not matched_changes:
            raise UserError(
                self.env._("The file holds no return to import.\n%(problems)s",
                           problems="\n".join(problems))
            )  # fmt: skip
        lines = self.env["utility.ach.return.line"].create(
            [
                {
                    "file_id": self.id,
                    "row": item.row,
                    "trace_number": item.trace_number,
                    "reason_code": item.reason_code,
                    "amount": item.amount,
                    "date": item.date,
                    "payment_id": payment.id,
                    "enrollment_id": enrollment.id,
                    "state": "returned" if payment else "prenote",
                }
                for item, payment, enrollment in matched
            ]
            + [self._prepare_change_line_vals(change, entry) for change, entry in matched_changes]
        )
        self._return_payments(matched)
        self._cancel_prenoted_enrollments(matched)
        change_lines = lines[len(matched) :]
        self._apply_changes(
            [(change, entry, line) for (change, entry), line in
             zip(matched_changes, change_lines, strict=True)]
        )  # fmt: skip
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
                "checksum": checksum,
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
        if item.amount != to_decimal(payment.amount).quantize(CENT):
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

    # ------------------------------------------------------------------
    # Notifications of change
    # ------------------------------------------------------------------
    def _match_changes(self, changes):
        """(change, autopay file entry) of each notification of change, and the
        problems of the others.

        The original trace number names the entry the city sent (a debit or a
        prenote), hence its payment, its enrollment and the bank account it
        drafted. A change received already (in this file or an earlier one) is
        refused.
        """
        if not changes:
            return [], []
        traces = [change.original_trace for change in changes]
        entries = self.env["utility.autopay.file.line"].search(
            [("company_id", "=", self.company_id.id), ("trace_number", "in", traces)]
        )
        entry_of = {entry.trace_number: entry for entry in entries}
        earlier = self.env["utility.ach.return.line"].search(
            [
                ("company_id", "=", self.company_id.id),
                ("trace_number", "in", traces),
                ("state", "in", CHANGE_STATES),
                ("file_id", "!=", self.id),
            ]
        )
        earlier_of = {(line.trace_number, line.reason_code): line for line in earlier}
        first_row = {}
        matched, problems = [], []
        for change in changes:
            key = (change.original_trace, change.change_code)
            where = self.env._("Row %(row)s (trace %(trace)s)", row=change.row,
                               trace=change.original_trace)  # fmt: skip
            problem = None
            if key in first_row:
                problem = self.env._(
                    "the same change %(code)s is already in row %(row)s.",
                    code=change.change_code,
                    row=first_row[key],
                )
            elif key in earlier_of:
                problem = self.env._(
                    "change %(code)s was already received in file %(file)s on %(date)s.",
                    code=change.change_code,
                    file=earlier_of[key].file_id.display_name,
                    date=format_date(self.env, earlier_of[key].file_id.date_import),
                )
            elif change.original_trace not in entry_of:
                problem = self.env._(
                    "notification of change %(code)s: no autopay debit or prenote has this "
                    "trace number.",
                    code=change.change_code,
                )
            first_row.setdefault(key, change.row)
            if problem:
                problems.append(self.env._("%(where)s: %(problem)s", where=where,
                                           problem=problem))  # fmt: skip
                continue
            matched.append((change, entry_of[change.original_trace]))
        return matched, problems

    def _prepare_change_line_vals(self, change, entry):
        return {
            "file_id": self.id,
            "row": change.row,
            "trace_number": change.original_trace,
            "reason_code": change.change_code,
            "amount": 0.0,
            "date": change.date,
            "payment_id": entry.payment_id.id,
            "enrollment_id": entry.enrollment_id.id,
            "corrected_data": change.corrected_data or False,
            "date_deadline": nacha.add_business_days(change.date, CHANGE_DAYS)
            if change.date
            else False,
            "state": "review",
        }

    @staticmethod
    def _mask(number):
        # Chatter is read by every clerk: the last four digits tell the accounts apart.
        return nacha.mask_last_four(number) or "-"

    def _change_review_reason(self, change, entry):
        """Why a clerk must look at a notification of change, or None to apply it."""
        enrollment = entry.enrollment_id
        if not change.is_bank_change:
            return self.env._(
                "%(code)s: corrected data %(data)s. Nothing is changed: correct the "
                "customer's records by hand if needed.",
                code=self.env["utility.ach.return.line"]._change_label(change.change_code),
                data=repr(change.corrected_data or ""),
            )
        if enrollment.state == "cancelled":
            return self.env._(
                "The enrollment is cancelled: nothing is drafted from this bank account any more."
            )
        if enrollment.bank_id != entry.bank_id:
            return self.env._(
                "The enrollment's bank account changed since this entry was sent: check the "
                "correction against the new bank account (corrected data %(data)s).",
                data=repr(change.corrected_data),
            )
        return None

    def _apply_changes(self, triples):
        """Apply the bank details of the notifications of change to their enrollments.

        C01 (account number), C02 (routing number), C03 (both), C05 (checking
        or savings), C06 (account number and type), C07 (all three) correct the
        enrollment: a new account number points it to the customer's bank
        account of that number (created when the customer has none), a new
        routing number is written on that bank account, the type on the
        enrollment. The enrollment's chatter says old -> new. Other codes, and
        a change whose enrollment is cancelled or drafts another bank account
        by now, are left to review and change nothing.
        """
        if not triples:
            return
        Line = self.env["utility.ach.return.line"]
        to_apply = []
        for change, entry, line in triples:
            reason = self._change_review_reason(change, entry)
            if reason:
                line.change_note = reason
                if entry.enrollment_id:
                    entry.enrollment_id.message_post(
                        body=self.env._(
                            "Notification of change to review (file %(file)s, trace %(trace)s): "
                            "%(reason)s",
                            file=self.display_name,
                            trace=change.original_trace,
                            reason=reason,
                        )
                    )
            else:
                to_apply.append((change, entry, line))
        banks = self._change_banks(to_apply)
        for (change, entry, line), new_bank in zip(to_apply, banks, strict=True):
            enrollment = entry.enrollment_id
            old_bank = enrollment.bank_id
            old_routing = old_bank.aba_routing or ""
            new_routing = change.routing or old_routing
            parts = []
            if new_bank != old_bank:
                parts.append(
                    self.env._(
                        "bank account number %(old)s → %(new)s",
                        old=self._mask(old_bank.acc_number),
                        new=self._mask(new_bank.acc_number),
                    )
                )
            if new_routing != old_routing:
                parts.append(
                    self.env._("routing number %(old)s → %(new)s", old=old_routing or "-",
                               new=new_routing)
                )  # fmt: skip
            if (new_bank.aba_routing or "") != new_routing:
                new_bank.aba_routing = new_routing
            vals = {}
            if new_bank != old_bank:
                vals["bank_id"] = new_bank.id
            if change.account_type and change.account_type != enrollment.account_type:
                labels = dict(enrollment._fields["account_type"]._description_selection(self.env))
                parts.append(
                    self.env._(
                        "account type %(old)s → %(new)s",
                        old=labels[enrollment.account_type],
                        new=labels[change.account_type],
                    )
                )
                vals["account_type"] = change.account_type
            if vals:
                enrollment.write(vals)
            summary = "; ".join(parts) or self.env._("the bank details were already correct")
            line.write({"state": "change", "change_note": summary})
            enrollment.message_post(
                body=self.env._(
                    "Notification of change %(code)s (file %(file)s, trace %(trace)s): "
                    "%(summary)s.",
                    code=Line._change_label(change.change_code),
                    file=self.display_name,
                    trace=change.original_trace,
                    summary=summary,
                )
            )

    def _change_banks(self, to_apply):
        """The bank account each change drafts from: the enrollment's own, or
        for a new account number the customer's bank account of that number,
        created (in one batch) when the customer has none."""
        Bank = self.env["res.partner.bank"]
        new_banks = {}  # (partner id, sanitized number): vals of the bank account
        for change, entry, _line in to_apply:
            if change.account_number:
                bank = entry.enrollment_id.bank_id
                key = (bank.partner_id.id, sanitize_account_number(change.account_number))
                new_banks[key] = {
                    "partner_id": bank.partner_id.id,
                    "acc_number": nacha.clean_account_number(change.account_number),
                    "aba_routing": change.routing or bank.aba_routing,
                }
        found = {}
        if new_banks:
            partner_ids = list({partner_id for partner_id, _number in new_banks})
            for bank in Bank.search([("partner_id", "in", partner_ids)]):
                key = (bank.partner_id.id, bank.sanitized_acc_number)
                if key in new_banks:
                    found.setdefault(key, bank)
            missing = [key for key in new_banks if key not in found]
            created = Bank.create([new_banks[key] for key in missing])
            found.update(zip(missing, created, strict=True))
        banks = []
        for change, entry, _line in to_apply:
            bank = entry.enrollment_id.bank_id
            if change.account_number:
                bank = found[bank.partner_id.id, sanitize_account_number(change.account_number)]
            banks.append(bank)
        return banks
