# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models
from odoo.exceptions import UserError

INTENT_TEMPLATE = "utility_billing.mail_template_utility_lien_intent"
RELEASE_TEMPLATE = "utility_billing.mail_template_utility_lien_release"
INTENT_REPORT = "utility_billing.action_report_utility_lien_intent"
RELEASE_REPORT = "utility_billing.action_report_utility_lien_release"


class UtilityLien(models.Model):
    """The lien's letters to the owner by e-mail: the Notice of Intent while the
    lien waits to be certified, the Release letter once released."""

    _name = "utility.lien"
    _inherit = ["utility.lien", "utility.letter.mixin"]

    def _get_letter_partner(self):
        return self.owner_id

    def action_send_letter(self):
        """E-mail each lien's letter to its owner (PDF attached, posted on the
        lien). Owners without an e-mail address get the printed letter: the
        clerk reads so and the PDF of their letters opens to print and mail.

        Sending the Notice of Intent dates it on the lien, as printing does."""
        self._check_billing()
        self._check_letter_states(
            ("to_certify", "released"),
            self.env._(
                "A lien has a letter to send while it waits to be certified (the Notice of "
                "Intent) or once released (the Release letter):"
            ),
        )
        if len(set(self.mapped("state"))) > 1:
            raise UserError(
                self.env._(
                    "Send the Notices of Intent and the Release letters separately: select "
                    "liens to certify only, or released liens only."
                )
            )
        is_intent = self[:1].state == "to_certify"
        emailed = self.filtered(lambda lien: lien.owner_id.email)
        emailed._send_letter(INTENT_TEMPLATE if is_intent else RELEASE_TEMPLATE)
        if is_intent:
            emailed._record_notice()
        to_print = self - emailed
        if not to_print:
            return {
                "type": "ir.actions.client",
                "tag": "display_notification",
                "params": {
                    "type": "success",
                    "message": self.env._(
                        "%(count)s letters e-mailed to the owners.", count=len(emailed)
                    ),
                },
            }
        for lien in to_print.sudo():
            lien.message_post(
                body=self.env._(
                    "%(owner)s has no e-mail address: the letter was printed to be mailed.",
                    owner=lien.owner_id.display_name,
                )
            )
        report = self.env.ref(INTENT_REPORT if is_intent else RELEASE_REPORT)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "warning",
                "sticky": True,
                "message": self.env._(
                    "%(emailed)s letters e-mailed. These owners have no e-mail address: "
                    "print their letters and mail them: %(owners)s.",
                    emailed=len(emailed),
                    owners=", ".join(to_print.owner_id.mapped("display_name")),
                ),
                "next": report.report_action(to_print),
            },
        }
