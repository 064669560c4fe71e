# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The paperless bill's e-mail goes to an estate's executor (the account's
Letters To) and greets them, as the account letters' e-mails do since
18.0.1.2.0.

The template is ``noupdate``: an upgrade does not reload it. Its recipient
and greeting are set to what the module ships now only where the database
still holds what the module shipped before (the greeting in every
language): a city's own wording is kept.
"""

import json
import logging

from odoo.tools import SQL

_logger = logging.getLogger(__name__)

XMLID = "mail_template_utility_bill"
OLD_TO = "{{ object.utility_account_id.partner_id.id or object.partner_id.id }}"
NEW_TO = "{{ object.utility_account_id.letter_partner_id.id or object.partner_id.id }}"
OLD_GREETING = "Dear <t t-out=\"object.utility_account_id.partner_id.name or ''\">"
NEW_GREETING = "Dear <t t-out=\"object.utility_account_id.letter_partner_id.name or ''\">"


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
    template_id, partner_to, body = row[0], row[1], row[2] or {}
    new_partner_to = NEW_TO if partner_to == OLD_TO else partner_to
    new_body = {
        lang: text and text.replace(OLD_GREETING, NEW_GREETING) for lang, text in body.items()
    }
    if new_partner_to == partner_to and new_body == body:
        return False
    cr.execute(
        SQL(
            "UPDATE mail_template SET partner_to = %s, body_html = %s::jsonb WHERE id = %s",
            new_partner_to,
            json.dumps(new_body) if new_body else None,
            template_id,
        )
    )
    return True


def migrate(cr, version):
    if version and update_bill_template(cr):
        _logger.info("%s: paperless bills now go to the account's Letters To", XMLID)
