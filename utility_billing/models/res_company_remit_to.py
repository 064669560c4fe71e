# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResCompany(models.Model):
    """Where customers mail their payments: often a P.O. Box or the bank's
    lockbox, not the office's street address. Printed on bills (the stub seen
    through a return envelope's window), receipts, statements and letters that
    ask for a payment. Left empty, it is the company's name and address."""

    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

    utility_remit_to_name = fields.Char(
        string="Remit-To Name",
        help="Payee printed above the remittance address, e.g. the utility or the "
        "bank's lockbox. Empty: the company's name.",
    )
    utility_remit_to_address = fields.Text(
        string="Remit-To Address",
        help="The address payments are mailed to, one line per printed line (e.g. "
        "P.O. Box 310 / Prairie City, IA 50228-0310). Empty: the company's address.",
    )

    def _get_utility_remit_to(self):
        """The remit-to lines as printed: the name, then the address lines
        (at most four lines in all: what a return envelope's window shows)."""
        self.ensure_one()
        name = (self.utility_remit_to_name or "").strip() or self.name or ""
        address = [
            line.strip()
            for line in (self.utility_remit_to_address or "").splitlines()
            if line.strip()
        ]
        if not address:
            # The company's address as a bill prints every address.
            address = self.env["account.move"]._prepare_bill_address(
                self.partner_id, self.partner_id
            )
        return (name, *address)[:4]
