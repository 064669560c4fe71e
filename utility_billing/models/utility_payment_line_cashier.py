# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models
from odoo.exceptions import ValidationError


class UtilityPaymentLine(models.Model):
    _inherit = "utility.payment.line"  # pylint: disable=consider-merging-classes-inherited

    @api.constrains("name", "payment_id")
    def _check_no_card_number(self):
        """The description of a card payment's line is one more place a card number
        could be typed: it is refused there too."""
        problems = self.payment_id._card_number_problems()
        if problems:
            raise ValidationError("\n".join(problems))
