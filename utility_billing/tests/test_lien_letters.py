# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common_lien import LienCommon

CSR = "base.group_user,utility_billing.group_utility_csr"


@tagged("post_install", "-at_install")
class TestLienLetters(LienCommon):
    """The Notice of Intent and the Release letter e-mailed to the owner (PDF
    attached, posted on the lien); owners without an e-mail get them printed.
    Sending the notice dates it on the lien like printing it (Lockland, OH,
    § 1040.05 (d): written notice before certification)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.owner = cls.env["res.partner"].create(
            {"name": "Lee Landlord", "email": "lee.landlord@example.com"}
        )
        cls.account.location_id.owner_id = cls.owner
        cls.no_mail_owner = cls.env["res.partner"].create({"name": "Pat Paper", "email": False})
        cls.account2.location_id.owner_id = cls.no_mail_owner
        cls._post_bill(cls.account, date(2025, 3, 1), {cls.water: 80.0, cls.sewer: 42.35})
        cls.csr = new_test_user(cls.env, login="ub_lien_letters_csr", groups=CSR)

    def _letters(self, lien, report_name):
        messages = lien.sudo().message_ids
        return messages.filtered(
            lambda m: any(a.name.startswith(report_name) for a in m.attachment_ids)
        )

    def test_notice_emailed_dates_the_lien_release_letter_follows(self):
        lien = self._lien(self.account)
        with self._today(date(2025, 5, 1)):
            action = lien.action_send_letter()
        self.assertEqual(action["params"]["type"], "success")
        self.assertNotIn("next", action["params"])
        self.assertEqual(lien.date_notice, date(2025, 5, 1))
        sent = self._letters(lien, "Notice of Intent to Lien")
        self.assertEqual(len(sent), 1)
        self.assertEqual(sent.partner_ids, self.owner)
        self.assertEqual(sent.subtype_id, self.env.ref("mail.mt_comment"))
        mail = self.env["mail.mail"].sudo().search([("mail_message_id", "=", sent.id)])
        self.assertEqual(mail.recipient_ids, self.owner)
        # Certify after the wait, pay, release, then the release letter.
        with self._today(date(2025, 6, 2)):
            lien.action_certify()
        with self.assertRaisesRegex(UserError, "while it waits to be certified"):
            lien.action_send_letter()
        self._payment([(self.account, 272.35)], date=date(2025, 6, 5))
        self.env["utility.account"].invalidate_model(["amount_balance"])
        lien.action_release()
        lien.action_send_letter()
        release = self._letters(lien, "Lien Release Letter")
        self.assertEqual((len(release), release.partner_ids), (1, self.owner))

    def test_owner_without_email_gets_the_printed_letter(self):
        emailed, printed = self._lien(self.account), self._lien(self.account2)
        liens = emailed | printed
        with self._today(date(2025, 5, 1)):
            action = liens.action_send_letter()
        self.assertEqual(action["params"]["type"], "warning")
        self.assertIn("Pat Paper", action["params"]["message"])
        report = action["params"]["next"]
        self.assertEqual(report["report_name"], "utility_billing.report_utility_lien_intent")
        self.assertEqual(report["context"]["active_ids"], printed.ids)
        self.assertFalse(self._letters(printed, "Notice of Intent to Lien"))
        self.assertIn("no e-mail address", printed.sudo().message_ids[0].body)
        # Only the print dates the notice of the owner without e-mail.
        self.assertEqual((emailed.date_notice, printed.date_notice), (date(2025, 5, 1), False))
        self._print_notice(printed, date(2025, 5, 3))
        self.assertEqual(printed.date_notice, date(2025, 5, 3))

    def test_letters_are_refused_out_of_turn_and_to_other_roles(self):
        to_certify = self._lien(self.account)
        with self.assertRaises(AccessError):
            to_certify.with_user(self.csr).action_send_letter()
        self.assertFalse(to_certify.date_notice)
        self.assertFalse(self._letters(to_certify, "Notice of Intent to Lien"))
        self._print_notice(to_certify, date(2025, 5, 1))
        with self._today(date(2025, 6, 2)):
            to_certify.action_certify()
        with self.assertRaisesRegex(UserError, "while it waits to be certified"):
            to_certify.action_send_letter()
        mixed = to_certify | self._lien(self.account2)
        with self.assertRaisesRegex(UserError, "while it waits to be certified"):
            mixed.action_send_letter()
