# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import models

from ..lib.bill_explain import explain_level_pay
from .account_move_bill import ZERO, _money


class AccountMove(models.Model):
    _inherit = "account.move"  # pylint: disable=consider-merging-classes-inherited

    def _get_bill_level_pay(self, amount_due, amount_current):
        """(deferral, message) of a level-pay bill: the deferred balance taken off
        what the ledger says is due (never below zero), printed as the summary's
        *Level Pay Deferral*, and the line that explains it. (0, None) off the plan.

        The deferred balance is the account's (``amount_deferred``), computed for
        the whole batch of accounts at once.
        """
        self.ensure_one()
        account = self.utility_account_id
        if not (account.is_level_pay and account.level_pay_date_start):
            return ZERO, None
        deferred = _money(account.amount_deferred)
        deferral = -min(max(deferred, ZERO), max(amount_due, ZERO))
        message = explain_level_pay(
            _money(account.level_pay_amount),
            amount_current,
            deferred,
            self.currency_id.symbol or "",
        )
        return deferral, message

    def _prefetch_bill_records(self):
        result = super()._prefetch_bill_records()
        accounts = self.utility_account_id
        accounts.fetch(["is_level_pay", "level_pay_amount", "level_pay_date_start"])
        return result
