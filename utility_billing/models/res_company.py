# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    # ------------------------------------------------------------------
    # Read edits: thresholds of the checks run on every reading
    # ------------------------------------------------------------------
    utility_high_usage_percent = fields.Float(
        string="High Usage Threshold (%)",
        default=200.0,
        help="A reading whose consumption exceeds this percentage of the account's "
        "average consumption is held for review.",
    )
    utility_low_usage_percent = fields.Float(
        string="Low Usage Threshold (%)",
        default=25.0,
        help="A reading whose consumption is under this percentage of the account's "
        "average consumption is held for review.",
    )
    utility_usage_history_periods = fields.Integer(
        string="History Periods",
        default=12,
        help="How many previous readings make the average the high / low edits compare with.",
    )
    utility_usage_min_average = fields.Float(
        string="Minimum Average for High / Low",
        default=1.0,
        help="High / low edits are skipped while the average is below this consumption, "
        "so tiny users are not flagged on every read.",
    )
    utility_same_reading_periods = fields.Integer(
        string="Same Reading Periods",
        default=3,
        help="Flag a meter whose reading has not moved for this many periods in a row "
        "while its service is active (stuck meter).",
    )
    utility_max_consecutive_estimates = fields.Integer(
        string="Consecutive Estimates Allowed",
        default=2,
        help="An estimate beyond this many estimates in a row is held for review.",
    )
