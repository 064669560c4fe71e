# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from ..lib import reading_files


class UtilityReadingFileLayout(models.Model):
    """Where each value sits in a reading file of one source.

    A city has one layout per source (handheld vendor, AMR drive-by software,
    AMI head-end export): CSV columns by header name or by number, or fixed
    width fields by start position and length. The layout is turned into the
    parser configuration of :mod:`..lib.reading_files`.
    """

    _name = "utility.reading.file.layout"
    _inherit = ["utility.file.layout.mixin"]
    _description = "Reading File Layout"

    file_format = fields.Selection(
        [("csv", "Delimited (CSV)"), ("fixed", "Fixed Width")],
        required=True,
        default="csv",
    )
    has_header = fields.Boolean(
        string="Header Row",
        default=True,
        help="The first line names the columns (CSV) or is a title line to skip (fixed width).",
    )
    date_format = fields.Char(
        required=True,
        default="MM/DD/YYYY",
        help="YYYY, YY, MM, DD, HH, MI (minutes), SS and any separators, e.g. MM/DD/YYYY, "
        "YYYYMMDD or YYYY-MM-DD HH:MI:SS (the time is ignored). Several formats separated "
        "by ';' are tried in order.",
    )
    read_type_codes = fields.Char(
        default="A=actual,E=estimated,C=customer,K=check",
        help="How the file writes read types: CODE=type separated by commas. Types: "
        "actual, estimated, customer, check, final, initial. A row without a code is actual.",
    )

    # ------------------------------------------------------------------
    # CSV columns: a header name, or a column number (1 = first column)
    # ------------------------------------------------------------------
    meter_column = fields.Char(string="Meter Number Column")
    account_column = fields.Char(
        string="Account Number Column",
        help="When set, the account number of each row must be the meter's current account.",
    )
    date_column = fields.Char(string="Read Date Column")
    value_column = fields.Char(string="Reading Column")
    read_type_column = fields.Char()
    reader_column = fields.Char()
    note_column = fields.Char()

    # ------------------------------------------------------------------
    # Fixed width fields: start position (1 = first character) and length
    # ------------------------------------------------------------------
    meter_start = fields.Integer(string="Meter Number Start")
    meter_length = fields.Integer(string="Meter Number Length")
    account_start = fields.Integer(string="Account Number Start")
    account_length = fields.Integer(string="Account Number Length")
    date_start = fields.Integer(string="Read Date Start")
    date_length = fields.Integer(string="Read Date Length")
    value_start = fields.Integer(string="Reading Start")
    value_length = fields.Integer(string="Reading Length")
    read_type_start = fields.Integer()
    read_type_length = fields.Integer()
    reader_start = fields.Integer()
    reader_length = fields.Integer()
    note_start = fields.Integer()
    note_length = fields.Integer()
    record_type_start = fields.Integer(
        help="Route files mix header, reading and trailer records: only lines whose "
        "record type is the value below are readings.",
    )
    record_type_length = fields.Integer()
    record_type_value = fields.Char(string="Reading Record Type")

    has_account = fields.Boolean(
        compute="_compute_has_account",
        help="The file carries account numbers, checked against the meter's account.",
    )

    @api.depends("file_format", "account_column", "account_start", "account_length")
    def _compute_has_account(self):
        for layout in self:
            if layout.file_format == "csv":
                layout.has_account = bool(layout.account_column)
            else:
                layout.has_account = bool(layout.account_start and layout.account_length)

    def _get_parser_config_fields(self):
        return [
            *super()._get_parser_config_fields(),
            "file_format",
            "read_type_codes",
            *(f"{target}_column" for target in reading_files.TARGETS),
            *(f"{target}_start" for target in reading_files.TARGETS),
            *(f"{target}_length" for target in reading_files.TARGETS),
            "record_type_start",
            "record_type_length",
        ]

    def _get_parser_config(self):
        """The pure parser configuration of this layout.

        :raises reading_files.LayoutError: listing every problem of the layout
        """
        self.ensure_one()
        columns, positions = {}, {}
        for target in reading_files.TARGETS:
            if self.file_format == "csv":
                column = (self[f"{target}_column"] or "").strip()
                if column:
                    columns[target] = column
            else:
                start, length = self[f"{target}_start"], self[f"{target}_length"]
                if start or length:
                    positions[target] = (start, length)
        record_type = ""
        if self.file_format == "fixed" and self.record_type_start:
            positions["record_type"] = (self.record_type_start, self.record_type_length or 1)
            record_type = self.record_type_value or ""
        config = reading_files.LayoutConfig(
            file_format=self.file_format,
            delimiter=self._get_delimiter(),
            quotechar=self.quotechar or "",
            has_header=self.has_header,
            date_formats=reading_files.split_date_formats(self.date_format),
            decimal_separator=self.decimal_separator,
            columns=columns,
            positions=positions,
            read_type_codes=reading_files.parse_read_type_codes(self.read_type_codes),
            record_type=record_type,
        )
        config.validate()
        return config
