# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from decimal import Decimal

from odoo import fields, models

from ..lib import late_fees


class AccountMove(models.Model):
    _inherit = "account.move"  # pylint: disable=consider-merging-classes-inherited

    utility_delinquency_run_id = fields.Many2one(
        "utility.delinquency.run",
        string="Delinquency Run",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The run that charged this late fee.",
    )

    def _get_bill_late_fees(self):
        """The late fee each bill gets if unpaid after its penalty date, by the
        rule of its account (zero for an exempt account).

        The base is the bill's own charges or its amount due (all of which is
        past due after the penalty date), as the rule says; the ledger amounts are read
        in one query for the batch.

        :return: {move id: Decimal fee}
        """
        result = super()._get_bill_late_fees()
        bills = self.filtered("utility_date_penalty")
        if not bills:
            return result
        rules = self.env["utility.late.fee.rule"]._get_rules(bills.utility_account_id)
        holds = bills.utility_account_id._get_collection_holds(
            fields.Date.context_today(self), "late_fee"
        )
        ledger = bills._get_bill_ledger_amounts()
        for move in bills:
            rule, exempt = rules[move.utility_account_id.id]
            if not rule:
                continue
            if exempt or move.utility_account_id.id in holds:
                result[move.id] = Decimal("0.00")
                continue
            amounts = ledger.get(move.id, {})
            base = {
                "current": Decimal(str(move.amount_total)),
                "bill": amounts.get("amount_due", Decimal(str(move.amount_total))),
                "past_due": amounts.get("amount_due", Decimal(str(move.amount_total))),
            }[rule.base]
            result[move.id] = late_fees.late_fee(rule._get_lib_rule(), base)
        return result
