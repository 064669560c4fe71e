# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..lib import reading_files

DELIMITER_ALIASES = {"tab": "\t", "\\t": "\t", "space": " "}


class UtilityFileLayoutMixin(models.AbstractModel):
    """Where each value sits in the files of one source: what the reading and
    the payment file layouts share.

    The layout that inherits this turns itself into the configuration of its
    pure parser (:meth:`_get_parser_config`, raising
    :class:`..lib.reading_files.LayoutError`) and names the fields that
    configuration is made of (:meth:`_get_parser_config_fields`): a layout
    the parser cannot use is never saved.
    """

    _name = "utility.file.layout.mixin"
    _description = "File Layout (shared by the file layouts)"
    _order = "sequence, name, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        default=lambda self: self.env.company,
        help="Leave empty to share the layout between companies.",
    )
    delimiter = fields.Char(
        default=",",
        trim=False,
        help="One character; type 'tab' for tab-separated files.",
    )
    quotechar = fields.Char(string="Quote Character", default='"', size=1, trim=False)
    decimal_separator = fields.Selection(
        [(".", "Point (1234.5)"), (",", "Comma (1234,5)")],
        required=True,
        default=".",
    )
    note = fields.Text()

    def _get_parser_config_fields(self):
        """The fields the parser configuration is made of: a change to any is checked."""
        return ["has_header", "delimiter", "quotechar", "date_format", "decimal_separator"]

    @api.constrains(lambda self: self._get_parser_config_fields())
    def _check_parser_config(self):
        problems = []
        for layout in self:
            try:
                layout._get_parser_config()
            except reading_files.LayoutError as error:
                problems.append(f"{layout.name}: {error}")
        if problems:
            raise ValidationError(
                self.env._(
                    "The layout cannot read a file:\n%(problems)s", problems="\n".join(problems)
                )
            )

    def _get_parser_config(self):
        """The pure parser configuration of this layout.

        :raises reading_files.LayoutError: listing every problem of the layout
        """
        raise NotImplementedError()

    def _get_delimiter(self):
        """The delimiter character, 'tab' and 'space' spelled out being allowed."""
        delimiter = self.delimiter or ","
        return DELIMITER_ALIASES.get(delimiter.strip().lower(), delimiter)
