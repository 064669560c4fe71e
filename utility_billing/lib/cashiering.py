# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The arithmetic of a cash drawer (SPEC 2.5). No Odoo import.

A cashier opens a drawer with a float, takes payments by tender and, at close,
counts what is in the drawer without seeing what the system expects (blind
count). The difference is the drawer's over / short. All amounts are Decimal
in the currency's unit (dollars with cents), never floats.
"""

from dataclasses import dataclass, field
from decimal import Decimal

CASH = "cash"
COUNTER_TENDERS = ("cash", "check", "card", "money_order")

# US currency in the order a cashier counts it: (value, kind).
DENOMINATIONS = (
    (Decimal("100.00"), "bill"),
    (Decimal("50.00"), "bill"),
    (Decimal("20.00"), "bill"),
    (Decimal("10.00"), "bill"),
    (Decimal("5.00"), "bill"),
    (Decimal("2.00"), "bill"),
    (Decimal("1.00"), "bill"),
    (Decimal("1.00"), "coin"),
    (Decimal("0.50"), "coin"),
    (Decimal("0.25"), "coin"),
    (Decimal("0.10"), "coin"),
    (Decimal("0.05"), "coin"),
    (Decimal("0.01"), "coin"),
)


def change_due(amount, tendered, tender):
    """Change handed back on a payment of ``amount`` for which the customer
    handed over ``tendered``.

    Only cash gives change: a check, card or money order pays its own amount
    (what it pays beyond the bills stays on the account as a credit). No
    tendered amount means the exact amount.
    """
    if tender != CASH or not tendered:
        return Decimal(0)
    return max(Decimal(tendered) - Decimal(amount), Decimal(0))


def cash_total(counts):
    """Total of a denomination count: ``counts`` is an iterable of (value, quantity)."""
    return sum((Decimal(value) * int(quantity) for value, quantity in counts), Decimal(0))


@dataclass
class DrawerCount:
    """The result of a blind count.

    :param expected: what the system expects per tender (cash includes the float)
    :param counted: what the cashier counted per tender
    :param difference: counted - expected per tender (positive: over)
    :param over_short: counted - expected in total (positive: over, negative: short)
    :param needs_approval: the total, or one tender, is off by more than the tolerance
    """

    expected: dict = field(default_factory=dict)
    counted: dict = field(default_factory=dict)
    difference: dict = field(default_factory=dict)
    over_short: Decimal = Decimal(0)
    needs_approval: bool = False

    @property
    def expected_total(self):
        return sum(self.expected.values(), Decimal(0))

    @property
    def counted_total(self):
        return sum(self.counted.values(), Decimal(0))


def count_drawer(opening_float, taken_by_tender, counted_by_tender, tolerance):
    """Compare the count of a drawer with what it should hold.

    :param opening_float: cash in the drawer when it was opened
    :param taken_by_tender: {tender: amount of the posted payments}
    :param counted_by_tender: {tender: amount counted}
    :param tolerance: largest over / short accepted without a supervisor. A
        tender off by more than it needs one too, even when the total balances:
        a check keyed as cash is short in one and over in the other.
    """
    tolerance = abs(Decimal(tolerance))
    expected = {tender: Decimal(0) for tender in COUNTER_TENDERS}
    for tender, amount in taken_by_tender.items():
        expected[tender] = expected.get(tender, Decimal(0)) + Decimal(amount)
    expected[CASH] += Decimal(opening_float)
    counted = {tender: Decimal(0) for tender in expected}
    for tender, amount in counted_by_tender.items():
        counted[tender] = counted.get(tender, Decimal(0)) + Decimal(amount)
        expected.setdefault(tender, Decimal(0))
    difference = {tender: counted[tender] - expected[tender] for tender in expected}
    over_short = sum(counted.values(), Decimal(0)) - sum(expected.values(), Decimal(0))
    needs_approval = abs(over_short) > tolerance or any(
        abs(value) > tolerance for value in difference.values()
    )
    return DrawerCount(expected, counted, difference, over_short, needs_approval)
