# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..lib import leak_detection


class ResCompany(models.Model):
    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

    # Badger Meter's EyeOnWater and the City of Round Rock, TX: water flowing
    # without stopping for 24 hours (see lib/leak_detection.py).
    utility_leak_flow_hours = fields.Integer(
        string="Continuous Flow Alert After (Hours)",
        default=24,
        help="A meter whose interval reads never drop to the threshold below for this many "
        "hours in a row gets a continuous flow alert.",
    )
    utility_leak_flow_min_per_hour = fields.Float(
        string="Flowing Above (Gallons per Hour)",
        default=0.0,
        digits=(16, 2),
        help="An hour counts as flowing when the meter used more than this. 0: any use at "
        "all. EyeOnWater suggests 1 gallon an hour to its customers.",
    )
    utility_leak_jump_days = fields.Integer(
        string="Usage Jump Over (Days)",
        default=2,
        help="The last days of interval reads compared with the meter's usual use per day.",
    )
    utility_leak_jump_factor = fields.Float(
        string="Usage Jump Factor",
        default=3.0,
        digits=(16, 2),
        help="A jump is usage per day above this many times the usual use per day.",
    )
    utility_leak_jump_min_gallons = fields.Float(
        string="Usage Jump At Least (Gallons per Day)",
        default=150.0,
        digits=(16, 2),
        help="Below this many gallons a day no jump is flagged, so that tiny accounts are "
        "not alerted for a few gallons.",
    )
    utility_leak_baseline_days = fields.Integer(
        string="Usual Use Averaged Over (Days)",
        default=90,
        help="The usual use per day is the average of this many days before the jump window.",
    )
    utility_leak_call_user_id = fields.Many2one(
        "res.users",
        string="Leak Alert Calls Go To",
        help="The clerk who gets the 'call the customer' activity of a leak alert whose "
        "customer has no e-mail address. Empty: whoever ran the check.",
    )

    @api.constrains(
        "utility_leak_flow_hours",
        "utility_leak_flow_min_per_hour",
        "utility_leak_jump_days",
        "utility_leak_jump_factor",
        "utility_leak_jump_min_gallons",
        "utility_leak_baseline_days",
    )
    def _check_utility_leak_rules(self):
        for company in self:
            problems = company._get_utility_leak_rules().problems()
            if problems:
                raise ValidationError(
                    self.env._("Leak alerts: %(problems)s.", problems="; ".join(problems))
                )

    def _get_utility_leak_rules(self):
        """The company's leak alert settings as the detection reads them."""
        self.ensure_one()
        return leak_detection.LeakRules(
            flow_hours=self.utility_leak_flow_hours,
            flow_min_per_hour=self.utility_leak_flow_min_per_hour,
            jump_days=self.utility_leak_jump_days,
            jump_factor=self.utility_leak_jump_factor,
            jump_min_per_day=self.utility_leak_jump_min_gallons,
            baseline_days=self.utility_leak_baseline_days,
        )
