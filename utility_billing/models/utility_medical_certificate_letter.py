# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import format_date

from .utility_locked_fields_mixin import as_action

ACKNOWLEDGEMENT_TEMPLATE = "utility_billing.mail_template_utility_medical_acknowledgement"
RENEWAL_TEMPLATE = "utility_billing.mail_template_utility_medical_renewal"


class UtilityMedicalCertificate(models.Model):
    """The customer's letters of a medical certificate.

    - When a certificate is entered, an acknowledgement with the dates it holds
      the account from shut-off.
    - Some days before it expires (Settings: *Certificate Reminder (Days Before
      Expiry)*), with the daily check's reminder to the clerk, a renewal
      reminder telling the customer the date by which to send a renewed
      certificate. N.H. Admin. Code Puc 1205.04(a): "Thirty days prior to the
      expiration of the medical emergency certification, the utility shall send
      a reminder notice to the customer ... The notice shall include the date by
      which the certification must be renewed."

    Each is a mail template with its PDF, e-mailed to the customer (the
    executor of an estate) when there is an e-mail, else kept on the
    certificate to print. The dates they went out are written by the letters
    only: the renewal reminder goes out once per certificate.
    """

    _name = "utility.medical.certificate"
    _inherit = [
        "utility.medical.certificate",
        "utility.letter.mixin",
        "utility.locked.fields.mixin",
    ]

    date_acknowledged = fields.Date(
        string="Acknowledged On", readonly=True, copy=False, tracking=True
    )

    def _get_action_fields(self):
        return super()._get_action_fields() | {"date_acknowledged", "date_reminded"}

    @api.model_create_multi
    def create(self, vals_list):
        certificates = super().create(vals_list)
        certificates._send_medical_letter(ACKNOWLEDGEMENT_TEMPLATE, "date_acknowledged")
        return certificates

    def _send_medical_letter(self, template_xmlid, date_field):
        """Send the letter of ``template_xmlid`` for each certificate of ``self``
        and write the day it went out in ``date_field``."""
        if not self:
            return True
        as_action(self).write({date_field: fields.Date.context_today(self)})
        return self._send_letter(template_xmlid)

    def action_send_acknowledgement_letter(self):
        """Send the acknowledgement again (the customer lost it)."""
        self._check_letter_sender(
            self.env._("Only customer service staff send medical certificate letters.")
        )
        return self._send_medical_letter(ACKNOWLEDGEMENT_TEMPLATE, "date_acknowledged")

    @api.model
    def _cron_medical_certificates(self, today=None):
        """The renewal reminder letter goes with the clerk's reminder: the daily
        check picks a certificate once (its reminder date is then set), so a
        second run sends nothing again."""
        reminded = super()._cron_medical_certificates(today=today)
        reminded._send_letter(RENEWAL_TEMPLATE)
        return reminded

    def _get_medical_letter_values(self):
        """What the acknowledgement and renewal letters say, formatted.

        :return: {certificate id: dict}
        """
        self.check_access("read")
        values = {}
        for certificate in self.sudo():
            company = certificate.company_id
            limit = company.utility_medical_max_renewals
            values[certificate.id] = {
                "certificate": certificate,
                "account": certificate.account_id,
                "company": company,
                "date_printed": format_date(self.env, fields.Date.context_today(self)),
                "resident": certificate.resident_name,
                "certified_by": certificate.certified_by,
                "date_start": format_date(self.env, certificate.date_start),
                "date_end": format_date(self.env, certificate.date_end),
                "renewals_left": max(limit - certificate.renewal_count, 0) if limit else None,
            }
        return values
