# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class AccountMove(models.Model):
    """The invoice form's *Print* of a utility bill prints the utility bill.

    Odoo's button prints its generic invoice; for a customer of the utility
    the document is the bill with its remittance stub. Odoo's invoice stays
    one click away (*Print Invoice*, and the Print menu's "PDF without
    Payment") for the accountants.
    """

    _inherit = "account.move"  # pylint: disable=consider-merging-classes-inherited

    def action_print_pdf(self):
        self.ensure_one()
        if self.utility_account_id and self.move_type == "out_invoice":
            report = self.env.ref("utility_billing.action_report_utility_bill")
            # Drawn by reportlab: Odoo's document layout does not apply, so its
            # designer must not pop up first.
            return report.report_action(self, config=False)
        return super().action_print_pdf()

    def _is_utility_bill_portal_document(self):
        """The customer's portal shows this entry as the utility bill the city
        mails: a posted customer invoice of a utility account (False for no record)."""
        if not self:
            return False
        self.ensure_one()
        return bool(
            self.utility_account_id and self.move_type == "out_invoice" and self.state == "posted"
        )

    def action_print_odoo_invoice(self):
        """Odoo's own invoice of a utility bill (what the Print button gave before)."""
        self.ensure_one()
        return self.env.ref("account.account_invoices").report_action(self.id)
