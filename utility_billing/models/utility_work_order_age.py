# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from .fsm_order_type import WORK_KINDS
from .utility_work_order import WORK_STATES

AGE_BUCKETS = [
    ("0_2", "2 Days or Less"),
    ("3_7", "3 to 7 Days"),
    ("8_30", "8 to 30 Days"),
    ("31", "Over 30 Days"),
]


class UtilityWorkOrderAge(models.Model):
    """Open work orders by type, age and crew: one row per order still to do
    (or waiting for payment), aged in days since it was ordered, for the
    supervisor's weekly look at what the crews have not got to."""

    _name = "utility.work.order.age"
    _description = "Open Work Orders by Age"
    _auto = False
    _order = "age_days desc, id"

    work_order_id = fields.Many2one("utility.work.order", string="Order", readonly=True)
    type_id = fields.Many2one("fsm.order.type", readonly=True)
    kind = fields.Selection(WORK_KINDS, string="Does on Completion", readonly=True)
    team_id = fields.Many2one("fsm.team", string="Crew", readonly=True)
    state = fields.Selection(WORK_STATES, string="Status", readonly=True)
    premise_id = fields.Many2one("utility.service.location", readonly=True)
    account_id = fields.Many2one("utility.account", readonly=True)
    date_ordered = fields.Date(string="Ordered On", readonly=True)
    date_scheduled = fields.Date(string="Scheduled On", readonly=True)
    age_days = fields.Integer(string="Days Open", readonly=True, aggregator="max")
    age_bucket = fields.Selection(AGE_BUCKETS, string="Age", readonly=True)
    is_in_error = fields.Boolean(string="In Error", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)

    @property
    def _table_query(self):
        return """
            SELECT w.id AS id,
                   w.id AS work_order_id,
                   f.type AS type_id,
                   w.kind AS kind,
                   f.team_id AS team_id,
                   w.state AS state,
                   w.premise_id AS premise_id,
                   w.account_id AS account_id,
                   w.create_date::date AS date_ordered,
                   w.date_scheduled AS date_scheduled,
                   age.days AS age_days,
                   CASE WHEN age.days <= 2 THEN '0_2'
                        WHEN age.days <= 7 THEN '3_7'
                        WHEN age.days <= 30 THEN '8_30'
                        ELSE '31' END AS age_bucket,
                   w.is_in_error AS is_in_error,
                   f.company_id AS company_id
              FROM utility_work_order w
              JOIN fsm_order f ON f.id = w.fsm_order_id
             CROSS JOIN LATERAL (SELECT CURRENT_DATE - w.create_date::date AS days) age
             WHERE w.state IN ('open', 'hold')
        """
