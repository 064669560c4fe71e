# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from decimal import Decimal

from odoo import models
from odoo.tools import format_amount, format_date


class UtilityAccount(models.Model):
    """The open balance split at a date, in one place: the bankruptcy petition
    (what the stay covers, and what is owed as usual) and the date of death
    (what the estate owes, and what was billed since). The account form, the
    account status letter and the payoff quote all read it from here."""

    _inherit = "utility.account"  # pylint: disable=consider-merging-classes-inherited

    def _get_open_balance_split(self, dates):
        """Open receivable items of each account split at its own date, one query.

        Payments and credits not matched to a bill count on the side of their own
        date, so a payment made after the split date lowers what is owed since.

        :param dates: {account id: date}; accounts missing from it are skipped
        :return: {account id: (before, since)} in Decimal, rounded to the cent
        """
        dates = {account_id: day for account_id, day in dates.items() if day}
        if not dates:
            return {}
        self.env["account.move.line"].flush_model()
        self.env.cr.execute(
            """
            SELECT s.id,
                   COALESCE(SUM(l.amount_residual) FILTER (WHERE l.date < s.day), 0),
                   COALESCE(SUM(l.amount_residual) FILTER (WHERE l.date >= s.day), 0)
              FROM unnest(%s::int[], %s::date[]) AS s(id, day)
              JOIN account_move_line l ON l.utility_account_id = s.id
              JOIN account_account acc
                ON acc.id = l.account_id AND acc.account_type = 'asset_receivable'
             WHERE l.parent_state = 'posted' AND NOT l.reconciled
             GROUP BY s.id
            """,
            [list(dates), list(dates.values())],
        )
        cent = Decimal("0.01")
        split = {account_id: (Decimal(0), Decimal(0)) for account_id in dates}
        for account_id, before, since in self.env.cr.fetchall():
            split[account_id] = (Decimal(before).quantize(cent), Decimal(since).quantize(cent))
        return split

    def _get_balance_split_values(self):
        """What a letter about the account's balance says of its split (the
        account status letter, the payoff quote): for an account in bankruptcy
        the pre- and post-petition balances with the petition date and case
        number; for an estate what was billed before and after the date of death.

        :return: {account id: {"petition": dict or None, "estate": dict or None}}
        """
        accounts = self.sudo()
        petitions = accounts._get_open_balance_split(
            {a.id: a.date_petition for a in accounts if a.is_bankruptcy}
        )
        deaths = accounts._get_open_balance_split(
            {a.id: a.date_of_death for a in accounts if a.is_estate}
        )
        values = {}
        for account in accounts:
            currency = account.currency_id

            def money(amount, currency=currency):
                return format_amount(self.env, float(amount), currency)

            petition = petitions.get(account.id)
            death = deaths.get(account.id)
            values[account.id] = {
                "petition": petition
                and {
                    "date": format_date(self.env, account.date_petition),
                    "case_number": account.bankruptcy_case_number or "",
                    "before": money(petition[0]),
                    "since": money(petition[1]),
                },
                "estate": death
                and {
                    "date": format_date(self.env, account.date_of_death),
                    "before": money(death[0]),
                    "since": money(death[1]),
                },
            }
        return values
