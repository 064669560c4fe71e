# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models
from odoo.tools import format_amount, format_date

from ..lib.bill_explain import adjustment_label

APPROVAL_TEMPLATE = "utility_billing.mail_template_utility_adjustment_approval"
DENIAL_TEMPLATE = "utility_billing.mail_template_utility_adjustment_denial"


class UtilityAdjustment(models.Model):
    """The letters a customer gets on an adjustment request (Bedford, IN § 52.19:
    "A copy of the approval/denial will be mailed to the requester")."""

    _inherit = "utility.adjustment"  # pylint: disable=consider-merging-classes-inherited

    def _get_letter_values(self):
        """What the approval and denial letters say, amounts and dates formatted.

        :return: {adjustment id: dict}
        """
        self.check_access("read")
        values = {}
        today = fields.Date.context_today(self)
        for adjustment in self.sudo():
            bill = adjustment.move_id
            values[adjustment.id] = {
                "adjustment": adjustment,
                "account": adjustment.account_id,
                "company": adjustment.company_id,
                "date": format_date(self.env, adjustment.date_approved or today),
                "label": adjustment_label(
                    adjustment.kind_id.name, bill.invoice_date or bill.date, today
                ),
                "bills": ", ".join(adjustment._get_bills().mapped("name")),
                "amount": format_amount(self.env, adjustment.amount, adjustment.currency_id),
                "explanation": adjustment.explanation or "",
                "reason": adjustment.rejection_reason or "",
                "notes": ", ".join(adjustment.credit_note_ids.mapped("name")),
            }
        return values

    def _send_adjustment_letter(self, template_xmlid, states, message):
        self._check_letter_sender(
            self.env._("Only customer service staff send adjustment letters.")
        )
        self._check_letter_states(states, message)
        return self._send_letter(template_xmlid)

    def action_send_approval_letter(self):
        return self._send_adjustment_letter(
            APPROVAL_TEMPLATE,
            ("posted",),
            self.env._("An approval letter is only for a posted adjustment:"),
        )

    def action_send_denial_letter(self):
        return self._send_adjustment_letter(
            DENIAL_TEMPLATE,
            ("rejected",),
            self.env._("A denial letter is only for a rejected adjustment:"),
        )
