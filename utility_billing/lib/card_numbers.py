# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Find payment card numbers (PANs) in free text, so none is ever stored (SPEC 2.5, PCI DSS).

A card payment keeps the processor's reference, the brand and the last four
digits. Anything a clerk types that looks like a full card number is refused:
13 to 19 digits passing the Luhn check, written together or in groups separated
by spaces or dashes ("4111 1111 1111 1111", "4111-1111-1111-1111"). A card
number followed by something else in the same run of groups ("4111 1111 1111
1111 12/27") is found too: every sequence of whole groups is checked.
"""

import re

PAN_MIN_DIGITS = 13
PAN_MAX_DIGITS = 19

# Runs of digit groups separated by one space or dash.
_RUN = re.compile(r"[0-9]+(?:[ -][0-9]+)*")
_LAST_FOUR = re.compile(r"[0-9]{4}")


def luhn_valid(digits):
    """True when the string of digits passes the Luhn (mod 10) check."""
    if not digits or not digits.isascii() or not digits.isdigit():
        return False
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def _is_pan(digits):
    return PAN_MIN_DIGITS <= len(digits) <= PAN_MAX_DIGITS and luhn_valid(digits)


def find_card_numbers(text):
    """Every substring of ``text`` that looks like a full card number.

    :return: the matches as written (with their separators), in order
    """
    if not text:
        return []
    found = []
    for run in _RUN.finditer(str(text)):
        groups = re.split(r"[ -]", run.group())
        if len(groups) == 1:
            # One unseparated number: a card number is the whole of it, never a
            # slice (a 20-digit reference is not a card number).
            if _is_pan(groups[0]):
                found.append(run.group())
            continue
        found += _scan_groups(run.group(), groups)
    return found


def _scan_groups(text, groups):
    """Card numbers made of consecutive whole groups of one separated run."""
    starts = []
    position = 0
    for group in groups:
        starts.append(position)
        position += len(group) + 1
    found = []
    start = 0
    while start < len(groups):
        match_end = None
        digits = ""
        for end in range(start, len(groups)):
            digits += groups[end]
            if len(digits) > PAN_MAX_DIGITS:
                break
            if _is_pan(digits):
                match_end = end
        if match_end is None:
            start += 1
            continue
        found.append(text[starts[start] : starts[match_end] + len(groups[match_end])])
        start = match_end + 1
    return found


def is_last_four(value):
    """True when ``value`` is exactly four digits."""
    return bool(value) and bool(_LAST_FOUR.fullmatch(value))


def mask(text):
    """``text`` with each card number found replaced by its last four digits."""
    if not text:
        return text
    for number in find_card_numbers(text):
        digits = re.sub(r"[^0-9]", "", number)
        text = text.replace(number, f"****{digits[-4:]}")
    return text
