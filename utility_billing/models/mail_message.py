# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""No card number in the chatter of a utility record (SPEC 2.5).

A note a clerk types (a comment) holding a card number is refused with the
card-number guard's message; anything else written on a utility record's
chatter (a notification, a message created over RPC) has its card numbers
masked to the last four before it is stored.
"""

from odoo import api, models
from odoo.tools import html2plaintext

from ..lib import card_numbers

UTILITY_PREFIX = "utility."


class MailMessage(models.Model):
    _inherit = "mail.message"

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if str(vals.get("model") or "").startswith(UTILITY_PREFIX):
                self._guard_card_numbers(vals, vals.get("message_type") or "comment")
        return super().create(vals_list)

    def write(self, vals):
        # An edited note (message_update_content) is a clerk's text again.
        if {"body", "subject"} & vals.keys() and any(
            (message.model or "").startswith(UTILITY_PREFIX) for message in self
        ):
            self._guard_card_numbers(vals, "comment")
        return super().write(vals)

    @api.model
    def _guard_card_numbers(self, vals, message_type):
        texts = [
            (self._fields[name].string, html2plaintext(str(vals[name])))
            for name in ("subject", "body")
            if vals.get(name)
        ]
        if message_type == "comment":
            self.env["utility.card.number.guard"]._check(texts)
            return
        for name in ("subject", "body"):
            if vals.get(name) and card_numbers.find_card_numbers(vals[name]):
                vals[name] = type(vals[name])(card_numbers.mask(vals[name]))
