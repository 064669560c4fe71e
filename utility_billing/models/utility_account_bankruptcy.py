# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class UtilityAccount(models.Model):
    """Bankruptcy and estate facts of an account.

    11 U.S.C. § 362 (the automatic stay): a bankruptcy petition stays the
    collection of debts that arose before it, while the stay lasts; charges for
    service after the petition are owed as usual (11 U.S.C. § 366 lets the
    utility ask for adequate assurance of payment of them). So the stay holds
    the account from notices, late fees, door hangers and shut-offs only
    between its dates, and the account shows what it owed at the petition
    (pre-petition) apart from what it was charged since (post-petition), both
    read from the ledger by date.
    """

    _inherit = "utility.account"  # pylint: disable=consider-merging-classes-inherited

    bankruptcy_case_number = fields.Char(tracking=True)
    date_petition = fields.Date(string="Petition Date", tracking=True)
    date_stay_start = fields.Date(
        string="Stay From", tracking=True, help="Empty: from the petition date."
    )
    date_stay_end = fields.Date(
        string="Stay Until",
        tracking=True,
        help="Last day of the automatic stay (relief from stay, dismissal or discharge); "
        "empty while it lasts.",
    )
    date_of_death = fields.Date(tracking=True)
    executor_partner_id = fields.Many2one(
        "res.partner", string="Executor", tracking=True, help="Who settles the estate."
    )
    amount_pre_petition = fields.Monetary(
        string="Pre-petition Balance",
        compute="_compute_petition_balances",
        help="Still owed on charges dated before the petition date.",
    )
    amount_post_petition = fields.Monetary(
        string="Post-petition Balance",
        compute="_compute_petition_balances",
        help="Still owed on charges dated on or after the petition date, less payments "
        "and credits since.",
    )

    @api.depends("date_petition")
    def _compute_petition_balances(self):
        """Open receivable items split at the petition date
        (``_get_open_balance_split``, one grouped query)."""
        split = self._get_open_balance_split(
            {a.id: a.date_petition for a in self if isinstance(a.id, int)}
        )
        for account in self:
            pre, post = split.get(account.id, (0, 0))
            account.amount_pre_petition = float(pre)
            account.amount_post_petition = float(post)

    def _is_bankruptcy_stayed(self, day):
        """Is the automatic stay in force on ``day``? A bankruptcy without dates
        holds as before (the clerk has not entered the court's dates yet)."""
        self.ensure_one()
        if not self.is_bankruptcy:
            return False
        start = self.date_stay_start or self.date_petition
        return (not start or start <= day) and (not self.date_stay_end or day <= self.date_stay_end)
