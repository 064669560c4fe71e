# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Pure rules of field work orders (no ORM)."""

from datetime import datetime
from urllib.parse import quote_plus

BUSINESS_HOURS = "reconnect"
AFTER_HOURS = "reconnect_after_hours"
WEEKEND_HOLIDAY = "reconnect_holiday"


def reconnect_fee_code(local_moment, working_hours, holidays):
    """The reconnect fee that applies to a reconnection done at ``local_moment``.

    Cities price a reconnection by when the crew does it: during business hours,
    after hours on a working day, or on a weekend or holiday (Grayville, IL,
    § 55.04: $50 Monday-Friday 7:30 a.m.-3:30 p.m., $100 after hours, on
    weekends or holidays).

    :param local_moment: naive datetime in the city's time zone
    :param working_hours: {weekday (0 = Monday): [(hour_from, hour_to), ...]} in
        decimal hours; a weekday absent from it is not a working day (weekend)
    :param holidays: set of dates the city's crews are off
    :return: one of BUSINESS_HOURS, AFTER_HOURS, WEEKEND_HOLIDAY
    """
    if not isinstance(local_moment, datetime):
        raise TypeError("local_moment must be a datetime")
    day_hours = working_hours.get(local_moment.weekday())
    if local_moment.date() in holidays or not day_hours:
        return WEEKEND_HOLIDAY
    hour = local_moment.hour + local_moment.minute / 60 + local_moment.second / 3600
    if any(start <= hour < end for start, end in day_hours):
        return BUSINESS_HOURS
    return AFTER_HOURS


def map_url(latitude=None, longitude=None, address=""):
    """A map link to the stop: its coordinates when known, else its address."""
    if latitude or longitude:
        return f"https://www.google.com/maps/search/?api=1&query={latitude:.7f},{longitude:.7f}"
    if address:
        return f"https://www.google.com/maps/search/?api=1&query={quote_plus(address)}"
    return ""


def route_sheet_key(route_code, read_sequence, time_window_rank, order_id):
    """Sort key of a stop on a crew's route sheet: the readers' walk order.

    Route by its code, then the premise's read sequence; stops without a route
    come last; orders at one premise by time window, then id.
    """
    return (
        0 if route_code is not None else 1,
        route_code or "",
        read_sequence or 0,
        time_window_rank,
        order_id,
    )
