# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models
from odoo.tools import format_amount

LANDLORD_INPUTS = [
    ("keep_on", "Landlord Asked to Keep Service On"),
    ("landlord_pays", "Landlord Pays"),
    ("shut_off", "Landlord Asked for the Shut-off"),
    ("no_answer", "Landlord Did Not Answer"),
]


class UtilityAccount(models.Model):
    """What the shut-off list reads of an account: the landlord's word and the
    past due, days past due and last payment on a day (broken arrangements:
    ``_get_broken_arrangement_counts`` of the arrangements)."""

    _inherit = "utility.account"  # pylint: disable=consider-merging-classes-inherited

    landlord_input = fields.Selection(
        LANDLORD_INPUTS,
        tracking=True,
        help="What the premise's owner told the office about this tenant's shut-off; "
        "the shut-off list sorts and filters on it.",
    )
    landlord_input_note = fields.Char(string="Landlord Note", tracking=True)

    def _get_shutoff_facts(self, day):
        """What the shut-off list says of each account of ``self`` on ``day``, read
        from the ledger in one query.

        :return: {account id: {"amount_due": past due on ``day`` (open receivable
                 items due before it), "date_oldest_due": due date of the oldest of
                 them, "date_last_payment": date of the last posted payment}}
        """
        if not self.ids:
            return {}
        self.env.flush_all()
        self.env.cr.execute(
            """
            SELECT a.id,
                   COALESCE(due.amount, 0), due.oldest, pay.last_date
              FROM utility_account a
              LEFT JOIN LATERAL (
                    SELECT SUM(l.amount_residual) AS amount,
                           MIN(COALESCE(l.date_maturity, l.date))
                               FILTER (WHERE l.amount_residual > 0) AS oldest
                      FROM account_move_line l
                      JOIN account_account acc
                        ON acc.id = l.account_id AND acc.account_type = 'asset_receivable'
                     WHERE l.utility_account_id = a.id AND l.parent_state = 'posted'
                       AND l.amount_residual != 0
                       AND (COALESCE(l.date_maturity, l.date) < %(day)s
                            OR l.amount_residual < 0)
                   ) due ON TRUE
              LEFT JOIN LATERAL (
                    SELECT MAX(p.date) AS last_date
                      FROM utility_payment_line pl
                      JOIN utility_payment p ON p.id = pl.payment_id
                     WHERE pl.account_id = a.id AND p.state = 'posted'
                   ) pay ON TRUE
             WHERE a.id = ANY(%(ids)s)
            """,
            {"day": day, "ids": self.ids},
        )
        return {
            account_id: {
                "amount_due": float(amount),
                "date_oldest_due": oldest,
                "date_last_payment": last_payment,
            }
            for account_id, amount, oldest, last_payment in self.env.cr.fetchall()
        }

    def _get_collection_holds(self, day, step):
        """The city's thresholds hold an account from the shut-off: owing no more
        than the minimum balance, or past due fewer days than the minimum."""
        holds = super()._get_collection_holds(day, step)
        if step != "shutoff":
            return holds
        for company in self.company_id:
            accounts = self.filtered(lambda a, c=company: a.company_id == c and a.id not in holds)
            minimum = company.utility_shutoff_min_balance
            min_days = company.utility_shutoff_min_days
            if not accounts or not (minimum or min_days):
                continue
            currency = company.currency_id
            facts = accounts._get_shutoff_facts(day)
            for account in accounts:
                fact = facts[account.id]
                if minimum and currency.compare_amounts(fact["amount_due"], minimum) <= 0:
                    holds[account.id] = self.env._(
                        "owes %(amount)s past due, not more than the minimum of %(minimum)s",
                        amount=format_amount(self.env, fact["amount_due"], currency),
                        minimum=format_amount(self.env, minimum, currency),
                    )
                    continue
                oldest = fact["date_oldest_due"]
                days = (day - oldest).days if oldest else 0
                if min_days and days < min_days:
                    holds[account.id] = self.env._(
                        "past due %(days)s days, fewer than the %(minimum)s days a shut-off needs",
                        days=days,
                        minimum=min_days,
                    )
        return holds
