# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Payments of the payment files: one journal entry per file, in its bank journal."""

from odoo import api, fields, models

from .utility_payment_poster import ZERO


class UtilityPayment(models.Model):
    _inherit = "utility.payment"  # pylint: disable=consider-merging-classes-inherited

    payment_file_id = fields.Many2one(
        "utility.payment.file",
        readonly=True,
        copy=False,
        index="btree_not_null",
        check_company=True,
    )
    is_from_suspense = fields.Boolean(
        string="Posted from Suspense",
        readonly=True,
        copy=False,
        help="A file transaction no account matched at import, posted later by a clerk: "
        "its money comes from the unapplied payments account.",
    )

    def _get_move_group_key(self):
        """The payments of one file share one entry: the bank credits the file as one sum."""
        self.ensure_one()
        if self.payment_file_id and not self.is_from_suspense:
            return ("utility.payment.file", self.payment_file_id.id)
        return super()._get_move_group_key()

    def _get_debit_account(self):
        """A suspense item posted later moves its money off the unapplied payments account."""
        self.ensure_one()
        if self.is_from_suspense:
            return self.company_id._get_utility_suspense_account()
        return super()._get_debit_account()

    def _get_group_label(self):
        files = self.payment_file_id
        if len(files) == 1 and not any(self.mapped("is_from_suspense")):
            return self.env._(
                "%(file)s: %(count)s payments", file=files._get_move_label(), count=len(self)
            )
        return super()._get_group_label()


class UtilityPaymentPoster(models.AbstractModel):
    _inherit = "utility.payment.poster"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _prepare_move_vals(self, group, allocated):
        """The file's entry also carries its suspense items: one credit each on the
        unapplied payments account, and the debit grows by their total, so the
        entry's debit is what the bank received for the whole file."""
        vals = super()._prepare_move_vals(group, allocated)
        file = group.payment_file_id
        if len(file) != 1 or any(group.mapped("is_from_suspense")):
            return vals
        extra = file.line_ids._prepare_suspense_credit_line_vals()
        if extra:
            debit = next(command[2] for command in vals["line_ids"] if command[2].get("debit"))
            # Decimal cents on both sides: the sum is exact.
            debit["debit"] += sum((command[2]["credit"] for command in extra), ZERO)
            debit["partner_id"] = False
            vals["line_ids"] += extra
        return vals
