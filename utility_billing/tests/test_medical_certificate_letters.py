# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Medical certificate letters: the acknowledgement when a certificate is
entered, and the renewal reminder the daily check sends some days before it
expires, once per certificate.

- Length: Md. Code Regs. 20.31.03.01 A, service "may not be terminated for an
  initial period of up to 30 days" when a certified serious illness or
  life-support equipment is at stake: the test certificate runs 30 days,
  03/03/2025 through 04/01/2025.
- Renewal: N.H. Admin. Code Puc 1205.04(a), "Thirty days prior to the
  expiration of the medical emergency certification, the utility shall send a
  reminder notice to the customer ... The notice shall include the date by
  which the certification must be renewed." The city sets its own lead time
  (Settings, here 10 days): the reminder goes out on 03/22/2025 with the date
  04/01/2025.
"""

from datetime import date

from odoo.exceptions import AccessError
from odoo.tests import freeze_time, new_test_user, tagged

from .common_payment import PaymentCommon
from .common_rpc import RpcCase

START, END = date(2025, 3, 3), date(2025, 4, 1)
ACK_SUBJECT = "medical certificate received"
RENEWAL_SUBJECT = "medical certificate expires soon"


class MedicalLetterCommon(PaymentCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.utility_medical_reminder_days = 10
        cls.account.partner_id.email = "terry@example.com"
        cls.cashier = new_test_user(
            cls.env,
            login="ub_med_cashier",
            groups="base.group_user,utility_billing.group_utility_cashier",
        )

    def _certificate(self, account=None, user=None):
        Certificate = self.env["utility.medical.certificate"]
        if user:
            Certificate = Certificate.with_user(user)
        return Certificate.create(
            {
                "account_id": (account or self.account).id,
                "resident_name": "Ruth Alvarez",
                "certified_by": "Dr. Anita Okafor, Prairie City Clinic",
                "date_start": START,
                "date_end": END,
            }
        )

    def _letters(self, certificate, subject):
        return certificate.message_ids.filtered(lambda m: subject in (m.subject or ""))


@tagged("post_install", "-at_install")
class TestMedicalCertificateLetters(MedicalLetterCommon):
    @freeze_time("2025-03-03")
    def test_acknowledgement_when_entered(self):
        """The CSR enters the certificate: the acknowledgement with its hold dates
        goes out at once, e-mailed to the customer with the letter attached."""
        self.assertEqual((END - START).days + 1, 30, "30 days, as COMAR 20.31.03.01 A")
        certificate = self._certificate(user=self.csr)
        self.assertEqual(certificate.date_acknowledged, date(2025, 3, 3))
        letter = self._letters(certificate, ACK_SUBJECT)
        self.assertEqual(len(letter), 1)
        self.assertEqual(
            letter.subtype_id, self.env.ref("mail.mt_comment"), "e-mailed: the customer has one"
        )
        self.assertEqual(letter.partner_ids, self.account.partner_id)
        self.assertIn("Medical Certificate", letter.attachment_ids.name)
        html = letter.attachment_ids.raw.decode()
        self.assertIn("MEDICAL CERTIFICATE RECEIVED", html)
        self.assertIn("Ruth Alvarez", html)
        self.assertIn("03/03/2025", html)
        self.assertIn("04/01/2025", html)
        self.assertIn("03/03/2025", letter.body)
        # Sent again on request, by customer service only.
        certificate.with_user(self.csr).action_send_acknowledgement_letter()
        self.assertEqual(len(self._letters(certificate, ACK_SUBJECT)), 2)
        with self.assertRaisesRegex(AccessError, "Only customer service staff"):
            certificate.with_user(self.cashier).action_send_acknowledgement_letter()

    def test_renewal_reminder_once_over_two_runs(self):
        """Reminder 10 days before the expiry of 04/01/2025: not on 03/21, sent on
        03/22 (letter + e-mail, with the date to renew by), and the second run
        (03/23) sends nothing again."""
        certificate = self._certificate()
        Certificate = self.env["utility.medical.certificate"]
        self.assertFalse(Certificate._cron_medical_certificates(date(2025, 3, 21)))
        self.assertFalse(self._letters(certificate, RENEWAL_SUBJECT))
        self.assertEqual(Certificate._cron_medical_certificates(date(2025, 3, 22)), certificate)
        self.assertEqual(certificate.date_reminded, date(2025, 3, 22))
        letter = self._letters(certificate, RENEWAL_SUBJECT)
        self.assertEqual(len(letter), 1)
        self.assertEqual(letter.partner_ids, self.account.partner_id)
        html = letter.attachment_ids.raw.decode()
        self.assertIn("MEDICAL CERTIFICATE EXPIRES SOON", html)
        self.assertIn("by <strong>04/01/2025</strong>", html)
        mail = self.env["mail.mail"].search([("mail_message_id", "=", letter.id)])
        self.assertEqual(mail.recipient_ids, self.account.partner_id)
        # The second run: nothing twice.
        self.assertFalse(Certificate._cron_medical_certificates(date(2025, 3, 23)))
        self.assertEqual(len(self._letters(certificate, RENEWAL_SUBJECT)), 1)
        self.assertEqual(certificate.date_reminded, date(2025, 3, 22))

    def test_renewal_reminder_says_when_no_renewal_is_left(self):
        self.company.utility_medical_max_renewals = 1
        certificate = self._certificate()
        values = certificate._get_medical_letter_values()[certificate.id]
        self.assertEqual(values["renewals_left"], 1)
        self.env["utility.medical.certificate"]._cron_medical_certificates(date(2025, 3, 22))
        action = certificate.action_renew()
        renewal = (
            self.env["utility.medical.certificate"].with_context(**action["context"]).create({})
        )
        self.assertEqual(renewal._get_medical_letter_values()[renewal.id]["renewals_left"], 0)
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html(
                "utility_billing.action_report_utility_medical_renewal", renewal.ids
            )[0]
            .decode()
        )
        self.assertIn("cannot be renewed again", html)

    def test_estate_letters_go_to_the_executor(self):
        executor = self.env["res.partner"].create(
            {"name": "Dana Whitfield", "street": "14 Elm Street", "email": "dana@example.com"}
        )
        self.account.write(
            {"is_estate": True, "date_of_death": START, "executor_partner_id": executor.id}
        )
        certificate = self._certificate()
        letter = self._letters(certificate, ACK_SUBJECT)
        self.assertEqual(letter.partner_ids, executor)
        self.assertIn("c/o Dana Whitfield", letter.attachment_ids.raw.decode())

    def test_letter_dates_are_written_by_the_letters_only(self):
        certificate = self._certificate()
        for field in ("date_acknowledged", "date_reminded"):
            with self.assertRaises(AccessError):
                certificate.with_user(self.csr).write({field: date(2025, 1, 1)})
        with self.assertRaises(AccessError):
            self.env["utility.medical.certificate"].with_user(self.csr).create(
                {
                    "account_id": self.account2.id,
                    "resident_name": "R",
                    "certified_by": "Dr. X",
                    "date_start": START,
                    "date_end": END,
                    "date_reminded": START,
                }
            )


@tagged("post_install", "-at_install")
class TestMedicalCertificateLettersRpc(MedicalLetterCommon, RpcCase):
    def test_role_limits_over_rpc(self):
        certificate = self._certificate()
        self.env.flush_all()
        Model = "utility.medical.certificate"
        self.assertRpcRefused(
            self.rpc(self.cashier, Model, "action_send_acknowledgement_letter", certificate.ids),
            "AccessError",
        )
        self.assertRpcRefused(
            self.rpc(self.csr, Model, "write", certificate.ids, {"date_reminded": "2025-03-22"}),
            "AccessError",
        )
        self.assertIs(
            self.rpc(self.csr, Model, "action_send_acknowledgement_letter", certificate.ids), True
        )
        certificate.invalidate_recordset()
        self.assertFalse(certificate.date_reminded)
        self.assertEqual(len(self._letters(certificate, ACK_SUBJECT)), 2)
