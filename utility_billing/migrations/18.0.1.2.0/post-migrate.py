# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The account letters' e-mails go to an estate's executor (the account's
Letters To) and greet them, not the deceased customer.

Their templates are ``noupdate``: an upgrade does not reload them. Each
changed field is set to what the module ships now, but only where the
database still holds what the module shipped before: a city's own wording
is kept. Recipients (``partner_to``) are compared whole; in the body only
the greeting's name expression is replaced, in every language, and only
where the old expression is still there.
"""

import json
import logging

from odoo.tools import SQL

_logger = logging.getLogger(__name__)

CUSTOMER = "object.partner_id"
LETTERS_TO = "object.letter_partner_id"
ACCOUNT_CUSTOMER = "object.account_id.partner_id"
ACCOUNT_LETTERS_TO = "object.account_id.letter_partner_id"

# xmlid: (the contact its recipient and greeting named before, the one they name now)
TEMPLATES = {
    "mail_template_utility_welcome": (CUSTOMER, LETTERS_TO),
    "mail_template_utility_final_bill_letter": (CUSTOMER, LETTERS_TO),
    "mail_template_utility_level_pay_enrollment": (CUSTOMER, LETTERS_TO),
    "mail_template_utility_level_pay_true_up": (CUSTOMER, LETTERS_TO),
    "mail_template_utility_adjustment_approval": (ACCOUNT_CUSTOMER, ACCOUNT_LETTERS_TO),
    "mail_template_utility_adjustment_denial": (ACCOUNT_CUSTOMER, ACCOUNT_LETTERS_TO),
    "mail_template_utility_arrangement_schedule": (CUSTOMER, ACCOUNT_LETTERS_TO),
    "mail_template_utility_arrangement_broken": (CUSTOMER, ACCOUNT_LETTERS_TO),
    "mail_template_utility_deposit_receipt": (CUSTOMER, ACCOUNT_LETTERS_TO),
    "mail_template_utility_deposit_refund": (CUSTOMER, ACCOUNT_LETTERS_TO),
}


def _recipient(expression):
    return "{{ " + expression + ".id }}"


def _greeting(expression):
    return f"<p>Dear <t t-out=\"{expression}.name or ''\">"


def update_letter_templates(cr, templates=None):
    """Bring the shipped recipients and greetings of ``templates`` (all the
    changed ones by default) to the new ones; return the xmlids changed."""
    templates = TEMPLATES if templates is None else templates
    cr.execute(
        """
        SELECT d.name, t.id, t.partner_to, t.body_html
          FROM ir_model_data d
          JOIN mail_template t ON t.id = d.res_id
         WHERE d.module = 'utility_billing' AND d.model = 'mail.template' AND d.name IN %s
        """,
        [tuple(templates)],
    )
    changed = []
    for xmlid, template_id, partner_to, stored_body in cr.fetchall():
        old, new = templates[xmlid]
        recipients = (_recipient(old), _recipient(new))
        template = (template_id, partner_to, stored_body)
        if replace_shipped(cr, template, recipients, (_greeting(old), _greeting(new))):
            changed.append(xmlid)
    return changed


def replace_shipped(cr, template, recipients, greetings):
    """``template`` is (id, partner_to, body_html) as stored. Set its recipient
    to ``recipients[1]`` where it is still ``recipients[0]`` (compared whole),
    and replace ``greetings[0]`` by ``greetings[1]`` in its body, in every
    language; return whether the template changed."""
    template_id, partner_to, body = template
    old_to, new_to = recipients
    new_partner_to = new_to if partner_to == old_to else partner_to
    body = body or {}
    new_body = {lang: text and text.replace(*greetings) for lang, text in body.items()}
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
    if not version:
        return
    for xmlid in update_letter_templates(cr):
        _logger.info("%s: e-mails now go to the account's Letters To", xmlid)
