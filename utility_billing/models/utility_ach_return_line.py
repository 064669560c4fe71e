# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models
from odoo.exceptions import UserError

from ..lib import nacha

CHANGE_STATES = ("change", "review", "reviewed")


class UtilityAchReturnLine(models.Model):
    """One row of an ACH returns file: a returned debit (or prenote), or a
    notification of change (NOC) asking for corrected bank details.

    A NOC reverses nothing: its bank details are applied to the autopay
    enrollment at import (``change``), or listed for a clerk (``review``) when
    they are not bank details or cannot be applied safely.
    """

    _name = "utility.ach.return.line"
    _description = "ACH Return or Notification of Change"
    _order = "file_id, row, id"
    _check_company_auto = True

    file_id = fields.Many2one(
        "utility.ach.return.file", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(
        related="file_id.company_id", store=True, precompute=True, index=True
    )
    currency_id = fields.Many2one(related="file_id.currency_id")
    row = fields.Integer(help="Row (CSV) or line (NACHA) of the file.")
    trace_number = fields.Char(required=True, index=True)
    reason_code = fields.Char(
        string="Code",
        required=True,
        help="Return reason code (R01...) of a return, change code (C01...) of a notification "
        "of change.",
    )
    amount = fields.Monetary()
    date = fields.Date(string="Returned On")
    payment_id = fields.Many2one("utility.payment", index="btree_not_null", check_company=True)
    account_ids = fields.Many2many(
        "utility.account", string="Utility Accounts", compute="_compute_account_ids"
    )
    enrollment_id = fields.Many2one(
        "utility.autopay.enrollment",
        string="Autopay Enrollment",
        index="btree_not_null",
        check_company=True,
    )
    state = fields.Selection(
        [
            ("returned", "Payment Returned"),
            ("prenote", "Prenote Returned"),
            ("change", "Change Applied"),
            ("review", "Change to Review"),
            ("reviewed", "Change Reviewed"),
        ],
        required=True,
    )
    corrected_data = fields.Char(help="The corrected data of the notification of change, as sent.")
    change_note = fields.Text(
        string="Change", help="What the notification of change corrected, or why a clerk must."
    )
    date_deadline = fields.Date(
        string="Apply By",
        help="NACHA rules: apply a notification of change within six banking days of its "
        "settlement, or before the next debit.",
    )

    def _compute_account_ids(self):
        for line in self:
            line.account_ids = line.payment_id.line_ids.account_id | line.enrollment_id.account_id

    @staticmethod
    def _change_label(code):
        return f"{code} {nacha.CHANGE_CODES.get(code, '')}".strip()

    def action_mark_reviewed(self):
        """A clerk handled the notification of change (or decided nothing is to change)."""
        not_review = self.filtered(lambda line: line.state != "review")
        if not_review:
            raise UserError(
                self.env._(
                    "Only notifications of change to review can be marked reviewed: %(rows)s",
                    rows=", ".join(not_review.mapped("trace_number")),
                )
            )
        self.write({"state": "reviewed"})
        for line in self.filtered("enrollment_id"):
            line.enrollment_id.message_post(
                body=self.env._(
                    "Notification of change %(code)s (trace %(trace)s) reviewed by %(user)s.",
                    code=self._change_label(line.reason_code),
                    trace=line.trace_number,
                    user=self.env.user.name,
                )
            )
        return True
