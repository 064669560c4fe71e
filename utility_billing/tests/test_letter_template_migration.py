# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The 18.0.1.2.0 upgrade: the account letters' templates are ``noupdate``, so
the migration sends their e-mails to the account's Letters To (an estate's
executor) where the database still holds the recipient and greeting the
module shipped before; a city's own wording is kept."""

from odoo.modules.migration import load_script
from odoo.tests import TransactionCase, tagged

SCRIPT = "utility_billing/migrations/18.0.1.2.0/post-migrate.py"


@tagged("post_install", "-at_install")
class TestLetterTemplateMigration(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.migration = load_script(SCRIPT, "utility_billing_post_migrate_18_0_1_2_0")
        cls.welcome = cls.env.ref("utility_billing.mail_template_utility_welcome")
        cls.deposit = cls.env.ref("utility_billing.mail_template_utility_deposit_receipt")

    def _migrate(self):
        self.env.flush_all()
        self.migration.migrate(self.env.cr, "18.0.1.1.0")
        self.env.invalidate_all()

    def test_old_shipped_recipient_and_greeting_are_replaced(self):
        """A database upgraded from 18.0.1.1.0 still e-mails the customer and
        greets them: after the migration both are the Letters To, as shipped."""
        shipped = {
            template: (template.partner_to, template.body_html)
            for template in self.welcome | self.deposit
        }
        self.welcome.write(
            {
                "partner_to": "{{ object.partner_id.id }}",
                "body_html": self.welcome.body_html.replace(
                    "object.letter_partner_id.name", "object.partner_id.name"
                ),
            }
        )
        self.deposit.write(
            {
                "partner_to": "{{ object.partner_id.id }}",
                "body_html": self.deposit.body_html.replace(
                    "object.account_id.letter_partner_id.name", "object.partner_id.name"
                ),
            }
        )
        self.assertNotIn("letter_partner_id", self.deposit.body_html)
        self._migrate()
        for template, (partner_to, body_html) in shipped.items():
            self.assertEqual(template.partner_to, partner_to)
            self.assertEqual(template.body_html, body_html)
        self.assertEqual(self.deposit.partner_to, "{{ object.account_id.letter_partner_id.id }}")
        self.assertIn(
            "Dear <t t-out=\"object.account_id.letter_partner_id.name or ''\">",
            self.deposit.body_html,
        )

    def test_a_city_s_own_recipient_and_greeting_are_kept(self):
        """A city that wrote its own recipient and greeting keeps them."""
        own_partner_to = "{{ object.partner_id.id }},{{ object.company_id.partner_id.id }}"
        own_body = "<p>Hello <t t-out=\"object.partner_id.name or ''\">Terry</t>, welcome.</p>"
        self.welcome.write({"partner_to": own_partner_to, "body_html": own_body})
        self._migrate()
        self.assertEqual(self.welcome.partner_to, own_partner_to)
        self.assertEqual(self.welcome.body_html, own_body)

    def test_a_new_database_is_left_as_installed(self):
        """A database already on the new templates has nothing to change."""
        self.env.flush_all()
        self.assertEqual(self.migration.update_letter_templates(self.env.cr), [])
