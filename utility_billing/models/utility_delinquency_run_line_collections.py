# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from .utility_collection_notice import NOTICE_KINDS, NOTICE_STATES
from .utility_shutoff_line import SHUTOFF_LINE_STATES

# The furthest a notice goes: a door hanger after a final notice after a past-due one.
_NOTICE_ORDER = {kind: rank for rank, (kind, _label) in enumerate(NOTICE_KINDS)}


class UtilityDelinquencyRunLine(models.Model):
    """The delinquency list with where collections stand: the furthest notice
    the run gave the customer and the account's place on the run's shut-off
    list (SPEC 2.9's delinquency list). Read, not stored: one search each for
    the whole list."""

    _inherit = "utility.delinquency.run.line"  # pylint: disable=consider-merging-classes-inherited

    notice_kind = fields.Selection(
        NOTICE_KINDS, string="Last Notice", compute="_compute_collections_state"
    )
    notice_state = fields.Selection(
        NOTICE_STATES, string="Notice Status", compute="_compute_collections_state"
    )
    shutoff_state = fields.Selection(
        SHUTOFF_LINE_STATES, string="Shut-off", compute="_compute_collections_state"
    )

    def _compute_collections_state(self):
        notices = {}
        for notice in self.env["utility.collection.notice"].search(
            [
                ("run_id", "in", self.run_id.ids),
                ("account_id", "in", self.account_id.ids),
                ("addressee", "=", "customer"),
            ]
        ):
            key = (notice.run_id.id, notice.account_id.id)
            kept = notices.get(key)
            if not kept or (_NOTICE_ORDER[notice.kind], notice.id) > (
                _NOTICE_ORDER[kept.kind],
                kept.id,
            ):
                notices[key] = notice
        shutoffs = {
            (line.run_id.id, line.account_id.id): line.state
            for line in self.env["utility.shutoff.line"].search(
                [("run_id", "in", self.run_id.ids), ("account_id", "in", self.account_id.ids)]
            )
        }
        for line in self:
            key = (line.run_id.id, line.account_id.id)
            notice = notices.get(key)
            line.notice_kind = notice.kind if notice else False
            line.notice_state = notice.state if notice else False
            line.shutoff_state = shutoffs.get(key, False)
