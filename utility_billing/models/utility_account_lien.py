# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class UtilityAccount(models.Model):
    """Which accounts the city liens: the rule behind Propose Liens."""

    _inherit = "utility.account"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _get_lien_proposals(self, day, account_ids=None):
        """The accounts of the current companies a lien is proposed for on ``day``.

        The rule (company settings): a closed account owing a balance, or an open
        one whose oldest unpaid charge is past due at least *Propose Liens on
        Open Accounts Past Due At Least (Days)* (Lockland, OH, § 1040.05 (d):
        "due and unpaid for at least 60 days"); either way owing more than
        *Propose Liens Over (Balance)*, with no lien not released, and not held
        from liens (``_get_collection_holds``: a bankruptcy stay, an estate, an
        arrangement kept, the collection agency...). One grouped query over the
        ledger for every account.

        :param account_ids: only these accounts (the check before creating)
        :return: [{"account": utility.account, "amount_balance": float,
                  "date_oldest_due": date or None}], largest balance first
        """
        self.env.flush_all()
        self.env.cr.execute(
            """
            SELECT a.id, SUM(l.amount_residual) AS balance,
                   MIN(COALESCE(l.date_maturity, l.date))
                       FILTER (WHERE l.amount_residual > 0) AS oldest
              FROM account_move_line l
              JOIN account_account acc
                ON acc.id = l.account_id AND acc.account_type = 'asset_receivable'
              JOIN utility_account a ON a.id = l.utility_account_id
              JOIN res_company c ON c.id = a.company_id
             WHERE l.parent_state = 'posted'
               AND l.amount_residual != 0
               AND a.company_id = ANY(%(company_ids)s)
               AND (%(all)s OR a.id = ANY(%(account_ids)s))
               AND NOT EXISTS (
                       SELECT 1 FROM utility_lien li
                        WHERE li.account_id = a.id AND li.state != 'released')
             GROUP BY a.id, a.state, a.name, c.utility_lien_propose_min_balance,
                      c.utility_lien_propose_days
            HAVING SUM(l.amount_residual) > COALESCE(c.utility_lien_propose_min_balance, 0)
               AND (a.state = 'closed'
                    OR MIN(COALESCE(l.date_maturity, l.date))
                           FILTER (WHERE l.amount_residual > 0)
                       <= %(day)s::date - COALESCE(c.utility_lien_propose_days, 0))
             ORDER BY balance DESC, a.name
            """,
            {
                "company_ids": self.env.companies.ids,
                "all": account_ids is None,
                "account_ids": list(account_ids or []),
                "day": day,
            },
        )
        rows = self.env.cr.fetchall()
        accounts = self.browse([row[0] for row in rows])
        holds = accounts._get_collection_holds(day, "lien")
        return [
            {
                "account": account,
                "amount_balance": account.currency_id.round(float(balance)),
                "date_oldest_due": oldest,
            }
            for account, (_id, balance, oldest) in zip(accounts, rows, strict=True)
            if account.id not in holds
        ]
