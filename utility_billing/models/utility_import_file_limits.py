# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What the file imports (readings, payment files, ACH returns) refuse outright:
a file too big to be a real one, an amount too big to be a real payment."""

import math
from decimal import Decimal

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..lib import reading_files

# Amounts in the ledger go through Odoo's float columns: up to 10 billion with
# cents, every amount is held exactly to the cent (15 significant digits).
MAX_ROW_AMOUNT_LIMIT = Decimal("9999999999.99")
MAX_FILE_SIZE_LIMIT_MB = 200


class ResCompany(models.Model):
    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

    utility_import_max_size_mb = fields.Integer(
        string="Largest Import File (MB)",
        default=20,
        help="A readings, payment or ACH returns file larger than this is refused before "
        "it is read. A lockbox file of 100,000 payments is about 10 MB.",
    )
    utility_import_max_amount = fields.Monetary(
        string="Largest Amount in a File Row",
        currency_field="currency_id",
        default=1000000.0,
        help="A payment file or ACH returns row for more than this is refused, naming "
        "its line and column: such an amount is a misread or a forged file.",
    )

    _sql_constraints = [
        (
            "utility_import_max_size_mb_check",
            f"CHECK(utility_import_max_size_mb BETWEEN 1 AND {MAX_FILE_SIZE_LIMIT_MB})",
            f"The largest import file is between 1 and {MAX_FILE_SIZE_LIMIT_MB} MB.",
        ),
    ]

    @api.constrains("utility_import_max_amount")
    def _check_utility_import_max_amount(self):
        for company in self:
            amount = Decimal(repr(company.utility_import_max_amount))
            if not Decimal("0.01") <= amount <= MAX_ROW_AMOUNT_LIMIT:
                raise ValidationError(
                    self.env._(
                        "The largest amount in a file row must be between 0.01 and %(limit)s.",
                        limit=f"{MAX_ROW_AMOUNT_LIMIT:,}",
                    )
                )

    def _get_utility_import_max_amount(self):
        """The per-row maximum as an exact Decimal with cents."""
        self.ensure_one()
        return Decimal(repr(self.utility_import_max_amount)).quantize(Decimal("0.01"))

    def _get_utility_import_max_bytes(self):
        self.ensure_one()
        return (self.utility_import_max_size_mb or 20) * 1024 * 1024

    def _check_utility_import_size(self, file_data, file_name=""):
        """Refuse an upload above the company's limit, from its base64 text, before
        decoding it (decoding a huge file is what would exhaust the server).

        :param file_data: the base64 text (str or bytes) of the upload
        :raises UserError: naming the file's size and the limit
        """
        self.ensure_one()
        size = reading_files.base64_size(file_data)
        limit = self._get_utility_import_max_bytes()
        if size > limit:
            raise UserError(
                self.env._(
                    "The file %(file)s is %(size)s MB: files above %(limit)s MB are refused "
                    "(Settings > Utility Billing > Largest Import File). Nothing was imported.",
                    file=file_name or "",
                    size=f"{math.ceil(size * 10 / (1024 * 1024)) / 10:.1f}",
                    limit=self.utility_import_max_size_mb,
                )
            )


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"  # pylint: disable=consider-merging-classes-inherited

    utility_import_max_size_mb = fields.Integer(
        related="company_id.utility_import_max_size_mb", readonly=False
    )
    utility_import_max_amount = fields.Monetary(
        related="company_id.utility_import_max_amount", readonly=False
    )
