# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import pytz

from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools import format_datetime

from ..lib import interval_files

# The preview shows the rows with errors first, then good rows, up to this many:
# an interval file has hundreds of thousands of rows.
PREVIEW_ROWS = 500
# Rows per COPY: bounds the values held at once.
INSERT_CHUNK = 100000


class UtilityMeterIntervalImport(models.TransientModel):
    """Import an interval (AMI) file: what each meter used in each hour.

    As the readings import: check first (every row parsed and matched in a
    fixed number of queries), then import the whole file or nothing, or the
    good rows only on request; the file is recorded by checksum and cannot
    be imported twice. The rows go in with one COPY per 100,000
    (``utility.sql.writer``), never one create per row.
    """

    _name = "utility.meter.interval.import"
    _inherit = ["utility.file.import.mixin"]
    _description = "Import Interval Reads"
    _imported_file_model = "utility.interval.file"
    _preview_errors_first = True

    layout_id = fields.Many2one(
        "utility.interval.file.layout",
        required=True,
        check_company=True,
        default=lambda self: self._default_layout_id(),
    )
    line_ids = fields.One2many(
        "utility.meter.interval.import.line", "import_id", string="Preview", readonly=True
    )

    # ------------------------------------------------------------------
    # Checking
    # ------------------------------------------------------------------
    def _check_upload(self):
        if not self.file_data:
            raise UserError(self.env._("Choose the interval file to import."))

    def _parse_content(self, content, config):
        result = interval_files.parse(content, config)
        interval_files.to_utc(result.rows, self._get_file_zone())
        return result

    def _get_file_zone(self):
        """The head-end writes the city's clock: the importing clerk's time zone."""
        try:
            return pytz.timezone(self.env.context.get("tz") or self.env.user.tz or "UTC")
        except pytz.UnknownTimeZoneError:
            return pytz.utc

    def _match_rows(self, rows, _config):
        """Check every row against meters and interval reads in a few queries.

        Adds an error to each row the database refuses: unknown meter, meter
        not installed, an interval in the future, an interval already read.

        :return: dict line number -> (meter,), an empty record when not found
        """
        meters = self._find_meters({row.meter for row in rows if row.meter})
        existing = self._existing_intervals(rows, meters)
        now = fields.Datetime.now()
        meter_states = dict(
            self.env["utility.meter"]._fields["state"]._description_selection(self.env)
        )
        Meter = self.env["utility.meter"]
        matches = {}
        for row in rows:
            meter = meters.get(row.meter, Meter)
            matches[row.line_number] = (meter,)
            if row.start and row.start > now:
                row.add_error(
                    self.env._(
                        "interval %(time)s is in the future",
                        time=format_datetime(self.env, row.start, dt_format="short"),
                    )
                )
            if not row.meter:
                continue
            if not meter:
                row.add_error(self.env._("unknown meter '%(meter)s'", meter=row.meter))
                continue
            if meter.state != "installed":
                row.add_error(
                    self.env._(
                        "meter %(meter)s is not installed (%(state)s)",
                        meter=row.meter,
                        state=meter_states.get(meter.state, meter.state),
                    )
                )
            if (meter.id, row.start) in existing:
                row.add_error(
                    self.env._(
                        "meter %(meter)s already has the interval of %(time)s",
                        meter=row.meter,
                        time=format_datetime(self.env, row.start, dt_format="short"),
                    )
                )
        return matches

    def _find_meters(self, serials):
        """Meters by serial number (unique per company), in one query."""
        meters = self.env["utility.meter"].search_fetch(
            [("name", "in", list(serials)), ("company_id", "=", self.company_id.id)],
            ["name", "state", "unit"],
        )
        return {meter.name: meter for meter in meters}

    def _existing_intervals(self, rows, meters):
        """(meter id, start) of the intervals already read for the file's meters
        and times, in one query."""
        starts = [row.start for row in rows if row.start]
        if not meters or not starts:
            return set()
        self.env["utility.meter.interval"].flush_model()
        self.env.cr.execute(
            """
            SELECT meter_id, date_start FROM utility_meter_interval
             WHERE meter_id = ANY(%s) AND date_start BETWEEN %s AND %s
            """,
            [[meter.id for meter in meters.values()], min(starts), max(starts)],
        )
        return set(self.env.cr.fetchall())

    def _write_preview(self, result, matches):
        """The rows with errors first, then good rows, at most PREVIEW_ROWS."""
        shown = (result.invalid_rows + result.valid_rows)[:PREVIEW_ROWS]
        self.line_ids.unlink()
        self.env["utility.meter.interval.import.line"].create(
            [self._prepare_line_vals(row, *matches[row.line_number]) for row in shown]
        )
        self.write(self._prepare_preview_vals(result, matches))

    def _prepare_line_vals(self, row, meter):
        return {
            "import_id": self.id,
            "line_number": row.line_number,
            "meter_serial": row.meter,
            "date_start": row.start,
            "usage": row.usage if row.usage is not None else 0,
            "meter_id": meter.id,
            "status": "ok" if row.is_valid else "error",
            "message": "\n".join(row.errors),
        }

    # ------------------------------------------------------------------
    # Importing
    # ------------------------------------------------------------------
    def _import_rows(self, result, matches):
        """Record the file and write the intervals of its valid rows in bulk."""
        Interval = self.env["utility.meter.interval"]
        Interval.check_access("create")
        valid, rejected = result.valid_rows, result.invalid_rows
        starts = [row.start for row in valid]
        file = self.env["utility.interval.file"].create(
            dict(
                self._prepare_file_vals(result),
                date_from=min(starts, default=False),
                date_to=max(starts, default=False),
            )
        )
        minutes = self.layout_id.interval_minutes
        company_id = self.company_id.id
        writer = self.env["utility.sql.writer"]
        for start in range(0, len(valid), INSERT_CHUNK):
            writer._bulk_insert(
                "utility.meter.interval",
                [
                    {
                        "meter_id": matches[row.line_number][0].id,
                        "company_id": company_id,
                        "date_start": row.start,
                        "interval_minutes": minutes,
                        "usage": row.usage,
                        "file_id": file.id,
                    }
                    for row in valid[start : start + INSERT_CHUNK]
                ],
            )
        file.message_post(
            body=self.env._(
                "%(intervals)s interval reads imported from %(rows)s rows, %(rejected)s rows "
                "rejected.",
                intervals=f"{len(valid):,}",
                rows=f"{len(result.rows):,}",
                rejected=f"{len(rejected):,}",
            )
        )
        return self._action_open_file(file)

    def _get_default_file_name(self):
        return self.env._("Interval file")


class UtilityMeterIntervalImportLine(models.TransientModel):
    """One row of the file as the check saw it."""

    _name = "utility.meter.interval.import.line"
    _description = "Import Interval Reads: Row"
    _order = "import_id, status, line_number"

    import_id = fields.Many2one(
        "utility.meter.interval.import", required=True, ondelete="cascade", index=True
    )
    line_number = fields.Integer(string="Line")
    meter_serial = fields.Char(string="Meter")
    date_start = fields.Datetime(string="Interval Start")
    usage = fields.Float(digits=(16, 3))
    meter_id = fields.Many2one("utility.meter", string="Meter Found")
    status = fields.Selection([("ok", "OK"), ("error", "Error")], required=True)
    message = fields.Text()
