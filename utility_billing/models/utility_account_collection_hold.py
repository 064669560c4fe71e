# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models

# "agency": proposing the account to the collection agency by the city's rule;
# "lien": proposing or certifying a lien on the property.
COLLECTION_STEPS = ("late_fee", "notice", "door_hanger", "shutoff", "agency", "lien")


class UtilityAccount(models.Model):
    """What holds an account back from a collections step: the one place the
    delinquency run's late fees, notices, door hangers and shut-off list ask.

    Each kind of hold (payment arrangement, bankruptcy stay, moratorium...)
    extends :meth:`_get_collection_holds` in the file of its own concern:
    call ``super()`` and add the accounts it holds with ``setdefault`` so the
    first reason found stays the one a clerk reads.
    """

    _inherit = "utility.account"  # pylint: disable=consider-merging-classes-inherited

    def _get_collection_holds(self, day, step):
        """Why each account of ``self`` is held from collections ``step`` on ``day``.

        :param day: the date the step is taken (the run's fee date, the notice
                    date, the day the crew goes out)
        :param step: one of ``COLLECTION_STEPS``
        :return: {account id: reason in plain office English} for the held
                 accounts only; an account missing from it is not held.
        """
        assert step in COLLECTION_STEPS, step
        holds = {}
        for account in self:
            if account._is_bankruptcy_stayed(day):
                holds[account.id] = self.env._("bankruptcy")
            elif account._is_estate_held(day):
                holds[account.id] = self.env._("estate")
        level_pay = self.filtered(lambda a: a.is_level_pay and a.id not in holds)
        for account in level_pay:
            if account.currency_id.compare_amounts(account.amount_current_due, 0) <= 0:
                holds[account.id] = self.env._("level pay installments paid")
        return holds
