# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from fractions import Fraction

from dateutil.relativedelta import relativedelta

from odoo import models


class UtilityBillBuilder(models.AbstractModel):
    _inherit = "utility.bill.builder"  # pylint: disable=consider-merging-classes-inherited

    def _prorate_service(self, service, period, period_factor, months):
        """A suspended service (``utility.service.suspension``) is billed for the
        days it was delivered: its suspended days come off its days of service,
        and the rate's partial-period rule does the rest, as for a service that
        starts or stops inside the period. Usage is still what the meter read.

        Suspended for the whole period, an unmetered service is not billed.
        """
        period, factor, partial = super()._prorate_service(service, period, period_factor, months)
        if not period or not service.suspension_ids:
            return period, factor, partial
        suspended = self.env["utility.service.suspension"]._get_suspended_days(
            service, period["date_from"], period["date_to"]
        )
        if not suspended:
            return period, factor, partial
        days = (period["date_to"] - period["date_from"]).days
        if partial:
            served, period_days = partial[0] - suspended, partial[1]
        elif self.env.context.get("utility_prorate_to_day"):
            # Whole periods prorated to the day: the factor shrinks by the days away.
            served = days - suspended
            if served <= 0 and not service.service_type_id.is_metered:
                return None, None, None
            return period, self._exact_factor(Fraction(factor) * Fraction(served, days)), None
        else:
            start = period["date_from"]
            standard = (start + relativedelta(months=months) - start).days
            served, period_days = days - suspended, max(days, standard)
        if served <= 0 and not service.service_type_id.is_metered:
            return None, None, None
        return period, factor, (max(served, 0), period_days)
