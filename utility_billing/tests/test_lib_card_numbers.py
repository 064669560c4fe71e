# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import pytest

from odoo.addons.utility_billing.lib.card_numbers import (
    find_card_numbers,
    is_last_four,
    luhn_valid,
    mask,
)

# Test numbers published by the card networks: Luhn-valid, never real cards.
VISA = "4111111111111111"
AMEX = "378282246310005"
VISA_13 = "4222222222222"


@pytest.mark.parametrize("number", [VISA, AMEX, VISA_13, "5555555555554444", "79927398713"])
def test_luhn_valid_numbers(number):
    assert luhn_valid(number)


@pytest.mark.parametrize("number", ["4111111111111112", "1234567812345678", "", "41x1", "٤١١١"])
def test_luhn_invalid_numbers(number):
    assert not luhn_valid(number)


@pytest.mark.parametrize(
    "text",
    [
        VISA,
        AMEX,
        VISA_13,
        "4111 1111 1111 1111",
        "4111-1111-1111-1111",
        "3782 822463 10005",
        "card 4111111111111111 exp 12/27",
        "4111 1111 1111 1111 12 27",
        "paid with 5555-5555-5555-4444, cvv 123",
    ],
)
def test_card_numbers_are_found_written_any_way(text):
    assert find_card_numbers(text)


def test_nineteen_digit_card_numbers_are_found():
    number = "6" + "0" * 17
    digit = next(d for d in "0123456789" if luhn_valid(number + d))
    assert find_card_numbers(f"ref {number}{digit}") == [number + digit]


@pytest.mark.parametrize(
    "text",
    [
        None,
        "",
        "4242",
        "AUTH 836112",
        "check 1043",
        "4111111111111112",  # Luhn-invalid
        "411111111111",  # 12 digits
        "41111111111111111111",  # 20 digits in one number is a reference, not a card
        "Phone 555-123-4567",
        "UA000123 paid 2025-03-01",
    ],
)
def test_harmless_texts_pass(text):
    assert find_card_numbers(text) == []


def test_the_match_is_the_card_number_as_written():
    assert find_card_numbers("x 4111-1111-1111-1111 y") == ["4111-1111-1111-1111"]


def test_mask_keeps_only_the_last_four():
    assert mask("card 4111 1111 1111 1111 ok") == "card ****1111 ok"
    assert VISA not in mask(f"{VISA} and {AMEX}")
    assert mask("nothing here") == "nothing here"
    assert mask(None) is None


@pytest.mark.parametrize("value,ok", [("4242", True), ("0000", True), ("424", False),
                                      ("42424", False), ("42a2", False), ("", False),
                                      (None, False), (" 4242", False)])  # fmt: skip
def test_last_four_is_exactly_four_digits(value, ok):
    assert is_last_four(value) is ok
