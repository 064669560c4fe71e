# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models
from odoo.exceptions import AccessError, UserError

CSR_GROUP = "utility_billing.group_utility_csr"


class UtilityLetterMixin(models.AbstractModel):
    """How the clerk's letters go out, in one place: the welcome, final-bill,
    level-pay, adjustment, deposit and payment-arrangement letters are mail
    templates with their PDF attached, posted on the record they are about."""

    _name = "utility.letter.mixin"
    _description = "Utility Letters"

    def _get_letter_partner(self):
        """Who the letter of this record is addressed to: for a record of an
        account, whom the account's letters go to (an estate's executor)."""
        self.ensure_one()
        if "account_id" in self._fields:
            return self.account_id.letter_partner_id
        return self.partner_id

    def _check_letter_sender(self, denied):
        """Only customer service staff (and up) send letters.

        :param denied: the message a user without the role reads
        """
        if not self.env.user.has_group(CSR_GROUP):
            raise AccessError(denied)
        self.check_access("read")

    def _check_letter_states(self, states, message):
        """Refuse the records not in ``states``, listed under ``message``."""
        wrong = self.filtered(lambda record: record.state not in states)
        if wrong:
            raise UserError(
                message + "\n" + "\n".join(f"- {name}" for name in wrong.mapped("display_name"))
            )

    def _send_letter(self, template_xmlid):
        """Post the letter, its PDF attached, on each record: e-mailed when its
        addressee has an e-mail (through the mail queue), else kept on the
        chatter as a note to print.

        As superuser: posting on a record whose fields only its actions write
        needs that write access; the callers checked the sender.
        """
        template = self.env.ref(template_xmlid, raise_if_not_found=False)
        if not template:
            return True
        author_id = self.env.user.partner_id.id
        for record in self.sudo():
            record.message_post_with_source(
                template,
                author_id=author_id,
                subtype_xmlid=(
                    "mail.mt_comment" if record._get_letter_partner().email else "mail.mt_note"
                ),
            )
        return True
