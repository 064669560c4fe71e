# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Meter sizes, cart sizes and customer classes by code, for the fixtures."""


class ConfigListsMixin:
    @classmethod
    def _meter_size(cls, code):
        """The meter size of ``code`` (configuration list)."""
        return cls.env["utility.meter.size"]._get_by_code([code])[code]

    @classmethod
    def _cart_size(cls, code):
        """The cart size of ``code`` (configuration list)."""
        return cls.env["utility.cart.size"]._get_by_code([code])[code]

    @classmethod
    def _customer_class(cls, code):
        """The customer class of ``code`` (configuration list)."""
        return cls.env["utility.customer.class"]._get_by_code([code])[code]
