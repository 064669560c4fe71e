# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, format_date

AGING_AMOUNTS = ("amount_current", "amount_1_30", "amount_31_60", "amount_61_90", "amount_90_plus")


class UtilityReceivableAging(models.Model):
    """Aged receivables by service (SPEC 2.9): what customers owed on a date,
    per service (water, sewer, garbage...) and age, from the posted journal
    items, tied to the receivable account's balance in the ledger.

    The open part of each bill is split over its services the way a payment is
    allocated (``utility.payment.poster._get_open_buckets``, ``lib/allocation``):
    each service's charges less what payments dated on or before the date were
    allocated to it; what else lowered the bill (a credit note, an adjustment, a
    payment registered in Odoo directly) comes off the services in the city's
    payment order (``payment_priority``), and a bill owing more than its
    services (a debit added to it) owes it on its first service in that order.
    Charges without a service (late, returned payment, reconnect fees) show as
    *Fees and Other Charges*, credits not yet applied as *Unapplied Credits*.
    Aged by due date: current (not yet due), 1-30, 31-60, 61-90, over 90 days
    past due (``lib.late_fees.aging_bucket``, as the delinquency run ages).
    """

    _name = "utility.receivable.aging"
    _description = "Aged Receivables by Service"
    _inherit = ["mail.thread", "utility.locked.fields.mixin"]
    _order = "date_aging desc, id desc"
    _check_company_auto = True

    date_aging = fields.Date(
        string="As Of",
        required=True,
        default=fields.Date.context_today,
        tracking=True,
        help="What customers owed at the end of this day.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    state = fields.Selection(
        [("draft", "Draft"), ("computed", "Computed")],
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
    )
    date_computed = fields.Datetime(string="Computed On", readonly=True)
    line_ids = fields.One2many("utility.receivable.aging.line", "aging_id", readonly=True)
    line_count = fields.Integer(readonly=True)
    amount_current = fields.Monetary(string="Not Yet Due", readonly=True, tracking=True)
    amount_1_30 = fields.Monetary(string="1-30 Days", readonly=True, tracking=True)
    amount_31_60 = fields.Monetary(string="31-60 Days", readonly=True, tracking=True)
    amount_61_90 = fields.Monetary(string="61-90 Days", readonly=True, tracking=True)
    amount_90_plus = fields.Monetary(string="Over 90 Days", readonly=True, tracking=True)
    amount_total = fields.Monetary(string="Total Receivable", readonly=True, tracking=True)
    amount_ledger = fields.Monetary(
        string="Receivable in the Ledger",
        readonly=True,
        tracking=True,
        help="Balance of the receivable accounts in the general ledger on the date "
        "(posted entries): the report's total must equal it.",
    )
    amount_difference = fields.Monetary(string="Difference", compute="_compute_amount_difference")

    @api.depends("amount_total", "amount_ledger")
    def _compute_amount_difference(self):
        for aging in self:
            aging.amount_difference = aging.currency_id.round(
                aging.amount_ledger - aging.amount_total
            )

    @api.depends("date_aging")
    def _compute_display_name(self):
        for aging in self:
            aging.display_name = self.env._(
                "Aged Receivables at %(date)s", date=format_date(self.env, aging.date_aging)
            )

    # ------------------------------------------------------------------
    # Written by Compute only (utility.locked.fields.mixin)
    # ------------------------------------------------------------------
    def _get_action_fields(self):
        return {"state", "date_computed", "line_count", "amount_total", "amount_ledger"} | set(
            AGING_AMOUNTS
        )

    def _get_action_fields_message(self, names, creating=False):
        return self.env._("The amounts of aged receivables come from Compute only.")

    def write(self, vals):
        # Another date or company: the lines computed no longer say the truth.
        if {"date_aging", "company_id"} & set(vals):
            computed = self.filtered(lambda aging: aging.state == "computed")
            if computed:
                computed.line_ids.sudo().unlink()
                computed._as_action().write({"state": "draft", "line_count": 0})
        return super().write(vals)

    # ------------------------------------------------------------------
    # Compute
    # ------------------------------------------------------------------
    def action_compute(self):
        today = fields.Date.context_today(self)
        late = self.filtered(lambda aging: aging.date_aging > today)
        if late:
            raise UserError(
                self.env._(
                    "Aged receivables are computed for today or a day before; %(date)s has "
                    "not come yet.",
                    date=format_date(self.env, late[0].date_aging),
                )
            )
        for aging in self:
            aging._compute_lines()
        return True

    def _compute_lines(self):
        """Replace the lines with the aging of the date, in one grouped query."""
        self.ensure_one()
        self.env.flush_all()
        cr = self.env.cr
        cr.execute(SQL("DELETE FROM utility_receivable_aging_line WHERE aging_id = %s", self.id))
        cr.execute(self._get_aging_query())
        cr.execute(
            SQL(
                """
                SELECT COUNT(*), %s, COALESCE(SUM(amount_total), 0)
                  FROM utility_receivable_aging_line WHERE aging_id = %s
                """,
                SQL(", ").join(
                    SQL("COALESCE(SUM(%s), 0)", SQL.identifier(name)) for name in AGING_AMOUNTS
                ),
                self.id,
            )
        )
        count, *amounts, total = cr.fetchone()
        self.env["utility.receivable.aging.line"].invalidate_model()
        self.invalidate_recordset(["line_ids"])
        self._as_action().write(
            dict(
                zip(AGING_AMOUNTS, amounts, strict=True),
                state="computed",
                date_computed=fields.Datetime.now(),
                line_count=count,
                amount_total=total,
                amount_ledger=self._get_ledger_balance(),
            )
        )

    def _get_ledger_balance(self):
        """The receivable accounts' balance in the general ledger on the date."""
        self.env.cr.execute(
            SQL(
                """
                SELECT COALESCE(SUM(l.balance), 0)
                  FROM account_move_line l
                  JOIN account_account a
                    ON a.id = l.account_id AND a.account_type = 'asset_receivable'
                 WHERE l.company_id = %(company)s AND l.parent_state = 'posted'
                   AND l.date <= %(date)s
                """,
                company=self.company_id.id,
                date=self.date_aging,
            )
        )
        return self.env.cr.fetchone()[0]

    def _get_aging_query(self):
        """INSERT of the lines: one grouped query over the posted journal items.

        Each receivable item's open part on the date is today's residual plus
        what was matched with it after the date (a reconciliation's date is the
        later of its two items'); items fully matched on or before the date owe
        nothing and are not read. That makes the total the ledger's balance on
        the date to the cent. The split over services mirrors
        ``lib.allocation.open_buckets``: services ordered by payment priority,
        then as the payment poster sorts its buckets.
        """
        uid = self.env.uid
        return SQL(
            """
            WITH later AS (
                SELECT debit_move_id AS line_id, amount
                  FROM account_partial_reconcile
                 WHERE max_date > %(date)s AND company_id = %(company)s
                 UNION ALL
                SELECT credit_move_id, -amount
                  FROM account_partial_reconcile
                 WHERE max_date > %(date)s AND company_id = %(company)s
            ),
            candidate AS (
                SELECT l.id
                  FROM account_move_line l
                 WHERE l.account_id IN (SELECT id FROM account_account
                                         WHERE account_type = 'asset_receivable')
                   AND l.full_reconcile_id IS NULL
                   AND l.company_id = %(company)s
                 UNION
                SELECT line_id FROM later
            ),
            item AS (
                SELECT l.id, l.move_id, l.utility_account_id, l.partner_id,
                       COALESCE(l.date_maturity, l.date) AS date_due,
                       l.amount_residual + COALESCE(SUM(lt.amount), 0) AS residual
                  FROM candidate c
                  JOIN account_move_line l ON l.id = c.id
                  JOIN account_account a
                    ON a.id = l.account_id AND a.account_type = 'asset_receivable'
                  LEFT JOIN later lt ON lt.line_id = l.id
                 WHERE l.company_id = %(company)s AND l.parent_state = 'posted'
                   AND l.date <= %(date)s
                 GROUP BY l.id
                HAVING l.amount_residual + COALESCE(SUM(lt.amount), 0) <> 0
            ),
            bill AS (SELECT DISTINCT move_id FROM item WHERE residual > 0),
            charged AS (
                SELECT l.move_id, l.utility_service_type_id AS service_type_id,
                       SUM(l.price_total) AS amount
                  FROM account_move_line l
                  JOIN bill b ON b.move_id = l.move_id
                 WHERE l.display_type = 'product'
                 GROUP BY 1, 2
            ),
            paid AS (
                SELECT al.bill_id AS move_id, al.service_type_id, SUM(al.amount) AS amount
                  FROM utility_payment_allocation al
                  JOIN bill b ON b.move_id = al.bill_id
                  JOIN utility_payment p ON p.id = al.payment_id
                 WHERE al.is_active AND p.date <= %(date)s
                 GROUP BY 1, 2
            ),
            bucket AS (
                SELECT i.id AS item_id, i.residual, c.service_type_id,
                       GREATEST(COALESCE(c.amount, 0) - COALESCE(pd.amount, 0), 0) AS amount_open,
                       COALESCE(st.payment_priority, 0) AS priority
                  FROM item i
                  LEFT JOIN charged c ON c.move_id = i.move_id
                  LEFT JOIN paid pd
                    ON pd.move_id = i.move_id
                   AND pd.service_type_id IS NOT DISTINCT FROM c.service_type_id
                  LEFT JOIN utility_service_type st ON st.id = c.service_type_id
                 WHERE i.residual > 0
            ),
            ranked AS (
                SELECT b.*,
                       SUM(amount_open) OVER (PARTITION BY item_id) - residual AS unknown,
                       SUM(amount_open) OVER w AS upto,
                       ROW_NUMBER() OVER w AS rank
                  FROM bucket b
                WINDOW w AS (
                    PARTITION BY item_id
                    -- The poster's order inside a bill: priority, then the
                    -- service id as text (no service last).
                    ORDER BY priority, COALESCE(service_type_id::text, 'False') COLLATE "C"
                    ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
                )
            ),
            part AS (
                SELECT item_id, service_type_id,
                       CASE WHEN unknown > 0 THEN LEAST(GREATEST(upto - unknown, 0), amount_open)
                            WHEN rank = 1 THEN amount_open - unknown
                            ELSE amount_open END AS amount
                  FROM ranked
                 UNION ALL
                SELECT id, NULL, residual FROM item WHERE residual < 0
            )
            INSERT INTO utility_receivable_aging_line (
                aging_id, company_id, account_id, partner_id, customer_class, cycle_id,
                service_type_id, line_kind,
                amount_current, amount_1_30, amount_31_60, amount_61_90, amount_90_plus,
                amount_total, create_uid, create_date, write_uid, write_date)
            SELECT %(aging)s, %(company)s, i.utility_account_id,
                   COALESCE(ua.partner_id, i.partner_id), ua.customer_class, ua.cycle_id,
                   p.service_type_id,
                   CASE WHEN p.service_type_id IS NOT NULL THEN 'service'
                        WHEN i.residual < 0 THEN 'credit' ELSE 'fee' END,
                   COALESCE(SUM(p.amount) FILTER (WHERE i.date_due >= %(date)s), 0),
                   COALESCE(SUM(p.amount) FILTER (
                       WHERE %(date)s - i.date_due BETWEEN 1 AND 30), 0),
                   COALESCE(SUM(p.amount) FILTER (
                       WHERE %(date)s - i.date_due BETWEEN 31 AND 60), 0),
                   COALESCE(SUM(p.amount) FILTER (
                       WHERE %(date)s - i.date_due BETWEEN 61 AND 90), 0),
                   COALESCE(SUM(p.amount) FILTER (WHERE %(date)s - i.date_due > 90), 0),
                   SUM(p.amount),
                   %(uid)s, now() at time zone 'UTC', %(uid)s, now() at time zone 'UTC'
              FROM part p
              JOIN item i ON i.id = p.item_id
              LEFT JOIN utility_account ua ON ua.id = i.utility_account_id
             WHERE p.amount <> 0
             GROUP BY 3, 4, 5, 6, 7, 8
            """,
            date=self.date_aging,
            company=self.company_id.id,
            aging=self.id,
            uid=uid,
        )

    # ------------------------------------------------------------------
    # Views and prints
    # ------------------------------------------------------------------
    def action_open_lines(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "utility_billing.utility_receivable_aging_line_action"
        )
        action["domain"] = [("aging_id", "=", self.id)]
        action["display_name"] = self.display_name
        return action

    def action_export_xlsx(self):
        self._check_computed()
        return self.env.ref("utility_billing.utility_receivable_aging_xlsx").report_action(self)

    def _check_computed(self):
        if any(aging.state != "computed" for aging in self):
            raise UserError(self.env._("Compute the aged receivables first."))
