# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Payments drafted by an autopay file: one journal entry per file."""

from odoo import fields, models


class UtilityPayment(models.Model):
    _inherit = "utility.payment"  # pylint: disable=consider-merging-classes-inherited
    autopay_file_id = fields.Many2one(
        "utility.autopay.file",
        readonly=True,
        copy=False,
        index="btree_not_null",
        check_company=True,
    )

    def _get_move_group_key(self):
        """The debits of one autopay file share one entry: the bank settles the file
        as one credit on the statement."""
        self.ensure_one()
        if self.autopay_file_id:
            return ("utility.autopay.file", self.autopay_file_id.id)
        return super()._get_move_group_key()

    def _get_group_label(self):
        files = self.autopay_file_id
        if len(files) == 1 and all(self.mapped("autopay_file_id")):
            return self.env._(
                "Autopay %(file)s: %(count)s debits", file=files.name, count=len(self)
            )
        return super()._get_group_label()
