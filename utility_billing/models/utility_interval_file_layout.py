# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from ..lib import interval_files


class UtilityIntervalFileLayout(models.Model):
    """Where the meter, the time and the usage sit in one head-end's interval
    file, and how long its intervals are. Turned into the parser configuration
    of :mod:`..lib.interval_files`."""

    _name = "utility.interval.file.layout"
    _inherit = ["utility.file.layout.mixin"]
    _description = "Interval File Layout"

    has_header = fields.Boolean(
        string="Header Row", default=True, help="The first line names the columns."
    )
    date_format = fields.Char(
        string="Time Format",
        required=True,
        default="YYYY-MM-DD HH:MI; YYYY-MM-DD HH:MI:SS; MM/DD/YYYY HH:MI",
        help="YYYY, MM, DD, HH, MI (minutes), SS and any separators. Several formats "
        "separated by ';' are tried in order. Times are the city's clock (the time zone of "
        "the user who imports).",
    )
    meter_column = fields.Char(string="Meter Number Column", default="Meter_ID")
    time_column = fields.Char(string="Interval Time Column", default="Read_Time")
    usage_column = fields.Char(default="Consumption")
    interval_minutes = fields.Integer(string="Interval Length (Minutes)", default=60)
    time_marks = fields.Selection(
        [("start", "Start of the Interval"), ("end", "End of the Interval")],
        string="The Time Is The",
        required=True,
        default="start",
    )

    def _get_parser_config_fields(self):
        return [
            *super()._get_parser_config_fields(),
            "meter_column",
            "time_column",
            "usage_column",
            "interval_minutes",
            "time_marks",
        ]

    def _get_parser_config(self):
        """The pure parser configuration of this layout.

        :raises interval_files.LayoutError: listing every problem of the layout
        """
        self.ensure_one()
        config = interval_files.IntervalLayoutConfig(
            delimiter=self._get_delimiter(),
            quotechar=self.quotechar or "",
            has_header=self.has_header,
            date_formats=interval_files.reading_files.split_date_formats(self.date_format),
            decimal_separator=self.decimal_separator,
            columns={
                target: (self[f"{target}_column"] or "").strip()
                for target in interval_files.TARGETS
            },
            interval_minutes=self.interval_minutes,
            time_marks=self.time_marks,
        )
        config.validate()
        return config
