# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Collection notice dates: the shut-off date a final notice may announce, no ORM.

A city's law sets the least notice a customer gets before a shut-off for
non-payment, in business days (e.g. 7 business days for an owner) or in
hours (e.g. 72 hours for a tenant). Business days skip Saturdays, Sundays and
the city's holidays (``late_fees.add_grace_days``, the late fees' own count).
A notice counts from the end of the day it is dated (it goes out in that
day's mail or is hung that evening), and a shut-off is only ever announced
for a business day.
"""

from datetime import timedelta

from .late_fees import add_grace_days


def is_business_day(day, holidays=()):
    return day.weekday() < 5 and day not in holidays


def next_business_day(day, holidays=()):
    """``day`` itself when it is a business day, else the next one."""
    while not is_business_day(day, holidays):
        day += timedelta(days=1)
    return day


def shutoff_after_business_days(day, business_days, holidays=()):
    """The first day a shut-off may be done ``business_days`` business days after
    a notice dated ``day``.

    >>> from datetime import date
    >>> shutoff_after_business_days(date(2025, 11, 24), 7, {date(2025, 11, 27)})
    datetime.date(2025, 12, 4)
    """
    return next_business_day(
        add_grace_days(day, business_days, working_days=True, holidays=holidays), holidays
    )


def shutoff_after_hours(day, hours, holidays=()):
    """The first business day that starts at least ``hours`` hours after the
    end of ``day`` (the notice's date).

    >>> from datetime import date
    >>> shutoff_after_hours(date(2025, 11, 24), 72)
    datetime.date(2025, 11, 28)
    """
    whole_days = -(-hours // 24)  # 72 hours -> 3 days, 73 hours -> 4 days
    return next_business_day(day + timedelta(days=1 + whole_days), holidays)


def shutoff_date(day, holidays=(), business_days=0, hours=0):
    """The shut-off date a notice dated ``day`` may announce when every one of
    its recipients must get its lead time: the latest of the business-day rule
    (owners, landlords) and the hours rule (tenants); 0 means the rule does not
    apply to any recipient.
    """
    candidates = [next_business_day(day + timedelta(days=1), holidays)]
    if business_days:
        candidates.append(shutoff_after_business_days(day, business_days, holidays))
    if hours:
        candidates.append(shutoff_after_hours(day, hours, holidays))
    return max(candidates)
