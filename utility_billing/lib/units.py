# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Units of measure and exact conversion between volume units.

Meter sizes are the city's configuration (``utility.meter.size``): the rating
library receives their codes.
"""

from decimal import Decimal

UNITS = [
    ("gallon", "Gallons"),
    ("kgal", "Thousand Gallons"),
    ("cubic_foot", "Cubic Feet"),
    ("ccf", "CCF (100 Cubic Feet)"),
    ("kwh", "kWh"),
]

# US gallons in one unit. A cubic foot is 7.48051948... gallons (231 cubic inches a
# gallon, 1728 a cubic foot): kept as the exact ratio 1728/231 so conversions stay exact
# up to the final rounding.
_GALLONS_PER_UNIT = {
    "gallon": Decimal(1),
    "kgal": Decimal(1000),
    "cubic_foot": Decimal(1728) / Decimal(231),
    "ccf": Decimal(172800) / Decimal(231),
}


def convert(quantity, from_unit, to_unit):
    """Convert a volume between units.

    :param quantity: Decimal (or int / str) quantity in ``from_unit``
    :return: Decimal in ``to_unit``; unrounded, the caller rounds once at the end
    :raises ValueError: for units that are not both volumes (kWh to gallons...)
    """
    quantity = Decimal(quantity)
    if from_unit == to_unit:
        return quantity
    try:
        return quantity * _GALLONS_PER_UNIT[from_unit] / _GALLONS_PER_UNIT[to_unit]
    except KeyError as missing:
        raise ValueError(f"cannot convert {from_unit} to {to_unit}") from missing
