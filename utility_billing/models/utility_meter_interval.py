# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class UtilityMeterInterval(models.Model):
    """What a meter used in one interval, as the AMI head-end reported it.

    One row per meter and interval start (the database refuses a second one).
    Rows come in by the thousands from interval files
    (``utility.meter.interval.import``), written in bulk: no chatter, no
    per-row create. They feed the leak alerts and are never edited: a wrong
    file is deleted with its intervals by a supervisor and imported again.
    """

    _name = "utility.meter.interval"
    _description = "Meter Interval Read (AMI)"
    _order = "meter_id, date_start"
    _check_company_auto = True

    meter_id = fields.Many2one(
        "utility.meter", required=True, readonly=True, ondelete="restrict", check_company=True
    )
    # No index: the reads are found by meter and time (the unique index) or by file.
    company_id = fields.Many2one("res.company", required=True, readonly=True)
    date_start = fields.Datetime(string="Interval Start", required=True, readonly=True)
    interval_minutes = fields.Integer(string="Minutes", required=True, readonly=True, default=60)
    usage = fields.Float(
        digits=(16, 3),
        readonly=True,
        help="What the meter registered in the interval, in the meter's unit.",
    )
    unit = fields.Selection(related="meter_id.unit")
    file_id = fields.Many2one(
        "utility.interval.file",
        readonly=True,
        index=True,
        ondelete="cascade",
        check_company=True,
    )

    _sql_constraints = [
        (
            "meter_start_uniq",
            "unique(meter_id, date_start)",
            "A meter has one interval read per interval start.",
        ),
        ("usage_check", "CHECK(usage >= 0)", "An interval's usage cannot be negative."),
        (
            "interval_minutes_check",
            "CHECK(interval_minutes BETWEEN 1 AND 1440)",
            "An interval lasts 1 minute to a day.",
        ),
    ]
