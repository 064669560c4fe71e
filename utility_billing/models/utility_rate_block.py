# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class UtilityRateBlock(models.Model):
    """One block of a block line, stored by its lower threshold.

    A block runs from its ``quantity_from`` (included) up to the next block's
    ``quantity_from`` (excluded); the last block is open-ended. Thresholds are
    per standard period, in the schedule's usage unit: the first block starts
    at 0 and no two blocks start at the same quantity, so blocks can neither
    overlap nor leave gaps. Prices may go up (inclining) or down (declining).
    """

    _name = "utility.rate.block"
    _description = "Utility Rate Block"
    _order = "line_id, quantity_from, id"

    line_id = fields.Many2one(
        "utility.rate.line", string="Rate Line", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(
        related="line_id.company_id", store=True, precompute=True, index=True
    )
    quantity_from = fields.Float(string="From", digits=(16, 6), required=True, default=0.0)
    quantity_to = fields.Float(
        string="To",
        digits=(16, 6),
        compute="_compute_quantity_to",
        help="Start of the next block; empty for the last, open-ended block.",
    )
    price_unit = fields.Float(string="Unit Price", digits=(16, 6), required=True)
    usage_unit = fields.Selection(related="line_id.usage_unit")

    _sql_constraints = [
        (
            "quantity_from_check",
            "CHECK(quantity_from >= 0)",
            "A block cannot start below 0.",
        ),
        (
            "price_unit_check",
            "CHECK(price_unit >= 0)",
            "A block price cannot be negative.",
        ),
    ]

    def write(self, vals):
        tracked = [name for name in ("quantity_from", "price_unit") if name in vals]
        before = {block: {name: block[name] for name in tracked} for block in self}
        result = super().write(vals)
        if tracked:
            self.line_id._post_price_changes(
                [
                    (
                        block.line_id,
                        self.env._(
                            "block from %(start)s, %(what)s",
                            start=f"{values.get('quantity_from', block.quantity_from):g}",
                            what=block._fields[name].string,
                        ),
                        old,
                        block[name],
                    )
                    for block, values in before.items()
                    for name, old in values.items()
                    if old != block[name]
                ]
            )
        return result

    @api.depends("line_id.block_ids.quantity_from", "quantity_from")
    def _compute_quantity_to(self):
        for block in self:
            above = [
                other.quantity_from
                for other in block.line_id.block_ids
                if other.quantity_from > block.quantity_from
            ]
            block.quantity_to = min(above) if above else 0.0

    @api.constrains("quantity_from", "price_unit", "line_id")
    def _check_blocks(self):
        problems = []
        for line in self.line_id:
            problems.extend(line.block_ids._get_block_problems(line))
        if problems:
            raise ValidationError("\n".join(problems))

    def _get_block_problems(self, line):
        """Problems of the blocks ``self`` of ``line`` as translated sentences."""
        if not self:
            return [
                self.env._(
                    "%(line)s: a block line needs at least one block starting at 0.",
                    line=line.name,
                )
            ]
        problems = []
        thresholds = sorted(self.mapped("quantity_from"))
        if thresholds[0] != 0:
            problems.append(
                self.env._(
                    "%(line)s: the first block must start at 0, not at %(start)s.",
                    line=line.name,
                    start=f"{thresholds[0]:g}",
                )
            )
        duplicates = sorted({t for t in thresholds if thresholds.count(t) > 1})
        if duplicates:
            problems.append(
                self.env._(
                    "%(line)s: blocks overlap, several blocks start at %(quantities)s.",
                    line=line.name,
                    quantities=", ".join(f"{t:g}" for t in duplicates),
                )
            )
        negatives = self.filtered(lambda b: b.quantity_from < 0 or b.price_unit < 0)
        if negatives:
            problems.append(
                self.env._(
                    "%(line)s: block thresholds and prices cannot be negative.",
                    line=line.name,
                )
            )
        return problems
