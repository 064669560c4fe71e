# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from ..lib import nacha

# What a clerk below Billing Specialist sees of a bank account: its last four.
SECRET_FIELDS = ("acc_number", "sanitized_acc_number", "aba_routing")
CASHIER = "utility_billing.group_utility_cashier"
BILLING = "utility_billing.group_utility_billing"


def mask_read(records, result):
    """``read`` values of ``records`` with the bank numbers masked for the user."""
    if records.env["res.partner.bank"]._is_utility_masked():
        for values in result:
            for name in SECRET_FIELDS:
                if values.get(name):
                    values[name] = nacha.mask_last_four(values[name])
    return result


def mask_export(records, fields, rows):
    """Exported ``rows`` of ``records`` with the bank numbers masked for the user."""
    if records.env["res.partner.bank"]._is_utility_masked():
        secret = [index for index, path in enumerate(fields) if path and path[0] in SECRET_FIELDS]
        for row in rows:
            for index in secret:
                if row[index]:
                    row[index] = nacha.mask_last_four(row[index])
    return rows


class ResPartnerBank(models.Model):
    _inherit = "res.partner.bank"

    # Same field as l10n_us's: with it installed, both modules share one column.
    aba_routing = fields.Char(
        string="ABA/Routing", help="American Bankers Association Routing Number"
    )

    @api.constrains("aba_routing", "acc_number")
    def _check_utility_autopay_bank(self):
        """A bank account that autopay drafts keeps a valid routing and account number."""
        enrollments = (
            self.env["utility.autopay.enrollment"]
            .sudo()
            .search([("bank_id", "in", self.ids), ("state", "!=", "cancelled")])
        )
        enrollments._check_bank_details()

    # ------------------------------------------------------------------
    # Masked for cashiers and CSRs (SPEC 2.10): forms, lists, exports, RPC
    # ------------------------------------------------------------------
    @api.model
    def _is_utility_masked(self):
        """True for a utility clerk below Billing Specialist (cashier, CSR)."""
        user = self.env.user
        return not self.env.su and user.has_group(CASHIER) and not user.has_group(BILLING)

    @api.depends_context("uid")
    def _compute_display_name(self):
        if not self._is_utility_masked():
            return super()._compute_display_name()
        for bank, raw in zip(self, self.sudo(), strict=True):
            number = nacha.mask_last_four(raw.acc_number)
            bank.display_name = f"{number} - {raw.bank_id.name}" if raw.bank_id else number

    def _read_format(self, fnames, load="_classic_read"):
        return mask_read(self, super()._read_format(fnames, load=load))

    def _export_rows(self, fields, *, _is_toplevel_call=True):
        rows = super()._export_rows(fields, _is_toplevel_call=_is_toplevel_call)
        return mask_export(self, fields, rows)
