# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The 18.0.1.3.0 upgrade: the paperless bill's template is ``noupdate``, so
the migration sends its e-mails to the account's Letters To (an estate's
executor) where the database still holds the recipient and greeting the
module shipped before; a city's own wording is kept."""

from odoo.modules.migration import load_script
from odoo.tests import TransactionCase, tagged

SCRIPT = "utility_billing/migrations/18.0.1.3.0/post-migrate.py"
OLD = "object.utility_account_id.partner_id"
NEW = "object.utility_account_id.letter_partner_id"


@tagged("post_install", "-at_install")
class TestBillTemplateMigration(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.migration = load_script(SCRIPT, "utility_billing_post_migrate_18_0_1_3_0")
        cls.template = cls.env.ref("utility_billing.mail_template_utility_bill")

    def _migrate(self):
        self.env.flush_all()
        self.migration.migrate(self.env.cr, "18.0.1.2.0")
        self.env.invalidate_all()

    def test_old_shipped_recipient_and_greeting_are_replaced(self):
        shipped = (self.template.partner_to, self.template.body_html)
        self.assertIn(NEW, shipped[0])
        self.template.write(
            {
                "partner_to": shipped[0].replace(NEW, OLD),
                "body_html": shipped[1].replace(f"{NEW}.name", f"{OLD}.name"),
            }
        )
        self.assertNotIn(NEW, self.template.body_html)
        self._migrate()
        self.assertEqual((self.template.partner_to, self.template.body_html), shipped)

    def test_city_wording_is_kept(self):
        self.template.write(
            {
                "partner_to": "{{ object.partner_id.id }}",
                "body_html": '<p>Hello <t t-out="object.utility_account_id.partner_id.name"/></p>',
            }
        )
        self._migrate()
        self.assertEqual(self.template.partner_to, "{{ object.partner_id.id }}")
        self.assertIn(f"{OLD}.name", self.template.body_html)
