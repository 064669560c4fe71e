# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The one card-number guard of the addon (SPEC 2.5, PCI DSS): what a clerk
reads when a text looks like a card number (``lib/card_numbers.py`` finds them).

Every place a card number could be stored calls it: counter payments and their
dialog, chatter messages on utility records (``mail_message.py``); payment
files mask the free-text columns as they are read (``lib/payment_files.py``).
"""

from odoo import api, models
from odoo.exceptions import ValidationError

from ..lib import card_numbers


class UtilityCardNumberGuard(models.AbstractModel):
    _name = "utility.card.number.guard"
    _description = "No Card Number Is Stored"

    @api.model
    def _problems(self, texts):
        """A message per ``(label, text)`` whose text looks like a card number."""
        return [
            self.env._(
                "%(field)s holds what looks like a card number (%(masked)s): never record a "
                "card number, keep only the processor reference and the last four digits.",
                field=label,
                masked=card_numbers.mask(text),
            )
            for label, text in texts
            if isinstance(text, str) and card_numbers.find_card_numbers(text)
        ]

    @api.model
    def _check(self, texts):
        """Refuse ``(label, text)`` pairs holding a card number, all in one message."""
        problems = self._problems(texts)
        if problems:
            raise ValidationError("\n".join(problems))
