# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date

from ..lib import reading_files
from ..models.utility_meter_reading import READ_TYPES


class UtilityMeterReadingImport(models.TransientModel):
    """Import a handheld, AMR or AMI readings file.

    Check first: every row is parsed and matched against the database in a
    fixed number of queries, and the clerk sees each row with its status.
    Import creates every reading in one call, in one transaction, only when
    no row has an error; importing only the good rows is a separate,
    explicit choice that records the file as partially imported. Either way
    the file is recorded by checksum and cannot be imported again.
    """

    _name = "utility.meter.reading.import"
    _inherit = ["utility.file.import.mixin"]
    _description = "Import Meter Readings"
    _imported_file_model = "utility.reading.file"

    layout_id = fields.Many2one(
        "utility.reading.file.layout",
        required=True,
        check_company=True,
        default=lambda self: self._default_layout_id(),
    )
    has_account = fields.Boolean(related="layout_id.has_account")
    line_ids = fields.One2many(
        "utility.meter.reading.import.line", "import_id", string="Preview", readonly=True
    )

    # ------------------------------------------------------------------
    # Checking
    # ------------------------------------------------------------------
    def _check_upload(self):
        if not self.file_data:
            raise UserError(self.env._("Choose the readings file to import."))

    def _parse_content(self, content, config):
        return reading_files.parse(content, config)

    def _match_rows(self, rows, _config):
        """Check every row against meters, accounts and readings in a few queries.

        Adds an error to each row the database refuses: unknown or uninstalled
        meter, account not the meter's current one, date in the future, a
        reading already recorded for that meter and day, a date the meter is
        already billed for.

        :return: dict line number -> (meter, account), empty records when not found
        """
        meters = self._find_meters({row.meter for row in rows if row.meter})
        accounts = self._current_accounts(meters)
        existing = self._existing_readings(rows, meters)
        billed_until = self._billed_until(meters)
        today = fields.Date.context_today(self)
        meter_states = dict(
            self.env["utility.meter"]._fields["state"]._description_selection(self.env)
        )
        Meter, Account = self.env["utility.meter"], self.env["utility.account"]
        matches = {}
        for row in rows:
            meter = meters.get(row.meter, Meter)
            account = accounts.get(meter.id, Account)
            matches[row.line_number] = (meter, account)
            if row.date and row.date > today:
                row.add_error(
                    self.env._(
                        "date %(date)s is in the future", date=format_date(self.env, row.date)
                    )
                )
            if not row.meter:
                continue
            if not meter:
                row.add_error(self.env._("unknown meter '%(meter)s'", meter=row.meter))
                continue
            if row.value is not None:
                problem = reading_files.reading_value_problem(row.value, meter.dials)
                if problem:
                    row.add_error(
                        self.env._(
                            "reading %(value)s %(problem)s (meter %(meter)s)",
                            value=row.value,
                            problem=problem,
                            meter=row.meter,
                        )
                    )
            if meter.state != "installed":
                row.add_error(
                    self.env._(
                        "meter %(meter)s is not installed (%(state)s)",
                        meter=row.meter,
                        state=meter_states.get(meter.state, meter.state),
                    )
                )
            if row.account and self.has_account and row.account != account.name:
                if account:
                    row.add_error(
                        self.env._(
                            "account %(file_account)s is not the account of meter %(meter)s "
                            "(%(account)s)",
                            file_account=row.account,
                            meter=row.meter,
                            account=account.name,
                        )
                    )
                else:
                    row.add_error(
                        self.env._(
                            "meter %(meter)s has no open account (the file says %(account)s)",
                            meter=row.meter,
                            account=row.account,
                        )
                    )
            reading = existing.get((meter.id, row.date))
            if reading:
                row.add_error(self._duplicate_message(reading))
            elif row.date and meter in billed_until and row.date <= billed_until[meter]:
                row.add_error(
                    self.env._(
                        "meter %(meter)s is billed up to %(billed)s: a reading dated %(date)s "
                        "would change a bill (correct it by cancel-and-rebill)",
                        meter=row.meter,
                        billed=format_date(self.env, billed_until[meter]),
                        date=format_date(self.env, row.date),
                    )
                )
        return matches

    def _find_meters(self, serials):
        """Meters by serial number (unique per company), in one query."""
        meters = self.env["utility.meter"].search(
            [("name", "in", list(serials)), ("company_id", "=", self.company_id.id)]
        )
        return {meter.name: meter for meter in meters}

    def _current_accounts(self, meters):
        """The account each meter serves now (the meter's own definition, batched).

        :param meters: dict serial -> meter
        :return: dict meter id -> utility.account
        """
        found = self.env["utility.meter"].union(*meters.values())
        # One computation for the whole recordset: the compute runs on the prefetch set.
        return {meter.id: meter.account_id for meter in found if meter.account_id}

    def _existing_readings(self, rows, meters):
        """Readings already recorded for the meters and days of the file, in one query.

        :return: dict (meter id, date) -> utility.meter.reading
        """
        meter_ids = [meter.id for meter in meters.values()]
        dates = list({row.date for row in rows if row.date})
        if not meter_ids or not dates:
            return {}
        readings = self.env["utility.meter.reading"].search(
            [
                ("meter_id", "in", meter_ids),
                ("date", "in", dates),
                ("state", "!=", "cancelled"),
            ]
        )
        return {(reading.meter_id.id, reading.date): reading for reading in readings}

    def _billed_until(self, meters):
        """Date of the last billed reading of each meter, in one query.

        :return: dict meter -> date
        """
        if not meters:
            return {}
        return dict(
            self.env["utility.meter.reading"]._read_group(
                [
                    ("meter_id", "in", [meter.id for meter in meters.values()]),
                    ("state", "=", "billed"),
                ],
                ["meter_id"],
                ["date:max"],
            )
        )

    def _duplicate_message(self, reading):
        date = format_date(self.env, reading.date)
        if reading.file_id:
            return self.env._(
                "already imported (reading of %(date)s from file %(file)s)",
                date=date,
                file=reading.file_id.name,
            )
        origin = dict(reading._fields["source"]._description_selection(self.env)).get(
            reading.source, reading.source
        )
        return self.env._(
            "a reading of %(date)s is already recorded for this meter (%(origin)s)",
            date=date,
            origin=origin,
        )

    def _prepare_line_vals(self, row, meter, account):
        return {
            "import_id": self.id,
            "line_number": row.line_number,
            "meter_serial": row.meter,
            "account_number": row.account,
            "date": row.date,
            "value": row.value if row.value is not None else 0,
            "read_type": row.read_type or "actual",
            "reader": row.reader,
            "note": row.note,
            "meter_id": meter.id,
            "account_id": account.id,
            "status": "ok" if row.is_valid else "error",
            "message": "\n".join(row.errors),
        }

    # ------------------------------------------------------------------
    # Importing
    # ------------------------------------------------------------------
    def _import_rows(self, result, matches):
        """Record the file and create the readings of its valid rows, in one call each."""
        valid, rejected = result.valid_rows, result.invalid_rows
        file = self.env["utility.reading.file"].create(self._prepare_file_vals(result))
        # The reading's create runs the read edits on the whole batch at once. The file's
        # chatter tells the import once; a "created" message on each of thousands of
        # readings would only bloat the database.
        self.env["utility.meter.reading"].with_context(
            mail_create_nolog=True, mail_create_nosubscribe=True
        ).create(
            [self._prepare_reading_vals(row, file, *matches[row.line_number]) for row in valid]
        )
        file.message_post(
            body=self.env._(
                "%(readings)s readings imported from %(rows)s rows, %(rejected)s rows rejected.",
                readings=len(valid),
                rows=len(result.rows),
                rejected=len(rejected),
            )
        )
        return self._action_open_file(file)

    def _get_default_file_name(self):
        return self.env._("Readings file")

    def _prepare_reading_vals(self, row, file, meter, _account):
        vals = {
            "meter_id": meter.id,
            "date": row.date,
            "value": row.value,
            "read_type": row.read_type or "actual",
            "source": "import",
            "file_id": file.id,
        }
        # The service (hence the account) is found by the reading from the meter
        # at the read date; the account checked above is the same one today.
        note = " / ".join(filter(None, [row.reader and f"[{row.reader}]", row.note]))
        if note:
            vals["note"] = note
        return vals


class UtilityMeterReadingImportLine(models.TransientModel):
    """One row of the file as the check saw it: what it says and whether it can go in."""

    _name = "utility.meter.reading.import.line"
    _description = "Import Meter Readings: Row"
    _order = "import_id, line_number"

    import_id = fields.Many2one(
        "utility.meter.reading.import", required=True, ondelete="cascade", index=True
    )
    line_number = fields.Integer(string="Line")
    meter_serial = fields.Char(string="Meter")
    account_number = fields.Char(string="Account")
    date = fields.Date(string="Read Date")
    value = fields.Float(string="Reading", digits=(16, 3))
    read_type = fields.Selection(READ_TYPES)
    reader = fields.Char()
    note = fields.Char()
    meter_id = fields.Many2one("utility.meter", string="Meter Found")
    account_id = fields.Many2one("utility.account", string="Account Found")
    status = fields.Selection([("ok", "OK"), ("error", "Error")], required=True)
    message = fields.Text()
