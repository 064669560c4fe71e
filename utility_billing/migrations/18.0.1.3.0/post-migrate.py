# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The paperless bill's e-mail goes to an estate's executor (the account's
Letters To) and greets them, as the account letters' e-mails do since
18.0.1.2.0.

The template is ``noupdate``: an upgrade does not reload it. Its recipient
and greeting are set to what the module ships now only where the database
still holds what the module shipped before (the greeting in every
language): a city's own wording is kept.
"""

import logging

from odoo.modules.migration import load_script

_logger = logging.getLogger(__name__)

XMLID = "mail_template_utility_bill"
OLD_TO = "{{ object.utility_account_id.partner_id.id or object.partner_id.id }}"
NEW_TO = "{{ object.utility_account_id.letter_partner_id.id or object.partner_id.id }}"
OLD_GREETING = "Dear <t t-out=\"object.utility_account_id.partner_id.name or ''\">"
NEW_GREETING = "Dear <t t-out=\"object.utility_account_id.letter_partner_id.name or ''\">"
# The letters' migration compares and writes a template the same way.
LETTERS_SCRIPT = "utility_billing/migrations/18.0.1.2.0/post-migrate.py"


def update_bill_template(cr):
    """Bring the bill e-mail's shipped recipient and greeting to the new ones;
    return whether the template changed."""
    cr.execute(
        """
        SELECT t.id, t.partner_to, t.body_html
          FROM ir_model_data d
          JOIN mail_template t ON t.id = d.res_id
         WHERE d.module = 'utility_billing' AND d.model = 'mail.template' AND d.name = %s
        """,
        [XMLID],
    )
    row = cr.fetchone()
    if not row:
        return False
    letters = load_script(LETTERS_SCRIPT, "utility_billing_post_migrate_18_0_1_2_0")
    return letters.replace_shipped(cr, row, (OLD_TO, NEW_TO), (OLD_GREETING, NEW_GREETING))


def migrate(cr, version):
    if version and update_bill_template(cr):
        _logger.info("%s: paperless bills now go to the account's Letters To", XMLID)
