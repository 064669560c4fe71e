# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class IrSequence(models.Model):
    _inherit = "ir.sequence"

    @api.model
    def _utility_next_numbers(self, sequence_code, count):
        """``count`` numbers of the sequence ``sequence_code`` in one query.

        A lockbox file of 10,000 payments gets its 10,000 receipt numbers at
        once instead of one ``next_by_code`` query each. Sequences with date
        ranges or without a PostgreSQL sequence fall back to ``next_by_code``.
        """
        if count <= 0:
            return []
        sequence = self.search(
            [("code", "=", sequence_code), ("company_id", "in", [self.env.company.id, False])],
            order="company_id",
            limit=1,
        )
        if not sequence:
            return [False] * count
        if sequence.implementation != "standard" or sequence.use_date_range:
            return [sequence._next() for _i in range(count)]
        self.env.cr.execute(
            "SELECT nextval(%s) FROM generate_series(1, %s)",
            [f"ir_sequence_{sequence.id:03d}", count],
        )
        return [sequence.get_next_char(row[0]) for row in self.env.cr.fetchall()]
