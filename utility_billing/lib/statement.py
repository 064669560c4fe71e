# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The statement of account's arithmetic (SPEC 2.5). No Odoo import.

A statement lists what moved on an account's receivable over a date range:
the opening balance (everything before the first day), each charge (bill,
fee) and each credit (payment, credit note, adjustment) in date order, the
balance after each, and the closing balance. Amounts are ``Decimal`` in
currency units, already rounded to the cent by the ledger: the running
balance only adds, so the closing balance is the ledger's balance to the cent.
"""

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass
class Entry:
    """One movement: positive ``amount`` is owed (a charge), negative is paid or credited."""

    date: object
    amount: Decimal
    sort_key: tuple = ()
    data: dict = field(default_factory=dict)
    balance: Decimal = Decimal(0)

    @property
    def charge(self):
        return self.amount if self.amount > 0 else Decimal(0)

    @property
    def credit(self):
        return -self.amount if self.amount < 0 else Decimal(0)


@dataclass
class Statement:
    opening: Decimal
    entries: list
    charges: Decimal
    credits: Decimal
    closing: Decimal


def build_statement(opening, entries):
    """Order ``entries`` by date (then ``sort_key``), give each the balance after
    it, starting from ``opening``, and total the charges and credits."""
    opening = Decimal(opening)
    ordered = sorted(entries, key=lambda entry: (entry.date, entry.sort_key))
    balance = opening
    charges = credits = Decimal(0)
    for entry in ordered:
        balance += entry.amount
        entry.balance = balance
        charges += entry.charge
        credits += entry.credit
    return Statement(
        opening=opening, entries=ordered, charges=charges, credits=credits, closing=balance
    )
