# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Arithmetic of the rate what-if that needs no database: percentiles of a
usage distribution given as counts, the change in percent a council reads,
and the list of usages a clerk types for the table of bills.

The charges themselves come from ``lib/rating.py`` only.
"""

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction

PERCENTILES = (10, 50, 90)
# A typed list of usages: numbers separated by commas, semicolons or spaces.
_SEPARATORS = re.compile(r"[,;\s]+")
MAX_USAGES = 20


def weighted_percentile(counts, percent):
    """The ``percent``-th percentile of a distribution given as counts, with
    PostgreSQL's ``percentile_disc`` rule: the smallest value whose cumulative
    share of the items reaches ``percent`` / 100 (always a value that occurs).

    :param counts: iterable of (value, count), in any order, counts > 0
    :param percent: 0 to 100 (an int, Decimal or Fraction)
    :return: the value, or None for an empty distribution
    """
    items = sorted((value, count) for value, count in counts if count > 0)
    total = sum(count for _value, count in items)
    if not total:
        return None
    wanted = Fraction(percent) / 100 * total
    running = 0
    for value, count in items:
        running += count
        if running >= wanted:
            return value
    return items[-1][0]


def change_percent(before, after):
    """Change from ``before`` to ``after`` in percent, to a tenth, half-up
    (12.5 for 80.00 to 90.00); None when ``before`` is zero."""
    before, after = Decimal(before), Decimal(after)
    if not before:
        return None
    return ((after - before) * 100 / before).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def parse_usages(text):
    """Usages typed by a clerk ("0, 5, 10.5 20"): (sorted distinct Decimals,
    problems as sentences). Empty text gives no usage and no problem."""
    values, problems = set(), []
    for token in _SEPARATORS.split((text or "").strip()):
        if not token:
            continue
        try:
            value = Decimal(token)
        except InvalidOperation:
            problems.append(f"{token!r} is not a number")
            continue
        if not value.is_finite() or value < 0:
            problems.append(f"{token} is not a usage (0 or more)")
            continue
        values.add(value.normalize() if value else Decimal(0))
    if len(values) > MAX_USAGES:
        problems.append(f"at most {MAX_USAGES} usages (got {len(values)})")
    return sorted(values), problems
